import Foundation

/// A throwaway PostgreSQL server for a test: a copy of the process's template cluster (see
/// `PostgresTemplate`), listening on 127.0.0.1 only, on a free port, its Unix socket in its own
/// directory. When the tests run as root it runs as `nobody` (`ServerAccount`).
///
/// Two ways to get one:
/// - `PostgresServer.shared()`: one server per test process, started on first use and stopped
///   when the process ends. For tests that only create objects of their own: roles are global
///   to a cluster and tests run in parallel, so name them with `uniqueName(_:)`.
/// - `PostgresServer.start()`: a server of the test's own, for tests that change the server
///   (`reloadHBA(lines:)`) or need fixed role names. Stop it with `stop()` (`defer`); it is
///   also stopped when the last reference goes, and when the process ends.
///
/// Clients connect over TCP to 127.0.0.1. pg_hba.conf always trusts the superuser `postgres`
/// there (the harness's own connections), then has the test's lines: by default every role is
/// trusted, so a test can connect as any role without a password.
/// All methods may be called from tests running in parallel.
public final class PostgresServer: @unchecked Sendable {
    public static let superuser = "postgres"
    public static let howToGetIt = "needs PostgreSQL server binaries: initdb, pg_ctl, postgres and psql (Debian: postgresql)"
    /// The server programs are there: tests that need a server can run.
    public static var isAvailable: Bool { PostgresInstallation.found != nil }

    public let port: UInt16
    /// The server's directory: the cluster (`data/`), its log, its socket. Deleted by `stop()`.
    public let directory: URL
    public let isShared: Bool
    private let client: PostgresClient
    /// The postmaster, started by this process (not daemonized by `pg_ctl start`: Foundation
    /// notices that a program has exited when a socket it inherited closes, and the postmaster
    /// that pg_ctl leaves behind would hold it open).
    private let postmaster: Process
    private let watchdog: ExitWatchdog
    private let stopping = NSLock()

    private init(client: PostgresClient, isShared: Bool, postmaster: Process, watchdog: ExitWatchdog) {
        self.port = client.port
        self.directory = client.directory
        self.isShared = isShared
        self.client = client
        self.postmaster = postmaster
        self.watchdog = watchdog
    }

    deinit { stopNow() }

    // MARK: Starting and stopping

    /// A server of the caller's own.
    public static func start() throws -> PostgresServer {
        try start(isShared: false)
    }

    /// The server the process's tests share; started by the first call.
    public static func shared() throws -> PostgresServer {
        try sharedServer.get()
    }

    private static let sharedServer: Result<PostgresServer, ServerError> = {
        do { return .success(try start(isShared: true)) }
        catch let error as ServerError { return .failure(error) }
        catch { return .failure(ServerError("\(error)")) }
    }()

    /// Stops the server at once (an immediate shutdown: nothing is kept) and deletes its
    /// directory. The shared server is only stopped when the process ends.
    public func stop() {
        guard !isShared else { return }
        stopNow()
    }

    private func stopNow() {
        stopping.lock()
        defer { stopping.unlock() }
        Self.end(postmaster)
        watchdog.fire()
    }

    /// An immediate shutdown (SIGQUIT), and the wait for the postmaster to exit.
    private static func end(_ postmaster: Process) {
        if postmaster.isRunning { kill(postmaster.processIdentifier, SIGQUIT) }
        postmaster.waitUntilExit()
    }

    private static let startAttempts = 5

