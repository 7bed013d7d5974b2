import TenantDiagnostics
import TenantModel
import TenantSyntax

/// What one layer does to a config's definitions, in statement order.
public enum LayerOp: Sendable {
    /// Push a definition on a leaf.
    case define(Int32, Definition)
    /// A record literal replaces a record: drop every lower definition under it.
    case clear(Int32)
    /// `scale … by …`: push the same scaling definition on each leaf.
    case scale([Int32], Definition)
}

/// An `env NAME { … }` block, kept until a tenant's environment is known.
public struct EnvBlock: Sendable {
    public var name: Name
    public var body: [Statement]
    /// The record the block was written in.
    public var base: Int32
    public var origin: LayerOrigin
}

/// The path of the field that holds a tenant's environment (the seed's place for it).
public let environmentFieldPath = ["tenant_info", "environment"]

/// Applies one layer's statements to a schema: declares fields, binds expressions, and
/// produces the ops, rules and `env` blocks of the layer. One builder per layer.
struct LayerBuilder {
    var schema: Schema
    var diagnostics: [Diagnostic] = []
    var ops: [LayerOp] = []
    var rules: [Rule] = []
    var envBlocks: [EnvBlock] = []
    /// In a tenant's body: the fields it sets with `=` (not those it declares), each with its
    /// definition — what a tier's `env` overlay must not change silently (W0317).
    var explicitValues: [Int32: Definition] = [:]

    let origin: LayerOrigin
    /// A root tier: every `=` outside `env` declares.
    let isRoot: Bool
    /// A tenant: may not lock or set locked fields.
    let isTenant: Bool
    /// Known environment names (for `env NAME` checks); empty when free-form.
    let environments: [String]
    /// The environment this builder applies an overlay for; nil outside `env` blocks.
    let overlayEnvironment: String?

    private enum Pending {
        case assign(targets: [Int32], Expr, Statement)
        case rule(RuleSeverity, Expr, Expr?, Statement)
    }
    private var pending: [Pending] = []
    /// Fields this layer declared by `=`: their type comes from their value.
    private var inferredHere: Set<Int32> = []

    init(schema: Schema, origin: LayerOrigin, isRoot: Bool, isTenant: Bool, environments: [String], overlayEnvironment: String? = nil) {
        self.schema = schema
        self.origin = origin
        self.isRoot = isRoot
        self.isTenant = isTenant
        self.environments = environments
        self.overlayEnvironment = overlayEnvironment
    }

    private var inEnv: Bool { overlayEnvironment != nil }

    private mutating func error(_ code: DiagnosticCode, _ message: String, _ span: Span, label: String = "",
                                related: [DiagnosticLabel] = [], help: [String] = [], fixes: [FixIt] = []) {
        guard keepsDiagnostics else { return countNotKept(1, at: span) }
        diagnostics.append(.error(code, message, at: span, label: label, related: related, help: help, fixes: fixes))
    }

    /// Most diagnostics one layer keeps: past them (a file of thousands of bad lines), errors
    /// are only counted, in one summary, so that memory does not grow with them.
    static let maxKeptDiagnostics = 1_000
    /// Where the summary of the errors not kept is, once there is one.
    private var notKeptSummary: Int?

    private var keepsDiagnostics: Bool { diagnostics.count < LayerBuilder.maxKeptDiagnostics }

    private mutating func countNotKept(_ count: Int, at span: Span) {
        if let k = notKeptSummary {
            diagnostics[k].countsFor += count
            return
        }
        notKeptSummary = diagnostics.count
        var summary = Diagnostic.error(.tooManyDiagnostics, "too many errors in \(origin.description): from here on they are counted, not shown",
                                       at: span, label: "the first error not shown")
        summary.countsFor = count
        diagnostics.append(summary)
    }

    // MARK: - Entry point

    /// Applies a body: declarations first (so order does not matter), then values, then rules.
    mutating func apply(_ body: [Statement]) {
        applyOverlay(body, base: Schema.root)
    }

    /// Applies a body written inside the record `base` (an `env` block nested in a record).
    mutating func applyOverlay(_ body: [Statement], base: Int32) {
        walk(body, base: base, declaring: isRoot && !inEnv)
        inferTypes()
        for p in pending {
            switch p {
            case .assign(let targets, let expr, let stmt):
                var setsExisting = false
                if case .assign = stmt.kind { setsExisting = true }
                for t in targets { assign(t, expr, stmt, setsExisting: setsExisting) }
            case .rule(let severity, let cond, let message, let stmt):
                bindRule(severity, cond, message, stmt)
            }
        }
    }

    // MARK: - Phase 1: declarations

