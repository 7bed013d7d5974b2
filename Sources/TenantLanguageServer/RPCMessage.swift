import TenantDiagnostics

/// JSON-RPC 2.0 error codes, with the protocol's own.
enum RPCErrorCode: Int, Sendable {
    case parseError = -32700
    case invalidRequest = -32600
    case methodNotFound = -32601
    case invalidParams = -32602
    case internalError = -32603
    case serverNotInitialized = -32002
    case requestCancelled = -32800
    case requestFailed = -32803
}

/// A request's answer that is an error.
struct RPCError: Error, Sendable {
    var code: RPCErrorCode
    var message: String

    init(_ code: RPCErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    static func invalidParams(_ message: String) -> RPCError { RPCError(.invalidParams, message) }
}

/// One message received, classified.
enum RPCMessage {
    case request(id: JSONValue, method: String, params: JSONValue)
    case notification(method: String, params: JSONValue)
    /// An answer to a request of ours (the server sends none that wait for one).
    case response
    /// Not a JSON-RPC message: the error to answer with, and the id when one could be read.
    case invalid(id: JSONValue, RPCError)

    init(_ value: JSONValue) {
        guard case .object = value else {
            self = .invalid(id: .null, RPCError(.invalidRequest, "a message is a JSON object"))
            return
        }
        let id = value["id"]
        if let id, !RPCMessage.isValidID(id) {
            self = .invalid(id: .null, RPCError(.invalidRequest, "an id is a number or a string"))
            return
        }
        guard let method = value["method"] else {
            self = value["result"] != nil || value["error"] != nil ? .response
                : .invalid(id: id ?? .null, RPCError(.invalidRequest, "a message has a method"))
            return
        }
        guard let name = method.stringValue else {
            self = .invalid(id: id ?? .null, RPCError(.invalidRequest, "a method is a string"))
            return
        }
        let params = value["params"] ?? .null
        if let id { self = .request(id: id, method: name, params: params) } else { self = .notification(method: name, params: params) }
    }

    private static func isValidID(_ id: JSONValue) -> Bool {
        switch id {
        case .int, .string, .raw: true
        default: false
        }
    }

    static func response(id: JSONValue, result: JSONValue) -> JSONValue {
        .object([("jsonrpc", .string("2.0")), ("id", id), ("result", result)])
    }

    static func response(id: JSONValue, error: RPCError) -> JSONValue {
        .object([("jsonrpc", .string("2.0")), ("id", id),
                 ("error", .object([("code", .int(error.code.rawValue)), ("message", .string(error.message))]))])
    }

    static func notification(_ method: String, _ params: JSONValue) -> JSONValue {
        .object([("jsonrpc", .string("2.0")), ("method", .string(method)), ("params", params)])
    }
}
