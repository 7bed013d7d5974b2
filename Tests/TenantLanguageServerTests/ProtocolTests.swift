@testable import TenantLanguageServer
import TenantDiagnostics
import Testing

/// The base protocol and the lifecycle: framing, JSON-RPC errors, initialize to exit.
@Suite struct ProtocolTests {
    func errorCode(_ answer: JSONValue) -> Int? { answer["error"]?["code"]?.intValue }

    @Test func initializeAnnouncesTheFeaturesAndUTF16ByDefault() {
        let client = TestClient(initialize: false)
        let answer = client.request("initialize", .object([("capabilities", .object([]))]))
        let capabilities = answer["result"]?["capabilities"]
        #expect(capabilities?["positionEncoding"]?.stringValue == "utf-16")
        #expect(capabilities?["textDocumentSync"]?["change"]?.intValue == 2)
        for feature in ["hoverProvider", "definitionProvider", "documentSymbolProvider", "workspaceSymbolProvider", "documentFormattingProvider"] {
            #expect(capabilities?[feature]?.boolValue == true, "\(feature)")
        }
        #expect(capabilities?["completionProvider"] != nil && capabilities?["codeActionProvider"] != nil)
    }

    @Test func utf8IsChosenWhenTheClientOffersIt() {
        let client = TestClient(initialize: false)
        let offer = JSONValue.object([("general", .object([("positionEncodings", .array([.string("utf-8"), .string("utf-16")]))]))])
        let answer = client.request("initialize", .object([("capabilities", offer)]))
        #expect(answer["result"]?["capabilities"]?["positionEncoding"]?.stringValue == "utf-8")
    }

    @Test func requestsBeforeInitializeAreRefused() {
        let client = TestClient(initialize: false)
        #expect(errorCode(client.request("textDocument/hover", .object([]))) == -32002)
        #expect(errorCode(client.request("shutdown", .null)) == -32002)
    }

    @Test func unknownMethodsAndBadParamsGetErrors() {
        let client = TestClient()
        #expect(errorCode(client.request("textDocument/noSuchThing", .object([]))) == -32601)
        #expect(errorCode(client.request("textDocument/hover", .object([]))) == -32602)
        #expect(errorCode(client.request("initialize", .object([]))) == -32600)
        // Unknown notifications are ignored: nothing is written.
        #expect(client.notify("custom/notification", .null).isEmpty)
    }

    @Test func invalidJSONAndMalformedFramesGetParseErrorsAndTheSessionGoesOn() {
        let client = TestClient()
        let bad = client.send(bytes: Array("Content-Length: 9\r\n\r\n{\"id\": 1,".utf8))
        #expect(bad.count == 1 && errorCode(bad[0]) == -32700 && bad[0]["id"]?.isNull == true)
        let noLength = client.send(bytes: Array("Content-Type: x\r\n\r\n".utf8))
        #expect(noLength.count == 1 && errorCode(noLength[0]) == -32700)
        let badLength = client.send(bytes: Array("Content-Length: many\r\n\r\n".utf8))
        #expect(badLength.count == 1 && errorCode(badLength[0]) == -32700)
        let notAnObject = client.send(bytes: FrameDecoder.frame(Array("[1, 2]".utf8)))
        #expect(notAnObject.count == 1 && errorCode(notAnObject[0]) == -32600)
        let deep = client.send(bytes: FrameDecoder.frame(Array((String(repeating: "[", count: 100_000)).utf8)))
        #expect(deep.count == 1 && errorCode(deep[0]) == -32700)
        let noMethod = client.send(bytes: FrameDecoder.frame(Array("{\"jsonrpc\":\"2.0\",\"id\":7}".utf8)))
        #expect(noMethod.count == 1 && errorCode(noMethod[0]) == -32600 && noMethod[0]["id"]?.intValue == 7)
        // The session still answers.
        #expect(client.request("shutdown", .null)["result"]?.isNull == true)
    }

    @Test func messagesSplitAtEveryByteAreReassembled() {
        let client = TestClient()
        let message = JSONValue.object([("jsonrpc", .string("2.0")), ("id", .int(42)), ("method", .string("shutdown"))])
        var answers: [JSONValue] = []
        for byte in FrameDecoder.frame(message.compactBytes) { answers += client.send(bytes: [byte]) }
        #expect(answers.count == 1 && answers[0]["id"]?.intValue == 42 && answers[0]["result"]?.isNull == true)
    }

    @Test func aCancelledRequestIsAnsweredCancelled() {
        let client = TestClient()
        let request = JSONValue.object([("jsonrpc", .string("2.0")), ("id", .int(99)), ("method", .string("workspace/symbol")),
                                        ("params", .object([("query", .string(""))]))])
        let cancel = JSONValue.object([("jsonrpc", .string("2.0")), ("method", .string("$/cancelRequest")),
                                       ("params", .object([("id", .int(99))]))])
        // Both arrive before the request is handled, as when the client cancels a request waiting in line.
        let answers = client.send(bytes: FrameDecoder.frame(request.compactBytes) + FrameDecoder.frame(cancel.compactBytes))
        #expect(answers.count == 1 && errorCode(answers[0]) == -32800 && answers[0]["id"]?.intValue == 99)
    }

    @Test func shutdownThenExitExitsWithZeroAndOtherwiseOne() {
        let client = TestClient()
        #expect(client.request("shutdown", .null)["result"]?.isNull == true)
        #expect(errorCode(client.request("textDocument/hover", .object([]))) == -32600)
        client.notify("exit", .null)
        #expect(client.server.exitCode == 0)

        let abrupt = TestClient()
        abrupt.notify("exit", .null)
        #expect(abrupt.server.exitCode == 1)
    }

    @Test func jsonParserReadsWhatTheProtocolSends() throws {
        let value = try JSONParser.parse(Array(#"{"a": [1, -2, 3.5, true, null], "b": "\u00e9\ud83d\ude00\n"}"#.utf8))
        #expect(value["a"]?.arrayValue?.count == 5)
        #expect(value["a"]?.arrayValue?[1].intValue == -2)
        #expect(value["b"]?.stringValue == "é😀\n")
        for bad in ["{", "[1,]", "{\"a\" 1}", "\"\u{01}\"", "01x", "tru", "\"\\x\""] {
            #expect(throws: JSONParseError.self, "\(bad)") { try JSONParser.parse(Array(bad.utf8)) }
        }
    }

    @Test func fileURIsRoundTripWithCharactersThatNeedEscaping() {
        let path = "/tmp/a dir/é #1%.tenant"
        let uri = DocumentURI.uri(of: path)
        #expect(uri == "file:///tmp/a%20dir/%C3%A9%20%231%25.tenant")
        #expect(DocumentURI.path(of: uri) == path)
        #expect(DocumentURI.path(of: "file://localhost/x/y.tenant") == "/x/y.tenant")
        #expect(DocumentURI.path(of: "https://example.com/x") == nil)
        #expect(DocumentURI.path(of: "file:///x%00y") == nil)
    }
}
