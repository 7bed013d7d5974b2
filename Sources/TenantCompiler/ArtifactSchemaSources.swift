import TenantDiagnostics
import TenantSemantics
import TenantSyntax

/// The tiers of `tenantc schema`: the files of the tier directory and the tenant files given,
/// parsed. No tenant is compiled.
struct SchemaSources {
    let sources: SourceMap
    let tiers: TierSet
    /// The tenants of the files given.
    let tenants: [Declaration]
    /// Syntax errors of every file read.
    let diagnostics: [Diagnostic]

    static func load(_ request: ArtifactSchemaRequest) throws(UsageFailure) -> SchemaSources {
        let base = FileSystem.absolute(request.workingDirectory ?? FileSystem.currentDirectory, base: FileSystem.currentDirectory)
        let tiersDir = try TierDirectory.locate(request.tiersDirectory, base: base)
        let sources = SourceMap()
        var inputs: [String] = []
        for file in request.files {
            let absolute = FileSystem.absolute(file, base: base)
            if !absolute.hasSuffix(".tenant"), FileSystem.isDirectory(absolute) {
                do { inputs += try FileSystem.tenantFiles(under: absolute) } catch { throw UsageFailure("cannot list \(error.description)") }
            } else {
                inputs.append(absolute)
            }
        }
        let tierFiles: [String]
        do { tierFiles = try FileSystem.tenantFiles(in: tiersDir) } catch { throw UsageFailure("cannot list tiers in \(error.description)") }
        let inputUnits = try parse(inputs, base: base, sources: sources)
        let given = Set(inputs)
        let tierUnits = try parse(tierFiles.filter { !given.contains($0) }, base: base, sources: sources)
        let units = tierUnits + inputUnits
        let tiers = TierSet(units: units, sources: sources)
        guard !tiers.graph.tiers.isEmpty else {
            throw UsageFailure("no tier declared in \(FileSystem.display(tiersDir, base: base))", help: ["give the tier directory with --tiers DIR"])
        }
        let tenants = inputUnits.flatMap { $0.declarations.filter { $0.kind == .tenant } }
        return SchemaSources(sources: sources, tiers: tiers, tenants: tenants, diagnostics: units.flatMap(\.diagnostics))
    }

    private static func parse(_ paths: [String], base: String, sources: SourceMap) throws(UsageFailure) -> [SourceUnit] {
        var units: [SourceUnit] = []
        for path in paths {
            let display = FileSystem.display(path, base: base)
            do {
                units.append(Parser.parse(sources.add(path: display, bytes: try FileSystem.readFile(path))))
            } catch {
                throw UsageFailure("cannot read \(display): \(error.reason)")
            }
        }
        return units
    }
}
