import TenantDiagnostics

/// `build --annotate`: for each field of a tenant's artifact, where the layer that decided its
/// value is — the file and line of its last definition, and what that definition is
/// (`tiers/free.tenant:57 (formula, tier free)`).
///
/// The notes are written on demand, straight into the artifact's bytes: a build writes
/// hundreds of them per tenant, and making each a string first cost more than the build.
public struct FieldAnnotations: Sendable {
    private let schema: Schema
    private let defs: DefinitionTable
    private let sources: SourceMap
    /// The file of the last note: a tenant's fields come from a few files, and the source map
    /// takes a lock per lookup.
    private var lastFile: SourceFile?

    init(_ r: TenantResolution, sources: SourceMap) {
        schema = r.schema
        defs = r.defs
        self.sources = sources
    }

    /// The root of the config, for `field(_:under:)`.
    public static let root = Schema.root

    /// The field `name` of record `parent`, if the config has one.
    public func field(_ name: String, under parent: Int32) -> Int32? {
        guard parent >= 0, Int(parent) < schema.count else { return nil }
        // Through the slots' storage: a `Slot` copied out would retain its strings and tables.
        return schema.slots[Int(parent)].childIndex[name]
    }

    /// Whether `slot` is a record (its fields carry the notes, not the record).
    public func isRecord(_ slot: Int32) -> Bool { schema.slots[Int(slot)].isRecord }

    /// Appends the note of field `slot` (without the `# `); false when it has none.
    public mutating func appendNote(for slot: Int32, to out: inout [UInt8]) -> Bool {
        guard !schema.slots[Int(slot)].isRecord, let d = defs[Int(slot)].last else { return false }
        if lastFile?.id != d.statementSpan.file { lastFile = sources.file(d.statementSpan.file) }
        guard let file = lastFile else { return false }
        out.append(contentsOf: file.path.utf8)
        out.append(UInt8(ascii: ":"))
        appendDecimal(file.lineIndex(ofByte: Int(d.statementSpan.start)) + 1, to: &out)
        out.append(contentsOf: " (".utf8)
        appendLayer(d, to: &out)
        out.append(UInt8(ascii: ")"))
        return true
    }

    /// `formula, tier free`, `tenant`, `scaled, env staging of tier free`, `--env`.
    private func appendLayer(_ d: Definition, to out: inout [UInt8]) {
        if case .commandLine = d.origin {
            out.append(contentsOf: "--env".utf8)
            return
        }
        switch d.kind {
        case .scale: out.append(contentsOf: "scaled, ".utf8)
        case .value(let e): if e.constantValue == nil { out.append(contentsOf: "formula, ".utf8) }
        }
        switch d.origin {
        case .tier(let t):
            out.append(contentsOf: "tier ".utf8)
            out.append(contentsOf: t.utf8)
        case .tierEnv(let t, let e):
            out.append(contentsOf: "env ".utf8)
            out.append(contentsOf: e.utf8)
            out.append(contentsOf: " of tier ".utf8)
            out.append(contentsOf: t.utf8)
        case .tenant:
            out.append(contentsOf: "tenant".utf8)
        case .tenantEnv(_, let e):
            out.append(contentsOf: "env ".utf8)
            out.append(contentsOf: e.utf8)
            out.append(contentsOf: " of the tenant".utf8)
        case .commandLine:
            break
        }
    }

    private func appendDecimal(_ n: Int, to out: inout [UInt8]) {
        if n >= 10 { appendDecimal(n / 10, to: &out) }
        out.append(UInt8(ascii: "0") + UInt8(n % 10))
    }
}
