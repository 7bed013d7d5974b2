import TenantDiagnostics
import TenantModel
import TenantSyntax

extension TierSet {
    /// Explains the fields of one tenant that `path` names (`a.b.c`; `*` for every child of a
    /// record) in `environment` (default: its own): see `ValueExplanation`.
    ///
    /// Every field is evaluated from the layers (no tier baseline), so that each layer's value
    /// can be shown; rules are evaluated again, recording what they read.
    public func explain(_ decl: Declaration, path: String, environment: String? = nil,
                        afterSyntaxErrors: Bool = false) -> Result<ValueExplanation, ExplainFailure> {
        withStackSpace { explainHere(decl, path: path, environment: environment, afterSyntaxErrors: afterSyntaxErrors) }
    }

    private func explainHere(_ decl: Declaration, path: String, environment: String?, afterSyntaxErrors: Bool) -> Result<ValueExplanation, ExplainFailure> {
        var options = ResolveOptions(environment: environment, afterSyntaxErrors: afterSyntaxErrors, output: .diagnosticsOnly)
        options.usesTierBaselines = false
        let r: TenantResolution
        switch prepare(decl, options) {
        case .failure(let early): return .failure(.unresolvable(early.result.diagnostics))
        case .success(let prepared): r = prepared
        }
        let slots = FieldMatcher(schema: r.schema).slots(matching: path)
        guard !slots.isEmpty else {
            let paths = r.schema.slots.dropFirst().map(\.path)
            return .failure(.noSuchField(path, suggestion: suggestion(for: path, among: paths)))
        }
        for s in 0..<r.schema.count where !r.schema[Int32(s)].isRecord { _ = try? r.evaluator.value(Int32(s)) }
        let explainer = FieldExplainer(resolution: r, sources: sources, ruleRuns: RuleRun.all(r))
        let fields = slots.map { explainer.explain($0) }
        return .success(ValueExplanation(tenant: r.id, tier: r.tier.name, environment: r.environment, fields: fields,
                                    diagnostics: r.diagnostics + r.evaluator.diagnostics))
    }
}

/// The fields a dotted path names: `*` stands for every child of a record.
struct FieldMatcher {
    let schema: Schema

    func slots(matching path: String) -> [Int32] {
        var current: [Int32] = [Schema.root]
        for name in path.split(separator: ".", omittingEmptySubsequences: false).map(String.init) {
            current = current.flatMap { s -> [Int32] in
                if name == "*" { return schema[s].children }
                return schema.child(s, name).map { [$0] } ?? []
            }
            if current.isEmpty { return [] }
        }
        return current == [Schema.root] ? [] : current
    }
}

/// Builds one field's explanation from a tenant's evaluated layers.
/// One rule of the tenant evaluated once, with the fields it read: every field explained looks
/// its rules up here.
struct RuleRun {
    var outcome: RuleOutcome
    var reads: Set<Int32>

    static func all(_ r: TenantResolution) -> [RuleRun] {
        r.rules.map { rule in
            r.evaluator.readLog = []
            let result = try? r.evaluator.eval(rule.condition, frame: .none)
            let reads = Set(r.evaluator.readLog ?? [])
            r.evaluator.readLog = nil
            let passed: Bool? = if case .bool(let b)? = result { b } else { nil }
            return RuleRun(outcome: RuleOutcome(isWarning: rule.severity == .warning, text: rule.text, span: rule.span, origin: rule.origin,
                                                passed: passed), reads: reads)
        }
    }
}

struct FieldExplainer {
    let resolution: TenantResolution
    let sources: SourceMap
    let ruleRuns: [RuleRun]
    /// How deep formulas of the fields a formula reads are shown.
    static let formulaDepth = 3

    private var schema: Schema { resolution.schema }
    private var evaluator: Evaluator { resolution.evaluator }

    func explain(_ slot: Int32) -> FieldExplanation {
        let field = schema[slot]
        let definitions = resolution.defs[Int(slot)]
        let steps = definitions.enumerated().map { i, d in
            LayerStep(action: action(d), origin: d.origin, span: d.statementSpan, written: written(d),
                      value: field.isRecord ? nil : evaluator.quietDefinitionValue(slot, i))
        }
        let declaration = LayerStep(action: .declared, origin: field.declaredBy, span: field.declaredAt, written: nil, value: nil)
        let deciding = definitions.lastIndex { !$0.kind.isScale }
        return FieldExplanation(
            path: field.path, type: field.isRecord ? "record" : field.type.description, isRecord: field.isRecord, locked: field.locked,
            hidden: field.path.split(separator: ".").contains { $0.hasPrefix("_") }, doc: field.doc,
            value: field.isRecord ? nil : try? evaluator.value(slot), declaration: declaration, steps: steps,
            formula: deciding.flatMap { formula(slot, $0, depth: Self.formulaDepth) },
            children: field.isRecord ? children(of: slot) : [], rules: rules(reading: slot))
    }

    /// `scaled`, `set`, or `replaced` for an entry of a record literal (`r = { f = 1 }`): its
    /// statement opens a `{` before the value it gives the field.
    private func action(_ d: Definition) -> LayerStep.Action {
        if d.kind.isScale { return .scaled }
        guard d.span.start > d.statementSpan.start, let file = sources.file(d.span.file) else { return .set }
        return file.text(Span(file: d.span.file, start: d.statementSpan.start, end: d.span.start)).contains("{") ? .replaced : .set
    }