    private static func start(isShared: Bool) throws -> PostgresServer {
        let template = try PostgresTemplate.shared.get()
        let account = template.account
        let directory = try makeServerDirectory("tenantc-pg", account: account)
        let data = directory.appendingPathComponent("data")
        // If this process ends before `stop()`, the watchdog stops the postmaster through its pid file.
        let stopCommand = account.command([template.installation.pgCtl, "stop", "--pgdata=\(data.path)", "--mode=immediate", "--wait", "--timeout=60"])
        let watchdog = try ExitWatchdog(commands: [[stopCommand.program] + stopCommand.arguments], removing: directory)
        do {
            let copy = account.command(["/bin/cp", "-a", template.dataDirectory.path, data.path])
            try ProgramRunner.check(copy.program, copy.arguments)
            let (client, postmaster) = try startOnAFreePort(template, data: data, directory: directory)
            return PostgresServer(client: client, isShared: isShared, postmaster: postmaster, watchdog: watchdog)
        } catch {
            watchdog.fire()
            throw error
        }
    }

    /// Starts the server and waits until it answers, on another port when the one picked was
    /// taken in the meantime.
    private static func startOnAFreePort(_ template: PostgresTemplate, data: URL, directory: URL) throws -> (PostgresClient, Process) {
        let log = directory.appendingPathComponent("server.log")
        for _ in 1...startAttempts {
            let client = PostgresClient(psql: template.installation.psql, port: try freeLoopbackPort(), directory: directory)
            let instance = "port = \(client.port)\nunix_socket_directories = \(quotedSetting(directory.path))\n"
            try PostgresTemplate.write(instance, to: data.appendingPathComponent(instanceSettingsFile), account: template.account)
            let postmaster = try launch(template, data: data, log: log)
            let answered = try waitUntil(timeout: 60) {
                try !postmaster.isRunning || client.run(sql: "SELECT 1", as: superuser, database: "postgres", password: nil).succeeded
            }
            if answered && postmaster.isRunning { return (client, postmaster) }
            end(postmaster)
            let attemptLog = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            guard attemptLog.contains("Address already in use") else {
                throw ServerError("PostgreSQL did not start (\(answered ? "it exited" : "no answer in 60 seconds")); its log:\n\(attemptLog)")
            }
        }
        throw ServerError("PostgreSQL found its port taken \(startAttempts) times in a row")
    }

    /// The postmaster, as the server account, its output to `log` (emptied first).
    private static func launch(_ template: PostgresTemplate, data: URL, log: URL) throws -> Process {
        try Data().write(to: log)
        let output = try FileHandle(forWritingTo: log)
        defer { try? output.close() }
        let (program, arguments) = template.account.command([template.installation.postgres, "-D", data.path])
        let postmaster = Process()
        postmaster.executableURL = URL(fileURLWithPath: program)
        postmaster.arguments = arguments
        postmaster.environment = PostgresClient.environment()
        postmaster.currentDirectoryURL = data.deletingLastPathComponent()
        postmaster.standardInput = FileHandle.nullDevice
        postmaster.standardOutput = output
        postmaster.standardError = output
        try postmaster.run()
        return postmaster
    }

