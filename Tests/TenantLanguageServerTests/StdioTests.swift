import Foundation
@testable import TenantLanguageServer
import TenantDiagnostics
import Testing

/// `tenantc lsp` itself, over pipes: the transport, the framing both ways, the exit codes.
@Suite struct StdioTests {
    /// The `tenantc` binary beside the test bundle (`swift test` builds every product).
    static let tenantc: String = {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tenantc").path
    }()

    static func frame(_ json: String) -> Data { Data(FrameDecoder.frame(Array(json.utf8))) }

    /// Runs a session whose whole input is `input`; returns the exit status and the messages written.
    static func session(_ input: Data, arguments: [String] = []) throws -> (Int32, [JSONValue]) {
        try #require(FileManager.default.isExecutableFile(atPath: tenantc), "the tenantc executable is built with the tests")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tenantc)
        p.arguments = ["lsp"] + arguments
        let stdin = Pipe(), stdout = Pipe()
        p.standardInput = stdin
        p.standardOutput = stdout
        p.standardError = FileHandle.nullDevice
        try p.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        var decoder = FrameDecoder()
        decoder.append(Array(output))
        var messages: [JSONValue] = []
        while let next = decoder.next() {
            guard case .message(let body) = next else {
                Issue.record("a malformed frame in the output")
                continue
            }
            messages.append(try JSONParser.parse(body))
        }
        return (p.terminationStatus, messages)
    }

    @Test func aWholeSessionOverPipes() throws {
        let path = repoRoot + "/examples/invalid/typo_field.tenant"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let open = JSONValue.object([("jsonrpc", .string("2.0")), ("method", .string("textDocument/didOpen")), ("params", .object([
            ("textDocument", .object([("uri", .string(DocumentURI.uri(of: path))), ("languageId", .string("tenant")),
                                      ("version", .int(1)), ("text", .string(text))])),
        ]))])
        var input = Self.frame(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"capabilities":{}}}"#)
        input += Self.frame(#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#)
        input += Data("Content-Length: 3\r\n\r\n{x}".utf8)
        input += Self.frame(open.compactText)
        input += Self.frame(#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#)
        input += Self.frame(#"{"jsonrpc":"2.0","method":"exit"}"#)
        let (status, messages) = try Self.session(input, arguments: ["--stdio"])
        #expect(status == 0)
        #expect(messages.first?["result"]?["capabilities"] != nil)
        #expect(messages.contains { $0["error"]?["code"]?.intValue == -32700 })
        let published = messages.first { $0["method"]?.stringValue == "textDocument/publishDiagnostics" }
        #expect(published?["params"]?["diagnostics"]?.codes == ["E0301"])
        #expect(messages.last?["id"]?.intValue == 2 && messages.last?["result"]?.isNull == true)
    }

    @Test func theEndOfInputWithoutShutdownExitsWithOne() throws {
        let (status, messages) = try Self.session(Self.frame(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#))
        #expect(status == 1)
        #expect(messages.count == 1)
    }

    @Test func garbageIsAnsweredAndNeverEndsTheServer() throws {
        var input = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131) })
        input += Data("\r\n\r\n".utf8)
        input += Self.frame(#"{"jsonrpc":"2.0","id":"a","method":"shutdown"}"#)
        input += Self.frame(#"{"jsonrpc":"2.0","method":"exit"}"#)
        let (status, messages) = try Self.session(input)
        // Before initialize, shutdown is refused; exit without a shutdown that succeeded is 1.
        #expect(status == 1)
        #expect(messages.contains { $0["id"]?.stringValue == "a" && $0["error"]?["code"]?.intValue == -32002 })
        #expect(messages.contains { $0["error"]?["code"]?.intValue == -32700 })
    }
}