    private mutating func walk(_ body: [Statement], base: Int32, declaring: Bool) {
        for stmt in body {
            switch stmt.kind {
            case .assign(let path, let value):
                if let colon = stmt.colonSpan {
                    colonForEquals(path, value: value, valueText: fileText(value.span), colon: colon, kind: .value,
                                   stmt: stmt, base: base, declaring: declaring)
                    continue
                }
                if stmt.locked, !checkLockAllowed(stmt) { continue }
                if declaring {
                    guard let slot = declarePath(path, base: base, leafValue: value, stmt: stmt) else { continue }
                    if stmt.locked { schema.lock(slot) }
                    if let doc = stmt.doc { schema[slot].doc = doc }
                } else {
                    let targets = resolve(path, base: base, stmt: stmt)
                    guard !targets.isEmpty else { continue }
                    if stmt.locked {
                        for t in targets { schema.lock(t) }
                    }
                    pending.append(.assign(targets: targets, value, stmt))
                }
            case .declare(let path, let type, let value):
                if value == nil, let habit = yamlHabit(path, type, base: base, declaring: declaring) {
                    colonForEquals(path, value: habit.value, valueText: quoteForSource(habit.text), colon: nil, kind: habit.kind,
                                   stmt: stmt, base: base, declaring: declaring)
                    continue
                }
                if inEnv {
                    error(.misplacedStatement, "fields cannot be declared inside `env`", stmt.span,
                          help: ["declare `\(path.text)` outside the `env` block and set it here with `=`"])
                    continue
                }
                if stmt.locked, !checkLockAllowed(stmt) { continue }
                declareTyped(path, type, value, stmt: stmt, base: base)
            case .block(let path, let inner):
                if stmt.locked, !checkLockAllowed(stmt) { continue }
                let slot: Int32?
                if declaring {
                    slot = declareRecordPath(path, base: base, stmt: stmt)
                } else {
                    let targets = resolve(path, base: base, stmt: stmt)
                    if targets.count > 1 {
                        for t in targets where schema[t].isRecord { walk(inner, base: t, declaring: false) }
                        continue
                    }
                    slot = targets.first
                    if let s = slot, !schema[s].isRecord {
                        error(.notARecord, "`\(schema[s].path)` is a \(schema[s].type.description), not a record", path.span,
                              help: ["set it with `\(path.text) = …`"])
                        continue
                    }
                }
                guard let s = slot else { continue }
                if let doc = stmt.doc { schema[s].doc = doc }
                walk(inner, base: s, declaring: declaring)
                if stmt.locked { schema.lock(s) }
            case .rule(let severity, let cond, let message):
                pending.append(.rule(severity, cond, message, stmt))
            case .env(let name, let inner):
                if inEnv {
                    error(.misplacedStatement, "`env` blocks cannot be nested", stmt.span)
                    continue
                }
                if !environments.isEmpty, !environments.contains(name.text) {
                    var help = ["the environments are \(environments.map { "`\($0)`" }.joined(separator: ", "))"]
                    var fixes: [FixIt] = []
                    if let s = suggestion(for: name.text, among: environments) {
                        help.insert("did you mean `\(s)`?", at: 0)
                        fixes.append(FixIt(name.span, s))
                    }
                    error(.unknownEnvironment, "unknown environment `\(name.text)`", name.span, help: help, fixes: fixes)
                    continue
                }
                envBlocks.append(EnvBlock(name: name, body: inner, base: base, origin: origin))
            case .scale(let pattern, let factor):
                guard inEnv else {
                    error(.misplacedStatement, "`scale` is only allowed inside an `env` block", stmt.span,
                          help: ["scaling depends on the environment: put it in `env development { … }`"])
                    continue
                }
                applyScale(pattern, factor, base: base, stmt: stmt)
            }
        }
    }

    // MARK: - `key: value`

    /// What a `key: value` was written as.
    enum ColonValue {
        /// `replicas: 3`, `enabled: true`
        case value
        /// `region: "eu-west-1"`: a type that is one string
        case stringType
        /// `tenant_name: Acme`: a type no one declared, named like a value
        case unknownType(String)
    }

    /// The field a path names at `base`, else the only field anywhere whose path ends with it
    /// (`region` → `tenant_info.region`); the candidates when several do.
    private func field(named path: Path, at base: Int32) -> (slot: Int32?, here: Bool, candidates: [Int32]) {
        guard let names = path.names, !names.isEmpty else { return (nil, false, []) }
        var cur = base
        var here = true
        for n in names {
            guard schema[cur].isRecord, let c = schema.child(cur, n.text) else {
                here = false
                break
            }
            cur = c
        }
        if here, !schema[cur].isRecord { return (cur, true, [cur]) }
        // The search of the whole config is for a diagnostic someone reads: past the ones kept
        // (a file of thousands of such lines), it is not made.
        guard keepsDiagnostics else { return (nil, false, []) }
        let suffix = "." + path.text
        var candidates: [Int32] = []
        for i in 0..<schema.count where !schema.slots[i].isRecord && schema.slots[i].name == names[names.count - 1].text {
            let p = schema.slots[i].path
            if p == path.text || p.hasSuffix(suffix) { candidates.append(Int32(i)) }
        }
        return (candidates.count == 1 ? candidates[0] : nil, false, candidates)
    }

