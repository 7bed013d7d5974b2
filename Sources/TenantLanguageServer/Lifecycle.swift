import TenantDiagnostics

extension LanguageServer {
    /// `initialize`: the position encoding (UTF-8 when the client offers it, else UTF-16) and
    /// what the server can do.
    func initialize(_ params: JSONValue) -> JSONValue {
        let offered = params["capabilities"]?["general"]?["positionEncodings"]?.arrayValue?.compactMap(\.stringValue) ?? []
        encoding = offered.contains(PositionEncoding.utf8.rawValue) ? .utf8 : .utf16
        let folders = (params["workspaceFolders"]?.arrayValue ?? []).compactMap { $0["uri"]?.stringValue }
        workspaceFolders = (folders + [params["rootUri"]?.stringValue].compactMap { $0 }).compactMap(DocumentURI.path(of:))
        state = .running
        let capabilities = JSONValue.object([
            ("positionEncoding", .string(encoding.rawValue)),
            ("textDocumentSync", .object([("openClose", .bool(true)), ("change", .int(2)), ("save", .bool(true))])),
            ("hoverProvider", .bool(true)),
            ("definitionProvider", .bool(true)),
            ("completionProvider", .object([("triggerCharacters", .array([".", "=", " "].map { .string($0) }))])),
            ("documentSymbolProvider", .bool(true)),
            ("workspaceSymbolProvider", .bool(true)),
            ("codeActionProvider", .object([("codeActionKinds", .array([.string("quickfix")]))])),
            ("documentFormattingProvider", .bool(true)),
        ])
        return .object([("capabilities", capabilities), ("serverInfo", .object([("name", .string("tenantc"))]))])
    }
}
