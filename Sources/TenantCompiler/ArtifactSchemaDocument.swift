import TenantBackends
import TenantDiagnostics
import TenantSemantics
import TenantSyntax

/// What `tenantc schema` is asked for.
public struct ArtifactSchemaRequest: Sendable {
    /// The tier directory; default: the nearest `tiers/` at or above `workingDirectory`.
    public var tiersDirectory: String?
    /// Tenant files (or directories of them): a tenant that declares fields of its own adds its
    /// shape; a tier these files declare is one of the tiers.
    public var files: [String] = []
    /// One tier's artifacts; nil: a tenant of any tier.
    public var tier: String?
    public var units: UnitsMode = .canonical
    public var workingDirectory: String?

    public init(tiersDirectory: String? = nil, files: [String] = [], tier: String? = nil, units: UnitsMode = .canonical,
                workingDirectory: String? = nil) {
        self.tiersDirectory = tiersDirectory
        self.files = files
        self.tier = tier
        self.units = units
        self.workingDirectory = workingDirectory
    }
}

/// The schema document, or the errors of the tiers (then `text` is nil: exit 1).
public struct ArtifactSchemaOutcome: Sendable {
    public var text: String?
    public var diagnostics: [Diagnostic]
    public var counts: DiagnosticCounts
    public var sources: SourceMap
}

extension ArtifactSchema {
    /// Loads the tiers (and files) and writes the document: one shape at the root, or, when
    /// several shapes are asked for (every tier, tenants with fields of their own), an `anyOf`
    /// of them kept in `$defs` (`tier.NAME`, `tenant.ID`).
    public static func make(_ request: ArtifactSchemaRequest) throws(UsageFailure) -> ArtifactSchemaOutcome {
        let loaded = try SchemaSources.load(request)
        let tiers = loaded.tiers
        if let tier = request.tier { try validate(tier: tier, in: tiers) }
        var diagnostics = loaded.diagnostics + tiers.diagnostics
        var shapes: [(name: String, doc: String?, schema: Schema)] = []
        for i in tiers.graph.topologicalOrder {
            let t = tiers.graph.tiers[i]
            guard request.tier == nil || request.tier == t.name, let layout = tiers.layouts[i] else { continue }
            shapes.append(("tier.\(t.name)", t.declaration.doc, layout.schema))
        }
        for decl in loaded.tenants where request.tier == nil || decl.parent?.text == request.tier {
            guard let parent = decl.parent.flatMap({ tiers.layout(named: $0.text) }), let own = tiers.tenantSchema(decl) else { continue }
            diagnostics += own.diagnostics
            // Only a tenant that declares fields has a shape of its own.
            if own.schema.count > parent.schema.count { shapes.append(("tenant.\(decl.name.text)", decl.doc, own.schema)) }
        }
        var list = DiagnosticList()
        list.append(contentsOf: diagnostics)
        let shown = list.finalized(sourceMap: loaded.sources)
        let text = list.hasErrors ? nil : document(shapes, units: request.units).text
        return ArtifactSchemaOutcome(text: text, diagnostics: shown, counts: list.counts, sources: loaded.sources)
    }

    private static func validate(tier: String, in tiers: TierSet) throws(UsageFailure) {
        guard tiers.graph.index[tier] == nil else { return }
        let names = tiers.graph.tiers.map(\.name)
        var help = ["the tiers are " + names.map { "`\($0)`" }.joined(separator: ", ")]
        if let s = suggestion(for: tier, among: names) { help.insert("did you mean `\(s)`?", at: 0) }
        throw UsageFailure("--tier \(tier): unknown tier", help: help)
    }

    static func document(_ shapes: [(name: String, doc: String?, schema: Schema)], units: UnitsMode) -> JSONValue {
        var header: [(String, JSONValue)] = [("$schema", .string(dialect))]
        if shapes.count == 1, case .object(let members) = object(shapes[0].schema, units: units) {
            header.append(("title", .string("tenantc artifact: \(shapes[0].name) (--units \(units.rawValue))")))
            if let doc = shapes[0].doc { header.append(("description", .string(doc))) }
            return .object(header + members)
        }
        header.append(("title", .string("tenantc artifact (--units \(units.rawValue))")))
        header.append(("anyOf", .array(shapes.map { .compactObject([("$ref", .string("#/$defs/\($0.name)"))]) })))
        let defs = shapes.map { shape -> (String, JSONValue) in
            guard let doc = shape.doc, case .object(let members) = object(shape.schema, units: units) else {
                return (shape.name, object(shape.schema, units: units))
            }
            return (shape.name, .object([("description", .string(doc))] + members))
        }
        return .object(header + [("$defs", .object(defs))])
    }
}