    /// `region: "eu-west-1"` (a type that is one string) or `tenant_name: Acme` (a type that
    /// does not exist, named like a value, for a field that exists): YAML's `key: value`.
    private func yamlHabit(_ path: Path, _ type: TypeExpr, base: Int32, declaring: Bool) -> (value: Expr, text: String, kind: ColonValue)? {
        switch type.kind {
        case .stringLiteral(let s):
            return (Expr(.literal(.string(s)), type.span), s, .stringType)
        case .named(let n) where LayerBuilder.namedTypes[n.text] == nil:
            let found = field(named: path, at: base)
            guard found.slot != nil, found.here || !declaring else { return nil }
            return (Expr(.literal(.string(n.text)), type.span), n.text, .unknownType(n.text))
        default:
            return nil
        }
    }

    /// One error that says to write `=` — with the field's full path when it lives elsewhere
    /// (`region` → `tenant_info.region`) — then the statement is taken as that `=`, so that
    /// nothing follows from the mistake (no "required field not set" for the field meant).
    private mutating func colonForEquals(_ path: Path, value: Expr, valueText: String?, colon: Span?, kind: ColonValue,
                                         stmt: Statement, base: Int32, declaring: Bool) {
        var found = field(named: path, at: base)
        // Where `=` declares (a root tier), only the field at this very place is the one meant.
        if declaring, !found.here { found = (nil, false, []) }
        let basePath = schema[base].path
        var written = path.text
        var related: [DiagnosticLabel] = []
        var help: [String] = []
        var fixes: [FixIt] = []
        let shownValue = valueText.flatMap { $0.count <= 60 && !$0.contains("\n") ? $0 : nil } ?? "…"
        if let target = found.slot {
            let full = schema[target].path
            // Relative to the record the statement is written in, when the field is under it.
            if basePath.isEmpty {
                written = full
            } else if full.hasPrefix(basePath + ".") {
                written = String(full.dropFirst(basePath.count + 1))
            } else {
                written = full
                help.append("`\(full)` is not inside `\(basePath)`: set it outside this block")
            }
            if written != path.text {
                related.append(DiagnosticLabel(schema[target].declaredAt, "`\(full)` is declared here"))
            }
            if !stmt.locked, let valueText, written == full || full.hasPrefix(basePath + ".") {
                fixes.append(FixIt(stmt.span, "\(written) = \(valueText)"))
            }
        } else if found.candidates.count > 1 {
            let listed = found.candidates.prefix(4).map { "`\(schema[$0].path)`" }.joined(separator: ", ")
            help.append("write the path of the one meant, e.g. `\(schema[found.candidates[0]].path) = \(shownValue)`; "
                        + "the fields named `\(path.text)` are \(listed)\(found.candidates.count > 4 ? ", …" : "")")
        }
        let label: String
        switch kind {
        case .value: label = "`:` where `=` belongs"
        case .stringType: label = "this declares a new field `\(path.text)` whose type is the string \(shownValue)"
        case .unknownType(let name): label = "this declares a new field `\(path.text)` of type `\(name)`"
        }
        help.append("`name = value` sets a field; `name: Type` declares a new one")
        let message = found.slot == nil && found.candidates.count > 1
            ? "a field is set with `=`, not `:`; `\(path.text)` is a field of several records"
            : "a field is set with `=`, not `:`: write `\(written) = \(shownValue)`"
        let at = colon ?? stmt.span
        if keepsDiagnostics {
            var d = Diagnostic.error(.syntax, message, at: at, label: label, related: related, help: help, fixes: fixes)
            // The message quotes the value: one written for a secret field is not shown.
            d.quotes = [value.span]
            diagnostics.append(d)
        } else {
            countNotKept(1, at: at)
        }

        // Go on as if `=` had been written.
        if stmt.locked, !checkLockAllowed(stmt) { return }
        if declaring {
            // A root tier declares with `=`: unless the field is there already (a duplicate).
            if !found.here, let slot = declarePath(path, base: base, leafValue: value, stmt: Statement(.assign(path, value), span: stmt.span)),
               stmt.locked {
                schema.lock(slot)
            }
            return
        }
        guard let target = found.slot else { return }
        if stmt.locked { schema.lock(target) }
        pending.append(.assign(targets: [target], value, Statement(.assign(path, value), span: stmt.span)))
    }

