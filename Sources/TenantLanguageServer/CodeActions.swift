import TenantCompiler
import TenantDiagnostics

/// `textDocument/codeAction`: the fix-its of each diagnostic of the buffer in the requested
/// range, as one quick fix (chosen by the rules `tenantc check --fix` applies to files).
extension LanguageServer {
    func codeActions(_ params: JSONValue) throws(RPCError) -> JSONValue {
        let document = try document(params)
        guard let range = LSPRange(params["range"]) else { throw .invalidParams("range is missing or invalid") }
        let start = document.lines.offset(of: range.start)
        let end = document.lines.offset(of: range.end)
        return checker.check(path: document.path, bytes: document.bytes, overlay: overlay) { result in
            var conversion = DiagnosticConversion(result, encoding: encoding, document: document)
            var actions: [JSONValue] = []
            for d in result.diagnostics where !d.fixes.isEmpty && !d.hidesSource {
                guard let span = d.span, let file = result.sources.file(span.file), result.absolutePath(of: file) == document.path,
                      Int(span.start) <= end, start <= Int(span.end) else { continue }
                // The rule `check --fix` follows: a fix is never written over a secret's value.
                let selection = FixSelection(d.fixes, in: file.bytes, sensitive: file.sensitiveRanges)
                guard selection.touchingSecrets == 0, !selection.edits.isEmpty else { continue }
                let edits = selection.edits.map { edit in
                    JSONValue.object([("range", document.lines.range(edit.range.lowerBound, edit.range.upperBound).json),
                                      ("newText", .string(String(decoding: edit.replacement, as: UTF8.self)))])
                }
                actions.append(action(d, conversion.converted(d).json, uri: document.uri, edits))
            }
            return .array(actions)
        }
    }

    private func action(_ d: Diagnostic, _ diagnostic: JSONValue, uri: String, _ edits: [JSONValue]) -> JSONValue {
        let replacements = d.fixes.map { "`\($0.replacement)`" }.joined(separator: ", ")
        let title = d.fixes.count == 1 && d.fixes[0].replacement.isEmpty ? "\(d.code.id): remove it" : "\(d.code.id): write \(replacements)"
        return .object([
            ("title", .string(title)), ("kind", .string("quickfix")), ("diagnostics", .array([diagnostic])), ("isPreferred", .bool(true)),
            ("edit", .object([("changes", .object([(uri, .array(edits))]))])),
        ])
    }
}
