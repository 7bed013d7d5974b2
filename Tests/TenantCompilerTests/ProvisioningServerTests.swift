import Foundation
import TenantTestSupport
import Testing

/// The provisioning artifacts applied to real servers (docs/provisioning.md, "How the tests
/// prove it"): every example and 100 generated tenants, twice; isolation for every ordered pair;
/// the connection limit; `tenantc access` against what the servers allow; passwords; plans.
@Suite(.serialized, .enabled(if: ServerTests.postgresEnabled && ServerTests.redisEnabled,
                             "needs PostgreSQL server binaries (Debian: postgresql) and redis-server (Debian: redis-server)"))
struct ProvisioningServerTests {
    static let postgres = Result { try ProvisionedPostgres(try ProvisioningWorkload.shared.get()) }
    static let redis = Result { try ProvisionedRedis(try ProvisioningWorkload.shared.get()) }

    @Test func applyingTheScriptsAgainChangesNothing() throws {
        let pg = try Self.postgres.get()
        #expect(pg.tenantsApplied >= 100)
        #expect(pg.catalogAfterFirst.count > 10_000, "the dump lists the tenants' objects")
        #expect(pg.catalogAfterFirst == pg.catalogAfterSecond)
        let redis = try Self.redis.get()
        #expect(redis.usersAfterFirst.contains("user startup_001_app on"))
        #expect(redis.usersAfterFirst == redis.usersAfterSecond)
    }

    @Test func eachTenantReachesItsOwnSchemasAndNoOtherOnPostgreSQL() throws {
        let pg = try Self.postgres.get()
        let tenants = pg.workload.tenants.filter { $0.postgres && $0.app != nil }
        #expect(tenants.count >= 100)
        for a in tenants {
            let result = try pg.server.psql(sql: PostgresIsolationProbe.script(for: a, among: pg.workload.tenants), as: a.app!, database: a.database)
            let expected = PostgresIsolationProbe.expectedRefusals(for: a, among: pg.workload.tenants)
            #expect(result.stdout.contains("own schema: 2 rows\n"), "\(a.id): \(result)")
            #expect(result.stderr.contains("NOTICE:  refused \(expected.sameDatabase) of \(expected.sameDatabase)\n"), "\(a.id): \(result)")
            let connections = try pg.server.psql(sql: PostgresIsolationProbe.connections(for: a, among: pg.workload.tenants, port: pg.server.port),
                                                 as: PostgresServer.superuser)
            #expect(connections.stderr.contains("NOTICE:  databases refused: \(expected.otherDatabases) of \(expected.otherDatabases)\n"), "\(a.id): \(connections)")
        }
    }

