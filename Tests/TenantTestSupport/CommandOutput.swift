import Foundation

/// What a client program (psql, redis-cli) did: its exit status and what it wrote.
public struct CommandOutput: Sendable, CustomStringConvertible {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }

    /// Standard output, then standard error: what a test matches a server's message in.
    public var output: String { stdout + stderr }
    public var succeeded: Bool { status == 0 }
    public var description: String { "exit status \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
}
