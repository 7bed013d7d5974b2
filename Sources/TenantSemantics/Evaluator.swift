import TenantDiagnostics
import TenantModel
import TenantSyntax

/// Why evaluation of a value stopped.
enum EvalFailure: Error {
    /// A diagnostic has been recorded; dependants stay quiet.
    case reported
    /// The value depends on a required field nobody set (tier self-check: skip, do not report).
    case pending
}

/// What a tenant (or a tier on its own) is evaluated as.
public struct EvaluationSubject: Sendable {
    public var tenantID: String
    public var tierName: String
    public var environment: String
    /// The tenant's (or tier's) header: where problems of the whole config point.
    public var headerSpan: Span
    /// A tier evaluated on its own: unset required fields are not errors.
    public var isTierSelfCheck: Bool
    public var origin: LayerOrigin
    /// The config's source did not parse: values its broken statements would have set are
    /// missing, so unset required fields are not reported on top of the syntax errors.
    public var afterSyntaxErrors = false
}

/// A comprehension variable: a plain value, or a record of the config tree (kept as a slot so
/// that `db.resources.cpu` reads the field itself and rules know which line set it).
enum LocalBinding {
    case value(Value)
    /// A record of the config, and its position among the children being iterated.
    case slot(Int32, ordinal: Int)
}

/// A definition of a field below the top one, as `super` reads it.
private struct LowerDefinition: Hashable {
    var slot: Int32
    var index: Int32
}

/// Evaluates one config: every field's final value, lazily and at most once, with late binding.
final class Evaluator {
    let schema: Schema
    let defs: DefinitionTable
    let subject: EvaluationSubject
    private(set) var diagnostics: [Diagnostic] = []

    private enum State: UInt8 { case fresh, running, done, failed, pending }
    // Raw buffers: the evaluator is the hot path, and arrays stored in a class pay for a
    // dynamic exclusivity check on every access.
    private let state: UnsafeMutableBufferPointer<State>
    /// An entry is initialised when its state becomes `done`, and read only then.
    private let memo: UnsafeMutablePointer<Value?>
    /// Slots being evaluated, innermost last: for cycle reports.
    private var stack: [Int32] = []
    private var locals: [LocalBinding] = []
    /// Where the comprehension variables of the definition being evaluated start in `locals`:
    /// a field read from inside a comprehension must not see that comprehension's variables.
    private var localsBase = 0
    /// Scratch bytes of the interpolations being evaluated, innermost last.
    private var text: [UInt8] = []
    private var reportedMissing: Set<Int32> = []
    /// The sizes of the lists and records built so far, as trees (`nested`).
    private var measures = ValueMeasures()
    /// What `super` read: the value of each lower definition, evaluated once.
    private var lowerValues: [LowerDefinition: Result<Value, EvalFailure>] = [:]
    /// Expressions evaluated and bytes built so far, against `EvaluationLimits`' budget.
    private var steps = 0
    private var allocated = 0
    /// The budget this config shares with the other configs of its file, if any; its steps are
    /// taken from it when the evaluator ends.
    private let shared: SharedBudget?
    /// `EvaluationLimits.maxSteps` and `maxAllocatedBytes`, or less when the shared budget has less left.
    private let stepLimit: Int
    private let byteLimit: Int
    private var reportedBudget = false
    /// The artifact's size as its fields are computed (hidden ones left out), when
    /// `countsOutput` (a build bounds artifacts; `check` renders none).
    private(set) var outputEstimate = OutputEstimate()
    var countsOutput = false
    /// When set, every field a rule reads directly is recorded here.
    var readLog: [Int32]?
    private let stackGuard = StackGuard()
    /// Set while a tier's self-check records what each value reads.
    let recorder: DependencyRecorder?
    /// The tier's values, reused for every field not in `dirty`.
    let baseline: Baseline?
    let dirty: [Bool]
    let subtreeDirty: [Bool]

    init(schema: Schema, defs: DefinitionTable, subject: EvaluationSubject, recorder: DependencyRecorder? = nil,
         baseline: Baseline? = nil, dirty: DirtySet? = nil, shared: SharedBudget? = nil) {
        self.schema = schema
        self.shared = shared
        stepLimit = min(EvaluationLimits.maxSteps, shared?.steps ?? .max)
        byteLimit = min(EvaluationLimits.maxAllocatedBytes, shared?.bytes ?? .max)
        self.defs = defs
        self.subject = subject
        self.recorder = recorder
        self.baseline = dirty == nil ? nil : baseline
        self.dirty = dirty?.dirty ?? []
        self.subtreeDirty = dirty?.subtreeDirty ?? []
        state = .allocate(capacity: schema.count)
        state.initialize(repeating: .fresh)
        memo = .allocate(capacity: max(schema.count, 1))
    }

