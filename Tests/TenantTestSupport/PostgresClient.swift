import Foundation

/// How the tests run `psql` against a server: over TCP to 127.0.0.1, without the caller's
/// libpq settings, password file or psqlrc, never prompting for a password, messages in English.
struct PostgresClient: Sendable {
    let psql: String
    let port: UInt16
    /// The server's directory, where no password file is.
    let directory: URL

    func run(sql: String, as role: String, database: String, password: String?) throws -> CommandOutput {
        try ProgramRunner.run(psql, arguments(role: role, database: database), environment: environment(password: password), stdin: sql)
    }

    func apply(file: String, as role: String, database: String, password: String?) throws -> CommandOutput {
        try ProgramRunner.run(psql, arguments(role: role, database: database) + ["--file=\(file)"], environment: environment(password: password))
    }

    /// Stops at the first error (exit status 3); prints rows only, unaligned, `|` between columns.
    func arguments(role: String, database: String) -> [String] {
        ["--no-psqlrc", "--no-password", "--quiet", "--no-align", "--tuples-only", "--set=ON_ERROR_STOP=1",
         "--host=127.0.0.1", "--port=\(port)", "--username=\(role)", "--dbname=\(database)"]
    }

    func environment(password: String?) -> [String: String] {
        var environment = Self.environment()
        environment["PGCONNECT_TIMEOUT"] = "30"
        environment["PGPASSFILE"] = directory.appendingPathComponent("no-such-pgpass").path
        if let password { environment["PGPASSWORD"] = password }
        return environment
    }

    /// The process's environment without `PG…` variables (PGHOST, PGSSLMODE, …), in the C
    /// locale: tests match the server's and psql's messages. Also the server programs'.
    static func environment() -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { key, _ in
            !key.hasPrefix("PG") && !key.hasPrefix("LC_") && key != "LANG" && key != "LANGUAGE"
        }
        environment["LC_ALL"] = "C"
        return environment
    }
}
