import TenantBackends
import TenantModel

/// `--emit postgres` (`<id>.sql` and `<id>.pg_hba.conf`) and `--emit redis` (`<id>.acl`):
/// provisioning artifacts that make the isolation the tiers describe real on the servers
/// (docs/provisioning.md).
public enum ProvisioningBackends {
    /// The backends an `--emit` name stands for; nil for a name that is not one of these.
    public static func named(_ name: String) -> [any Backend]? {
        switch name {
        case "postgres": [PostgresBackend(), PgHbaBackend()]
        case "redis": [RedisACLBackend()]
        default: nil
        }
    }

    public static let names = ["postgres", "redis"]

    /// The password fields of the databases provisioned for `tenant` that hold a secret: without
    /// a key, their accounts get no password.
    public static func secretPasswords(of tenant: ResolvedTenant) -> [String] {
        let databases = [("databases.postgresql", "entitlements.postgresql"), ("databases.redis", "entitlements.redis")]
        return databases.compactMap { database, entitlement in
            guard case .record(let db)? = tenant.config.value(at: database), case .secret? = db["password"],
                  db["enabled"] != .bool(false), tenant.config.value(at: entitlement) != .bool(false) else { return nil }
            return database + ".password"
        }
    }
}

/// Whether a backend writes what a server stores in place of a password: such artifacts need
/// the key for the password fields, and without one their accounts get no password.
public protocol ProvisioningBackend: Backend {}

struct PostgresBackend: ProvisioningBackend {
    var name: String { "postgres" }
    var fileExtension: String { "sql" }

    func render(_ tenant: ResolvedTenant, options: RenderOptions, layout: RenderLayout, into out: inout [UInt8]) throws {
        out.append(contentsOf: try PostgresScript.render(ProvisioningFacts.of(tenant), secrets: options.secrets).bytes)
    }
}

struct PgHbaBackend: ProvisioningBackend {
    var name: String { "postgres" }
    var fileExtension: String { "pg_hba.conf" }

    func render(_ tenant: ResolvedTenant, options: RenderOptions, layout: RenderLayout, into out: inout [UInt8]) throws {
        out.append(contentsOf: PgHbaLines.render(try ProvisioningFacts.of(tenant)).utf8)
    }
}

struct RedisACLBackend: ProvisioningBackend {
    var name: String { "redis" }
    var fileExtension: String { "acl" }

    func render(_ tenant: ResolvedTenant, options: RenderOptions, layout: RenderLayout, into out: inout [UInt8]) throws {
        try RedisACL.render(ProvisioningFacts.of(tenant), secrets: options.secrets, into: &out)
    }
}