    deinit {
        shared?.take(steps: steps, bytes: allocated)
        // Only computed entries were initialised: a tenant computes a few dozen of its tier's
        // hundreds of fields.
        for i in 0..<state.count where state[i] == .done { (memo + i).deinitialize(count: 1) }
        state.deallocate()
        memo.deallocate()
    }

    func report(_ d: Diagnostic) { diagnostics.append(d) }

    /// Appends the UTF-8 of `s` to `text` as one copy (the generic append of a UTF-8 view
    /// cost more than the bytes it copies).
    @inline(__always)
    private func appendText(_ s: String) {
        var s = s
        s.withUTF8 { bytes in text.append(contentsOf: bytes) }
    }

    /// Counts `count` steps; past the budget, reports the expression at `span` once and stops.
    @inline(__always)
    private func spend(steps count: Int, at span: Span) throws(EvalFailure) {
        steps &+= count
        if steps > stepLimit { throw budgetExhausted(at: span) }
    }

    /// Counts `bytes` built; past the budget, reports the expression at `span` once and stops.
    @inline(__always)
    private func spend(bytes: Int, at span: Span) throws(EvalFailure) {
        allocated &+= bytes
        if allocated > byteLimit { throw budgetExhausted(at: span) }
    }

    /// Bytes a freshly built value counts for: its string's bytes, or one value per item.
    @inline(__always)
    private func spend(on v: Value, at span: Span) throws(EvalFailure) {
        switch v {
        case .string(let s): try spend(bytes: s.utf8.count, at: span)
        case .list, .record:
            let m = measure(v)
            try spend(steps: m.visited, at: span)
            try spend(bytes: m.measure.bytes, at: span)
        default: break
        }
    }

    private func budgetExhausted(at span: Span) -> EvalFailure {
        guard !reportedBudget else { return .reported }
        reportedBudget = true
        let what = if steps <= stepLimit {
            byteLimit < EvaluationLimits.maxAllocatedBytes ? "the \(plural(byteLimit, "byte")) of values left of what its file's configs share"
                                                           : "\(EvaluationLimits.maxAllocatedBytes >> 20) MiB of values"
        } else if stepLimit < EvaluationLimits.maxSteps {
            "the \(plural(stepLimit, "step")) left of what its file's configs share"
        } else {
            "\(EvaluationLimits.maxSteps) steps"
        }
        diagnostics.append(.error(.evaluationBudget, "evaluating `\(subject.tenantID)` takes more than \(what)", at: span,
                                  label: "the budget ran out here",
                                  help: ["a formula does too much work, such as comprehensions nested in each other or a value repeated into itself"]))
        return .reported
    }

    private func fail(_ error: OperationError, at span: Span) -> EvalFailure {
        diagnostics.append(.error(error.code, error.message, at: span, help: error.help))
        return .reported
    }

    // MARK: - Fields

    /// The final value of a field; nil for an unset optional field.
    func value(_ slot: Int32) throws(EvalFailure) -> Value? {
        let i = Int(slot)
        if let recorder {
            if let reader = stack.last {
                recorder.dependents[i].append(reader)
            } else {
                recorder.ruleReads?.append(slot)
            }
        }
        switch state[i] {
        case .done: return memo[i]
        case .failed: throw .reported
        case .pending: throw .pending
        case .running: throw reportCycle(at: slot)
        case .fresh:
            if let baseline, i < baseline.count, !dirty[i] { return baseline.values[i] }
        }
        guard stack.count < EvaluationLimits.maxReferenceDepth, !stackGuard.isExhausted else {
            let depth = stack.count < EvaluationLimits.maxReferenceDepth ? "\(plural(stack.count, "field")) deep, more than this thread's stack holds"
                                                                         : "deeper than \(EvaluationLimits.maxReferenceDepth) fields"
            diagnostics.append(.error(.evaluationLimit, "references nest \(depth)",
                                      at: defs[i].last?.span ?? subject.headerSpan,
                                      help: ["a formula reads a field whose formula reads another field, and so on, too deeply"]))
            throw .reported
        }
        state[i] = .running
        stack.append(slot)
        defer { stack.removeLast() }
        do {
            let v = try compute(slot)
            (memo + i).initialize(to: v)
            state[i] = .done
            if countsOutput, let v, !schema.slots[i].isRecord { countOutput(slot, v) }
            return v
        } catch .pending {
            state[i] = .pending
            throw .pending
        } catch {
            state[i] = .failed
            throw .reported
        }
    }