    /// Refuses a field nested deeper than `Schema.maxDepth` records (reported once per layer).
    private mutating func checkDepth(under parent: Int32, at span: Span) -> Bool {
        guard schema[parent].depth + 1 > Schema.maxDepth else { return true }
        if !reportedDepth {
            reportedDepth = true
            error(.nestingTooDeep, "fields nest deeper than \(Schema.maxDepth) records", span,
                  help: ["flatten the configuration: no record needs to be this deep"])
        }
        return false
    }
    private var reportedDepth = false

    private mutating func checkLockAllowed(_ stmt: Statement) -> Bool {
        if isTenant {
            error(.misplacedStatement, "only tiers can lock fields", stmt.lockedSpan ?? stmt.span,
                  help: ["remove `locked`: a tenant's values are final for that tenant"])
            return false
        }
        if inEnv {
            error(.misplacedStatement, "`locked` is not allowed inside `env`", stmt.lockedSpan ?? stmt.span)
            return false
        }
        return true
    }

    /// Resolves an existing path (wildcards expand over existing children); reports unknown fields.
    private mutating func resolve(_ path: Path, base: Int32, stmt: Statement) -> [Int32] {
        var current: [Int32] = [base]
        for (i, seg) in path.segments.enumerated() {
            var next: [Int32] = []
            switch seg {
            case .wildcard(let sp):
                for c in current {
                    guard schema[c].isRecord else {
                        error(.notARecord, "`\(schema[c].path).*` needs a record", sp)
                        return []
                    }
                    next.append(contentsOf: schema[c].children)
                }
            case .name(let n):
                let single = current.count == 1
                for c in current {
                    if schema[c].isRecord, let child = schema.child(c, n.text) {
                        next.append(child)
                    } else if single {
                        reportUnknown(n, in: c, path: path, index: i, stmt: stmt)
                        return []
                    }
                }
            }
            current = next
            if current.isEmpty {
                error(.unknownField, "`\(path.text)` matches no field", path.span)
                return []
            }
        }
        return current
    }

    private mutating func reportUnknown(_ n: Name, in parent: Int32, path: Path, index: Int, stmt: Statement) {
        let p = schema[parent]
        guard keepsDiagnostics else { return countNotKept(1, at: n.span) }
        if !p.isRecord {
            error(.notARecord, "`\(p.path)` is a \(p.type.description), not a record, so it has no field `\(n.text)`", n.span)
            return
        }
        let siblings = p.children.map { schema[$0].name }
        var help: [String] = []
        var fixes: [FixIt] = []
        if let s = suggestion(for: n.text, among: siblings) {
            help.append("did you mean `\(s)`?")
            fixes.append(FixIt(n.span, s))
        }
        let where_ = p.path.isEmpty ? "the config" : "`\(p.path)`"
        if case .assign = stmt.kind, index == path.segments.count - 1 {
            help.append("to add a new field, declare it with a type: `\(path.text): Type = …`")
        }
        error(.unknownField, "unknown field `\(n.text)` in \(where_)", n.span, label: "not a field of \(where_)", help: help, fixes: fixes)
    }

    /// Root-style `a.b.c = value`: creates missing records on the way and the leaf (or record,
    /// for a record literal) at the end.
    private mutating func declarePath(_ path: Path, base: Int32, leafValue: Expr, stmt: Statement) -> Int32? {
        guard let names = path.names else {
            error(.misplacedStatement, "a declaration cannot use `*`", path.span)
            return nil
        }
        guard let parent = ensureRecords(names.dropLast(), base: base, stmt: stmt), let last = names.last else { return nil }
        if let existing = schema.child(parent, last.text) {
            let first = schema[existing]
            error(.duplicateField, "`\(first.path)` is declared twice", last.span, label: "declared again here",
                  related: [DiagnosticLabel(first.declaredAt, "first declared here")],
                  help: ["remove one of the two declarations"])
            return nil
        }
        guard checkDepth(under: parent, at: last.span) else { return nil }
        if case .record(let entries) = leafValue.kind {
            let slot = schema.add(name: last.text, parent: parent, isRecord: true, type: .any, locked: false, doc: stmt.doc,
                                  declaredAt: last.span, declaredBy: origin, inferred: false)
            declareRecordLiteral(entries, in: slot, stmt: stmt)
            return slot
        }
        let slot = schema.add(name: last.text, parent: parent, isRecord: false, type: .any, locked: false, doc: stmt.doc,
                              declaredAt: last.span, declaredBy: origin, inferred: true)
        inferredHere.insert(slot)
        pending.append(.assign(targets: [slot], leafValue, stmt))
        return slot
    }