    @Test func eachTenantReachesItsOwnKeysAndNoOtherOnRedis() throws {
        let redis = try Self.redis.get()
        let tenants = redis.workload.tenants.filter { $0.redis && $0.app != nil }
        #expect(tenants.count >= 100)
        for a in tenants {
            let others = redis.workload.tenants.filter { $0.id != a.id && $0.redis }
            let result = try redis.session(as: a.app!, RedisIsolationProbe.commands(for: a, others: others))
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.prefix(2) == ["OK", "1"], "\(a.id): \(result)")
            let refused = lines.dropFirst(2).filter { $0.hasPrefix("NOPERM") }.count
            #expect(refused == RedisIsolationProbe.expectedRefusals(others: others), "\(a.id): \(refused) refused\n\(result.stdout.prefix(2000))")
        }
    }

    @Test func oneConnectionMoreThanTheLimitIsRefused() throws {
        let pg = try Self.postgres.get()
        let tenant = try #require(pg.workload.tenants.first { $0.postgres && $0.app != nil && (1...5).contains($0.connectionLimit) })
        var held: [HeldConnection] = []
        defer { held.forEach { $0.close() } }
        for _ in 0..<tenant.connectionLimit { held.append(try pg.server.holdConnection(as: tenant.app!, database: tenant.database)) }
        let refused = try pg.server.psql(sql: "SELECT 1", as: tenant.app!, database: tenant.database)
        #expect(!refused.succeeded && refused.stderr.contains("too many connections for role \"\(tenant.app!)\""), "\(refused)")
        held.removeLast().close()
        let reconnect = try waitUntil(timeout: 30) { try pg.server.psql(sql: "SELECT 1", as: tenant.app!, database: tenant.database).succeeded }
        #expect(reconnect, "a connection is accepted again under the limit")
    }

    /// For every example, database, operation and role, `tenantc access` answers what the servers do.
    @Test func accessAgreesWithTheServers() throws {
        let pg = try Self.postgres.get()
        let redis = try Self.redis.get()
        var compared = 0
        let examples = pg.workload.tenants.filter(\.isExample)
        #expect(examples.count == exampleFiles().count)
        for tenant in examples {
            for role in tenant.roles {
                let onPostgres = try AccessProbe.postgres(pg, tenant, role: role)
                let onRedis = try AccessProbe.redis(redis, tenant, role: role)
                for operation in AccessProbe.operations {
                    for (database, allowed) in [("postgresql", onPostgres[operation]), ("redis", onRedis[operation])] {
                        let answer = try TenantcCLI.run(["access", tenant.file, database, operation, "--role", role], in: pg.workload.root)
                        #expect(answer.status == 0 || answer.status == 1, "\(answer.stderr)")
                        #expect((answer.status == 0) == allowed, "\(tenant.id) \(database) \(operation) --role \(role): tenantc says \(answer.stdout), the server \(allowed == true ? "allows" : "refuses")")
                        compared += 1
                    }
                }
            }
        }
        #expect(compared == examples.reduce(0) { $0 + $1.roles.count } * AccessProbe.operations.count * 2)
        #expect(compared >= 100)
    }

    @Test func anAccountLogsInWithItsPasswordOverSCRAM() throws {
        let workload = try ProvisioningWorkload.shared.get()
        let server = try PostgresServer.start()
        defer { server.stop() }
        let applied = try server.apply(file: workload.artifact("corp_enterprise_001", "sql"), as: PostgresServer.superuser)
        #expect(applied.succeeded, "\(applied)")
        // The emitted lines are valid pg_hba.conf lines (reloadHBA throws on an error); then a
        // loopback line of the same form lets the test connect with a password.
        let emitted = try String(contentsOfFile: workload.artifact("corp_enterprise_001", "pg_hba.conf"), encoding: .utf8)
            .split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
        #expect(!emitted.isEmpty && emitted.allSatisfy { $0.hasPrefix("hostssl\t\"corp_enterprise_001\"\t") })
        let loopback = "host all \"corp_enterprise_001_app\" 127.0.0.1/32 scram-sha-256"
        try server.reloadHBA(lines: [loopback] + emitted.map { $0.replacingOccurrences(of: "hostssl", with: "host") } + PostgresServer.defaultHBALines)
        let password = "demo-only-corp-postgres"
        let good = try server.psql(sql: "SELECT current_user", as: "corp_enterprise_001_app", database: "corp_enterprise_001", password: password)
        #expect(good.succeeded && good.stdout == "corp_enterprise_001_app\n", "\(good)")
        let bad = try server.psql(sql: "SELECT 1", as: "corp_enterprise_001_app", database: "corp_enterprise_001", password: password + "x")
        #expect(!bad.succeeded && bad.stderr.contains("password authentication failed"), "\(bad)")
    }

    /// Names that need quoting reach the server as written.
    @Test func namesThatNeedQuotingReachTheServerAsWritten() throws {
        let dir = try ProvisioningArtifactTests.project(ProvisioningArtifactTests.quotedNames)
        defer { try? FileManager.default.removeItem(at: dir) }
        let built = try TenantcCLI.run(["build", "tenants", "--emit", "postgres", "-o", "out"], in: dir)
        #expect(built.status == 0, "\(built.stderr)")
        let server = try PostgresServer.start()
        defer { server.stop() }
        for _ in 0..<2 {
            let applied = try server.apply(file: dir.appendingPathComponent("out/acme.sql").path, as: PostgresServer.superuser)
            #expect(applied.succeeded, "\(applied)")
        }
        #expect(try server.runAsSuperuser("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'acme%' ORDER BY 1") == "acme_analytics\nacme_audit\nacme_we\"ird 'schema")
        let created = try server.psql(sql: "CREATE TABLE \"acme_we\"\"ird 'schema\".t (x int); SELECT current_user", as: "acme_App-1")
        #expect(created.succeeded && created.stdout == "acme_App-1\n", "\(created)")
    }

    /// The SQL of `plan --emit postgres`, applied to a server provisioned for the old tier, gives
    /// what a fresh provisioning for the new tier gives.
    @Test func aPlanLeavesWhatAFreshProvisioningOfTheNewTierGives() throws {
        let workload = try ProvisioningWorkload.shared.get()
        let id = "demo_free_001"
        let file = workload.root.appendingPathComponent("tenants/\(id).tenant").path
        let plan = try TenantcCLI.run(["plan", file, "--to", "standard", "--emit", "postgres", "--key-file", ProvisioningWorkload.key], in: workload.root)
        #expect(plan.status == 0, "\(plan.stderr)")
        let planFile = workload.root.appendingPathComponent("\(id)-to-standard.sql")
        try plan.stdout.write(to: planFile, atomically: true, encoding: .utf8)

        let fresh = workload.root.appendingPathComponent("fresh")
        try FileManager.default.createDirectory(at: fresh.appendingPathComponent("tenants"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: repoRoot + "/tiers", toPath: fresh.appendingPathComponent("tiers").path)
        try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "extends free", with: "extends standard")
            .write(to: fresh.appendingPathComponent("tenants/\(id).tenant"), atomically: true, encoding: .utf8)
        let built = try TenantcCLI.run(["build", "tenants", "--emit", "postgres", "-o", "out", "--key-file", ProvisioningWorkload.key], in: fresh)
        #expect(built.status == 0, "\(built.stderr)")

        // Both servers hold another tenant of the shared database first, as a real one does: the
        // shared database's own privileges are then the same on both.
        let neighbour = workload.artifact("startup_001", "sql")
        let moved = try PostgresServer.start()
        defer { moved.stop() }
        for script in [neighbour, workload.artifact(id, "sql"), planFile.path] {
            let r = try moved.apply(file: script, as: PostgresServer.superuser)
            #expect(r.succeeded, "\(script): \(r)")
        }
        let direct = try PostgresServer.start()
        defer { direct.stop() }
        for script in [neighbour, fresh.appendingPathComponent("out/\(id).sql").path] {
            let r = try direct.apply(file: script, as: PostgresServer.superuser)
            #expect(r.succeeded, "\(script): \(r)")
        }
        let after = try PostgresCatalog.dump(moved, databases: ["postgres", id], sortedACLs: true)
        let expected = try PostgresCatalog.dump(direct, databases: ["postgres", id], sortedACLs: true)
        #expect(after.contains("\(id)_readonly") && after.contains("schema|\(id)|\(id)_data"))
        let (afterLines, expectedLines) = (after.split(separator: "\n"), expected.split(separator: "\n"))
        #expect(after == expected, "only after the plan: \(afterLines.filter { !expectedLines.contains($0) }); only in a fresh provisioning: \(expectedLines.filter { !afterLines.contains($0) })")
    }
}
