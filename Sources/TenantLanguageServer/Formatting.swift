import TenantDiagnostics
import TenantFormat

/// `textDocument/formatting`: the buffer in the layout `tenantc fmt` writes, as one edit (none
/// when it is in that layout already). A buffer with syntax errors is not formatted.
extension LanguageServer {
    func formatting(_ params: JSONValue) throws(RPCError) -> JSONValue {
        let document = try document(params)
        switch Formatter.format(SourceFile(id: FileID(raw: 0), path: document.path, bytes: document.bytes)) {
        case .formatted(let bytes):
            guard bytes != document.bytes else { return .array([]) }
            let whole = document.lines.range(0, document.bytes.count)
            return .array([.object([("range", whole.json), ("newText", .string(String(decoding: bytes, as: UTF8.self)))])])
        case .syntaxErrors(let diagnostics):
            throw RPCError(.requestFailed, "not formatted: the file has \(diagnostics.count == 1 ? "a syntax error" : "syntax errors") (see its diagnostics)")
        case .internalError(let message):
            throw RPCError(.internalError, "not formatted: \(message)")
        }
    }
}
