import Foundation
import TenantTestSupport
import Testing

// The throwaway PostgreSQL and Redis servers of TenantTestSupport, which the provisioning
// backends' tests run their output on. Each check would fail if the harness did not start a
// real server, connect as the role or user asked for, or report the server's messages.

/// The servers' tests run when the programs are installed, and always under
/// `TENANTC_REQUIRE_E2E=1` (set by `.ci/run`, which installs them): there a missing program
/// fails the tests instead of skipping them.
enum ServerTests {
    static let postgresEnabled = EndToEnd.required || PostgresServer.isAvailable
    static let redisEnabled = EndToEnd.required || RedisServer.isAvailable
}

@Suite(.enabled(if: ServerTests.postgresEnabled, Comment(rawValue: PostgresServer.howToGetIt)))
struct PostgresServerTests {
    @Test func aRoleWithoutPrivilegesOnASchemaCannotCreateInIt() throws {
        let pg = try PostgresServer.shared()
        let role = PostgresServer.uniqueName("app"), schema = PostgresServer.uniqueName("data")
        try pg.runAsSuperuser("CREATE ROLE \(role) LOGIN; CREATE SCHEMA \(schema);")

        let session = try pg.psql(sql: "SELECT current_user, session_user", as: role)
        #expect(session.status == 0 && session.stdout == "\(role)|\(role)\n", "\(session)")
        let denied = try pg.psql(sql: "CREATE TABLE \(schema).t (i int)", as: role)
        #expect(denied.status == 3, "psql stops at the error: \(denied)")
        #expect(denied.stderr.contains("ERROR:  permission denied for schema \(schema)"), "\(denied)")

        try pg.runAsSuperuser("GRANT USAGE, CREATE ON SCHEMA \(schema) TO \(role)")
        let granted = try pg.psql(sql: "CREATE TABLE \(schema).t (i int); SELECT tableowner FROM pg_tables WHERE schemaname = '\(schema)'", as: role)
        #expect(granted.status == 0 && granted.stdout == "\(role)\n", "\(granted)")
    }

    @Test func aScriptFileRunsUpToItsFirstError() throws {
        let pg = try PostgresServer.shared()
        let schema = PostgresServer.uniqueName("script")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(schema).sql")
        try """
            CREATE SCHEMA \(schema);
            CREATE TABLE \(schema).t (i int) WITH (no_such_option = 1);
            CREATE TABLE \(schema).u (i int);

            """.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }

        let result = try pg.apply(file: file.path, as: PostgresServer.superuser)
        #expect(result.status == 3, "\(result)")
        #expect(result.stderr.contains("psql:\(file.path):2: ERROR:  unrecognized parameter \"no_such_option\""), "\(result)")
        #expect(try pg.runAsSuperuser("SELECT count(*) FROM pg_namespace WHERE nspname = '\(schema)'") == "1")
        #expect(try pg.runAsSuperuser("SELECT count(*) FROM pg_tables WHERE schemaname = '\(schema)'") == "0")
    }

    @Test func aRoleAtItsConnectionLimitIsRefusedTheNextConnection() throws {
        let pg = try PostgresServer.shared()
        let role = PostgresServer.uniqueName("limited")
        try pg.runAsSuperuser("CREATE ROLE \(role) LOGIN CONNECTION LIMIT 1")

        let held = try pg.holdConnection(as: role)
        let refused = try pg.psql(sql: "SELECT 1", as: role)
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("FATAL:  too many connections for role \"\(role)\""), "\(refused)")

        held.close()
        // The server frees the held session's place as it ends, shortly after psql has gone.
        var after = CommandOutput(status: -1, stdout: "", stderr: "")
        let admitted = try waitUntil(timeout: 30) {
            after = try pg.psql(sql: "SELECT 1", as: role)
            return after.succeeded
        }
        #expect(admitted && after.stdout == "1\n", "\(after)")
    }

    @Test func pgHBALinesDecideWhoConnectsAndHow() throws {
        let pg = try PostgresServer.start()
        defer { pg.stop() }
        try pg.runAsSuperuser("CREATE ROLE keyed LOGIN PASSWORD 'secret'; CREATE ROLE other LOGIN")
        #expect(try pg.psql(sql: "SELECT 1", as: "keyed").stdout == "1\n", "trusted before the test's lines")

        try pg.reloadHBA(lines: ["host all keyed 127.0.0.1/32 scram-sha-256", "host all other 127.0.0.1/32 reject"])
        let noPassword = try pg.psql(sql: "SELECT 1", as: "keyed")
        #expect(noPassword.status == 2 && noPassword.stderr.contains("no password supplied"), "\(noPassword)")
        let wrongPassword = try pg.psql(sql: "SELECT 1", as: "keyed", password: "guess")
        #expect(wrongPassword.status == 2 && wrongPassword.stderr.contains("password authentication failed for user \"keyed\""), "\(wrongPassword)")
        let password = try pg.psql(sql: "SELECT 1", as: "keyed", password: "secret")
        #expect(password.status == 0 && password.stdout == "1\n", "\(password)")
        let rejected = try pg.psql(sql: "SELECT 1", as: "other")
        #expect(rejected.status == 2 && rejected.stderr.contains("pg_hba.conf rejects connection for host \"127.0.0.1\", user \"other\""), "\(rejected)")
        #expect(try pg.runAsSuperuser("SELECT current_user") == PostgresServer.superuser)

        // A line PostgreSQL cannot read is reported, and the lines in use stay.
        let error = #expect(throws: ServerError.self) { try pg.reloadHBA(lines: ["host all all 127.0.0.1/32 no_such_method"]) }
        #expect(error?.description.contains("invalid authentication method \"no_such_method\"") == true, "\(String(describing: error))")
        #expect(try pg.psql(sql: "SELECT 1", as: "other").stderr.contains("pg_hba.conf rejects connection"))
    }

    @Test func theSharedServerIsOneServerAndKeepsItsPgHBA() throws {
        let first = try PostgresServer.shared(), second = try PostgresServer.shared()
        #expect(first === second)
        #expect(try first.runAsSuperuser("SHOW listen_addresses") == "127.0.0.1")
        #expect(throws: ServerError.self) { try first.reloadHBA(lines: []) }
    }

    @Test func stopEndsTheServerAndDeletesItsDirectory() throws {
        let pg = try PostgresServer.start()
        #expect(try pg.runAsSuperuser("SELECT 1") == "1")
        let pidFile = try String(contentsOf: pg.directory.appendingPathComponent("data/postmaster.pid"), encoding: .utf8)
        let postmaster = try #require(pidFile.split(separator: "\n").first.flatMap { Int32($0) }, "\(pidFile)")
        #expect(!processHasExited(postmaster), "the server runs")
        pg.stop()
        #expect(processHasExited(postmaster), "the server has exited")
        #expect(!FileManager.default.fileExists(atPath: pg.directory.path))
    }
}

