import TenantCompiler
import TenantDiagnostics
import TenantSecrets

/// How the server was started.
public struct ServerOptions: Sendable {
    /// The fast paths the checks take (`TENANTC_FAST_PATHS`); without `.tierContexts`, every
    /// check is the driver's own.
    public var fastPaths: FastPaths
    /// Told how long publishing took after a buffer changed, in milliseconds, from the
    /// message: `affected` when the other open buffers of a tier's project are published,
    /// `published` when the changed buffer's own diagnostics are.
    public var timing: (@Sendable (String, Double) -> Void)?
    /// `--key-file`: secrets are checked to decrypt, as `check --key-file` checks them.
    public var secretKey: SecretKey?

    public init(fastPaths: FastPaths = .all, timing: (@Sendable (String, Double) -> Void)? = nil, secretKey: SecretKey? = nil) {
        self.fastPaths = fastPaths
        self.timing = timing
        self.secretKey = secretKey
    }
}

/// The language server's session: the protocol's lifecycle, the open buffers, and the
/// dispatch of each message to the feature that answers it. It is driven one message at a
/// time (`process`), by the stdio transport or by a test; whatever it sends goes to `output`,
/// framed.
public final class LanguageServer {
    enum State: Equatable {
        case waitingForInitialize, running, shuttingDown
    }

    var state = State.waitingForInitialize
    var encoding = PositionEncoding.utf16
    var documents: [String: TextDocument] = [:]
    let checker: BufferChecker
    let options: ServerOptions
    private let output: ([UInt8]) -> Void
    private var inbox: Inbox
    let cancellations = Cancellations()
    /// Diagnostics in files that are not open, by path, then by the open buffer whose check
    /// reported them (a tier buffer reports the project tenants it breaks).
    var foreign: [String: [String: [JSONValue]]] = [:]
    /// The client's workspace folders (`rootUri`, `workspaceFolders`): their projects' tiers
    /// and tenants are workspace symbols even before a buffer of theirs is opened.
    var workspaceFolders: [String] = []
    /// The tiers each open buffer declared when it was last checked: a change that adds,
    /// removes or edits one re-checks the open tenants they affect.
    var declaredTiers: [String: Set<String>] = [:]
    /// Set by `exit`: 0 after `shutdown`, else 1.
    public private(set) var exitCode: Int32?

    /// `checker`: one shared with other sessions, whose tier contexts are then reused (the
    /// fuzzer runs a session per input); by default the session's own.
    public init(options: ServerOptions = ServerOptions(), checker: BufferChecker? = nil, output: @escaping ([UInt8]) -> Void) {
        self.options = options
        self.output = output
        self.checker = checker ?? BufferChecker(fastPath: options.fastPaths.contains(.tierContexts))
        self.checker.secretKey = options.secretKey
        inbox = Inbox(cancellations: cancellations)
    }

    /// Bytes from the client: every complete message among them is handled, in order; a
    /// change of a buffer that another change of it follows is applied without publishing.
    public func receive(_ bytes: some Collection<UInt8>) {
        process(inbox.read(bytes))
    }

    /// The stdio transport's half of `receive`: bytes to messages, on the reading thread.
    func read(_ bytes: some Collection<UInt8>) -> [Incoming] { inbox.read(bytes) }

    func process(_ batch: [Incoming]) {
        for (k, incoming) in batch.enumerated() where exitCode == nil {
            switch incoming {
            case .unreadable(let error): send(RPCMessage.response(id: .null, error: error))
            case .message(let value): handle(RPCMessage(value), superseded: isSuperseded(value, by: batch[(k + 1)...]))
            }
        }
    }

    /// Whether a `didChange` is followed, in the same batch, by another of the same buffer.
    private func isSuperseded(_ value: JSONValue, by rest: ArraySlice<Incoming>) -> Bool {
        guard value["method"]?.stringValue == "textDocument/didChange", let uri = value["params"]?["textDocument"]?["uri"] else { return false }
        return rest.contains {
            guard case .message(let later) = $0 else { return false }
            return later["method"]?.stringValue == "textDocument/didChange" && later["params"]?["textDocument"]?["uri"]?.stringValue == uri.stringValue
        }
    }

