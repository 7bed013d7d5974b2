import TenantCompiler
import TenantDiagnostics
import TenantSyntax

/// `textDocument/documentSymbol` (tiers, tenants, and in them records and env blocks) and
/// `workspace/symbol` (the tiers and tenants of the projects of the open buffers and of the
/// workspace folders).
extension LanguageServer {
    func documentSymbols(_ params: JSONValue) throws(RPCError) -> JSONValue {
        let document = try document(params)
        let unit = Parser.parse(SourceFile(id: FileID(raw: 0), path: document.path, bytes: document.bytes))
        return .array(unit.declarations.map { decl in
            symbol(decl.name.text, detail: decl.parent.map { "extends \($0.text)" } ?? decl.kind.rawValue, kind: decl.kind == .tier ? 5 : 19,
                   span: decl.span, selection: decl.name.span, children: symbols(decl.body), document)
        })
    }

    private func symbols(_ body: [Statement]) -> [(String, String, Int, Span, Span, [Statement])] {
        body.compactMap { s in
            switch s.kind {
            case .block(let path, let inner): (path.text, "record", 23, s.span, path.span, inner)
            case .declare(let path, let type, _):
                if case .record(let inner) = type.kind { (path.text, "record", 23, s.span, path.span, inner) } else { nil }
            case .env(let name, let inner): ("env \(name.text)", "environment", 3, s.span, name.span, inner)
            default: nil
            }
        }
    }

    private func symbol(_ name: String, detail: String, kind: Int, span: Span, selection: Span,
                        children: [(String, String, Int, Span, Span, [Statement])], _ document: TextDocument) -> JSONValue {
        .object([
            ("name", .string(name)), ("detail", .string(detail)), ("kind", .int(kind)),
            ("range", document.lines.range(Int(span.start), Int(span.end)).json),
            ("selectionRange", document.lines.range(Int(selection.start), Int(selection.end)).json),
            ("children", .array(children.map { c in
                symbol(c.0, detail: c.1, kind: c.2, span: c.3, selection: c.4, children: symbols(c.5), document)
            })),
        ])
    }

    func workspaceSymbols(_ params: JSONValue) throws(RPCError) -> JSONValue {
        let query = params["query"]?.stringValue ?? ""
        // A folder is a project's root, or inside one (`projectRoot` of a file in it).
        let folders = workspaceFolders.map { BufferChecker.projectRoot(of: $0 + "/.") }
        let roots = Set(documents.values.map { BufferChecker.projectRoot(of: $0.path) } + folders).sorted()
        var out: [JSONValue] = []
        for root in roots {
            for entry in ProjectDeclarations(root: root, overlay: overlay, matching: query).entries {
                let lines = LineMap(entry.file.bytes, encoding: encoding)
                let location = JSONValue.object([("uri", .string(DocumentURI.uri(of: entry.path))),
                                                 ("range", lines.range(Int(entry.span.start), Int(entry.span.end)).json)])
                out.append(.object([("name", .string(entry.name)), ("kind", .int(entry.kind == .tier ? 5 : 19)),
                                    ("containerName", .string(entry.kind.rawValue)), ("location", location)]))
            }
        }
        return .array(out)
    }
}
