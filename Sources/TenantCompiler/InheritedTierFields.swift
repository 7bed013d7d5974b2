import TenantDiagnostics
import TenantImport
import TenantSemantics

extension InheritedFields {
    /// The fields of `tier` as its compiled layout has them (the whole chain's): each with its
    /// type, as written too, the expression the chain last gives it, and its own value
    /// (as `tenantc tiers` computes it) when that expression is a constant — a value computed
    /// from `tenant.id` or from other fields is not the same for every tenant.
    init(_ tier: TierLayout, in tiers: TierSet, sources: SourceMap) {
        let slots = (1..<tier.schema.count).map { Int32($0) }
        let values = tiers.ownValues(of: tier, slots: slots)
        let definitions = tiers.graph.index[tier.name].map { TierChainDefinitions(tiers.graph.tiers[$0], graph: tiers.graph) }
        var fields: [String: InheritedField] = [:]
        for (slot, value) in zip(slots, values) {
            let s = tier.schema[slot]
            let expr = definitions?.expressions[s.path]
            let constant = expr.map(TierChainDefinitions.isConstant) ?? false
            var field = InheritedField(type: s.type, isRecord: s.isRecord, typeText: s.type.description,
                                       ownValue: constant || value == .unset ? value : .unknown)
            field.formula = expr.flatMap { e in sources.file(e.span.file)?.text(e.span) }
            fields[s.path] = field
        }
        self.init(tier: tier.name, fields: fields)
    }
}
