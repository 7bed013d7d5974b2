import Foundation
import TenantTestSupport
import Testing

/// A PostgreSQL server with every tenant of the workload provisioned: the scripts applied once
/// (catalog dumped), again (dumped again), then a fixture table created in each tenant's schemas
/// and the scripts applied a third time, so that the grants on existing tables cover it.
final class ProvisionedPostgres: Sendable {
    let workload: ProvisioningWorkload
    let server: PostgresServer
    let catalogAfterFirst: String
    let catalogAfterSecond: String
    let tenantsApplied: Int

    init(_ workload: ProvisioningWorkload) throws {
        self.workload = workload
        server = try PostgresServer.start()
        let tenants = workload.tenants.filter(\.postgres)
        tenantsApplied = tenants.count
        // One psql for all: each script starts from the shared database, as it would alone.
        let all = workload.root.appendingPathComponent("all.sql")
        try tenants.map { "\\connect \(ProvisioningWorkload.sharedDatabase)\n\\i \(workload.artifact($0.id, "sql"))\n" }.joined()
            .write(to: all, atomically: true, encoding: .utf8)
        let databases = [ProvisioningWorkload.sharedDatabase] + tenants.map(\.database).filter { $0 != ProvisioningWorkload.sharedDatabase }
        try Self.apply(all, on: server)
        catalogAfterFirst = try PostgresCatalog.dump(server, databases: databases, sortedACLs: false)
        try Self.apply(all, on: server)
        catalogAfterSecond = try PostgresCatalog.dump(server, databases: databases, sortedACLs: false)
        for tenant in tenants {
            let fixtures = tenant.schemas.map { "CREATE TABLE \"\($0)\".fixture (x int); INSERT INTO \"\($0)\".fixture VALUES (1);" }.joined(separator: "\n")
            try server.runAsSuperuser(fixtures, database: tenant.database)
        }
        try Self.apply(all, on: server)
        // Connections to other databases are tried from the superuser's session, through dblink:
        // psql ends a script at the first connection refused.
        try server.runAsSuperuser("CREATE EXTENSION IF NOT EXISTS dblink")
    }

    private static func apply(_ file: URL, on server: PostgresServer) throws {
        let result = try server.apply(file: file.path, as: PostgresServer.superuser)
        guard result.succeeded else { throw TestFailure("applying the scripts: \(result)") }
    }
}

/// A Redis server whose users are every tenant's ACL, loaded twice (`ACL LIST` after each), with
/// a password given to every tenant user by the test (tenants without a password secret have none).
final class ProvisionedRedis: Sendable {
    let workload: ProvisioningWorkload
    let server: RedisServer
    let usersAfterFirst: String
    let usersAfterSecond: String
    static let password = "test-password"

    init(_ workload: ProvisioningWorkload) throws {
        self.workload = workload
        let rules = try workload.tenants.filter(\.redis).map { try String(contentsOfFile: workload.artifact($0.id, "acl"), encoding: .utf8) }.joined()
        server = try RedisServer.start(acl: rules)
        usersAfterFirst = try server.adminCLI(["ACL", "LIST"]).stdout
        try server.loadACL(rules)
        usersAfterSecond = try server.adminCLI(["ACL", "LIST"]).stdout
    }

    /// `commands` (one per line) as `user`, who is given the test's password (and turned on).
    func session(as user: String, _ commands: String, enable: Bool = false) throws -> CommandOutput {
        let setup = try server.adminCLI(["ACL", "SETUSER", user, ">" + Self.password] + (enable ? ["on"] : []))
        guard setup.stdout == "OK\n" else { throw TestFailure("ACL SETUSER \(user): \(setup)") }
        return try server.cli(batch: commands, user: user, password: Self.password)
    }
}

/// What tenant A's app account tries on PostgreSQL: its own data schema (create, write, read),
/// then every other tenant's schemas in the same database (each attempt must be refused), the
/// `public` schema, and every other tenant's database (the connection must be refused).
enum PostgresIsolationProbe {
    static func others(of a: ProvisioningWorkload.Tenant, among all: [ProvisioningWorkload.Tenant]) -> [ProvisioningWorkload.Tenant] {
        all.filter { $0.id != a.id && $0.postgres }
    }

    static func expectedRefusals(for a: ProvisioningWorkload.Tenant, among all: [ProvisioningWorkload.Tenant]) -> (sameDatabase: Int, otherDatabases: Int) {
        let others = others(of: a, among: all)
        let same = others.filter { $0.database == a.database }.reduce(0) { $0 + 3 * $1.schemas.count }
        return (same + 1, Set(others.map(\.database)).subtracting([a.database]).count)
    }

