import TenantDiagnostics
import TenantModel
import TenantSemantics
import TenantSyntax

/// A usage or I/O problem of a one-tenant command (`plan`, `migrate`, `access`): exit code 2.
public struct UsageFailure: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var help: [String]

    public init(_ message: String, help: [String] = []) {
        self.message = message
        self.help = help
    }

    public var description: String { message }
}

/// One tenant of one file, with its tiers, loaded once: what the commands that reason about a
/// single tenant (`plan`, `migrate`, `access`) work on. It resolves the tenant under its own
/// tier or, as if its `extends` named another, under any tier of the table.
public struct TenantWorkspace: Sendable {
    public let sources: SourceMap
    public let tiers: TierSet
    /// The tenant file as given (for messages and suggested commands) and its absolute path.
    public let path: String
    public let absolutePath: String
    public let tenant: Declaration
    /// Problems of the file and of the tiers: syntax, tier graph, tier self-checks.
    public let diagnostics: [Diagnostic]

    /// The tenant's current tier.
    public var tierName: String { tenant.parent?.text ?? "" }

    /// The tenant's file does not parse cleanly: its AST is partial.
    public var hasSyntaxErrors: Bool {
        diagnostics.contains { $0.severity == .error && $0.span?.file == tenant.headerSpan.file }
    }

    /// Loads `path` and the tiers (`tiersDirectory`, else the nearest `tiers/` above the file).
    /// `tenantID` picks one tenant of a file that declares several.
    /// `wholeProject`: read every file of the project, for a command that may name any tier
    /// (`plan`, `migrate`, `access`); else only when the tenant's tier is not in `tiers/`.
    public static func load(path: String, tenantID: String? = nil, tiersDirectory: String? = nil,
                            workingDirectory: String? = nil, wholeProject: Bool = true) throws(UsageFailure) -> TenantWorkspace {
        let base = FileSystem.absolute(workingDirectory ?? FileSystem.currentDirectory, base: FileSystem.currentDirectory)
        let absolute = FileSystem.absolute(path, base: base)
        let sources = SourceMap()
        let bytes: [UInt8]
        do { bytes = try FileSystem.readFile(absolute) } catch {
            throw UsageFailure("cannot read \(path): \(error.reason)")
        }
        let unit = Parser.parse(sources.add(path: path, bytes: bytes))
        let declared = unit.declarations.filter { $0.kind == .tenant }
        let tenant: Declaration
        if let tenantID {
            guard let found = declared.first(where: { $0.name.text == tenantID }) else {
                var help: [String] = []
                if let s = suggestion(for: tenantID, among: declared.map(\.name.text)) { help.append("did you mean `\(s)`?") }
                throw UsageFailure("\(path) declares no tenant `\(tenantID)`", help: help)
            }
            tenant = found
        } else {
            guard let first = declared.first else {
                throw UsageFailure("\(path) declares no tenant", help: unit.diagnostics.isEmpty ? [] : ["the file does not parse: run `tenantc check \(path)`"])
            }
            guard declared.count == 1 else {
                throw UsageFailure("\(path) declares \(declared.count) tenants; name one with --tenant",
                                   help: ["the tenants are " + declared.map { "`\($0.name.text)`" }.joined(separator: ", ")])
            }
            tenant = first
        }

        // The tiers of the file's project, loaded as a compile loads them.
        let request = CompileRequest(inputs: [SourceInput(path: absolute)], tiersDirectory: tiersDirectory, jobs: availableCores, workingDirectory: base)
        let discovered = InputDiscovery(request, base: base)
        if let problem = discovered.problems.first { throw UsageFailure(problem.message) }
        guard discovered.groups.count == 1, discovered.groups[0] != nil else {
            throw UsageFailure("no `tiers/` directory above \(path)", help: ["give the tier directory with --tiers DIR"])
        }
        let summary = ProjectTiers.InputSummary(group: 0, unit: unit, parents: declared.map { $0.parent?.text })
        let projectTiers = ProjectTiers(discovered, inputs: [summary], wholeProject: wholeProject, sources: sources, jobs: request.jobs, base: base)
        if let problem = projectTiers.problems.first { throw UsageFailure(problem.message) }
        let diagnostics = unit.diagnostics + projectTiers.diagnostics
        let tiers = TierSet(units: projectTiers.units[0] + [unit], sources: sources)
        return TenantWorkspace(sources: sources, tiers: tiers, path: path, absolutePath: absolute, tenant: tenant,
                               diagnostics: diagnostics + tiers.diagnostics)
    }

    /// The environments the tiers declare.
    public var environments: [String] {
        Array(Set(tiers.layouts.compactMap { $0?.environments }.joined())).sorted()
    }

    /// `--env NAME` checked against the tiers' environments.
    public func validate(environment: String?) throws(UsageFailure) {
        guard let environment, !environments.isEmpty, !environments.contains(environment) else { return }
        var help = ["the environments are " + environments.map { "`\($0)`" }.joined(separator: ", ")]
        if let s = suggestion(for: environment, among: environments) { help.insert("did you mean `\(s)`?", at: 0) }
        throw UsageFailure("--env \(environment): unknown environment", help: help)
    }

    /// A tier named on the command line, checked against the table.
    public func validate(tier: String) throws(UsageFailure) {
        guard tiers.graph.index[tier] == nil else { return }
        let names = tiers.graph.tiers.map(\.name)
        var help = ["the tiers are " + names.map { "`\($0)`" }.joined(separator: ", ")]
        if let s = suggestion(for: tier, among: names) { help.insert("did you mean `\(s)`?", at: 0) }
        throw UsageFailure("unknown tier `\(tier)`", help: help)
    }

    /// The tenant resolved under `tier` (default: the tier it extends), with its diagnostics.
    /// `evenIfFailing`: keep the config of a tenant whose checks fail (see `TierSet.resolve`).
    public func resolve(under tier: String? = nil, environment: String? = nil, evenIfFailing: Bool = false) -> TenantResult {
        var decl = tenant
        if let tier {
            decl.parent = Name(tier, tenant.parent?.span ?? tenant.headerSpan)
        }
        var options = ResolveOptions(environment: environment, afterSyntaxErrors: hasSyntaxErrors)
        options.evenIfFailing = evenIfFailing
        return tiers.resolve(decl, options)
    }

    /// Whether `tier` extends `ancestor`, directly or not.
    public func tier(_ tier: String, extends ancestor: String) -> Bool {
        let g = tiers.graph
        guard let t = g.index[tier], let a = g.index[ancestor], t != a else { return false }
        return g.tiers[t].chain.contains(a)
    }

    /// Tiers that extend `tier`, nearest first.
    public func descendants(of tier: String) -> [String] {
        let g = tiers.graph
        guard let t = g.index[tier] else { return [] }
        return g.descendants(of: t).map { g.tiers[$0].name }
    }

    /// Sorted, deduplicated diagnostics for display.
    public func finalized(_ extra: [Diagnostic]) -> (diagnostics: [Diagnostic], counts: DiagnosticCounts) {
        var list = DiagnosticList()
        list.append(contentsOf: diagnostics)
        list.append(contentsOf: extra)
        let shown = list.finalized(sourceMap: sources)
        markSecretValues(shownBy: shown, sources: sources, tiers: [tiers])
        return (shown, list.counts)
    }
}