@Suite(.enabled(if: ServerTests.redisEnabled, Comment(rawValue: RedisServer.howToGetIt)))
struct RedisServerTests {
    @Test func aclRulesDecideWhatAUserMayDo() throws {
        let redis = try RedisServer.start(acl: "user alice on >pw ~a:* +@all -@dangerous\n")
        defer { redis.stop() }
        let set = try redis.cli(["SET", "a:1", "one"], user: "alice", password: "pw")
        #expect(set.status == 0 && set.stdout == "OK\n", "\(set)")
        #expect(try redis.cli(["GET", "a:1"], user: "alice", password: "pw").stdout == "one\n")

        let otherKey = try redis.cli(["SET", "b:1", "one"], user: "alice", password: "pw")
        #expect(otherKey.output.contains("NOPERM"), "\(otherKey)")
        let dangerous = try redis.cli(["FLUSHALL"], user: "alice", password: "pw")
        #expect(dangerous.output.contains("NOPERM"), "\(dangerous)")
        #expect(try redis.cli(["EXISTS", "a:1", "b:1"]).stdout == "1\n", "a:1 is set, b:1 is not")

        let wrongPassword = try redis.cli(["GET", "a:1"], user: "alice", password: "guess")
        #expect(wrongPassword.status == 1 && wrongPassword.output.contains("WRONGPASS"), "\(wrongPassword)")
    }

    @Test func loadACLReplacesTheUsers() throws {
        let redis = try RedisServer.start(acl: "user alice on >pw ~a:* +@all")
        defer { redis.stop() }
        try redis.loadACL("user bob on >pw2 ~b:* +@all\n")
        #expect(try redis.cli(["SET", "b:1", "x"], user: "bob", password: "pw2").stdout == "OK\n")
        #expect(try redis.cli(["SET", "a:1", "x"], user: "bob", password: "pw2").output.contains("NOPERM"))
        #expect(try redis.cli(["PING"], user: "alice", password: "pw").output.contains("WRONGPASS"), "alice is gone")

        // Rules Redis rejects are reported, and the users stay as they were.
        let error = #expect(throws: ServerError.self) { try redis.loadACL("user carol on >pw ~c:* +@no_such_category\n") }
        #expect(error?.description.contains("+@no_such_category") == true, "\(String(describing: error))")
        #expect(try redis.cli(["GET", "b:1"], user: "bob", password: "pw2").stdout == "x\n")
    }

    @Test func theHarnessStartsAServerWhoseDefaultUserIsOff() throws {
        let redis = try RedisServer.start(acl: "user default off\nuser alice on >pw ~* +@all\n")
        defer { redis.stop() }
        let anonymous = try redis.cli(["PING"])
        #expect(anonymous.output.contains("NOAUTH"), "\(anonymous)")
        #expect(try redis.cli(["PING"], user: "alice", password: "pw").stdout == "PONG\n")
    }

    @Test func stopEndsTheServerAndDeletesItsDirectory() throws {
        let redis = try RedisServer.start()
        let info = try redis.cli(["INFO", "server"]).stdout
        let line = try #require(info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("process_id:") }, "\(info)")
        let pid = try #require(Int32(line.dropFirst("process_id:".count)), "\(info)")
        #expect(!processHasExited(pid), "the server runs")
        redis.stop()
        #expect(processHasExited(pid), "the server has exited")
        #expect(!FileManager.default.fileExists(atPath: redis.directory.path))
    }
}

/// The process is gone, or a zombie: the postmaster's parent is whatever adopted it when
/// pg_ctl exited, which may not reap it at once (or at all, in a container).
func processHasExited(_ pid: Int32) -> Bool {
    guard kill(pid, 0) == 0 else { return errno == ESRCH }
    let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
    // The state follows the command name, which is in parentheses.
    return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
}