    static func script(for a: ProvisioningWorkload.Tenant, among all: [ProvisioningWorkload.Tenant]) -> String {
        let own = a.schemas.first { $0.hasSuffix("_data") } ?? a.schemas[0]
        let others = others(of: a, among: all)
        let schemas = others.filter { $0.database == a.database }.flatMap(\.schemas)
        let total = 3 * schemas.count + 1
        let out = """
            CREATE TABLE "\(own)".probe (x int);
            INSERT INTO "\(own)".probe VALUES (1), (2);
            SELECT 'own schema: ' || count(*) || ' rows' FROM "\(own)".probe;
            DROP TABLE "\(own)".probe;
            DO $probe$
            DECLARE
              s text;
              refused int := 0;
            BEGIN
              BEGIN
                CREATE TABLE public.probe (x int);
              EXCEPTION WHEN insufficient_privilege THEN refused := refused + 1;
              END;
              FOREACH s IN ARRAY ARRAY[\(schemas.map { "'\($0)'" }.joined(separator: ", "))]::text[] LOOP
                BEGIN EXECUTE format('CREATE TABLE %I.probe (x int)', s);
                EXCEPTION WHEN insufficient_privilege THEN refused := refused + 1; END;
                BEGIN EXECUTE format('SELECT * FROM %I.fixture', s);
                EXCEPTION WHEN insufficient_privilege THEN refused := refused + 1; END;
                BEGIN EXECUTE format('INSERT INTO %I.fixture VALUES (2)', s);
                EXCEPTION WHEN insufficient_privilege THEN refused := refused + 1; END;
              END LOOP;
              RAISE NOTICE 'refused % of \(total)', refused;
            END
            $probe$;

            """
        return out
    }

    /// Tenant A's app account connecting to every other tenant's database, from the superuser's
    /// session (dblink): each connection must be refused for want of the CONNECT privilege.
    static func connections(for a: ProvisioningWorkload.Tenant, among all: [ProvisioningWorkload.Tenant], port: UInt16) -> String {
        let databases = Set(others(of: a, among: all).map(\.database)).subtracting([a.database]).sorted()
        return """
            DO $probe$
            DECLARE
              d text;
              detail text;
              refused int := 0;
            BEGIN
              FOREACH d IN ARRAY ARRAY[\(databases.map { "'\($0)'" }.joined(separator: ", "))]::text[] LOOP
                -- A refused connection's backend may still count against the role's connection
                -- limit when the next attempt arrives: that refusal is not the one looked for,
                -- so the attempt is made again, a bounded number of times.
                FOR attempt IN 1..1000 LOOP
                  BEGIN
                    PERFORM dblink_connect('probe', format('host=127.0.0.1 port=\(port) dbname=%s user=%s', d, '\(a.app!)'));
                    PERFORM dblink_disconnect('probe');
                    EXIT;
                  EXCEPTION WHEN sqlclient_unable_to_establish_sqlconnection THEN
                    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
                    CONTINUE WHEN detail LIKE '%too many connections for role%';
                    IF detail LIKE '%permission denied for database%' THEN refused := refused + 1; END IF;
                    EXIT;
                  END;
                END LOOP;
              END LOOP;
              RAISE NOTICE 'databases refused: % of \(databases.count)', refused;
            END
            $probe$;
            """
    }
}

/// What tenant A's app account tries on Redis: its own namespace (write, read), then each other
/// tenant's namespaces (write, read), and the commands that reach every key.
enum RedisIsolationProbe {
    static func commands(for a: ProvisioningWorkload.Tenant, others: [ProvisioningWorkload.Tenant]) -> String {
        let own = a.namespaces[0]
        var lines = ["SET \(own)probe 1", "GET \(own)probe"]
        for b in others {
            for namespace in b.namespaces { lines += ["SET \(namespace)probe 1", "GET \(namespace)probe"] }
        }
        lines += ["KEYS *", "SCAN 0", "FLUSHALL", "CONFIG GET *", "ACL LIST"]
        return lines.joined(separator: "\n") + "\n"
    }

    static func expectedRefusals(others: [ProvisioningWorkload.Tenant]) -> Int {
        others.reduce(0) { $0 + 2 * $1.namespaces.count } + 5
    }
}

/// What a role of a tenant may do, asked of the servers: on PostgreSQL as the superuser after
/// `SET ROLE "<id>_<role>"`, on the tenant's data schema's fixture; on Redis as the role's user
/// (turned on by the test), on the tenant's first namespace.
enum AccessProbe {
    static let operations = ["read", "write", "admin"]

