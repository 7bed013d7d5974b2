import TenantDiagnostics
import TenantModel

/// W0317: a tier's `env` overlay changes a value the tenant set in its body. The layer order
/// (docs/language.md, *Layers and environments*) puts the tiers' overlays above the tenant's
/// body, so `databases.postgresql.resources.cpu = 1.5cores` in a tenant becomes 1.05cores in
/// staging when a tier scales the databases there; that is never silent.
struct OverlayOverrides {
    /// The last statement of an overlay that changes a field.
    struct Touch {
        var span: Span
        var origin: LayerOrigin
        var scales: Bool
    }

    /// The statements of `ops` that change the fields of `fields`, the last one per field. A
    /// record literal that replaces a record (`x = { … }`) changes every field under it; it is
    /// shown by its statement.
    static func touches(_ ops: [LayerOp], of fields: [Int32: Definition], schema: Schema) -> [Int32: Touch] {
        var out: [Int32: Touch] = [:]
        for (k, op) in ops.enumerated() {
            switch op {
            case .define(let s, let d):
                if fields[s] != nil { out[s] = Touch(span: d.statementSpan, origin: d.origin, scales: false) }
            case .scale(let slots, let d):
                for s in slots where fields[s] != nil { out[s] = Touch(span: d.statementSpan, origin: d.origin, scales: true) }
            case .clear(let r):
                let under = schema.subtree(r).filter { fields[$0] != nil }
                guard !under.isEmpty else { continue }
                // The literal's own fields follow the clear, each with the literal's statement.
                let subtree = Set(schema.subtree(r))
                var literal: Definition?
                for later in ops[(k + 1)...] {
                    if case .define(let t, let d) = later, subtree.contains(t) {
                        literal = d
                        break
                    }
                }
                guard let literal else { continue }
                for s in under { out[s] = Touch(span: literal.statementSpan, origin: literal.origin, scales: false) }
            }
        }
        return out
    }

    /// The warnings for one tenant in `environment`: the fields of `explicit` (its body's `=`)
    /// that the tiers' overlay `tierOps` changes, unless the tenant's own overlay `ownOps`
    /// deals with them too, and only when the final value differs from the tenant's.
    static func diagnostics(tenant id: String, environment: String, explicit: [Int32: Definition], tierOps: [LayerOp],
                            ownOps: [LayerOp], evaluator: Evaluator, sources: SourceMap) -> [Diagnostic] {
        guard !explicit.isEmpty, !tierOps.isEmpty else { return [] }
        let schema = evaluator.schema
        let tier = touches(tierOps, of: explicit, schema: schema)
        guard !tier.isEmpty else { return [] }
        let own = touches(ownOps, of: explicit, schema: schema)

        struct Entry {
            var slot: Int32
            var definition: Definition
            var touch: Touch
            var final: Value?
        }
        var groups: [[Entry]] = []
        var groupOf: [[Span]: Int] = [:]
        for slot in tier.keys.sorted() where own[slot] == nil {
            guard let definition = explicit[slot], let touch = tier[slot] else { continue }
            // A field that failed to compute has its own error.
            guard let final = try? evaluator.value(slot) else { continue }
            if let mine = tenantValue(slot, definition, evaluator), mine == final { continue }
            let key = [definition.span, touch.span]
            if let g = groupOf[key] {
                groups[g].append(Entry(slot: slot, definition: definition, touch: touch, final: final))
            } else {
                groupOf[key] = groups.count
                groups.append([Entry(slot: slot, definition: definition, touch: touch, final: final)])
            }
        }

        return groups.map { entries in
            let first = entries[0]
            let layer = first.touch.origin.description
            let paths = entries.map { "`\(schema[$0.slot].path)`" }
            let message: String
            var label = "set here"
            if entries.count == 1 {
                message = "\(layer) overrides \(paths[0]), which tenant `\(id)` sets"
                let field = schema[first.slot]
                if !field.type.containsSecret {
                    if let final = first.final {
                        if let text = shortText(final.sourceText) { label = "set here; in environment `\(environment)` it is \(text)" }
                    } else {
                        label = "set here; in environment `\(environment)` it has no value"
                    }
                }
            } else {
                let shown = paths.prefix(3).joined(separator: ", ")
                let more = paths.count > 3 ? " and \(plural(paths.count - 3, "more field", "more fields"))" : ""
                message = "\(layer) overrides fields tenant `\(id)` sets: \(shown)\(more)"
            }
            let what = first.touch.scales ? "scales" : "sets"
            var help = "set it inside `env \(environment) { … }` in the tenant"
            if entries.count == 1, !schema[first.slot].type.containsSecret,
               let text = sources.file(first.definition.span.file)?.text(first.definition.span), let value = shortText(text) {
                help += ": `env \(environment) { \(schema[first.slot].path) = \(value) }`"
            } else if entries.count > 1 {
                help = "set them inside `env \(environment) { … }` in the tenant"
            }
            return .warning(.overlayOverridesTenant, message, at: first.definition.span, label: label,
                            related: [DiagnosticLabel(first.touch.span, "\(layer) \(what) \(entries.count == 1 ? "it" : "them") here")],
                            notes: ["the tiers' `env` overlays apply after the tenant's body; the tenant's own `env \(environment) { … }` applies last"],
                            help: [help])
        }
    }

    /// The value the tenant's body gives the field, when it can be known without reporting anything.
    private static func tenantValue(_ slot: Int32, _ definition: Definition, _ evaluator: Evaluator) -> Value? {
        if case .value(let e) = definition.kind, let c = e.constantValue {
            if definition.isCheckedConstant { return c }
            if case .success(let cv) = evaluator.schema[slot].type.conform(c) { return cv }
            return nil
        }
        let defs = evaluator.defs[Int(slot)]
        guard let index = defs.lastIndex(where: { $0.span == definition.span && $0.origin == definition.origin }) else { return nil }
        return evaluator.quietDefinitionValue(slot, index)
    }

    /// Text short enough for a label, on one line; nil otherwise.
    private static func shortText(_ text: String) -> String? {
        guard text.count <= 60, !text.contains("\n"), !text.contains("\r") else { return nil }
        return text
    }
}
