import TenantCompiler
import TenantDiagnostics

/// Open, change, close: the buffers, and the diagnostics published after each.
extension LanguageServer {
    func didOpen(_ params: JSONValue) throws(RPCError) {
        guard let item = params["textDocument"], let uri = item["uri"]?.stringValue, let text = item["text"]?.stringValue else {
            throw .invalidParams("textDocument.uri and textDocument.text are required")
        }
        guard let path = DocumentURI.path(of: uri) else { throw .invalidParams("\(uri) is not a file: URI with an absolute path") }
        let document = TextDocument(uri: uri, path: path, version: item["version"]?.intValue ?? 0, text: text, encoding: encoding)
        let before = documents[uri].map { BufferChecker.declaredTiers($0.bytes) } ?? []
        documents[uri] = document
        changed(document, tiersBefore: before)
    }

    func didChange(_ params: JSONValue, publish: Bool) throws(RPCError) {
        var document = try document(params)
        guard let changes = params["contentChanges"]?.arrayValue else { throw .invalidParams("contentChanges is required") }
        // The tiers the buffer declared before this batch of changes, as last published.
        let before = declaredTiers[document.uri] ?? BufferChecker.declaredTiers(document.bytes)
        try document.apply(changes)
        if let version = params["textDocument"]?["version"]?.intValue { document.version = version }
        documents[document.uri] = document
        if publish {
            changed(document, tiersBefore: before)
        } else if declaredTiers[document.uri] == nil {
            declaredTiers[document.uri] = before
        }
    }

    /// A closed buffer's file is read from disk again by every later check.
    func didClose(_ params: JSONValue) throws(RPCError) {
        let document = try document(params)
        documents[document.uri] = nil
        declaredTiers[document.uri] = nil
        setForeign(from: document.uri, [:])
        publish(document.path, foreign[document.path].map(union) ?? [], version: nil)
        let tiers = BufferChecker.declaredTiers(document.bytes)
        if !tiers.isEmpty { republishProject(of: document.path, affectedBy: tiers) }
    }

    /// After a buffer changed: its diagnostics, and when it declares tiers (or did), first
    /// those of the other open buffers of its project that the tiers affect.
    private func changed(_ document: TextDocument, tiersBefore: Set<String>) {
        let start = Clock.now
        let tiers = BufferChecker.declaredTiers(document.bytes)
        declaredTiers[document.uri] = tiers
        if !tiers.isEmpty || !tiersBefore.isEmpty {
            republishProject(of: document.path, affectedBy: tiers.union(tiersBefore), except: document.uri)
            options.timing?("affected", Clock.milliseconds(since: start))
        }
        check(document)
        options.timing?("published", Clock.milliseconds(since: start))
    }

    func republishAll() {
        let overlay = overlay
        for document in documents.values.sorted(by: { $0.uri < $1.uri }) { check(document, overlay: overlay) }
    }

    /// Checks the open buffers of the project of `path` that a change of the tiers named
    /// `changed` may affect.
    private func republishProject(of path: String, affectedBy changed: Set<String>, except uri: String? = nil) {
        let root = BufferChecker.projectRoot(of: path)
        let overlay = overlay
        for document in documents.values.sorted(by: { $0.uri < $1.uri })
        where document.uri != uri && BufferChecker.projectRoot(of: document.path) == root
            && checker.isAffected(path: document.path, bytes: document.bytes, byTiers: changed, overlay: overlay) {
            check(document, overlay: overlay)
        }
    }

    /// Checks one buffer and publishes what it found: in the buffer, and in files that are
    /// not open (a tier buffer's check reports the project tenants it breaks).
    /// `overlay`: every open buffer, made once for a batch of checks.
    func check(_ document: TextDocument, overlay: SourceOverlay? = nil) {
        let overlay = overlay ?? self.overlay
        let byPath = checker.check(path: document.path, bytes: document.bytes, overlay: overlay) { result in
            var conversion = DiagnosticConversion(result, encoding: encoding, document: document)
            return conversion.byPath()
        }
        publish(document.path, byPath[document.path] ?? [], version: document.version)
        var others = byPath
        others[document.path] = nil
        setForeign(from: document.uri, others.filter { path, _ in !isOpen(path) })
    }

    private func isOpen(_ path: String) -> Bool { openDocument(atPath: path) != nil }

    /// Replaces what `origin` reported in files that are not open, and publishes each file
    /// whose diagnostics changed.
    private func setForeign(from origin: String, _ reported: [String: [JSONValue]]) {
        var touched: Set<String> = []
        for (path, var origins) in foreign where origins[origin] != nil && reported[path] == nil {
            origins[origin] = nil
            foreign[path] = origins.isEmpty ? nil : origins
            touched.insert(path)
        }
        for (path, list) in reported {
            foreign[path, default: [:]][origin] = list
            touched.insert(path)
        }
        for path in touched.sorted() where !isOpen(path) {
            publish(path, foreign[path].map(union) ?? [], version: nil)
        }
    }

    /// The diagnostics several buffers reported in one file, each once.
    private func union(_ origins: [String: [JSONValue]]) -> [JSONValue] {
        var seen: Set<String> = []
        var out: [JSONValue] = []
        for origin in origins.keys.sorted() {
            for d in origins[origin] ?? [] where seen.insert(d.compactText).inserted { out.append(d) }
        }
        return out
    }

    private func publish(_ path: String, _ diagnostics: [JSONValue], version: Int?) {
        var params: [(String, JSONValue)] = [("uri", .string(uri(ofPath: path)))]
        if let version { params.append(("version", .int(version))) }
        params.append(("diagnostics", .array(diagnostics)))
        send(RPCMessage.notification("textDocument/publishDiagnostics", .object(params)))
    }
}