    /// What a definition wrote: its expression, or a `scale`'s factor (a constant keeps no
    /// span of its own: its value is shown).
    private func written(_ d: Definition) -> String? {
        switch d.kind {
        case .scale(let factor):
            if let v = factor.constantValue { return displayed(v) }
            return sources.file(factor.span.file)?.maskedText(factor.span)
        case .value:
            return sources.file(d.span.file)?.maskedText(d.span)
        }
    }

    /// The `index`-th definition of `slot` as a formula; nil for a constant.
    private func formula(_ slot: Int32, _ index: Int, depth: Int) -> FormulaTrace? {
        let d = resolution.defs[Int(slot)][index]
        guard case .value(let e) = d.kind, e.constantValue == nil, let file = sources.file(d.span.file) else { return nil }
        var fields: [Int32] = []
        var readsSuper = false
        e.references(into: &fields, super: &readsSuper, schema: schema)
        var seen: Set<Int32> = []
        let references = fields.filter { seen.insert($0).inserted }.map { reference($0, depth: depth - 1) }
        let below = index > 0 ? evaluator.quietDefinitionValue(slot, index - 1) : nil
        return FormulaTrace(expression: file.maskedText(d.span), substituted: substituted(e, in: file, span: d.span, superValue: below),
                            value: evaluator.quietDefinitionValue(slot, index), references: references)
    }

    private func reference(_ slot: Int32, depth: Int) -> FormulaReference {
        let definitions = resolution.defs[Int(slot)]
        let top = definitions.last
        let deciding = definitions.lastIndex { !$0.kind.isScale }
        return FormulaReference(path: schema[slot].path, value: try? evaluator.value(slot), origin: top?.origin, span: top?.statementSpan,
                                formula: depth > 0 ? deciding.flatMap { formula(slot, $0, depth: depth) } : nil)
    }

    /// The expression's text with each field it reads by name, and `super`, replaced by its value.
    private func substituted(_ e: BoundExpr, in file: SourceFile, span: Span, superValue: Value?) -> String? {
        var replacements: [(start: UInt32, end: UInt32, text: String)] = []
        e.visitReads { read in
            switch read {
            case .slot(let s, let at):
                if let v = try? evaluator.value(s) { replacements.append((at.start, at.end, displayed(v))) }
            case .superValue(let at):
                if let superValue { replacements.append((at.start, at.end, displayed(superValue))) }
            default:
                break
            }
        }
        guard !replacements.isEmpty else { return nil }
        var out = ""
        var cursor = span.start
        for r in replacements.sorted(by: { $0.start < $1.start }) where r.start >= cursor && r.end <= span.end {
            out += file.maskedText(Span(file: span.file, start: cursor, end: r.start)) + r.text
            cursor = r.end
        }
        return out + file.maskedText(Span(file: span.file, start: cursor, end: span.end))
    }

    private func displayed(_ v: Value) -> String { v.containsSecret ? "secret(…)" : v.sourceText }

    private func children(of slot: Int32) -> [ChildSource] {
        schema[slot].children.map { c in
            let child = schema[c]
            // A record's children are set by the definitions of the leaves under it: the last one applied.
            let leaves = child.isRecord ? schema.subtree(c).filter { !schema[$0].isRecord } : [c]
            let last = leaves.compactMap { resolution.defs[Int($0)].last }.max { $0.statementSpan.start < $1.statementSpan.start }
            return ChildSource(name: child.name, isRecord: child.isRecord, value: child.isRecord ? nil : try? evaluator.value(c),
                               origin: last?.origin, span: last?.statementSpan)
        }
    }

    /// The rules whose condition read the field (or a field under it).
    private func rules(reading slot: Int32) -> [RuleOutcome] {
        let fields = schema[slot].isRecord ? schema.subtree(slot) : [slot]
        return ruleRuns.filter { run in fields.contains(where: run.reads.contains) }.map(\.outcome)
    }
}

extension Definition.Kind {
    var isScale: Bool {
        if case .scale = self { return true }
        return false
    }
}

extension BoundExpr {
    /// Calls `visit` on every field read by name and every `super` in the expression, outside
    /// comprehensions' own variables.
    func visitReads(_ visit: (BoundExpr) -> Void) {
        switch self {
        case .slot, .superValue:
            visit(self)
        case .constant, .slotChildren, .local, .localPath, .localSlotPath, .builtin, .invalid:
            break
        case .member(let e, _, _), .children(let e, _), .unary(_, let e, _):
            e.visitReads(visit)
        case .interpolation(let parts, _):
            for case .expression(let e) in parts { e.visitReads(visit) }
        case .list(let items, _), .record(_, let items, _), .call(_, let items, _):
            for e in items { e.visitReads(visit) }
        case .binary(_, let a, let b, _):
            a.visitReads(visit)
            b.visitReads(visit)
        case .conditional(let a, let b, let c, _):
            for e in [a, b, c] { e.visitReads(visit) }
        case .comprehension(let e, let source, let c, _):
            source.visitReads(visit)
            e.visitReads(visit)
            c?.visitReads(visit)
        }
    }
}
