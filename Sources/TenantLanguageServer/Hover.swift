import TenantCompiler
import TenantDiagnostics
import TenantSemantics
import TenantSyntax

/// `textDocument/hover` on a field: in a tenant, what `explain` computes for it (type, doc,
/// value in the tenant's environment, the line that set it); in a tier, its declaration. On a
/// tier's name: its header, doc comment and place.
extension LanguageServer {
    func hover(_ params: JSONValue) throws(RPCError) -> JSONValue {
        let (document, offset) = try documentPosition(params)
        return checker.withWorkspace(path: document.path, bytes: document.bytes, overlay: overlay) { workspace in
            guard let (decl, target) = SyntaxLocator.locate(workspace.unit, offset: offset) else { return .null }
            let text: String?
            let span: Span
            switch target {
            case .field(let path, let at)?: (text, span) = (hoverText(decl, path: path, workspace), at)
            case .tier(let name, let at)?: (text, span) = (tierText(name, workspace), at)
            case .declarationName(let d)? where d.kind == .tier: (text, span) = (tierText(d.name.text, workspace), d.name.span)
            default: return .null
            }
            guard let text else { return .null }
            return .object([
                ("contents", .object([("kind", .string("markdown")), ("value", .string(text))])),
                ("range", document.lines.range(Int(span.start), Int(span.end)).json),
            ])
        }
    }

    /// A tier: its header, its doc comment, where it is declared.
    private func tierText(_ name: String, _ workspace: BufferWorkspace) -> String? {
        let graph = workspace.tiers.graph
        guard let t = graph.index[name] else { return nil }
        let decl = graph.tiers[t].declaration
        var out = "**tier `\(name)`**" + (decl.parent.map { " extends `\($0.text)`" } ?? "")
        if let doc = decl.doc { out += "\n\n" + doc }
        if let (file, start, _) = workspace.sources.position(decl.name.span) { out += "\n\nDeclared at \(file.path):\(start.line)" }
        return out
    }

    private func hoverText(_ decl: Declaration, path: [String], _ workspace: BufferWorkspace) -> String? {
        if decl.kind == .tenant {
            guard case .success(let explanation) = workspace.tiers.explain(decl, path: path.joined(separator: "."),
                                                                         afterSyntaxErrors: workspace.hasSyntaxErrors),
                  let field = explanation.fields.first else { return nil }
            return field.hover(environment: explanation.environment, sources: workspace.sources)
        }
        guard let schema = workspace.layout(decl.name.text)?.schema ?? decl.parent.flatMap({ workspace.layout($0.text)?.schema }),
              let slot = schema.lookup(path) else { return nil }
        return schema[slot].hover(sources: workspace.sources)
    }
}