    /// A new directory in the OS's temporary directory, owned by the account servers run as.
    static func makeServerDirectory(_ prefix: String, account: ServerAccount) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(randomSuffix())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try account.own(directory)
        try account.checkCanWrite(directory)
        return directory
    }

    // MARK: Configuration

    /// Added to the template's postgresql.conf. Nothing the tests write needs to survive a
    /// crash: no fsync. Many connections, for tests that open several at once.
    static let settings = [
        "listen_addresses = '127.0.0.1'",
        "max_connections = 300",
        "shared_buffers = 16MB",
        "fsync = off",
        "synchronous_commit = off",
        "full_page_writes = off",
    ]
    static let instanceSettingsFile = "instance.conf"

    /// The harness's own connections come first, so a test's lines cannot lock it out.
    static let harnessHBALines = [
        "local all \(superuser) trust",
        "host all \(superuser) 127.0.0.1/32 trust",
    ]
    public static let defaultHBALines = [
        "local all all trust",
        "host all all 127.0.0.1/32 trust",
    ]

    static func hbaFile(testLines: [String]) -> String {
        (["# The harness: the superuser, always."] + harnessHBALines + ["# The test's lines."] + testLines).joined(separator: "\n") + "\n"
    }

    /// Replaces the test's lines of pg_hba.conf (those after the superuser's) and has the server
    /// use them for the next connections. Throws, without reloading, if PostgreSQL reports an
    /// error in a line. Not on the shared server: it would change other tests' connections.
    public func reloadHBA(lines: [String]) throws {
        guard !isShared else { throw ServerError("reloadHBA changes the server for every test: use a server of the test's own (start())") }
        let account = try ServerAccount.current.get()
        try PostgresTemplate.write(Self.hbaFile(testLines: lines), to: directory.appendingPathComponent("data/pg_hba.conf"), account: account)
        let errors = try runAsSuperuser("SELECT line_number || ': ' || error FROM pg_hba_file_rules WHERE error IS NOT NULL")
        guard errors.isEmpty else { throw ServerError("pg_hba.conf has errors (line numbers count the harness's \(Self.harnessHBALines.count + 2) lines):\n\(errors)") }
        let loadedBefore = try runAsSuperuser("SELECT pg_conf_load_time()")
        try runAsSuperuser("SELECT pg_reload_conf()")
        // The postmaster reloads on a signal, after pg_reload_conf returns; a new session
        // reports the postmaster's load time, so a new one means the new lines are in use.
        let reloaded = try waitUntil(timeout: 30) { try runAsSuperuser("SELECT pg_conf_load_time()") != loadedBefore }
        guard reloaded else { throw ServerError("the server did not reload its configuration within 30 seconds:\n\(serverLog())") }
    }

    // MARK: Clients

    /// Runs `sql` (statements and psql meta-commands, as a script on standard input) with
    /// `psql` as `role`. psql stops at the first error (`ON_ERROR_STOP`, exit status 3; 2 when
    /// it could not connect), never prompts for a password (`-w`), and prints rows only:
    /// unaligned, `|` between columns, no headers or command tags. The server's errors are in
    /// `stderr`.
    public func psql(sql: String, as role: String, database: String = "postgres", password: String? = nil) throws -> CommandOutput {
        try client.run(sql: sql, as: role, database: database, password: password)
    }

    /// Runs the script at `file` with `psql -f` as `role` (see `psql(sql:as:database:password:)`).
    public func apply(file: String, as role: String, database: String = "postgres", password: String? = nil) throws -> CommandOutput {
        try client.apply(file: file, as: role, database: database, password: password)
    }

    /// `sql` as the superuser, which must succeed: its rows, trimmed.
    @discardableResult
    public func runAsSuperuser(_ sql: String, database: String = "postgres") throws -> String {
        let result = try psql(sql: sql, as: Self.superuser, database: database)
        guard result.succeeded else { throw ServerError("as \(Self.superuser): \(sql)\n\(result)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A connection as `role` kept open until `close()`: a psql session waiting for input.
    /// Returns once the server lists the session; throws if psql could not connect.
    public func holdConnection(as role: String, database: String = "postgres", password: String? = nil) throws -> HeldConnection {
        let applicationName = "held_" + Self.randomSuffix()
        var environment = client.environment(password: password)
        environment["PGAPPNAME"] = applicationName
        return try HeldConnection(server: self, psql: client.psql, arguments: client.arguments(role: role, database: database),
                                  environment: environment, applicationName: applicationName)
    }

    // MARK: Helpers

    /// The server's log: startup, shutdown, and the errors it reported.
    public func serverLog() -> String {
        (try? String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
    }

    /// `prefix`, `_` and eight random lowercase hexadecimal digits: a name no other test uses,
    /// for a role, schema or database on the shared server, that needs no quoting in SQL.
    public static func uniqueName(_ prefix: String) -> String {
        prefix + "_" + randomSuffix()
    }

    static func randomSuffix() -> String {
        String(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(8))
    }

    /// A string setting in postgresql.conf's syntax.
    static func quotedSetting(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
