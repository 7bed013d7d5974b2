import Dispatch
import Glibc
import Synchronization
import TenantDiagnostics

/// `tenantc lsp`: the server on standard input and output. A reading thread turns bytes into
/// messages (noting cancellations at once); the calling thread handles them in order, taking
/// every message that arrived meanwhile as one batch, so that a burst of keystrokes is checked
/// once. Returns the exit code: 0 after `shutdown` and `exit`, 1 otherwise.
public enum StdioTransport {
    public static func run(options: ServerOptions) -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let server = LanguageServer(options: options) { bytes in writeAll(bytes) }
        let queue = MessageQueue()
        let cancellations = server.cancellations
        DispatchQueue.global().async {
            var inbox = Inbox(cancellations: cancellations)
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { break }
                queue.push(inbox.read(buffer[..<n]))
            }
            queue.close()
        }
        while let batch = queue.next() {
            server.process(batch)
            if let code = server.exitCode { return code }
        }
        return server.exitCode ?? 1
    }

    /// Writes all of `bytes` to standard output; a client that is gone ends the server.
    private static func writeAll(_ bytes: [UInt8]) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(1, $0.baseAddress! + written, $0.count - written) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { exit(1) }
            written += n
        }
    }
}

/// Messages from the reading thread to the handling one.
final class MessageQueue: Sendable {
    private struct State {
        var messages: [Incoming] = []
        var closed = false
    }
    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)

    func push(_ messages: [Incoming]) {
        guard !messages.isEmpty else { return }
        state.withLock { $0.messages += messages }
        available.signal()
    }

    func close() {
        state.withLock { $0.closed = true }
        available.signal()
    }

    /// Every message waiting, after waiting for one; nil once the input is closed and drained.
    func next() -> [Incoming]? {
        while true {
            let (batch, closed) = state.withLock { s -> ([Incoming], Bool) in
                defer { s.messages.removeAll() }
                return (s.messages, s.closed)
            }
            if !batch.isEmpty { return batch }
            if closed { return nil }
            available.wait()
        }
    }
}
