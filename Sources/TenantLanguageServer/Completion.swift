import TenantCompiler
import TenantDiagnostics
import TenantSemantics
import TenantSyntax

/// `textDocument/completion`: the fields that may be set at the cursor (a tenant may not set
/// locked ones) with their types and docs, enum members after `=`, tier names after
/// `extends`, environment names after `env`.
extension LanguageServer {
    func completion(_ params: JSONValue) throws(RPCError) -> JSONValue {
        let (document, offset) = try documentPosition(params)
        return checker.withWorkspace(path: document.path, bytes: document.bytes, overlay: overlay) { workspace in
            .array(items(CompletionContext.at(offset, in: workspace.unit.file), workspace))
        }
    }

    private func items(_ context: CompletionContext, _ workspace: BufferWorkspace) -> [JSONValue] {
        switch context {
        case .nothing: return []
        case .tierName: return workspace.tiers.graph.tiers.map { item($0.name, kind: 7, detail: "tier", doc: $0.declaration.doc) }
        case .environmentName: return workspace.environments.map { item($0, kind: 20, detail: "environment", doc: nil) }
        case .field(let parent, let header):
            guard let schema = schema(header, workspace), let slot = schema.lookup(parent) else { return [] }
            return schema[slot].children.map { schema[$0] }.filter { header.kind == .kwTier || !$0.locked }.map { field in
                item(field.name, kind: field.isRecord ? 22 : 5, detail: field.isRecord ? "record" : field.type.description, doc: field.doc)
            }
        case .value(let path, let header):
            guard let schema = schema(header, workspace), let slot = schema.lookup(path),
                  case .enumeration(let members) = schema[slot].type.core else { return [] }
            return members.map { item("\"\($0)\"", kind: 20, detail: schema[slot].type.description, doc: nil) }
        }
    }

    /// A tenant's fields are its tier's; a tier's, its own (or its parent's while it is new).
    private func schema(_ header: CompletionContext.DeclarationHeader, _ workspace: BufferWorkspace) -> Schema? {
        let own = header.kind == .kwTier ? workspace.layout(header.name)?.schema : nil
        return own ?? header.parent.flatMap { workspace.layout($0)?.schema }
    }

    private func item(_ label: String, kind: Int, detail: String, doc: String?) -> JSONValue {
        var members: [(String, JSONValue)] = [("label", .string(label)), ("kind", .int(kind)), ("detail", .string(detail))]
        if let doc { members.append(("documentation", .object([("kind", .string("markdown")), ("value", .string(doc))]))) }
        return .object(members)
    }
}
