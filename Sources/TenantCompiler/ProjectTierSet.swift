import TenantDiagnostics
import TenantImport
import TenantSemantics
import TenantSyntax

/// A project's tiers as a new tier file, `NAME.tenant` in its tier directory, is checked with
/// them: every tier of the project (custom deals beside tenants included), less that file when
/// it exists, which the new tier stands for (an import done again replaces it).
struct ProjectTierSet {
    let absolutePath: String
    /// As messages show it.
    let displayPath: String
    let units: [SourceUnit]
    let tiers: TierSet
    let sources: SourceMap

    /// `tiersDirectory`, else the nearest `tiers/` above `base`; without one the tier stands
    /// alone in `base`, unless a tier of the project is `needed` (`--extends`).
    init(tiersDirectory: String?, standingFor name: String, needed: Bool, base: String, sources: SourceMap) throws(UsageFailure) {
        let directory = try tiersDirectory.map { d throws(UsageFailure) in try TierDirectory.locate(d, base: base) }
            ?? FileSystem.nearestTiersDirectory(above: base)
        guard directory != nil || !needed else {
            throw UsageFailure("no `tiers/` directory here or above: --extends names a tier of the project", help: ["give the tier directory with --tiers DIR"])
        }
        let path = (directory ?? base) + "/" + name + ".tenant"
        absolutePath = path
        displayPath = FileSystem.display(path, base: base)
        units = try directory.map { d throws(UsageFailure) in try Self.load(d, standingFor: path, base: base, sources: sources).units } ?? []
        tiers = TierSet(units: units, sources: sources)
        self.sources = sources
        try checkUnused(name)
    }

    /// Every tier file of the project of tier directory `directory`, read as a compile of a file
    /// at `path` reads them, and what reading them reported (also `tenantc import`'s tiers).
    static func load(_ directory: String, standingFor path: String, base: String,
                     sources: SourceMap) throws(UsageFailure) -> (units: [SourceUnit], diagnostics: [Diagnostic]) {
        let request = CompileRequest(inputs: [SourceInput(path: path, contents: [])], tiersDirectory: directory, jobs: availableCores, workingDirectory: base)
        let discovered = InputDiscovery(request, base: base)
        if let problem = discovered.problems.first { throw UsageFailure(problem.message) }
        let summary = ProjectTiers.InputSummary(group: 0, unit: nil, parents: [])
        let project = ProjectTiers(discovered, inputs: [summary], wholeProject: true, sources: sources, jobs: request.jobs, base: base)
        if let problem = project.problems.first { throw UsageFailure(problem.message) }
        return (project.units.first ?? [], project.diagnostics)
    }

    /// A tier of that name elsewhere in the project would be declared twice.
    private func checkUnused(_ name: String) throws(UsageFailure) {
        guard let i = tiers.graph.index[name] else { return }
        let file = sources.file(tiers.graph.tiers[i].declaration.name.span.file)?.path ?? "the project"
        throw UsageFailure("tier `\(name)` is declared already, in \(file)", help: ["import the template under another name"])
    }

    /// The fields of `parent`, which must be a tier of the project without errors.
    func fields(of parent: String) throws(UsageFailure) -> InheritedFields {
        guard let layout = tiers.layout(named: parent) else {
            let names = tiers.graph.tiers.map(\.name)
            var help = names.isEmpty ? ["the project declares no tier"] : ["the tiers are " + names.map { "`\($0)`" }.joined(separator: ", ")]
            if let s = suggestion(for: parent, among: names) { help.insert("did you mean `\(s)`?", at: 0) }
            throw UsageFailure("--extends \(parent): unknown tier", help: help)
        }
        guard !layout.hasErrors else {
            throw UsageFailure("tier `\(parent)` has errors: a tier that extends it cannot be checked", help: ["run `tenantc check` on the project"])
        }
        return InheritedFields(layout, in: tiers, sources: sources)
    }

    /// The project's tiers with `source` as the new tier's file, and that file.
    func checked(_ source: [UInt8]) -> (tiers: TierSet, unit: SourceUnit) {
        let unit = Parser.parse(sources.add(path: displayPath, bytes: source))
        return (TierSet(units: units + [unit], sources: sources), unit)
    }
}