    /// Adds a computed field to the artifact's estimate, unless the artifact does not show it.
    private func countOutput(_ slot: Int32, _ v: Value) {
        var s = slot
        while s >= 0 {
            if schema.slots[Int(s)].isHidden { return }
            s = schema.slots[Int(s)].parent
        }
        let valueBytes: Int = switch v {
        case .list, .record: measures.measure(v, depthLimit: EvaluationLimits.maxValueDepth).bytes
        case .string(let text): text.utf8.count
        default: 8
        }
        outputEstimate.add(slot, bytes: valueBytes &+ schema.slots[Int(slot)].name.utf8.count &+ OutputEstimate.entryOverhead)
    }

    private func compute(_ slot: Int32) throws(EvalFailure) -> Value? {
        let i = Int(slot)
        if schema.slots[i].isRecord {
            let children = schema.slots[i].children
            var r = Record()
            r.keys.reserveCapacity(children.count)
            r.values.reserveCapacity(children.count)
            for c in children {
                if let v = try value(c) { r.append(schema.slots[Int(c)].name, v) }
            }
            return .record(r)
        }
        let d = defs[i]
        guard let top = d.last else {
            if schema.slots[i].isOptional { return nil }
            throw missing(slot)
        }
        // A constant checked (and normalised) where it was written needs no second look.
        if top.isCheckedConstant, case .value(let e) = top.kind, let c = e.constantValue { return c }
        let v = try evaluateDefinition(slot, d.count - 1, top)
        if case .any = schema.slots[i].type { return v }
        // Type checks walk the value's whole tree.
        if case .list = v { try spend(steps: measure(v).measure.nodes, at: top.span) }
        if case .record = v { try spend(steps: measure(v).measure.nodes, at: top.span) }
        if schema.slots[i].type.accepts(v) { return v }
        switch schema.slots[i].type.conform(v) {
        case .success(let cv): return cv
        case .failure(let m):
            diagnostics.append(mismatchDiagnostic(m, field: schema.slots[i], at: top.span))
            throw .reported
        }
    }

    /// A required field with no value: pending in a tier self-check, an error for a tenant.
    private func missing(_ slot: Int32) -> EvalFailure {
        if subject.isTierSelfCheck || subject.afterSyntaxErrors { return .pending }
        if reportedMissing.insert(slot).inserted {
            let f = schema[slot]
            diagnostics.append(.error(.missingRequired, "tenant `\(subject.tenantID)` does not set the required field `\(f.path)`",
                                      at: subject.headerSpan, label: "missing `\(f.path)`",
                                      related: [DiagnosticLabel(f.declaredAt, "declared without a default in \(f.declaredBy.description)")],
                                      help: ["add `\(f.path) = …` (\(f.type.example)) to the tenant"]))
        }
        return .reported
    }

    /// The config as an artifact shows it: every field but the hidden ones (names starting
    /// with `_`), built from the memoised values.
    func artifact() throws(EvalFailure) -> Record {
        var unused: [Record?] = []
        return try artifactRecord(Schema.root, keeping: &unused)
    }

    /// The artifact, and the subtree of every record along the way (for a baseline).
    func artifactSubtrees() -> [Record?] {
        var records = [Record?](repeating: nil, count: schema.count)
        _ = try? artifactRecord(Schema.root, keeping: &records)
        return records
    }

