import TenantDiagnostics

/// An open buffer: what the client sent, with changes applied.
struct TextDocument {
    let uri: String
    /// The file it stands for.
    let path: String
    var version: Int
    private(set) var bytes: [UInt8]
    private(set) var lines: LineMap

    init(uri: String, path: String, version: Int, text: String, encoding: PositionEncoding) {
        self.uri = uri
        self.path = path
        self.version = version
        bytes = Array(text.utf8)
        lines = LineMap(bytes, encoding: encoding)
    }

    /// Applies `contentChanges` in order: a change with a range replaces it, one without
    /// replaces the whole text.
    mutating func apply(_ changes: [JSONValue]) throws(RPCError) {
        for change in changes {
            guard let text = change["text"]?.stringValue else { throw .invalidParams("a content change has a text") }
            if let rangeValue = change["range"], !rangeValue.isNull {
                guard let range = LSPRange(rangeValue) else { throw .invalidParams("a content change has an invalid range") }
                let start = lines.offset(of: range.start)
                let end = max(start, lines.offset(of: range.end))
                bytes.replaceSubrange(start..<end, with: Array(text.utf8))
            } else {
                bytes = Array(text.utf8)
            }
            lines = LineMap(bytes, encoding: lines.encoding)
        }
    }
}
