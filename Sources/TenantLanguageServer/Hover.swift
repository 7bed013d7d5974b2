import TenantCompiler
import TenantDiagnostics
import TenantSemantics
import TenantSyntax

/// `textDocument/hover` on a field: in a tenant, what `explain` computes for it (type, doc,
/// value in the tenant's environment, the line that set it); in a tier, its declaration.
extension LanguageServer {
    func hover(_ params: JSONValue) throws(RPCError) -> JSONValue {
        let (document, offset) = try documentPosition(params)
        return checker.withWorkspace(path: document.path, bytes: document.bytes, overlay: overlay) { workspace in
            guard let (decl, target) = SyntaxLocator.locate(workspace.unit, offset: offset), case .field(let path, let span)? = target,
                  let text = hoverText(decl, path: path, workspace) else { return .null }
            return .object([
                ("contents", .object([("kind", .string("markdown")), ("value", .string(text))])),
                ("range", document.lines.range(Int(span.start), Int(span.end)).json),
            ])
        }
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
