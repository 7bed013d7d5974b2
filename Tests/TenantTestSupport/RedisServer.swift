import Foundation

/// A throwaway Redis server for a test: `redis-server` on 127.0.0.1 only, on a free port, no
/// persistence, its files in a directory of its own, users from an ACL file. Starting one takes
/// milliseconds, so each test starts its own (`ACL LOAD` replaces every user: a shared server
/// would mix tests' users). Stop it with `stop()` (`defer`); it is also stopped when the last
/// reference goes, and when the process ends. Methods may be called from parallel tests.
///
/// The ACL file holds the test's rules and, last, a user of the harness's own (`adminUser`,
/// every permission, a random password), which the harness uses to wait for the server and to
/// run `ACL LOAD`: a test's rules may turn the default user off.
public final class RedisServer: @unchecked Sendable {
    public static let howToGetIt = "needs redis-server and redis-cli on PATH (Debian: redis-server)"
    public static let adminUser = "tenantc-test-admin"
    public static var isAvailable: Bool { programs != nil }

    public let port: UInt16
    /// The server's directory: configuration, ACL file, log. Deleted by `stop()`.
    public let directory: URL
    private let adminPassword: String
    private let cliProgram: String
    private let process: Process
    private let watchdog: ExitWatchdog
    private let stopping = NSLock()

    private init(port: UInt16, directory: URL, adminPassword: String, cliProgram: String, process: Process, watchdog: ExitWatchdog) {
        self.port = port
        self.directory = directory
        self.adminPassword = adminPassword
        self.cliProgram = cliProgram
        self.process = process
        self.watchdog = watchdog
    }

    deinit { stop() }

    private static let programs: (server: String, cli: String)? = {
        guard let server = executableOnPath("redis-server"), let cli = executableOnPath("redis-cli") else { return nil }
        return (server, cli)
    }()

    public var aclFile: URL { directory.appendingPathComponent("users.acl") }

    private static func pidFile(_ directory: URL) -> URL { directory.appendingPathComponent("redis.pid") }
    /// Redis's log, and its standard output and error (where it reports a bad configuration).
    private static func logFiles(_ directory: URL) -> [URL] {
        ["redis.out", "redis.log"].map { directory.appendingPathComponent($0) }
    }

    private static func log(_ directory: URL) -> String {
        logFiles(directory).compactMap { try? String(contentsOf: $0, encoding: .utf8) }.joined()
    }

    // MARK: Starting and stopping

    /// A server whose users are `acl` (ACL file lines: `user alice on >pw ~a:* +@all`) and the
    /// harness's; with no rules, the default user may do everything without a password.
    public static func start(acl: String = "") throws -> RedisServer {
        guard let programs else { throw ServerError(howToGetIt) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tenantc-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let watchdog = try ExitWatchdog(commands: [["/bin/sh", "-c", "test -f \"$0\" && kill -KILL \"$(cat \"$0\")\"", pidFile(directory).path]],
                                        removing: directory)
        let adminPassword = UUID().uuidString
        do {
            try aclText(acl, adminPassword: adminPassword).write(to: directory.appendingPathComponent("users.acl"), atomically: true, encoding: .utf8)
            return try startOnAFreePort(programs, directory: directory, adminPassword: adminPassword, watchdog: watchdog)
        } catch {
            watchdog.fire()
            throw error
        }
    }

    /// Stops the server (kills it: nothing is saved) and deletes its directory.
    public func stop() {
        stopping.lock()
        defer { stopping.unlock() }
        Self.end(process, pidFile: Self.pidFile(directory))
        watchdog.fire()
    }

    private static let startAttempts = 5

    /// Starts the server, on another port when the one picked was taken in the meantime.
    private static func startOnAFreePort(_ programs: (server: String, cli: String), directory: URL, adminPassword: String,
                                         watchdog: ExitWatchdog) throws -> RedisServer {
        for _ in 1...startAttempts {
            let port = try freeLoopbackPort()
            let process = try launch(programs.server, port: port, directory: directory)
            let ping = ["-h", "127.0.0.1", "-p", "\(port)", "--no-auth-warning", "--user", adminUser, "--pass", adminPassword, "PING"]
            let answered = try waitUntil(timeout: 30) {
                try !process.isRunning || ProgramRunner.run(programs.cli, ping).stdout == "PONG\n"
            }
            if answered && process.isRunning {
                return RedisServer(port: port, directory: directory, adminPassword: adminPassword, cliProgram: programs.cli,
                                   process: process, watchdog: watchdog)
            }
            end(process, pidFile: pidFile(directory))
            let log = log(directory)
            guard log.contains("Address already in use") else {
                throw ServerError("redis-server did not start (\(answered ? "it exited" : "no answer to PING in 30 seconds")); its log:\n\(log)")
            }
            for file in logFiles(directory) { try? FileManager.default.removeItem(at: file) }
        }
        throw ServerError("Redis found its port taken \(startAttempts) times in a row")
    }

    /// Kills the server if it is running, waits for it, and deletes its pid file: the
    /// watchdog, which kills the pid in the file, must not find the pid of another process.
    private static func end(_ process: Process, pidFile: URL) {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: pidFile)
    }