    private func artifactRecord(_ slot: Int32, keeping records: inout [Record?]) throws(EvalFailure) -> Record {
        let i = Int(slot)
        // A subtree nothing of this tenant touched is the tier's own.
        var shared: [String] = []
        if let r = sharedSubtree(i) { return r }
        if let baseline, i < baseline.count { shared = baseline.artifactKeys[i] }
        let children = schema.slots[i].children
        var values: [Value] = []
        values.reserveCapacity(children.count)
        // The keys are the tier's own (one shared array) as long as they match them; they are
        // copied only from the first field this tenant adds or leaves out.
        var keys: [String]?
        for c in children {
            // Fields are read in place: copying a `Slot` would retain every reference it holds.
            if schema.slots[Int(c)].isHidden { continue }
            let v: Value
            if schema.slots[Int(c)].isRecord {
                v = .record(try artifactRecord(c, keeping: &records))
            } else if let value = try value(c) {
                v = value
            } else {
                continue
            }
            let k = values.count
            if keys == nil, k >= shared.count || shared[k] != schema.slots[Int(c)].name {
                keys = Array(shared[0..<min(k, shared.count)])
            }
            keys?.append(schema.slots[Int(c)].name)
            values.append(v)
        }
        if keys == nil, values.count != shared.count { keys = Array(shared[0..<values.count]) }
        let r = Record(keys: keys ?? shared, values: values)
        if !records.isEmpty { records[i] = r }
        return r
    }

    /// The baseline's artifact subtree of record `i`, when nothing of this tenant is under it.
    private func sharedSubtree(_ i: Int) -> Record? {
        guard let baseline, i < baseline.count, !subtreeDirty[i], !dirty[i] else { return nil }
        return baseline.records[i]
    }

    /// Walks the artifact `artifact()` would build, handing `visitor` the memoised values and the
    /// baseline's shared subtrees instead of building records for them.
    func walkArtifact(_ slot: Int32, _ visitor: any ConfigVisitor) throws {
        let i = Int(slot)
        if let r = sharedSubtree(i) {
            try visitor.record(r)
            return
        }
        try visitor.beginRecord()
        for c in schema.slots[i].children {
            let j = Int(c)
            // Fields are read in place: copying a `Slot` would retain every reference it holds.
            if schema.slots[j].isHidden { continue }
            // What this tenant did not change is its baseline's: the visitor may have kept it.
            if schema.slots[j].isRecord {
                if let r = sharedSubtree(j) {
                    try visitor.sharedEntry(c) {
                        try visitor.recordKey(schema.slots[j].name)
                        try visitor.record(r)
                    }
                    continue
                }
                try visitor.recordKey(schema.slots[j].name)
                try walkArtifact(c, visitor)
            } else if let baseline, reusesBaselineValue(j) {
                guard let v = baseline.values[j] else { continue }
                try visitor.sharedEntry(c) { try visitor.field(schema.slots[j].name, v) }
            } else if let v = try value(c) {
                try visitor.field(schema.slots[j].name, v)
            }
        }
        try visitor.endRecord()
    }

    /// Whether leaf `j` is its baseline's, never evaluated here: the artifact takes the
    /// baseline's value as it is.
    private func reusesBaselineValue(_ j: Int) -> Bool {
        guard let baseline else { return false }
        return j < baseline.count && !dirty[j] && state[j] == .fresh
    }

    /// The leaf values `walkArtifact` would hand over, by slot: nil for hidden fields, unset
    /// optional ones and records.
    func artifactFields() throws(EvalFailure) -> [Value?] {
        var out = [Value?](repeating: nil, count: schema.count)
        try collectArtifactFields(Schema.root, into: &out)
        return out
    }

    private func collectArtifactFields(_ slot: Int32, into out: inout [Value?]) throws(EvalFailure) {
        for c in schema.slots[Int(slot)].children {
            let j = Int(c)
            if schema.slots[j].isHidden { continue }
            if schema.slots[j].isRecord {
                try collectArtifactFields(c, into: &out)
            } else if let baseline, reusesBaselineValue(j) {
                out[j] = baseline.values[j]
            } else {
                out[j] = try value(c)
            }
        }
    }

    /// For each record, the keys of its artifact as this evaluation has it — fields it could not
    /// compute counted in, unset optional ones left out: the tier's, shared by its tenants.
    func artifactKeys() -> [[String]] {
        var keys = [[String]](repeating: [], count: schema.count)
        for i in 0..<schema.count where schema.slots[i].isRecord {
            for c in schema.slots[i].children where !schema.slots[Int(c)].isHidden {
                let j = Int(c)
                if !schema.slots[j].isRecord, state[j] == .done, memo[j] == nil { continue }
                keys[i].append(schema.slots[j].name)
            }
        }
        return keys
    }

