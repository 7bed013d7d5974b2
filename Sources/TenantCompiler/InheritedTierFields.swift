import TenantDiagnostics
import TenantImport
import TenantSemantics

extension InheritedFields {
    /// The fields of `tier` as its compiled layout has them (the whole chain's): each with its
    /// kind, its type as written, the expression the chain last gives it, and its own value
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
            var field = InheritedField(kind: s.isRecord ? .record : Self.kind(of: s.type), typeText: s.type.description,
                                       ownValue: constant || value == .unset ? Self.ownValue(value) : .unknown)
            field.formula = expr.flatMap { e in sources.file(e.span.file)?.text(e.span) }
            fields[s.path] = field
        }
        self.init(tier: tier.name, fields: fields)
    }

    private static func kind(of type: FieldType) -> InheritedField.Kind {
        switch type.core {
        case .bool: .bool
        case .int: .int
        case .float: .float
        case .string: .string
        case .size: .size
        case .duration: .duration
        case .cpu: .cpu
        case .percent: .percent
        case .enumeration: .enumeration
        case .cron: .cron
        case .cidr: .cidr
        case .email: .email
        case .list: .list
        case .any: .any
        default: .other
        }
    }

    private static func ownValue(_ value: TierValue) -> InheritedField.OwnValue {
        switch value {
        case .value(let v): .value(v)
        case .unset: .unset
        case .unknown: .unknown
        }
    }
}
