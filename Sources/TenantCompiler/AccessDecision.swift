import TenantBackends
import TenantDiagnostics
import TenantModel

/// `tenantc access FILE DATABASE OPERATION`: whether the tenant may perform an operation on a
/// database, from its resolved configuration. In order: the tier's entitlement to the database
/// (`entitlements.<db>`, when the table has one), the database being enabled
/// (`databases.<db>.enabled`), then a role granting the operation (`access_control.roles`),
/// among the roles of the tenant's admin users and service accounts, or the one role asked about.
public struct AccessDecision: Sendable {
    public var tenant: String
    public var tier: String
    public var environment: String
    public var database: String
    public var operation: String
    /// `--role`: the question is about this role alone.
    public var role: String?
    public var allowed: Bool
    /// Why not, in one sentence; nil when allowed.
    public var reason: String?
    /// The roles that grant the operation.
    public var grantedBy: [String]
    /// When the tier lacks the entitlement: the nearest tier above it that has it.
    public var requiredTier: String?

    /// The answer as `access` prints it.
    public var text: String { allowed ? "allowed\n" : "denied: \(reason ?? "")\n" }

    /// The JSON form for scripts (docs/migration.md).
    public var json: String {
        JSONValue.object([
            ("format_version", .string(MigrationPlan.jsonFormatVersion)),
            ("tenant", .string(tenant)),
            ("tier", .string(tier)),
            ("environment", .string(environment)),
            ("database", .string(database)),
            ("operation", .string(operation)),
            ("role", role.map { .string($0) } ?? .null),
            ("allowed", .bool(allowed)),
            ("reason", reason.map { .string($0) } ?? .null),
            ("granted_by", .array(grantedBy.map { .string($0) })),
            ("required_tier", requiredTier.map { .string($0) } ?? .null),
        ]).text
    }
}

/// A tenant's answer to `access`: the decision, or the problems that keep it from being made.
public enum AccessAnswer: Sendable {
    case decided(AccessDecision)
    /// The tenant does not build: its diagnostics.
    case broken(diagnostics: [Diagnostic], counts: DiagnosticCounts)
}

extension AccessDecision {
    /// Decides, or throws a usage problem: an unknown database, operation or role (with
    /// did-you-mean), an unknown environment.
    public static func decide(_ workspace: TenantWorkspace, database: String, operation: String, role: String? = nil,
                              environment: String? = nil) throws(UsageFailure) -> AccessAnswer {
        try workspace.validate(environment: environment)
        let result = workspace.resolve(environment: environment)
        guard !result.failed, let config = result.tenant?.config else {
            let (diagnostics, counts) = workspace.finalized(result.diagnostics)
            return .broken(diagnostics: diagnostics, counts: counts)
        }
        let databases = config.databaseNames
        guard databases.contains(database) else {
            throw unknown("database", database, among: databases)
        }
        let roles: Record
        if case .record(let r)? = config.value(at: "access_control.roles") { roles = r } else { roles = Record() }
        var operations: [String] = []
        for case .record(let grants) in roles.values {
            for case .list(let ops) in grants.values {
                for case .string(let op) in ops where !operations.contains(op) { operations.append(op) }
            }
        }
        guard operations.contains(operation) else {
            throw unknown("operation", operation, among: operations)
        }
        if let role, roles[role] == nil {
            throw unknown("role", role, among: roles.keys)
        }
        var decision = AccessDecision(tenant: workspace.tenant.name.text, tier: workspace.tierName, environment: result.environment,
                                      database: database, operation: operation, role: role, allowed: false, reason: nil,
                                      grantedBy: [], requiredTier: nil)
        let name = databaseDisplayName(database)
        if case .bool(false)? = config.value(at: "entitlements.\(database)") {
            let tier = workspace.tierName
            // The nearest tier above that grants it, as this tenant would resolve there.
            let required = workspace.descendants(of: tier).first { candidate in
                let r = workspace.resolve(under: candidate, environment: environment, evenIfFailing: true)
                if case .bool(true)? = r.tenant?.config.value(at: "entitlements.\(database)") { return true }
                return false
            }
            decision.requiredTier = required
            decision.reason = "\(name) is not available on tier \(tier)" + (required.map { "; it requires \($0)" } ?? "; no tier above it includes it")
            return .decided(decision)
        }
        if case .bool(false)? = config.value(at: "databases.\(database).enabled") {
            decision.reason = "\(name) is not enabled for tenant \(decision.tenant) (`databases.\(database).enabled` is false)"
            return .decided(decision)
        }
        let held = role.map { [$0] } ?? heldRoles(config)
        decision.grantedBy = held.filter { r in
            guard case .record(let grants)? = roles[r], case .list(let ops)? = grants[database] else { return false }
            return ops.contains(.string(operation))
        }
        if decision.grantedBy.isEmpty {
            if let role {
                var granted: [String] = []
                if case .record(let grants)? = roles[role], case .list(let ops)? = grants[database] {
                    for case .string(let op) in ops { granted.append(op) }
                }
                decision.reason = "role `\(role)` does not grant `\(operation)` on \(name)"
                    + (granted.isEmpty ? " (it grants nothing on it)" : " (it grants \(granted.map { "`\($0)`" }.joined(separator: ", ")))")
            } else if held.isEmpty {
                decision.reason = "tenant \(decision.tenant) has no users or service accounts with a role"
            } else {
                decision.reason = "no role of tenant \(decision.tenant) grants `\(operation)` on \(name) (its roles: \(held.map { "`\($0)`" }.joined(separator: ", ")))"
            }
            return .decided(decision)
        }
        decision.allowed = true
        return .decided(decision)
    }

    /// The roles of the tenant's admin users and service accounts, in order, once each.
    static func heldRoles(_ config: Record) -> [String] {
        var out: [String] = []
        for group in ["access_control.admin_users", "access_control.service_accounts"] {
            guard case .list(let principals)? = config.value(at: group) else { continue }
            for case .record(let p) in principals {
                guard case .list(let roles)? = p["roles"] else { continue }
                for case .string(let r) in roles where !out.contains(r) { out.append(r) }
            }
        }
        return out
    }

    private static func unknown(_ what: String, _ name: String, among names: [String]) -> UsageFailure {
        var help: [String] = []
        if let s = suggestion(for: name, among: names) { help.append("did you mean `\(s)`?") }
        help.append("the \(what)s are " + (names.isEmpty ? "none" : names.map { "`\($0)`" }.joined(separator: ", ")))
        return UsageFailure("unknown \(what) `\(name)`", help: help)
    }
}