    /// Fields of a record literal written where a root tier declares.
    private mutating func declareRecordLiteral(_ entries: [RecordEntry], in record: Int32, stmt: Statement) {
        for entry in entries {
            let path = Path(entry.path.map { .name($0) })
            _ = declarePath(path, base: record, leafValue: entry.value, stmt: Statement(.assign(path, entry.value), span: entry.value.span.union(path.span)))
        }
    }

    /// Creates (or opens) the records along `names` under `base`.
    private mutating func ensureRecords(_ names: ArraySlice<Name>, base: Int32, stmt: Statement) -> Int32? {
        var cur = base
        for n in names {
            if let c = schema.child(cur, n.text) {
                guard schema[c].isRecord else {
                    error(.notARecord, "`\(schema[c].path)` is a \(schema[c].type.description), not a record", n.span,
                          related: [DiagnosticLabel(schema[c].declaredAt, "declared here")])
                    return nil
                }
                cur = c
            } else {
                guard checkDepth(under: cur, at: n.span) else { return nil }
                cur = schema.add(name: n.text, parent: cur, isRecord: true, type: .any, locked: false, doc: nil,
                                 declaredAt: n.span, declaredBy: origin, inferred: false)
            }
        }
        return cur
    }

    private mutating func declareRecordPath(_ path: Path, base: Int32, stmt: Statement) -> Int32? {
        guard let names = path.names else {
            error(.misplacedStatement, "a declaration cannot use `*`", path.span)
            return nil
        }
        return ensureRecords(names[...], base: base, stmt: stmt)
    }

    /// `path: Type [= value]` — a new field anywhere.
    private mutating func declareTyped(_ path: Path, _ type: TypeExpr, _ value: Expr?, stmt: Statement, base: Int32) {
        guard let names = path.names, let last = names.last else {
            error(.misplacedStatement, "a declaration cannot use `*`", path.span)
            return
        }
        guard let parent = ensureRecords(names.dropLast(), base: base, stmt: stmt) else { return }
        if let existing = schema.child(parent, last.text) {
            let first = schema[existing]
            var help = ["remove the type to set the existing field: `\(path.text) = …`"]
            if first.declaredBy != origin { help = ["`\(path.text)` already exists (from \(first.declaredBy.description)): set it with `\(path.text) = …`"] }
            error(.duplicateField, "`\(first.path)` is already declared", last.span, label: "declared again here",
                  related: [DiagnosticLabel(first.declaredAt, "first declared here")], help: help)
            return
        }
        guard checkDepth(under: parent, at: last.span) else { return }
        if case .record(let body) = type.kind {
            let slot = schema.add(name: last.text, parent: parent, isRecord: true, type: .any, locked: stmt.locked, doc: stmt.doc,
                                  declaredAt: last.span, declaredBy: origin, inferred: false)
            walk(body, base: slot, declaring: true)
            if let value { pending.append(.assign(targets: [slot], value, stmt)) }
            return
        }
        if case .optional(let inner) = type.kind, case .record = inner.kind {
            error(.invalidType, "a record field cannot be optional", type.span,
                  help: ["declare its fields optional instead, or give them defaults"])
            return
        }
        let resolved = resolveType(type)
        let slot = schema.add(name: last.text, parent: parent, isRecord: false, type: resolved, locked: stmt.locked, doc: stmt.doc,
                              declaredAt: last.span, declaredBy: origin, inferred: false)
        if let value { pending.append(.assign(targets: [slot], value, stmt)) }
    }

    // MARK: - Types

    static let namedTypes: [String: FieldType] = [
        "bool": .bool, "int": .int, "float": .float, "string": .string, "size": .size, "duration": .duration,
        "cpu": .cpu, "percent": .percent, "cron": .cron, "cidr": .cidr, "email": .email, "secret": .secret, "any": .any,
    ]

