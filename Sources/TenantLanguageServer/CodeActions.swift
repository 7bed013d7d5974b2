import TenantCompiler
import TenantDiagnostics

/// `textDocument/codeAction`: every fix-it of the diagnostics in the requested range, as a
/// quick fix (the same fixes `tenantc check --fix` applies to files).
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
                guard let span = d.span, result.sources.file(span.file).map(result.absolutePath(of:)) == document.path,
                      Int(span.start) <= end, start <= Int(span.end) else { continue }
                let edits = d.fixes.compactMap { conversion.edit($0) }
                guard edits.count == d.fixes.count else { continue }
                actions.append(action(d, conversion.converted(d).json, edits))
            }
            return .array(actions)
        }
    }

    private func action(_ d: Diagnostic, _ diagnostic: JSONValue, _ edits: [(path: String, json: JSONValue)]) -> JSONValue {
        var byURI: [String: [JSONValue]] = [:]
        for e in edits {
            let uri = documents.values.first { $0.path == e.path }?.uri ?? DocumentURI.uri(of: e.path)
            byURI[uri, default: []].append(e.json)
        }
        let replacements = d.fixes.map { "`\($0.replacement)`" }.joined(separator: ", ")
        let title = d.fixes.count == 1 && d.fixes[0].replacement.isEmpty ? "\(d.code.id): remove it" : "\(d.code.id): write \(replacements)"
        return .object([
            ("title", .string(title)), ("kind", .string("quickfix")), ("diagnostics", .array([diagnostic])), ("isPreferred", .bool(true)),
            ("edit", .object([("changes", .object(byURI.keys.sorted().map { ($0, .array(byURI[$0] ?? [])) }))])),
        ])
    }
}