    static func postgres(_ pg: ProvisionedPostgres, _ tenant: ProvisioningWorkload.Tenant, role: String) throws -> [String: Bool] {
        guard tenant.postgres, let schema = tenant.schemas.first(where: { $0.hasSuffix("_data") }) else { return denied }
        let table = "\"\(schema)\".fixture"
        let statements = ["read": "PERFORM * FROM \(table)", "write": "INSERT INTO \(table) VALUES (3)", "admin": "TRUNCATE \(table)"]
        var body = "SET ROLE \"\(tenant.id)_\(role)\";\nDO $probe$\nBEGIN\n"
        for operation in operations {
            body += "  BEGIN \(statements[operation]!); RAISE NOTICE '\(operation) allowed';\n"
            body += "  EXCEPTION WHEN insufficient_privilege THEN RAISE NOTICE '\(operation) refused'; END;\n"
        }
        body += "END\n$probe$;\n"
        let result = try pg.server.psql(sql: body, as: PostgresServer.superuser, database: tenant.database)
        guard result.succeeded else { return denied }
        return Dictionary(uniqueKeysWithValues: operations.map { ($0, result.stderr.contains("NOTICE:  \($0) allowed")) })
    }

    static func redis(_ redis: ProvisionedRedis, _ tenant: ProvisioningWorkload.Tenant, role: String) throws -> [String: Bool] {
        guard tenant.redis, let namespace = tenant.namespaces.first else { return denied }
        let user = "\(tenant.id)_\(role)"
        _ = try redis.session(as: user, "PING\n", enable: true)
        let commands = ["read": ["GET", namespace + "k"], "write": ["SET", namespace + "k", "v"], "admin": ["DEL", namespace + "k"]]
        var allowed: [String: Bool] = [:]
        for operation in operations {
            // One command per session: a refusal prints a line and a blank one, which would blur replies.
            let reply = try redis.server.cli(commands[operation]!, user: user, password: ProvisionedRedis.password)
            guard reply.status == 0 else { throw TestFailure("redis-cli as \(user): \(reply)") }
            allowed[operation] = !reply.stdout.hasPrefix("NOPERM")
        }
        return allowed
    }

    private static let denied = ["read": false, "write": false, "admin": false]
}

/// The catalog a provisioning writes, as text: roles (attributes, limits, verifiers),
/// memberships, databases and their privileges; per database, schemas, tables and default
/// privileges. `sortedACLs`: each privilege list in order (to compare two servers, where the same
/// grants may have been made in another order); otherwise as stored.
enum PostgresCatalog {
    static func dump(_ server: PostgresServer, databases: [String], sortedACLs: Bool) throws -> String {
        func acl(_ column: String) -> String {
            sortedACLs ? "coalesce(array_to_string(ARRAY(SELECT unnest(\(column))::text ORDER BY 1), ','), '')" : "coalesce(\(column)::text, '')"
        }
        var out = try server.runAsSuperuser("""
            SELECT 'role|' || rolname || '|' || rolcanlogin || rolinherit || rolsuper || rolcreatedb || rolcreaterole || rolreplication || rolbypassrls
                   || '|' || rolconnlimit || '|' || coalesce(rolpassword, '') FROM pg_authid WHERE rolname NOT LIKE 'pg\\_%' ORDER BY rolname;
            SELECT 'member|' || g.rolname || '|' || u.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                   JOIN pg_roles u ON u.oid = m.member ORDER BY 1;
            SELECT 'database|' || datname || '|' || \(acl("datacl")) FROM pg_database WHERE datname NOT IN ('template0', 'template1') ORDER BY datname;
            """) + "\n"
        for database in databases {
            out += try server.runAsSuperuser("""
                SELECT 'schema|' || current_database() || '|' || nspname || '|' || \(acl("nspacl")) FROM pg_namespace
                       WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY nspname;
                SELECT 'table|' || current_database() || '|' || n.nspname || '.' || c.relname || '|' || \(acl("c.relacl")) FROM pg_class c
                       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' ORDER BY 1;
                SELECT 'default|' || current_database() || '|' || pg_get_userbyid(d.defaclrole) || '|' || coalesce(n.nspname, '') || '|' || d.defaclobjtype::text
                       || '|' || \(acl("d.defaclacl")) FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace ORDER BY 1;
                """, database: database) + "\n"
        }
        return out
    }
}
