import TenantBackends
import TenantModel

/// What the provisioning backends read from a resolved tenant: its accounts and the roles
/// they hold, what each role may do on each database, and per database whether it is
/// provisioned and how (docs/provisioning.md). Checked for what isolation needs: every name
/// the backends create starts with the tenant's id and fits PostgreSQL's 63 bytes.
struct ProvisioningFacts {
    struct Account {
        var name: String
        var roles: [String]
    }

    struct Role {
        var name: String
        /// The role's name on the servers: `<id>_<role>`.
        var serverName: String
        /// What the role may do on each provisioned database.
        var postgres: Operations
        var redis: Operations
    }

    /// The operations of `access_control.roles` a role has on one database; others are ignored.
    struct Operations: OptionSet {
        let rawValue: UInt8
        static let read = Operations(rawValue: 1)
        static let write = Operations(rawValue: 2)
        static let admin = Operations(rawValue: 4)

        init(rawValue: UInt8) { self.rawValue = rawValue }

        init(_ value: Value?) {
            var set: Operations = []
            if case .list(let items)? = value {
                for case .string(let name) in items {
                    switch name {
                    case "read": set.insert(.read)
                    case "write": set.insert(.write)
                    case "admin": set.insert(.admin)
                    default: break
                    }
                }
            }
            self = set
        }
    }

    struct Database {
        var isolation: String
        var mode: String
        /// The schemas (PostgreSQL) or key prefixes (Redis) that are the tenant's.
        var places: [String]
        var connectionLimit: Int?
        /// The `password` field: a secret, a plaintext (`--sensitive plain`), or nil.
        var password: Value?

        /// Whether the tenant gets a database of its own (PostgreSQL).
        var ownsDatabase: Bool { mode == "dedicated" || isolation == "database" || isolation == "instance" }
    }

    var id: String
    var tier: String
    var environment: String
    var accounts: [Account]
    var roles: [Role]
    var postgres: Database?
    var redis: Database?
    var allowedNetworks: [String]
    var sslRequired: Bool

    /// The facts of `tenant`, computed once for the three artifacts of a tenant (see `FactsCache`).
    static func of(_ tenant: ResolvedTenant) throws(BackendError) -> ProvisioningFacts {
        try FactsCache.current.facts(of: tenant)
    }

    init(_ tenant: ResolvedTenant) throws(BackendError) {
        let config = tenant.config
        id = tenant.id
        tier = tenant.tier
        environment = tenant.environment
        accounts = ProvisioningFacts.accounts(config)
        roles = ProvisioningFacts.roles(config, id: tenant.id)
        postgres = ProvisioningFacts.database("postgresql", entitlement: "entitlements.postgresql", places: "schemas", config)
        redis = ProvisioningFacts.database("redis", entitlement: "entitlements.redis", places: "namespaces", config)
        allowedNetworks = config.strings(at: "security.network.allowed_ips")
        sslRequired = config.value(at: "security.ssl.required") == .bool(true)
        try checkNames()
    }

    /// The roles an account holds that the tenant declares.
    func roles(of account: Account) -> [Role] { roles.filter { account.roles.contains($0.name) } }

    private static func accounts(_ config: Record) -> [Account] {
        var out: [Account] = []
        for group in ["access_control.admin_users", "access_control.service_accounts"] {
            guard case .list(let items)? = config.value(at: group) else { continue }
            for case .record(let item) in items {
                guard case .string(let name)? = item["username"] else { continue }
                out.append(Account(name: name, roles: Record.strings(item["roles"])))
            }
        }
        return out
    }

    private static func roles(_ config: Record, id: String) -> [Role] {
        guard case .record(let declared)? = config.value(at: "access_control.roles") else { return [] }
        return declared.keys.indices.map { i in
            let grants = if case .record(let grants) = declared.values[i] { grants } else { Record() }
            return Role(name: declared.keys[i], serverName: "\(id)_\(declared.keys[i])",
                        postgres: Operations(grants["postgresql"]), redis: Operations(grants["redis"]))
        }
    }

    /// A database's facts, or nil when it is not provisioned: the tier is not entitled to it,
    /// or it is not enabled (as `tenantc access` decides).
    private static func database(_ name: String, entitlement: String, places: String, _ config: Record) -> Database? {
        guard case .record(let databases)? = config["databases"], case .record(let db)? = databases[name],
              db["enabled"] != .bool(false), config.value(at: entitlement) != .bool(false) else { return nil }
        var limit: Int?
        if case .record(let performance)? = db["performance"], case .int(let n)? = performance["max_connections"] { limit = Int(n) }
        var names: [String] = []
        if case .record(let r)? = db[places] {
            for case .string(let s) in r.values { names.append(s) }
        }
        func string(_ key: String) -> String { if case .string(let s)? = db[key] { s } else { "" } }
        return Database(isolation: string("isolation"), mode: string("mode"), places: names, connectionLimit: limit, password: db["password"])
    }

    /// Every name created must be the tenant's own: one shared by two tenants would give each
    /// the other's privileges.
    private func checkNames() throws(BackendError) {
        let prefix = id + "_"
        var names = accounts.map(\.name) + roles.map(\.serverName)
        if let postgres { names += postgres.places }
        for name in names where !name.utf8.starts(with: prefix.utf8) {
            throw BackendError("`\(name)` does not start with `\(prefix)`: provisioning creates only names of the tenant's own, so that no two tenants share one")
        }
        for name in names where name.utf8.count > 63 {
            throw BackendError("`\(name)` is longer than PostgreSQL's 63 bytes for a name")
        }
        if let clash = accounts.first(where: { account in roles.contains { $0.serverName == account.name } })?.name {
            throw BackendError("`\(clash)` names both an account and a role")
        }
        if let redis {
            for place in redis.places where !Array(place.utf8).contains(bytes: Array(id.utf8)) {
                throw BackendError("the Redis namespace `\(place)` does not contain the tenant id `\(id)`")
            }
        }
    }
}

extension Record {
    func strings(at path: String) -> [String] { Record.strings(value(at: path)) }

    static func strings(_ value: Value?) -> [String] {
        guard case .list(let items)? = value else { return [] }
        return items.compactMap { if case .string(let s) = $0 { s } else { nil } }
    }
}
