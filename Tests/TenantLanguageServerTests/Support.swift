import Foundation
@testable import TenantLanguageServer
import TenantDiagnostics
import TenantSecrets
import Testing

/// The repository root, found from this file's path.
let repoRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// A client driving an in-process server: what it sends is framed as an editor frames it,
/// and everything the server writes is read back as messages.
final class TestClient {
    let server: LanguageServer
    private var written: [UInt8] = []
    private var decoder = FrameDecoder()
    private(set) var received: [JSONValue] = []
    private var nextID = 0

    init(fastPath: Bool = true, encodings: [String]? = nil, initialize: Bool = true, secretKey: SecretKey? = nil) {
        let sink = OutputSink()
        server = LanguageServer(options: ServerOptions(fastPaths: fastPath ? .all : [], secretKey: secretKey)) { sink.bytes += $0 }
        self.sink = sink
        if initialize {
            var capabilities: [(String, JSONValue)] = []
            if let encodings { capabilities.append(("general", .object([("positionEncodings", .array(encodings.map { .string($0) }))]))) }
            _ = request("initialize", .object([("capabilities", .object(capabilities))]))
            notify("initialized", .object([]))
        }
    }

    private let sink: OutputSink

    /// Raw bytes to the server; returns the messages it wrote in answer.
    @discardableResult
    func send(bytes: [UInt8]) -> [JSONValue] {
        server.receive(bytes)
        decoder.append(sink.bytes)
        sink.bytes.removeAll()
        var out: [JSONValue] = []
        while let frame = decoder.next() {
            guard case .message(let body) = frame, let value = try? JSONParser.parse(body) else {
                Issue.record("the server wrote a malformed frame")
                continue
            }
            out.append(value)
        }
        received += out
        return out
    }

    @discardableResult
    func send(_ message: JSONValue) -> [JSONValue] { send(bytes: FrameDecoder.frame(message.compactBytes)) }

    func nextRequestID() -> Int {
        nextID += 1
        return nextID
    }

    /// The answer to a request (its `result` or `error` object).
    func request(_ method: String, _ params: JSONValue) -> JSONValue {
        let id = nextRequestID()
        let out = send(.object([("jsonrpc", .string("2.0")), ("id", .int(id)), ("method", .string(method)), ("params", params)]))
        return out.first { $0["id"]?.intValue == id } ?? .null
    }

    @discardableResult
    func notify(_ method: String, _ params: JSONValue) -> [JSONValue] {
        send(.object([("jsonrpc", .string("2.0")), ("method", .string(method)), ("params", params)]))
    }

    /// Opens a buffer; returns the diagnostics published for every file, by URI (last wins).
    @discardableResult
    func open(_ path: String, text: String? = nil, version: Int = 1) -> [String: [JSONValue]] {
        let text = text ?? ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
        let item = JSONValue.object([("uri", .string(uri(path))), ("languageId", .string("tenant")), ("version", .int(version)),
                                     ("text", .string(text))])
        return published(notify("textDocument/didOpen", .object([("textDocument", item)])))
    }

    /// Replaces a buffer's text whole; returns the diagnostics published, by URI.
    @discardableResult
    func change(_ path: String, text: String, version: Int) -> [String: [JSONValue]] {
        change(path, [.object([("text", .string(text))])], version: version)
    }

    @discardableResult
    func change(_ path: String, _ changes: [JSONValue], version: Int) -> [String: [JSONValue]] {
        published(notify("textDocument/didChange", .object([
            ("textDocument", .object([("uri", .string(uri(path))), ("version", .int(version))])),
            ("contentChanges", .array(changes)),
        ])))
    }

    @discardableResult
    func close(_ path: String) -> [String: [JSONValue]] {
        published(notify("textDocument/didClose", .object([("textDocument", .object([("uri", .string(uri(path)))]))])))
    }

    func at(_ path: String, line: Int, character: Int) -> JSONValue {
        .object([("textDocument", .object([("uri", .string(uri(path)))])),
                 ("position", .object([("line", .int(line)), ("character", .int(character))]))])
    }

    func uri(_ path: String) -> String { DocumentURI.uri(of: path) }

    private func published(_ messages: [JSONValue]) -> [String: [JSONValue]] {
        var out: [String: [JSONValue]] = [:]
        for m in messages where m["method"]?.stringValue == "textDocument/publishDiagnostics" {
            if let uri = m["params"]?["uri"]?.stringValue { out[uri] = m["params"]?["diagnostics"]?.arrayValue ?? [] }
        }
        return out
    }
}

final class OutputSink {
    var bytes: [UInt8] = []
}

/// A copy of the shipped tiers and examples in a fresh directory, removed by `remove()`.
struct ProjectCopy {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("tenantc-lsp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for dir in ["tiers", "examples"] {
            try FileManager.default.copyItem(atPath: repoRoot + "/" + dir, toPath: root + "/" + dir)
        }
    }

    func path(_ relative: String) -> String { root + "/" + relative }

    func write(_ relative: String, _ text: String) throws {
        try text.write(toFile: path(relative), atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    /// Every file under the project and its bytes: what a session must leave as it found it.
    func snapshot() throws -> [String: Data] {
        var out: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let name = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path(name), isDirectory: &isDirectory), !isDirectory.boolValue {
                out[name] = try Data(contentsOf: URL(fileURLWithPath: path(name)))
            }
        }
        return out
    }
}

extension JSONValue {
    var codes: [String] { (arrayValue ?? []).compactMap { $0["code"]?.stringValue } }
}

extension Array where Element == JSONValue {
    var codes: [String] { compactMap { $0["code"]?.stringValue } }
    var lines: [Int] { compactMap { $0["range"]?["start"]?["line"]?.intValue } }
}

/// Published diagnostics in a comparable form.
func describe(_ published: [String: [JSONValue]]) -> String {
    published.keys.sorted().map { "\($0): " + JSONValue.array(published[$0] ?? []).compactText }.joined(separator: "\n")
}
