import Foundation

/// A psql session kept open (see `PostgresServer.holdConnection`), for tests about limits on
/// connections. `close()` ends it and waits until the server no longer lists it; so does the
/// release of the last reference.
public final class HeldConnection: @unchecked Sendable {
    public let applicationName: String
    private let server: PostgresServer
    private let process = Process()
    private let input = Pipe()
    private let scratch: URL
    private let lock = NSLock()
    private var closed = false

    init(server: PostgresServer, psql: String, arguments: [String], environment: [String: String], applicationName: String) throws {
        self.server = server
        self.applicationName = applicationName
        scratch = try ScratchSpace.makeDirectory("held")
        try Data().write(to: errorsURL)
        let errors = try FileHandle(forWritingTo: errorsURL)
        defer { try? errors.close() }
        process.executableURL = URL(fileURLWithPath: psql)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        try waitForSession()
    }

    deinit { close() }

    private var errorsURL: URL { scratch.appendingPathComponent("stderr") }

    /// What psql wrote to standard error (why it could not connect, say).
    public var stderr: String { (try? String(contentsOf: errorsURL, encoding: .utf8)) ?? "" }

    private func waitForSession() throws {
        var listed = false
        let decided = try waitUntil(timeout: 30) {
            listed = try sessions() == 1
            return listed || !process.isRunning
        }
        guard decided && listed else {
            close()
            throw ServerError("psql did not hold a connection open (\(decided ? "it exited" : "not listed after 30 seconds")): \(stderr)")
        }
    }

    private func sessions() throws -> Int {
        Int(try server.runAsSuperuser("SELECT count(*) FROM pg_stat_activity WHERE application_name = '\(applicationName)'")) ?? -1
    }

    /// Ends the session: psql reads the end of its input and exits.
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        closed = true
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        // The server may not have noticed yet; a server that is gone lists nothing.
        _ = waitUntil(timeout: 30) { ((try? sessions()) ?? 0) == 0 }
        try? FileManager.default.removeItem(at: scratch)
    }
}