    /// Every value, and whether it could be computed (for a baseline).
    func snapshot() -> (values: [Value?], available: [Bool]) {
        (state.indices.map { state[$0] == .done ? memo[$0] : nil }, state.map { $0 == .done })
    }

    /// Reports every required field left unset (even those nothing reads).
    func checkRequired(among fields: [Int32]) {
        guard !subject.isTierSelfCheck else { return }
        for s in fields where !schema[s].isRecord && !schema[s].isOptional && defs[Int(s)].isEmpty { _ = missing(s) }
    }

    /// The value of the `index`-th definition of a field (`super` reads the one below),
    /// evaluated once however many times the layers above read it.
    private func evaluateDefinition(_ slot: Int32, _ index: Int) throws(EvalFailure) -> Value {
        let key = LowerDefinition(slot: slot, index: Int32(truncatingIfNeeded: index))
        if let known = lowerValues[key] { return try known.get() }
        do {
            let v = try evaluateDefinition(slot, index, defs[Int(slot)][index])
            lowerValues[key] = .success(v)
            return v
        } catch {
            lowerValues[key] = .failure(error)
            throw error
        }
    }

    /// The value of the `index`-th definition of a field, checked against the field's type, or
    /// nil when it cannot be computed; whatever goes wrong computing it is not reported (the
    /// definition is below the one that decides the field).
    func quietDefinitionValue(_ slot: Int32, _ index: Int) -> Value? {
        let d = defs[Int(slot)]
        guard index >= 0, index < d.count else { return nil }
        let kept = diagnostics.count
        guard let v = try? evaluateDefinition(slot, index) else {
            diagnostics.removeSubrange(kept...)
            return nil
        }
        if case .success(let cv) = schema[slot].type.conform(v) { return cv }
        return nil
    }

    /// `def` is the `index`-th definition, when the caller has it at hand already.
    private func evaluateDefinition(_ slot: Int32, _ index: Int, _ def: Definition) throws(EvalFailure) -> Value {
        let outerBase = localsBase
        localsBase = locals.count
        defer { localsBase = outerBase }
        switch def.kind {
        case .value(let expr):
            if let c = expr.constantValue { return c }
            return try eval(expr, frame: Frame(slot: slot, below: index - 1))
        case .scale(let factor):
            guard index > 0 else { return try eval(factor, frame: Frame(slot: slot, below: -1)) }
            let lower = try evaluateDefinition(slot, index - 1)
            if case .unlimited = lower { return lower }
            let f = try eval(factor, frame: Frame(slot: slot, below: -1))
            do { return try Operators.multiply(lower, f) } catch { throw fail(error, at: def.span) }
        }
    }

    private func reportCycle(at slot: Int32) -> EvalFailure {
        guard let start = stack.lastIndex(of: slot) else { return .reported }
        var cycle = Array(stack[start...])
        // Rotate so the same cycle is reported the same way whichever field was evaluated first.
        if let m = cycle.indices.min(by: { cycle[$0] < cycle[$1] }) { cycle = Array(cycle[m...] + cycle[..<m]) }
        let names = cycle.map { "`\(schema[$0].path)`" } + ["`\(schema[cycle[0]].path)`"]
        var related: [DiagnosticLabel] = []
        for (k, s) in cycle.enumerated() {
            guard let d = defs[Int(s)].last else { continue }
            let next = schema[cycle[(k + 1) % cycle.count]].path
            related.append(DiagnosticLabel(d.span, "`\(schema[s].path)` reads `\(next)`"))
        }
        let primary = related.first?.span ?? subject.headerSpan
        var help: [String] = []
        if cycle.count == 1 {
            help.append("to build on the value of the layer below, write `super` instead of `\(schema[cycle[0]].path)`")
        } else {
            help.append("break the cycle: one of these fields must not depend on the others")
        }
        diagnostics.append(.error(.referenceCycle, "reference cycle: " + names.joined(separator: " → "), at: primary,
                                  label: related.first?.message ?? "", related: Array(related.dropFirst()), help: help))
        return .reported
    }

    // MARK: - Expressions

    struct Frame {
        /// The field whose definition is being evaluated (-1 for rules).
        var slot: Int32
        /// The definition `super` reads (-1: none).
        var below: Int
        static let none = Frame(slot: -1, below: -1)
    }

