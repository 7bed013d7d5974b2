// Target `lsp`: the bytes as sessions of the language server (docs/editors.md). The part
// before the first zero byte goes to a server as raw bytes (framing and JSON-RPC); the rest
// is read, by a second server, as operations on one buffer of a file under `examples/` — open, incremental and whole changes, hover,
// definition, completion, code actions, formatting, symbols, close — whose texts and
// positions come from the input. Nothing may crash the server, every request gets exactly one
// answer, and everything it writes is framed JSON.
import Foundation
import TenantCompiler
import TenantDiagnostics
import TenantLanguageServer

func fuzzLanguageServer(_ bytes: [UInt8], _ shipped: ShippedTiers) {
    let split = bytes.firstIndex(of: 0) ?? 0
    LanguageServer { _ in }.receive(bytes[..<split])
    var session = FuzzedSession()
    session.initialize()
    var reader = OperationReader(bytes: Array(bytes[min(split + 1, bytes.count)...]))
    while let operation = reader.next() { session.run(operation) }
    session.finish()
}

/// One operation of the buffer, read from the input.
struct Operation {
    var kind: UInt8
    var line: Int
    var character: Int
    var text: String
}

/// `[kind][line][character][length][text…]`, repeated.
struct OperationReader {
    let bytes: [UInt8]
    var i = 0

    mutating func next() -> Operation? {
        guard i + 4 <= bytes.count else { return nil }
        let length = min(Int(bytes[i + 3]), bytes.count - i - 4)
        let op = Operation(kind: bytes[i] % 11, line: Int(bytes[i + 1] % 32), character: Int(bytes[i + 2]),
                           text: String(decoding: bytes[(i + 4)..<(i + 4 + length)], as: UTF8.self))
        i += 4 + length
        return op
    }
}

struct FuzzedSession {
    let server: LanguageServer
    private let output: OutputBox
    private var requests = 0
    private let uri = "file://" + FileManager.default.currentDirectoryPath + "/examples/fuzzed_buffer.tenant"
    private var version = 1

    /// The tier contexts, built once for every input.
    nonisolated(unsafe) static let checker = BufferChecker()

    init() {
        let output = OutputBox()
        server = LanguageServer(checker: FuzzedSession.checker) { output.bytes += $0 }
        self.output = output
    }

    mutating func initialize() {
        request("initialize", .object([("capabilities", .object([]))]))
        notify("initialized", .object([]))
    }

    mutating func run(_ op: Operation) {
        let document = JSONValue.object([("uri", .string(uri))])
        let position = JSONValue.object([("line", .int(op.line)), ("character", .int(op.character))])
        let range = JSONValue.object([("start", position), ("end", .object([("line", .int(op.line + op.character % 3)), ("character", .int(0))]))])
        version += 1
        switch op.kind {
        case 0: notify("textDocument/didOpen", .object([("textDocument", .object([("uri", .string(uri)), ("version", .int(version)), ("text", .string(op.text))]))]))
        case 1: notify("textDocument/didChange", .object([("textDocument", .object([("uri", .string(uri)), ("version", .int(version))])),
                                                          ("contentChanges", .array([.object([("range", range), ("text", .string(op.text))])]))]))
        case 2: notify("textDocument/didChange", .object([("textDocument", .object([("uri", .string(uri)), ("version", .int(version))])),
                                                          ("contentChanges", .array([.object([("text", .string(op.text))])]))]))
        case 3: request("textDocument/hover", .object([("textDocument", document), ("position", position)]))
        case 4: request("textDocument/definition", .object([("textDocument", document), ("position", position)]))
        case 5: request("textDocument/completion", .object([("textDocument", document), ("position", position)]))
        case 6: request("textDocument/codeAction", .object([("textDocument", document), ("range", range)]))
        case 7: request("textDocument/formatting", .object([("textDocument", document)]))
        case 8: request("textDocument/documentSymbol", .object([("textDocument", document)]))
        case 9: request("workspace/symbol", .object([("query", .string(op.text))]))
        default: notify("textDocument/didClose", .object([("textDocument", document)]))
        }
    }

    private mutating func request(_ method: String, _ params: JSONValue) {
        requests += 1
        send(.object([("jsonrpc", .string("2.0")), ("id", .string("fuzz-\(requests)")), ("method", .string(method)), ("params", params)]))
    }

    private func notify(_ method: String, _ params: JSONValue) {
        send(.object([("jsonrpc", .string("2.0")), ("method", .string(method)), ("params", params)]))
    }

    private func send(_ message: JSONValue) { server.receive(FrameDecoder.frame(Array(message.compactText.utf8))) }

    /// Every request of ours answered once; everything written is framed JSON.
    func finish() {
        var decoder = FrameDecoder()
        decoder.append(output.bytes)
        var answered: [String: Int] = [:]
        while let frame = decoder.next() {
            guard case .message(let body) = frame, let message = try? JSONParser.parse(body) else {
                fail("lsp: the server wrote a frame that is not JSON")
            }
            if case .object(let members) = message, case .string(let id)? = members.first(where: { $0.0 == "id" })?.1 {
                answered[id, default: 0] += 1
            }
        }
        for n in 1...max(1, requests) where requests > 0 && answered["fuzz-\(n)"] != 1 {
            fail("lsp: request fuzz-\(n) was answered \(answered["fuzz-\(n)"] ?? 0) times")
        }
    }
}

final class OutputBox {
    var bytes: [UInt8] = []
}