    mutating func resolveType(_ t: TypeExpr) -> FieldType {
        switch t.kind {
        case .invalid: return .any
        case .named(let n):
            if let ft = LayerBuilder.namedTypes[n.text] { return ft }
            var help = ["the types are bool int float string size duration cpu percent cron cidr email secret"]
            var fixes: [FixIt] = []
            if let s = suggestion(for: n.text, among: LayerBuilder.namedTypes.keys.sorted()) {
                help.insert("did you mean `\(s)`?", at: 0)
                fixes.append(FixIt(n.span, s))
            }
            error(.invalidType, "unknown type `\(n.text)`", n.span, help: help, fixes: fixes)
            return .any
        case .stringLiteral(let s):
            return .enumeration([s])
        case .unlimited:
            return .orUnlimited(.any)
        case .union(let members):
            var strings: [String] = []
            var others: [TypeExpr] = []
            var hasUnlimited = false
            for m in members {
                switch m.kind {
                case .stringLiteral(let s): if !strings.contains(s) { strings.append(s) }
                case .unlimited: hasUnlimited = true
                default: others.append(m)
                }
            }
            if others.isEmpty, !strings.isEmpty {
                return hasUnlimited ? .orUnlimited(.enumeration(strings)) : .enumeration(strings)
            }
            if others.count == 1, strings.isEmpty, hasUnlimited { return .orUnlimited(resolveType(others[0])) }
            error(.invalidType, "a union is either string literals (`\"a\" | \"b\"`) or a type with `unlimited` (`int | unlimited`)", t.span)
            return .any
        case .list(let e):
            return .list(resolveType(e))
        case .optional(let inner):
            return .optional(resolveType(inner))
        case .record(let body):
            return .record(recordShape(body))
        case .bounded(let base, let lower, let upper):
            let bt = resolveType(base)
            func bound(_ e: Expr?) -> Value? {
                guard let e else { return nil }
                var binder = Binder(schema: Schema(rootSpan: e.span, origin: origin))
                let b = binder.bind(e)
                guard let v = b.constantValue else {
                    error(.invalidType, "a bound must be a constant like `1` or `10TiB`", e.span)
                    return nil
                }
                if case .failure = bt.conform(v, negativesAllowed: true) {
                    error(.invalidType, "bound \(v.sourceText) is not a \(bt.description)", e.span)
                    return nil
                }
                return v
            }
            return .bounded(bt, lower: bound(lower), upper: bound(upper))
        }
    }

    /// The shape of a record type used inside a list: `name: Type [= constant]` fields.
    private mutating func recordShape(_ body: [Statement]) -> RecordShape {
        var fields: [RecordShape.Field] = []
        for stmt in body {
            switch stmt.kind {
            case .declare(let path, let type, let value):
                guard let names = path.names, names.count == 1 else {
                    error(.invalidType, "fields of a record type are single names", path.span)
                    continue
                }
                var def: Value?
                let ft = resolveType(type)
                if let value {
                    var binder = Binder(schema: Schema(rootSpan: value.span, origin: origin))
                    let b = binder.bind(value)
                    if let v = b.constantValue {
                        switch ft.conform(v) {
                        case .success(let cv): def = cv
                        case .failure(let m): error(.typeMismatch, m.message, value.span, help: m.help)
                        }
                    } else {
                        error(.invalidType, "defaults inside a record type must be constants", value.span)
                    }
                }
                fields.append(.init(name: names[0].text, type: ft, defaultValue: def))
            case .assign(let path, let value):
                guard let names = path.names, names.count == 1 else {
                    error(.invalidType, "fields of a record type are single names", path.span)
                    continue
                }
                var binder = Binder(schema: Schema(rootSpan: value.span, origin: origin))
                let b = binder.bind(value)
                guard let v = b.constantValue else {
                    error(.invalidType, "defaults inside a record type must be constants", value.span)
                    continue
                }
                // The type is inferred from this very value, so only the sign can be wrong.
                if let negative = v.firstNegativeQuantity {
                    let m = FieldType.negativeQuantity(negative)
                    error(.outOfBounds, "field `\(names[0].text)`: \(m.message)", value.span, help: m.help)
                }
                fields.append(.init(name: names[0].text, type: Binder.type(of: v), defaultValue: v))
            default:
                error(.invalidType, "a record type holds field declarations only", stmt.span)
            }
        }
        return RecordShape(fields: fields)
    }

    // MARK: - Phase 2: values

    private mutating func bind(_ e: Expr) -> BoundExpr {
        var binder = Binder(schema: schema)
        let b = binder.bind(e)
        if keepsDiagnostics {
            diagnostics.append(contentsOf: binder.diagnostics)
        } else if let first = binder.diagnostics.first?.span {
            countNotKept(binder.diagnostics.count, at: first)
        }
        return b
    }