    private func read(_ slot: Int32, at span: Span) throws(EvalFailure) -> Value {
        readLog?.append(slot)
        guard let v = try value(slot) else {
            diagnostics.append(.error(.missingRequired, "`\(schema[slot].path)` is optional and has no value here", at: span,
                                      help: ["give `\(schema[slot].path)` a default, or set it before reading it"]))
            throw .reported
        }
        return v
    }

    func eval(_ e: BoundExpr, frame: Frame) throws(EvalFailure) -> Value {
        steps &+= 1
        if steps > stepLimit { throw budgetExhausted(at: e.span) }
        switch e {
        case .constant(let v):
            return v
        case .slot(let s, let span):
            return try read(s, at: span)
        case .slotChildren(let s, _):
            readLog?.append(s)
            var out: [Value] = []
            for c in schema[s].children {
                if let v = try value(c) { out.append(v) }
            }
            return .list(out)
        case .local(let i, _):
            switch locals[localsBase + i] {
            case .value(let v): return v
            case .slot(let s, _): return try value(s) ?? .record(Record())
            }
        case .localPath(let i, let names, let span):
            return try localPath(locals[localsBase + i], names, span)
        case .localSlotPath(let i, let names, let targets, let span):
            return try localSlotPath(i, names, targets, span)
        case .member(let base, let name, let span):
            return try member(try eval(base, frame: frame), name, span)
        case .children(let base, let span):
            let v = try eval(base, frame: frame)
            guard case .record(let r) = v else {
                diagnostics.append(.error(.notARecord, "`.*` needs a record, found \(describe(v))", at: span))
                throw .reported
            }
            try spend(bytes: r.count &* EvaluationLimits.valueBytes, at: span)
            return .list(r.values)
        case .builtin(let b, _):
            switch b {
            case .id:
                if let recorder {
                    if let reader = stack.last { recorder.readsTenantID[Int(reader)] = true } else { recorder.ruleReadsTenantID = true }
                }
                return .string(subject.tenantID)
            case .tier: return .string(subject.tierName)
            case .environment: return .string(subject.environment)
            }
        case .superValue(let span):
            return try superValue(span, frame)
        case .interpolation(let parts, let span):
            return try interpolate(parts, span, frame)
        case .list(let items, let span):
            var out: [Value] = []
            out.reserveCapacity(items.count)
            for x in items { out.append(try eval(x, frame: frame)) }
            if out.count > EvaluationLimits.maxListItems { throw fail(Operators.listTooLong(), at: span) }
            return try nested(.list(out), at: span)
        case .record(let keys, let values, let span):
            var r = Record()
            for (k, x) in zip(keys, values) { r.append(k, try eval(x, frame: frame)) }
            return try nested(.record(r), at: span)
        case .unary(let op, let x, let span):
            let v = try eval(x, frame: frame)
            switch op {
            case .negate:
                do { return try Operators.negate(v) } catch { throw fail(error, at: span) }
            case .not:
                guard case .bool(let b) = v else {
                    throw fail(OperationError(.operandTypes, "`!` needs a bool, found \(describe(v))"), at: span)
                }
                return .bool(!b)
            }
        case .binary(let op, let l, let r, let span):
            return try binary(op, l, r, span, frame)
        case .conditional(let c, let t, let f, _):
            let cv = try eval(c, frame: frame)
            guard case .bool(let b) = cv else {
                throw fail(OperationError(.operandTypes, "the condition of `if` must be a bool, found \(describe(cv))"), at: c.span)
            }
            return try eval(b ? t : f, frame: frame)
        case .call(let f, let args, let span):
            return try call(f, args, span, frame)
        case .comprehension(let element, let source, let condition, let span):
            return try comprehension(element, source, condition, span, frame)
        case .invalid:
            throw .reported
        }
    }

    /// A path on a comprehension variable bound to a record field: straight to the target field
    /// when the binder resolved it for this ordinal, else walked from the variable.
    private func localSlotPath(_ i: Int, _ names: [String], _ targets: [Int32], _ span: Span) throws(EvalFailure) -> Value {
        if case .slot(_, let k) = locals[localsBase + i], k < targets.count {
            let target = targets[k]
            if target >= 0 {
                if !schema.slots[Int(target)].isRecord { return try read(target, at: span) }
                readLog?.append(target)
                return try value(target) ?? .record(Record())
            }
        }
        return try localPath(locals[localsBase + i], names, span)
    }

