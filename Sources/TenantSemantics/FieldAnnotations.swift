import TenantDiagnostics

/// `build --annotate`: for each field of a tenant's artifact, where the layer that decided its
/// value is — the file and line of its last definition, and what that definition is.
enum FieldAnnotations {
    static func make(_ r: TenantResolution, sources: SourceMap) -> [String: String] {
        var annotations: [String: String] = [:]
        var places: [Span: String] = [:]  // most fields of a tenant are set by a few tier lines each
        for s in 0..<r.schema.count {
            let field = r.schema.slots[s]
            guard !field.isRecord, !field.path.hasPrefix("_"), !field.path.contains("._"), let d = r.defs[s].last else { continue }
            let place: String
            if let known = places[d.statementSpan] {
                place = known
            } else {
                place = location(d.statementSpan, sources)
                places[d.statementSpan] = place
            }
            annotations[field.path] = "\(place) (\(what(d)))"
        }
        return annotations
    }

    /// `tiers/free.tenant:57`.
    private static func location(_ span: Span, _ sources: SourceMap) -> String {
        guard let file = sources.file(span.file) else { return "?" }
        return "\(file.path):\(file.lineIndex(ofByte: Int(span.start)) + 1)"
    }

    /// `formula, tier free`, `tenant`, `scaled, env staging of tier free`, `--env`.
    private static func what(_ d: Definition) -> String {
        let layer: String
        switch d.origin {
        case .tier(let t): layer = "tier \(t)"
        case .tierEnv(let t, let e): layer = "env \(e) of tier \(t)"
        case .tenant: layer = "tenant"
        case .tenantEnv(_, let e): layer = "env \(e) of the tenant"
        case .commandLine: return "--env"
        }
        switch d.kind {
        case .scale: return "scaled, " + layer
        case .value(let e): return e.constantValue == nil ? "formula, " + layer : layer
        }
    }
}
