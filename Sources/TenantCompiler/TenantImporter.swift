import TenantDiagnostics
import TenantFormat
import TenantImport
import TenantModel
import TenantSemantics
import TenantSyntax

/// `tenantc import`: resolved tenant documents (YAML or JSON artifacts, the seed's exports)
/// turned into minimal `.tenant` files (docs/import.md). Each document is read along its
/// tier's schema; what differs from what the tier gives becomes the tenant's body; the result
/// is compiled and compared with the document value for value, and what still differs is set
/// again where it would stick (the tenant's own `env` block comes after the tiers' overlays).
/// What cannot be made equal is reported at its line in the document, and that tenant is not
/// written.
public final class TenantImporter: Sendable {
    public struct Options: Sendable {
        public var tier: String?
        public var environment: String?
        public var declareUnknown = false
        /// The import takes `tierBaselines`, `importBaselines`, `importReader` and `importLayout`;
        /// the output is the same without them.
        public var fastPaths: FastPaths = .all

        public init(tier: String? = nil, environment: String? = nil, declareUnknown: Bool = false, fastPaths: FastPaths = .all) {
            self.tier = tier
            self.environment = environment
            self.declareUnknown = declareUnknown
            self.fastPaths = fastPaths
        }
    }

    /// What kept a document from being imported.
    public struct Failure: Error, Sendable {
        public var problems: [Problem]
        /// How the tier was chosen, when neither the user nor the document named it.
        public var notes: [String] = []
        init(_ problems: [Problem]) { self.problems = problems }
    }

    /// One problem, at its place in the document.
    public struct Problem: Error, Sendable {
        public var line: Int
        public var column: Int
        public var message: String
        public var help: [String]
    }

    /// A tenant imported: its source (canonical layout) and how its tier was chosen.
    public struct Imported: Sendable {
        public var id: String
        public var tier: String
        public var source: String
        public var notes: [String]
    }

    let tiers: TierSet
    /// The tier directory's problems (syntax, graph, self-checks).
    public let tierDiagnostics: [Diagnostic]
    /// For each tier (by index) and environment, what the tier gives a tenant that sets nothing.
    private let tierValues: [[String: [TierValue]]]

    init(tiers: TierSet, diagnostics: [Diagnostic]) {
        self.tiers = tiers
        tierDiagnostics = diagnostics
        tierValues = tiers.layouts.map { layout in
            guard let layout, !layout.hasErrors else { return [:] }
            var byEnvironment: [String: [TierValue]] = [:]
            for env in layout.checkedEnvironments { byEnvironment[env] = tiers.baselineValues(layout, environment: env) }
            return byEnvironment
        }
    }

    /// What `layout` gives, by slot, a tenant that sets nothing in `environment`, when known.
    func tierValues(_ layout: TierLayout, environment: String) -> [TierValue]? { tierValues[layout.index][environment] }

    /// The tiers of `tiersDirectory`, else of the nearest `tiers/` above `near` (a directory).
    public static func load(tiersDirectory: String?, near: String, workingDirectory: String? = nil) throws(UsageFailure) -> TenantImporter {
        let base = FileSystem.absolute(workingDirectory ?? FileSystem.currentDirectory, base: FileSystem.currentDirectory)
        let here = FileSystem.absolute(near, base: base)
        let directory = try TierDirectory.locate(tiersDirectory, base: tiersDirectory == nil ? here : base)
        let sources = SourceMap()
        let project = try ProjectTierSet.load(directory, standingFor: here + "/import.tenant", base: base, sources: sources)
        let tiers = TierSet(units: project.units, sources: sources)
        return TenantImporter(tiers: tiers, diagnostics: project.diagnostics + tiers.diagnostics)
    }

    /// The names of the tiers that tenants can extend.
    public var tierNames: [String] { tiers.layouts.compactMap { $0.flatMap { $0.hasErrors ? nil : $0.name } } }

    /// What one worker keeps from one document to the next: its readings along each tier's
    /// schema (`ReadingMemo`). Used by one thread at a time.
    public final class WorkerMemo: @unchecked Sendable {
        private var readings: [Int: ReadingMemo] = [:]

        public init() {}

        func readings(_ layout: TierLayout) -> ReadingMemo {
            if let memo = readings[layout.index] { return memo }
            let memo = ReadingMemo(fields: layout.schema.count)
            readings[layout.index] = memo
            return memo
        }
    }