    private func superValue(_ span: Span, _ frame: Frame) throws(EvalFailure) -> Value {
        guard frame.slot >= 0, frame.below >= 0 else {
            diagnostics.append(.error(.invalidSuper, frame.slot >= 0 ? "`super` has no value here: nothing below this layer sets `\(schema[frame.slot].path)`"
                                                                     : "`super` is only meaningful in a field's value",
                                      at: span, help: ["`super` is the value the layers below gave this field"]))
            throw .reported
        }
        return try evaluateDefinition(frame.slot, frame.below)
    }

    /// The pieces go into the evaluator's scratch bytes (a nested interpolation writes above
    /// this one's), then into the string in one copy: no array of pieces, and no string regrown
    /// piece by piece.
    private func interpolate(_ parts: [BoundPart], _ span: Span, _ frame: Frame) throws(EvalFailure) -> Value {
        let start = text.count
        defer { text.removeLast(text.count - start) }
        for p in parts {
            switch p {
            case .text(let t): appendText(t)
            case .expression(let x):
                let v = try eval(x, frame: frame)
                if case .string(let piece) = v {
                    appendText(piece)
                } else {
                    do { appendText(try Operators.interpolated(v)) } catch { throw fail(error, at: x.span) }
                }
            }
            if text.count - start > EvaluationLimits.maxStringBytes { throw fail(Operators.stringTooLong(), at: span) }
        }
        try spend(bytes: text.count - start, at: span)
        return .string(text.withUnsafeBufferPointer { String(concatenatedUTF8: UnsafeBufferPointer(rebasing: $0[start...])) })
    }

    private func call(_ f: Function, _ args: [BoundExpr], _ span: Span, _ frame: Frame) throws(EvalFailure) -> Value {
        var values: [Value] = []
        values.reserveCapacity(args.count)
        for a in args { values.append(try eval(a, frame: frame)) }
        // Built-in functions walk their lists (each item is a step) and `len` its text.
        for case .list(let items) in values { try spend(steps: items.count, at: span) }
        if f == .len, case .string(let s)? = values.first { try spend(steps: s.utf8.count, at: span) }
        let result: Value
        do { result = try Operators.call(f, values) } catch { throw fail(error, at: span) }
        if f == .keys { try spend(on: result, at: span) }
        return result
    }

    private func binary(_ op: BinaryOperator, _ l: BoundExpr, _ r: BoundExpr, _ span: Span, _ frame: Frame) throws(EvalFailure) -> Value {
        switch op {
        case .and, .or, .implies:
            let lv = try eval(l, frame: frame)
            guard case .bool(let a) = lv else {
                throw fail(OperationError(.operandTypes, "`\(op.rawValue)` needs bools, found \(describe(lv)) on its left"), at: l.span)
            }
            if op == .and && !a { return .bool(false) }
            if op == .or && a { return .bool(true) }
            if op == .implies && !a { return .bool(true) }
            let rv = try eval(r, frame: frame)
            guard case .bool(let b) = rv else {
                throw fail(OperationError(.operandTypes, "`\(op.rawValue)` needs bools, found \(describe(rv)) on its right"), at: r.span)
            }
            return .bool(b)
        default:
            let a = try eval(l, frame: frame)
            let b = try eval(r, frame: frame)
            if op == .equal || op == .notEqual || op == .contains {
                try refuseSecrets(op, a, b, span)
                // Comparing or searching text reads it: a byte is a step.
                if case .string(let x) = a, case .string(let y) = b { try spend(steps: x.utf8.count &+ y.utf8.count, at: span) }
            }
            let result: Value
            do { result = try Operators.binary(op, a, b) } catch { throw fail(error, at: span) }
            if op == .add { try spend(on: result, at: span) }
            return result
        }
    }

    /// `==`, `!=` and `in` on lists and records that hold a secret are refused like secrets
    /// themselves (`api_key in [api_key]`); the look counts against the budget.
    private func refuseSecrets(_ op: BinaryOperator, _ a: Value, _ b: Value, _ span: Span) throws(EvalFailure) {
        func isCollection(_ v: Value) -> Bool {
            switch v {
            case .list, .record: true
            default: false
            }
        }
        if op == .contains { guard case .list = b else { return } } else if !isCollection(a) && !isCollection(b) { return }
        do {
            try Operators.refuseSecrets(in: a, steps: &steps, limit: stepLimit)
            try Operators.refuseSecrets(in: b, steps: &steps, limit: stepLimit)
        } catch {
            throw fail(error, at: span)
        }
        if steps > stepLimit { throw budgetExhausted(at: span) }
    }

