import Synchronization
import TenantDiagnostics

/// What arrives from the client, in order: messages, and frames that were not.
enum Incoming: Sendable {
    case message(JSONValue)
    /// A frame whose header or JSON could not be read: answered with an error, id null.
    case unreadable(RPCError)
}

/// Turns the client's bytes into incoming messages. `$/cancelRequest` is recorded here, as
/// soon as it is read, so that a request still waiting behind a long one is answered
/// "cancelled" instead of being run.
struct Inbox {
    private var decoder = FrameDecoder()
    let cancellations: Cancellations

    init(cancellations: Cancellations) { self.cancellations = cancellations }

    mutating func read(_ bytes: some Collection<UInt8>) -> [Incoming] {
        decoder.append(bytes)
        var out: [Incoming] = []
        while let frame = decoder.next() {
            switch frame {
            case .malformed(let problem):
                out.append(.unreadable(RPCError(.parseError, "malformed frame: \(problem)")))
            case .message(let body):
                do throws(JSONParseError) {
                    let value = try JSONParser.parse(body)
                    cancellations.note(value)
                    out.append(.message(value))
                } catch {
                    out.append(.unreadable(RPCError(.parseError, "invalid JSON at byte \(error.offset): \(error.message)")))
                }
            }
        }
        return out
    }
}

/// The ids of requests the client cancelled and the server has not answered yet.
final class Cancellations: Sendable {
    private let ids = Mutex<Set<String>>([])

    func note(_ message: JSONValue) {
        guard message["method"]?.stringValue == "$/cancelRequest", let id = message["params"]?["id"] else { return }
        let key = id.compactText
        ids.withLock {
            // Cancellations of requests answered already would pile up: a bound keeps them few.
            if $0.count >= 4096 { $0.removeAll() }
            $0.insert(key)
        }
    }

    /// Whether request `id` was cancelled; forgets it either way (it is being answered now).
    func take(_ id: JSONValue) -> Bool {
        let key = id.compactText
        return ids.withLock { $0.remove(key) != nil }
    }
}
