import TenantModel

/// A tier's own value of one field, as the tier table shows it (`tenantc tiers`).
public enum TierValue: Sendable, Equatable {
    case value(Value)
    /// An optional field nobody set.
    case unset
    /// The value depends on a field each tenant sets (a required one), or cannot be computed.
    case unknown
}

extension TierSet {
    /// The values a tenant of `tier` that sets nothing gets for `slots`: the tier's layers from
    /// the root down, formulas computed, in the tier's default environment (its
    /// `tenant_info.environment` default, else production) and before any `env` overlay, so the
    /// table states what the tier itself sets rather than what one environment changes.
    public func ownValues(of tier: TierLayout, slots: [Int32]) -> [TierValue] {
        let defs = DefinitionTable(base: tier.defs, count: tier.schema.count)
        func evaluator(_ env: String) -> Evaluator {
            // As in the tier self-check: the tier stands for a tenant that set nothing, so a
            // required field nobody set leaves what reads it pending instead of failing.
            let subject = EvaluationSubject(tenantID: tier.name, tierName: tier.name, environment: env,
                                            headerSpan: tier.headerSpan, isTierSelfCheck: true, origin: .tier(tier.name))
            return Evaluator(schema: tier.schema, defs: defs, subject: subject)
        }
        var current = evaluator("production")
        if let envSlot = tier.schema.lookup(environmentFieldPath), case .string(let env)?? = try? current.value(envSlot), env != "production" {
            current = evaluator(env)
        }
        return slots.map { slot in
            guard Int(slot) < tier.schema.count else { return .unknown }
            do {
                guard let v = try current.value(slot) else { return .unset }
                return .value(v)
            } catch {
                return .unknown
            }
        }
    }
}