    private func comprehension(_ element: BoundExpr, _ source: BoundExpr, _ condition: BoundExpr?, _ span: Span,
                               _ frame: Frame) throws(EvalFailure) -> Value {
        var bindings: [LocalBinding] = []
        if case .slotChildren(let s, _) = source {
            bindings.reserveCapacity(schema[s].children.count)
            for (k, c) in schema[s].children.enumerated() {
                if schema[c].isRecord {
                    bindings.append(.slot(c, ordinal: k))
                } else if let v = try value(c) {
                    readLog?.append(c)
                    bindings.append(.value(v))
                }
            }
        } else {
            let sv = try eval(source, frame: frame)
            switch sv {
            case .list(let items): bindings = items.map { .value($0) }
            case .record(let r): bindings = r.values.map { .value($0) }
            default:
                throw fail(OperationError(.operandTypes, "`for … in` needs a list or a record, found \(describe(sv))"), at: source.span)
            }
        }
        var out: [Value] = []
        out.reserveCapacity(bindings.count)
        for b in bindings {
            locals.append(b)
            defer { locals.removeLast() }
            if let condition {
                let cv = try eval(condition, frame: frame)
                guard case .bool(let keep) = cv else {
                    throw fail(OperationError(.operandTypes, "the `if` of a comprehension must be a bool, found \(describe(cv))"), at: condition.span)
                }
                if !keep { continue }
            }
            out.append(try eval(element, frame: frame))
            if out.count > EvaluationLimits.maxListItems { throw fail(Operators.listTooLong(), at: span) }
        }
        return try nested(.list(out), at: span)
    }

    /// A freshly built list or record, refused when it nests too deep (deep values are freed,
    /// compared and rendered recursively).
    ///
    /// Its size counts as a tree: a list that holds another list ten times costs ten times that
    /// list, as every later walk of it (type checks, comparisons, rendering) does.
    private func nested(_ v: Value, at span: Span) throws(EvalFailure) -> Value {
        let m = measure(v)
        try spend(steps: m.visited, at: span)
        if m.measure.depth > EvaluationLimits.maxValueDepth { throw fail(Operators.tooDeep(), at: span) }
        try spend(bytes: m.measure.bytes, at: span)
        return v
    }

    /// `v`'s measure, and how many items were looked at to find it.
    private func measure(_ v: Value) -> (measure: ValueMeasure, visited: Int) {
        let before = measures.visited
        let m = measures.measure(v, depthLimit: EvaluationLimits.maxValueDepth)
        return (m, measures.visited &- before)
    }

    private func localPath(_ start: LocalBinding, _ names: [String], _ span: Span) throws(EvalFailure) -> Value {
        var binding = start
        for (k, name) in names.enumerated() {
            switch binding {
            case .slot(let s, _):
                guard let c = schema.child(s, name) else {
                    var help: [String] = []
                    if let sug = suggestion(for: name, among: schema[s].children.map { schema[$0].name }) { help.append("did you mean `\(sug)`?") }
                    diagnostics.append(.error(.noSuchMember, "`\(schema[s].path)` has no field `\(name)`", at: span, help: help))
                    throw .reported
                }
                if schema[c].isRecord {
                    binding = .slot(c, ordinal: Int.max)
                } else {
                    let v = try read(c, at: span)
                    if k == names.count - 1 { return v }
                    binding = .value(v)
                }
            case .value(let v):
                binding = .value(try member(v, name, span))
            }
        }
        switch binding {
        case .value(let v): return v
        case .slot(let s, _):
            readLog?.append(s)
            return try value(s) ?? .record(Record())
        }
    }

    private func member(_ v: Value, _ name: String, _ span: Span) throws(EvalFailure) -> Value {
        guard case .record(let r) = v else {
            diagnostics.append(.error(.noSuchMember, "cannot read `.\(name)` of \(describe(v))", at: span))
            throw .reported
        }
        guard let m = r[name] else {
            var help: [String] = []
            if let sug = suggestion(for: name, among: r.keys) { help.append("did you mean `\(sug)`?") }
            diagnostics.append(.error(.noSuchMember, "the record has no field `\(name)`", at: span, help: help))
            throw .reported
        }
        return m
    }
}
