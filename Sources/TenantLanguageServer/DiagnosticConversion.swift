import TenantCompiler
import TenantDiagnostics

/// `check`'s diagnostics as the protocol carries them: the message with its notes and help, the code, the severity, the secondary spans as `relatedInformation`. Each is redacted
/// as every renderer redacts it, so no plaintext of a secret reaches the client.
struct DiagnosticConversion {
    let result: BufferDiagnostics
    let encoding: PositionEncoding
    /// The buffer checked: its diagnostics and those without a place go to it.
    let document: TextDocument
    private var lineMaps: [FileID: LineMap] = [:]

    init(_ result: BufferDiagnostics, encoding: PositionEncoding, document: TextDocument) {
        self.result = result
        self.encoding = encoding
        self.document = document
    }

    /// The diagnostics by the absolute path of the file they belong to.
    mutating func byPath() -> [String: [JSONValue]] {
        var out: [String: [JSONValue]] = [document.path: []]
        for d in result.diagnostics {
            let (path, json) = converted(d)
            out[path, default: []].append(json)
        }
        return out
    }

    /// One diagnostic, redacted, with the file it belongs to.
    mutating func converted(_ d: Diagnostic) -> (path: String, json: JSONValue) {
        let shown = d.redactingSecretValues(result.sources)
        let (path, range) = place(shown.span)
        return (path, convert(shown, range: range))
    }

    private mutating func convert(_ d: Diagnostic, range: LSPRange) -> JSONValue {
        var message = d.message
        for note in d.notes { message += "\nnote: " + note }
        for help in d.help { message += "\nhelp: " + help }
        var members: [(String, JSONValue)] = [
            ("range", range.json),
            ("severity", .int(d.severity == .error ? 1 : d.severity == .warning ? 2 : 3)),
            ("code", .string(d.code.id)),
            ("source", .string("tenantc")),
            ("message", .string(message)),
        ]
        let related: [JSONValue] = d.related.map { label in
            let (path, range) = place(label.span)
            return .object([("location", .object([("uri", .string(DocumentURI.uri(of: path))), ("range", range.json)])),
                            ("message", .string(label.message))])
        }
        if !related.isEmpty { members.append(("relatedInformation", .array(related))) }
        return .object(members)
    }

    /// The file and range of a span; the start of the buffer for none.
    mutating func place(_ span: Span?) -> (String, LSPRange) {
        guard let span, let file = result.sources.file(span.file) else {
            return (document.path, LSPRange(start: LSPPosition(line: 0, character: 0), end: LSPPosition(line: 0, character: 0)))
        }
        let path = result.absolutePath(of: file)
        if path == document.path, document.bytes.count == file.bytes.count {
            return (path, document.lines.range(Int(span.start), Int(span.end)))
        }
        let lines = lineMaps[span.file] ?? LineMap(file.bytes, encoding: encoding)
        lineMaps[span.file] = lines
        return (path, lines.range(Int(span.start), Int(span.end)))
    }
}