    /// Imports one document; `memo`, when given, is the calling worker's own, for this importer only.
    public func importDocument(_ document: ImportedNode, options: Options, memo: WorkerMemo? = nil) -> Result<Imported, Failure> {
        guard case .record = document.kind else {
            return .failure(Failure([Problem(line: document.line, column: document.column, message: "the document is not a mapping of fields",
                                             help: ["import resolved tenant documents: what `tenantc build` or the seed's export writes"])]))
        }
        guard let id = document["tenant_info"]?["tenant_id"]?.text else {
            return .failure(Failure([Problem(line: document.line, column: document.column, message: "the document has no `tenant_info.tenant_id`: it names the tenant",
                                             help: ["import resolved tenant documents: what `tenantc build` or the seed's export writes"])]))
        }
        guard isValidTenantID(id) else {
            let at = document["tenant_info"]?["tenant_id"] ?? document
            return .failure(Failure([Problem(line: at.line, column: at.column, message: "`\(id)` is not a valid tenant id: it must match [a-z][a-z0-9_]{0,62}", help: [])]))
        }
        let choice: TierChoice
        switch chooseTier(for: document, options: options) {
        case .success(let c): choice = c
        case .failure(let p): return .failure(Failure([p]))
        }
        let notes = choice.reason.map { [$0] } ?? []
        let run = TenantImportRun(importer: self, document: document, id: id, layout: choice.layout, options: options,
                                  readings: memo?.readings(choice.layout))
        return run.import().map { source in
            Imported(id: id, tier: choice.layout.name, source: source, notes: notes)
        }.mapError { failure in
            var noted = failure
            noted.notes = notes
            return noted
        }
    }

    struct TierChoice {
        var layout: TierLayout
        /// Said when the tier was not named by the user or the document.
        var reason: String?
    }

    /// `--tier`, else `tenant_info.tenant_type` (or `tenant_info.tier`) when a tier has that
    /// name, else the tier whose resolution differs least from the document.
    private func chooseTier(for document: ImportedNode, options: Options) -> Result<TierChoice, Problem> {
        if let name = options.tier {
            guard let layout = usableLayout(name) else {
                return .failure(Problem(line: 1, column: 1, message: "--tier \(name): no such tier", help: helpForTier(name)))
            }
            return .success(TierChoice(layout: layout))
        }
        if let typeNode = document["tenant_info"]?["tenant_type"] ?? document["tenant_info"]?["tier"], let name = typeNode.text {
            if let layout = usableLayout(name) { return .success(TierChoice(layout: layout)) }
            return .failure(Problem(line: typeNode.line, column: typeNode.column,
                                    message: "the document's tier is `\(name)`, which is not a tier of the project", help: helpForTier(name) + ["or name the tier with --tier"]))
        }
        var best: (layout: TierLayout, differences: Int)?
        for name in tierNames {
            guard let layout = usableLayout(name) else { continue }
            let run = TenantImportRun(importer: self, document: document, id: "tenant_import_probe", layout: layout, options: options)
            let differences = run.differenceCount()
            if best == nil || differences < best!.differences { best = (layout, differences) }
        }
        guard let best, best.differences < Int.max else {
            return .failure(Problem(line: 1, column: 1, message: "no tier of the project builds a tenant from this document", help: ["name the tier with --tier to see why"]))
        }
        return .success(TierChoice(layout: best.layout, reason: "tier `\(best.layout.name)` chosen: the document names none, and it differs from it in the fewest fields (\(best.differences))"))
    }

    private func usableLayout(_ name: String) -> TierLayout? {
        guard let layout = tiers.layout(named: name), !layout.hasErrors else { return nil }
        return layout
    }

    private func helpForTier(_ name: String) -> [String] {
        var help = ["the tiers are " + tierNames.map { "`\($0)`" }.joined(separator: ", ")]
        if let s = suggestion(for: name, among: tierNames) { help.insert("did you mean `\(s)`?", at: 0) }
        return help
    }

    /// Compiles `source` (one tenant) and hands back its result (its artifact's values by slot,
    /// `TenantResult.fields`), with the 0-based line of each error it reports in that source.
    func resolve(_ source: String, fastPaths: FastPaths) -> (result: TenantResult, errorLines: [(line: Int?, diagnostic: Diagnostic)]) {
        // Not registered in the shared source map: its lock would be taken twice per compile by
        // every worker, and only this function reads the file back.
        let file = SourceFile(id: Self.generatedFile, path: "<import>", bytes: Array(source.utf8))
        let unit = Parser.parse(file)
        guard let decl = unit.declarations.first else {
            return (TenantResult(id: "", environment: "", tenant: nil, diagnostics: unit.diagnostics, failed: true), unit.diagnostics.map { (nil, $0) })
        }
        var options = ResolveOptions(afterSyntaxErrors: !unit.diagnostics.isEmpty, output: .fields)
        options.evenIfFailing = true
        options.usesTierBaselines = fastPaths.contains(.tierBaselines)
        options.stepBudget = SharedBudget(sourceBytes: file.bytes.count)
        let result = tiers.resolve(decl, options)
        let errors = (unit.diagnostics + result.diagnostics).filter { $0.severity == .error }.map { d -> (Int?, Diagnostic) in
            guard let span = d.span, span.file == file.id else { return (nil, d) }
            return (file.lineIndex(ofByte: Int(span.start)), d)
        }
        return (result, errors)
    }

    /// The id of the generated sources, which no file of the tiers has.
    static let generatedFile = FileID(raw: UInt32.max - 1)

    /// The canonical layout of an imported tenant's source.
    static func formatted(_ source: String) -> String {
        let file = SourceFile(id: FileID(raw: 0), path: "<import>", bytes: Array(source.utf8))
        guard case .formatted(let bytes) = Formatter.format(file) else { return source }
        return String(decoding: bytes, as: UTF8.self)
    }
}
