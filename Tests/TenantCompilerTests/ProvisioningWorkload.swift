import Foundation
import Testing

/// Every example and 100 generated tenants in one project, built once with
/// `--emit json,postgres,redis` and the examples' key: what `ProvisioningServerTests` applies
/// to real servers. The JSON artifacts say what each tenant should get.
final class ProvisioningWorkload: Sendable {
    struct Tenant: Sendable {
        var id: String
        var file: String
        var isExample: Bool
        /// PostgreSQL is provisioned: enabled and in the tier.
        var postgres: Bool
        var redis: Bool
        /// The database the tenant's schemas are in: its own, or the shared one.
        var database: String
        var schemas: [String]
        var namespaces: [String]
        var accounts: [String]
        var app: String?
        var roles: [String]
        var connectionLimit: Int
    }

    static let sharedDatabase = "postgres"
    static let key = repoRoot + "/examples/demo.key"

    let root: URL
    let output: URL
    let tenants: [Tenant]

    static let shared = Result { try ProvisioningWorkload() }

    private init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("tenantc-provisioning-\(UUID().uuidString)")
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("tenants"), withIntermediateDirectories: true)
        try fm.copyItem(atPath: repoRoot + "/tiers", toPath: root.appendingPathComponent("tiers").path)
        for file in exampleFiles() {
            try fm.copyItem(atPath: repoRoot + "/examples/" + file, toPath: root.appendingPathComponent("tenants/" + file).path)
        }
        let generated = try runProgram("/usr/bin/env", ["python3", repoRoot + "/bench/gen_tenants.py", "100", root.appendingPathComponent("tenants").path],
                                       environment: ProcessInfo.processInfo.environment, in: root)
        guard generated.status == 0 else { throw TestFailure("gen_tenants.py: \(generated.output)") }
        let output = root.appendingPathComponent("out")
        self.output = output
        let build = try TenantcCLI.run(["build", "tenants", "--emit", "json,postgres,redis", "--key-file", Self.key, "-o", output.path], in: root)
        guard build.status == 0 else { throw TestFailure("build: \(build.stderr)") }
        let examples = Set(exampleFiles().map { String($0.dropLast(".tenant".count)) })
        let root = root
        tenants = try fm.contentsOfDirectory(atPath: output.path).filter { $0.hasSuffix(".json") }.sorted().map { name in
            let id = String(name.dropLast(5))
            return try Self.tenant(id, json: output.appendingPathComponent(name), file: root.appendingPathComponent("tenants/\(id).tenant").path,
                                   isExample: examples.contains(id))
        }
    }

    func artifact(_ id: String, _ ext: String) -> String { output.appendingPathComponent("\(id).\(ext)").path }

    private static func tenant(_ id: String, json: URL, file: String, isExample: Bool) throws -> Tenant {
        let config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        func at(_ path: String) -> Any? {
            path.split(separator: ".").reduce(config as Any?) { ($0 as? [String: Any])?[String($1)] }
        }
        func provisioned(_ db: String) -> Bool { at("entitlements.\(db)") as? Bool != false && at("databases.\(db).enabled") as? Bool != false && at("databases.\(db)") != nil }
        let mode = at("databases.postgresql.mode") as? String, isolation = at("databases.postgresql.isolation") as? String
        let ownsDatabase = mode == "dedicated" || isolation == "database" || isolation == "instance"
        let principals = ((at("access_control.admin_users") as? [[String: Any]]) ?? []) + ((at("access_control.service_accounts") as? [[String: Any]]) ?? [])
        let accounts = principals.compactMap { $0["username"] as? String }
        let services = ((at("access_control.service_accounts") as? [[String: Any]]) ?? []).compactMap { $0["username"] as? String }
        return Tenant(id: id, file: file, isExample: isExample, postgres: provisioned("postgresql"), redis: provisioned("redis"),
                      database: ownsDatabase ? id : sharedDatabase,
                      schemas: ((at("databases.postgresql.schemas") as? [String: Any]) ?? [:]).values.compactMap { $0 as? String }.sorted(),
                      namespaces: ((at("databases.redis.namespaces") as? [String: Any]) ?? [:]).values.compactMap { $0 as? String }.sorted(),
                      accounts: accounts, app: services.first,
                      roles: ((at("access_control.roles") as? [String: Any]) ?? [:]).keys.sorted(),
                      connectionLimit: at("databases.postgresql.performance.max_connections") as? Int ?? -1)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