    /// `setsExisting`: the statement is `path = value` (a declaration's default is not).
    private mutating func assign(_ slot: Int32, _ expr: Expr, _ stmt: Statement, setsExisting: Bool) {
        // The slot's properties are read in place: copying a `Slot` retains all it holds.
        let i = Int(slot)
        if isTenant, schema.slots[i].locked {
            let lockSite = lockSite(of: slot)
            error(.lockedField, "`\(schema.slots[i].path)` is locked by its tier; a tenant cannot set it", stmt.span,
                  label: "set here", related: [DiagnosticLabel(lockSite.span, "locked in \(lockSite.origin.description)")],
                  help: ["the tier table is fixed per tier: move the tenant to another tier (`tenantc plan`), or define a custom tier that extends it"])
            return
        }
        if inEnv, schema.lookup(environmentFieldPath) == slot {
            error(.environmentOverride, "an `env` overlay cannot change the environment", stmt.span,
                  help: ["the environment selects the overlay; set `\(environmentFieldPath.joined(separator: "."))` in the tenant, or pass `--env`"])
            return
        }
        if schema.slots[i].isRecord {
            guard case .record(let entries) = expr.kind else {
                let b = bind(expr)
                if case .invalid = b { return }
                let path = schema.slots[i].path
                error(.notARecord, "`\(path)` is a record; replace it with a record literal `{ … }` or change its fields with `\(path) { … }`",
                      expr.span)
                return
            }
            if !isRoot || inEnv { ops.append(.clear(slot)) }
            var seenKeys: Set<[String]> = []
            for entry in entries {
                guard seenKeys.insert(entry.path.map(\.text)).inserted else {
                    error(.duplicateField, "duplicate key `\(entry.path.map(\.text).joined(separator: "."))` in the record", entry.path.last?.span ?? expr.span)
                    continue
                }
                var cur = slot
                var ok = true
                for n in entry.path.dropLast() {
                    guard let c = schema.child(cur, n.text), schema[c].isRecord else {
                        reportUnknown(n, in: cur, path: Path(entry.path.map { .name($0) }), index: 0, stmt: stmt)
                        ok = false
                        break
                    }
                    cur = c
                }
                guard ok, let last = entry.path.last else { continue }
                guard let target = schema.child(cur, last.text) else {
                    reportUnknown(last, in: cur, path: Path(entry.path.map { .name($0) }), index: 0, stmt: stmt)
                    continue
                }
                assign(target, entry.value, Statement(.assign(Path(entry.path.map { .name($0) }), entry.value), span: stmt.span), setsExisting: setsExisting)
            }
            return
        }
        let bound = bind(expr)
        if case .invalid = bound { return }
        // Constants are checked here, once, so a wrong value is reported even if a later layer
        // hides it; a good one is stored normalised and not checked again per tenant.
        var definition = Definition(kind: .value(bound), span: expr.span, statementSpan: stmt.span, origin: origin)
        if let v = bound.constantValue {
            if inferredHere.contains(slot) {
                // Its type is inferred from this very value, so only the sign can be wrong.
                if let negative = v.firstNegativeQuantity {
                    diagnostics.append(typeMismatchDiagnostic(FieldType.negativeQuantity(negative), slot: slot, at: expr.span))
                }
                definition.isCheckedConstant = true
            } else {
                switch schema[slot].type.conform(v) {
                case .success(let normalised):
                    definition.kind = .value(.constant(normalised))
                    definition.isCheckedConstant = true
                case .failure(let m):
                    diagnostics.append(typeMismatchDiagnostic(m, slot: slot, at: expr.span))
                }
            }
        }
        if setsExisting, isTenant, !inEnv { explicitValues[slot] = definition }
        ops.append(.define(slot, definition))
    }

    func typeMismatchDiagnostic(_ m: TypeMismatch, slot: Int32, at span: Span) -> Diagnostic {
        mismatchDiagnostic(m, field: schema[slot], at: span)
    }

    /// Where the field's lock comes from: the nearest locked declaration on its path.
    private func lockSite(of slot: Int32) -> (span: Span, origin: LayerOrigin) {
        var s = slot
        while schema[s].parent >= 0, schema[schema[s].parent].locked { s = schema[s].parent }
        return (schema[s].declaredAt, schema[s].declaredBy)
    }

    // MARK: - Phase 3: inferred types

    private mutating func inferTypes() {
        // Only root-tier fields declared by `=` whose value is not a constant need this.
        // Values are bound in `apply`, after this pass for constants; formulas are inferred lazily here.
        var visiting: Set<Int32> = []
        var done: [Int32: FieldType] = [:]
        guard !inferredHere.isEmpty else { return }
        var formulas: [Int32: Expr] = [:]
        for p in pending {
            if case .assign(let targets, let expr, _) = p, targets.count == 1, inferredHere.contains(targets[0]) {
                formulas[targets[0]] = expr
            }
        }
        guard !formulas.isEmpty else { return }
        let frozen = schema
        var bound: [Int32: BoundExpr] = [:]
        for (slot, expr) in formulas {
            var binder = Binder(schema: frozen)
            bound[slot] = binder.bind(expr)  // diagnostics come from the real binding pass
        }
        func typeOf(_ slot: Int32) -> FieldType {
            if let t = done[slot] { return t }
            guard let b = bound[slot] else { return frozen[slot].type }
            // A cycle, or a chain of formulas too long to follow without risking the stack.
            if visiting.contains(slot) || visiting.count >= EvaluationLimits.maxReferenceDepth { return .any }
            visiting.insert(slot)
            let binder = Binder(schema: frozen)
            let t = binder.inferType(b, slotType: { typeOf($0) })
            visiting.remove(slot)
            done[slot] = t
            return t
        }
        for slot in formulas.keys.sorted() { schema[slot].type = typeOf(slot) }
    }

