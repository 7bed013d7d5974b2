import Foundation

/// Cleans up after a server (stops it, deletes its directory) when asked, and also when the
/// test process ends in any way (an exit, a crash, a kill): a shell that waits for the end of a
/// pipe only this process holds the writing end of, then runs the cleanup. Foundation's
/// `Process` closes every other descriptor in the programs it starts, so no server or client
/// keeps the pipe open. The shell ignores the signals a terminal sends its process group, which
/// it is not in anyway (`Process` starts each program in a group of its own).
final class ExitWatchdog: @unchecked Sendable {
    private let process = Process()
    private let pipe = Pipe()
    private let lock = NSLock()
    private var fired = false

    /// `commands` run in order (each may fail), then `directory` is deleted.
    init(commands: [[String]], removing directory: URL) throws {
        let cleanup = commands.map { $0.map(Self.shellQuoted).joined(separator: " ") + " >/dev/null 2>&1" }
        let script = (["trap '' INT TERM HUP QUIT", "cat >/dev/null"] + cleanup + ["rm -rf -- \(Self.shellQuoted(directory.path))"])
            .joined(separator: "\n")
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.standardInput = pipe
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Runs the cleanup now and waits for it to finish; later calls do nothing.
    func fire() {
        lock.lock()
        defer { lock.unlock() }
        guard !fired else { return }
        fired = true
        try? pipe.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    static func shellQuoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
