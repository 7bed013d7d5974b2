import TenantCompiler
import TenantDiagnostics
import TenantSemantics
import TenantSyntax

/// `textDocument/definition`: a field or a reference → its declaration in the tiers;
/// `extends X`, or a tier's name anywhere (a string, a comment-free word) → `tier X`.
extension LanguageServer {
    func definition(_ params: JSONValue) throws(RPCError) -> JSONValue {
        let (document, offset) = try documentPosition(params)
        return checker.withWorkspace(path: document.path, bytes: document.bytes, overlay: overlay) { workspace in
            guard let span = definitionSpan(workspace, offset: offset) else { return .null }
            return location(span, workspace, document)
        }
    }

    private func definitionSpan(_ workspace: BufferWorkspace, offset: Int) -> Span? {
        let graph = workspace.tiers.graph
        func tierDeclaration(_ name: String) -> Span? { graph.index[name].map { graph.tiers[$0].declaration.name.span } }
        switch SyntaxLocator.locate(workspace.unit, offset: offset) {
        case (_, .tier(let name, _)?)?: return tierDeclaration(name)
        case (let decl, .field(let path, _)?)?:
            let tier = decl.kind == .tier ? decl.name.text : decl.parent?.text ?? ""
            guard let schema = workspace.layout(tier)?.schema, let slot = schema.lookup(path) else { return nil }
            return schema[slot].declaredAt
        default:
            return SyntaxLocator.word(at: offset, in: workspace.unit.file.bytes).flatMap(tierDeclaration)
        }
    }

    func location(_ span: Span, _ workspace: BufferWorkspace, _ document: TextDocument) -> JSONValue {
        guard let file = workspace.sources.file(span.file) else { return .null }
        let path = workspace.absolutePath(of: file)
        let lines = path == document.path ? document.lines : LineMap(file.bytes, encoding: encoding)
        return .object([("uri", .string(uri(ofPath: path))), ("range", lines.range(Int(span.start), Int(span.end)).json)])
    }
}

extension SyntaxLocator {
    /// The identifier-like word around `offset` (letters, digits, `_`, `-`).
    static func word(at offset: Int, in bytes: [UInt8]) -> String? {
        func isWord(_ b: UInt8) -> Bool {
            (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x2D
        }
        var start = min(max(offset, 0), bytes.count)
        var end = start
        while start > 0, isWord(bytes[start - 1]) { start -= 1 }
        while end < bytes.count, isWord(bytes[end]) { end += 1 }
        return start < end ? String(decoding: bytes[start..<end], as: UTF8.self) : nil
    }
}
