import TenantBackends
import TenantDiagnostics
import TenantProvisioning
import TenantSecrets

/// `tenantc plan FILE --to TIER --emit postgres`: the SQL that moves the tenant's PostgreSQL
/// provisioning from its tier to TIER (docs/provisioning.md), or the diagnostics that keep the
/// tenant from building under either.
public struct ProvisioningPlan: Sendable {
    /// Nil when the tenant does not build under its tier or under TIER.
    public var sql: String?
    public var diagnostics: [Diagnostic]
    public var counts: DiagnosticCounts
    public var sources: SourceMap

    public static func postgres(_ workspace: TenantWorkspace, to target: String, environment: String?, key: SecretKey?) throws(UsageFailure) -> ProvisioningPlan {
        try workspace.validate(tier: target)
        try workspace.validate(environment: environment)
        let current = workspace.resolve(environment: environment)
        let moved = workspace.resolve(under: target, environment: environment)
        let (diagnostics, counts) = workspace.finalized(current.failed ? current.diagnostics : moved.diagnostics)
        var plan = ProvisioningPlan(sql: nil, diagnostics: diagnostics, counts: counts, sources: workspace.sources)
        guard let old = current.tenant, let new = moved.tenant else { return plan }
        do {
            plan.sql = try PostgresMigration.render(from: old, to: new, secrets: key.map(KeySecretOpener.init))
        } catch {
            throw UsageFailure("the PostgreSQL provisioning of tenant \(new.id) cannot be written: \(error.message)")
        }
        return plan
    }
}