    private func handle(_ message: RPCMessage, superseded: Bool) {
        switch message {
        case .response: break
        case .invalid(let id, let error): send(RPCMessage.response(id: id, error: error))
        case .notification(let method, let params): notify(method, params, superseded: superseded)
        case .request(let id, let method, let params):
            if cancellations.take(id) {
                send(RPCMessage.response(id: id, error: RPCError(.requestCancelled, "cancelled")))
                return
            }
            switch answer(method, params) {
            case .success(let result): send(RPCMessage.response(id: id, result: result))
            case .failure(let error): send(RPCMessage.response(id: id, error: error))
            }
        }
    }

    private func answer(_ method: String, _ params: JSONValue) -> Result<JSONValue, RPCError> {
        switch (state, method) {
        case (.waitingForInitialize, "initialize"): return .success(initialize(params))
        case (.waitingForInitialize, _): return .failure(RPCError(.serverNotInitialized, "the server is not initialized"))
        case (_, "initialize"): return .failure(RPCError(.invalidRequest, "initialize was received already"))
        case (.shuttingDown, _): return .failure(RPCError(.invalidRequest, "the server is shutting down"))
        case (_, "shutdown"):
            state = .shuttingDown
            return .success(.null)
        default:
            do throws(RPCError) {
                guard let result = try feature(method, params) else { return .failure(RPCError(.methodNotFound, "unknown method \(method)")) }
                return .success(result)
            } catch {
                return .failure(error)
            }
        }
    }

    private func notify(_ method: String, _ params: JSONValue, superseded: Bool) {
        if method == "exit" {
            exitCode = state == .shuttingDown ? 0 : 1
            return
        }
        guard state == .running else { return }
        do throws(RPCError) {
            switch method {
            case "textDocument/didOpen": try didOpen(params)
            case "textDocument/didChange": try didChange(params, publish: !superseded)
            case "textDocument/didClose": try didClose(params)
            case "workspace/didChangeWatchedFiles": republishAll()
            default: break  // `initialized`, `$/cancelRequest` (read by the inbox), `didSave`, others
            }
        } catch {
            // A notification has no answer: the client is told in a message.
            send(RPCMessage.notification("window/logMessage", .object([("type", .int(1)), ("message", .string(error.message))])))
        }
    }

    /// The feature that answers a request; nil for a method the server does not know.
    private func feature(_ method: String, _ params: JSONValue) throws(RPCError) -> JSONValue? {
        switch method {
        case "textDocument/hover": try hover(params)
        case "textDocument/definition": try definition(params)
        case "textDocument/completion": try completion(params)
        case "textDocument/documentSymbol": try documentSymbols(params)
        case "workspace/symbol": try workspaceSymbols(params)
        case "textDocument/codeAction": try codeActions(params)
        case "textDocument/formatting": try formatting(params)
        default: nil
        }
    }

    func send(_ message: JSONValue) {
        output(FrameDecoder.frame(message.compactBytes))
    }

    /// The open buffer a request names.
    func document(_ params: JSONValue) throws(RPCError) -> TextDocument {
        guard let uri = params["textDocument"]?["uri"]?.stringValue else { throw .invalidParams("textDocument.uri is missing") }
        guard let document = documents[uri] else { throw RPCError(.requestFailed, "\(uri) is not open") }
        return document
    }

    /// The buffer and byte offset a position request names.
    func documentPosition(_ params: JSONValue) throws(RPCError) -> (TextDocument, Int) {
        let document = try document(params)
        guard let position = LSPPosition(params["position"]) else { throw .invalidParams("position is missing or invalid") }
        return (document, document.lines.offset(of: position))
    }

    /// The open buffer standing for the file at `path`.
    func openDocument(atPath path: String) -> TextDocument? { documents.values.first { $0.path == path } }

    /// The URI a file is named by: its open buffer's, else its own.
    func uri(ofPath path: String) -> String { openDocument(atPath: path)?.uri ?? DocumentURI.uri(of: path) }

    /// Every open buffer, standing for its file.
    var overlay: SourceOverlay {
        var buffers: [String: [UInt8]] = [:]
        buffers.reserveCapacity(documents.count)
        for d in documents.values { buffers[d.path] = d.bytes }
        return SourceOverlay(buffers)
    }
}