    // MARK: - Rules and scaling

    private mutating func bindRule(_ severity: RuleSeverity, _ cond: Expr, _ message: Expr?, _ stmt: Statement) {
        let c = bind(cond)
        let m = message.map { bind($0) }
        var probes: [RuleProbe] = []
        collectProbes(cond, into: &probes)
        rules.append(Rule(severity: severity == .check ? .error : .warning, condition: c, message: m, span: stmt.span,
                          conditionSpan: cond.span, origin: origin, environment: overlayEnvironment,
                          text: fileText(cond.span) ?? "condition", probes: probes))
    }

    /// The operands worth showing when a rule fails: both sides of comparisons, the parts of
    /// logical operators, and references or calls standing alone.
    private mutating func collectProbes(_ e: Expr, into probes: inout [RuleProbe]) {
        guard probes.count < 8 else { return }
        switch e.kind {
        case .binary(let op, let l, let r):
            switch op {
            case .and, .or, .implies:
                collectProbes(l, into: &probes)
                collectProbes(r, into: &probes)
            default:
                for side in [l, r] where !isLiteral(side) { addProbe(side, into: &probes) }
            }
        case .unary(.not, let x):
            collectProbes(x, into: &probes)
        case .literal:
            break
        default:
            addProbe(e, into: &probes)
        }
    }

    private func isLiteral(_ e: Expr) -> Bool {
        if case .literal = e.kind { return true }
        return false
    }

    private mutating func addProbe(_ e: Expr, into probes: inout [RuleProbe]) {
        guard let file = fileText(e.span) else { return }
        var binder = Binder(schema: schema)
        let b = binder.bind(e)
        if b.constantValue != nil { return }
        probes.append(RuleProbe(text: file, expr: b))
    }

    /// The files, for the source text of rules.
    var sources: SourceMap?

    private func fileText(_ span: Span) -> String? { sources?.file(span.file)?.text(span) }

    /// `scale databases.*.resources by 50%`: every unlocked cpu and size leaf under the matches.
    private mutating func applyScale(_ pattern: Path, _ factor: Expr, base: Int32, stmt: Statement) {
        let roots = resolve(pattern, base: base, stmt: stmt)
        guard !roots.isEmpty else { return }
        var leaves: [Int32] = []
        for r in roots {
            for s in schema.subtree(r) where !schema[s].isRecord && !schema[s].locked && schema[s].type.isScalable {
                leaves.append(s)
            }
        }
        let f = bind(factor)
        if case .invalid = f { return }
        if let v = f.constantValue {
            switch v {
            case .int, .float, .percent: break
            default:
                error(.typeMismatch, "`scale … by` needs a number or a percent, found \(describe(v))", factor.span)
                return
            }
        }
        ops.append(.scale(leaves, Definition(kind: .scale(f), span: stmt.span, statementSpan: stmt.span, origin: origin)))
    }
}

/// A type mismatch as a diagnostic at the value that caused it.
func mismatchDiagnostic(_ m: TypeMismatch, field: Slot, at span: Span) -> Diagnostic {
    let code: DiagnosticCode
    switch m.kind {
    case .type, .unknownField, .missingField: code = .typeMismatch
    case .bounds: code = .outOfBounds
    case .enumMember: code = .invalidEnumMember
    case .format: code = .invalidFormat
    }
    var help = m.help
    var fixes: [FixIt] = []
    if m.kind == .enumMember, let v = m.enumValue {
        if let s = suggestion(for: v, among: m.enumMembers) {
            help.insert("did you mean \(quoteForSource(s))?", at: 0)
            fixes.append(FixIt(span, quoteForSource(s)))
        } else {
            help.append("the members are \(m.enumMembers.map { quoteForSource($0) }.joined(separator: ", "))")
        }
    }
    var d = Diagnostic.error(m.concernsSecret ? .plaintextSecret : code, "`\(field.path)`: \(m.message)", at: span, label: "this value",
                             related: [DiagnosticLabel(field.declaredAt, "`\(field.path)` is declared as \(field.type.description) here")],
                             help: help, fixes: fixes)
    d.hidesSource = m.concernsSecret
    return d
}