    private static func launch(_ program: String, port: UInt16, directory: URL) throws -> Process {
        let configuration = directory.appendingPathComponent("redis.conf")
        try configurationText(port: port, directory: directory).write(to: configuration, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = [configuration.path]
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        // Before the log file is opened (a bad configuration), Redis writes to standard output.
        let output = try outputHandle(directory)
        defer { try? output.close() }
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return process
    }

    private static func outputHandle(_ directory: URL) throws -> FileHandle {
        let url = logFiles(directory)[0]
        try Data().write(to: url)
        return try FileHandle(forWritingTo: url)
    }

    private static func configurationText(port: UInt16, directory: URL) -> String {
        [
            "port \(port)",
            "bind 127.0.0.1",
            "protected-mode yes",
            "daemonize no",
            "save \"\"",
            "appendonly no",
            "dir \(quoted(directory.path))",
            "aclfile \(quoted(directory.appendingPathComponent("users.acl").path))",
            "logfile \(quoted(directory.appendingPathComponent("redis.log").path))",
            "pidfile \(quoted(pidFile(directory).path))",
        ].joined(separator: "\n") + "\n"
    }

    /// A string in redis.conf's syntax.
    private static func quoted(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private static func aclText(_ rules: String, adminPassword: String) -> String {
        let test = rules.isEmpty || rules.hasSuffix("\n") ? rules : rules + "\n"
        return test + "user \(adminUser) on >\(adminPassword) ~* &* +@all\n"
    }

    // MARK: Clients

    /// `redis-cli ARGUMENTS…`, as `user` with `password` when given (as the default user
    /// otherwise). redis-cli exits with 0 after an error reply (`NOPERM`, `ERR`): match the
    /// output. When AUTH fails, redis-cli still runs the command, as the default user: then
    /// the status is 1, whatever the command did, and the output says `WRONGPASS`.
    public func cli(_ arguments: [String], user: String? = nil, password: String? = nil) throws -> CommandOutput {
        var credentials: [String] = []
        if let user { credentials += ["--user", user] }
        if let password { credentials += ["--pass", password] }
        var result = try ProgramRunner.run(cliProgram, ["-h", "127.0.0.1", "-p", "\(port)", "--no-auth-warning"] + credentials + arguments)
        if result.stderr.contains("AUTH failed") { result.status = 1 }
        return result
    }

    /// Makes `rules` the server's users (with the harness's): writes the ACL file and runs
    /// `ACL LOAD`. Throws with Redis's error if a rule is wrong; the users are then unchanged.
    public func loadACL(_ rules: String) throws {
        try Self.aclText(rules, adminPassword: adminPassword).write(to: aclFile, atomically: true, encoding: .utf8)
        let result = try admin(["ACL", "LOAD"])
        guard result.stdout == "OK\n" else { throw ServerError("ACL LOAD: \(result)") }
    }

    /// `redis-cli ARGUMENTS…` as the harness's own user, who may do everything.
    public func adminCLI(_ arguments: [String]) throws -> CommandOutput {
        try cli(arguments, user: Self.adminUser, password: adminPassword)
    }

    private func admin(_ arguments: [String]) throws -> CommandOutput { try adminCLI(arguments) }

    /// Several commands in one session, one per line of `commands` (redis-cli reads them from
    /// standard input): one reply per line of the output, in order.
    public func cli(batch commands: String, user: String, password: String) throws -> CommandOutput {
        var result = try ProgramRunner.run(cliProgram, ["-h", "127.0.0.1", "-p", "\(port)", "--no-auth-warning", "--user", user, "--pass", password],
                                           stdin: commands)
        if result.stderr.contains("AUTH failed") { result.status = 1 }
        return result
    }

    /// The server's log.
    public func log() -> String { Self.log(directory) }
}
