import TenantDiagnostics
import TenantSemantics
import TenantSyntax

/// The tiers of one tier directory, loaded as a compile loads a group's tier files: what the
/// tier table (`tenantc tiers`) shows. Only the directory's own files are read: tiers a project
/// declares beside its tenants (custom deals) are not part of the shipped table.
public struct TierDirectory: Sendable {
    /// The directory as shown in messages.
    public let path: String
    public let sources: SourceMap
    public let tiers: TierSet
    /// Syntax errors, tier graph and body errors, tier self-checks: sorted and deduplicated.
    public let diagnostics: [Diagnostic]
    public let counts: DiagnosticCounts

    public var hasErrors: Bool { counts.errors > 0 }

    /// Loads `directory`, else the nearest `tiers/` at or above the working directory (as an
    /// input there would find it). A directory that is missing, unreadable or declares no tier
    /// is a usage failure (exit 2); problems in the tiers are diagnostics.
    public static func load(_ directory: String? = nil, workingDirectory: String? = nil) throws(UsageFailure) -> TierDirectory {
        let base = FileSystem.absolute(workingDirectory ?? FileSystem.currentDirectory, base: FileSystem.currentDirectory)
        let absolute = try locate(directory, base: base)
        let shown = FileSystem.display(absolute, base: base)
        let files: [String]
        do { files = try FileSystem.tenantFiles(in: absolute) } catch {
            throw UsageFailure("cannot list tiers in \(shown): \(error.reason)")
        }
        // One file reached by two names (a symbolic link beside it) is read once, as a compile does.
        var seen: Set<FileIdentity> = []
        let pending = files.filter { path in FileSystem.identity(path).map { seen.insert($0).inserted } ?? true }
            .map { InputDiscovery.PendingFile(absolute: $0, display: FileSystem.display($0, base: base), role: .tier, group: 0) }
        let sources = SourceMap()
        var list = DiagnosticList()
        var units: [SourceUnit] = []
        for (i, result) in Compiler.parseTierFiles(pending, sources: sources, jobs: availableCores).enumerated() {
            switch result {
            case .success(let unit)?:
                list.append(contentsOf: unit.diagnostics)
                units.append(unit)
            case .failure(let failure)?:
                let d = Compiler.readFailureDiagnostic(failure, base: base)
                guard d.code == .inputTooLarge else { throw UsageFailure(d.message) }
                list.append(d)
            case nil:
                throw UsageFailure("cannot read \(pending[i].display)")
            }
        }
        let tiers = TierSet(units: units, sources: sources)
        guard !tiers.graph.tiers.isEmpty || list.hasErrors else {
            throw UsageFailure("no tier is declared in \(shown)", help: ["tiers are read from the directory's `*.tenant` files; give another directory with --tiers DIR"])
        }
        list.append(contentsOf: tiers.diagnostics)
        let shownDiagnostics = list.finalized(sourceMap: sources)
        markSecretValues(shownBy: shownDiagnostics, sources: sources, tiers: [tiers])
        return TierDirectory(path: shown, sources: sources, tiers: tiers, diagnostics: shownDiagnostics, counts: list.counts)
    }

    /// The absolute tier directory: `--tiers`, else the nearest `tiers/` above `base` (`tiers`, `schema`).
    static func locate(_ directory: String?, base: String) throws(UsageFailure) -> String {
        if let directory {
            let absolute = FileSystem.absolute(directory, base: base)
            guard FileSystem.isDirectory(absolute) else { throw UsageFailure("--tiers \(directory): not a directory") }
            return absolute
        }
        guard let found = FileSystem.nearestTiersDirectory(above: base) else {
            throw UsageFailure("no `tiers/` directory here or above", help: ["give the tier directory with --tiers DIR"])
        }
        return found
    }
}
