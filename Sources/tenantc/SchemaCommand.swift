import ArgumentParser
import TenantBackends
import TenantCompiler

/// `tenantc schema`: the JSON Schema of the artifacts (docs/schema.md). Named apart from
/// TenantSemantics' `Schema`, the shape of a config.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema (2020-12) of the JSON artifacts `build --emit json` writes.",
        discussion: """
            Without --tier, an artifact of a tenant of any tier validates; FILES (tenant files or \
            directories) add the shape of each tenant that declares fields of its own, and the tiers they \
            declare. Build with the same --units. See docs/schema.md.
            """
    )

    @Argument(help: ArgumentHelp("Tenant files or directories whose own fields and tiers to include.", valueName: "files"))
    var files: [String] = []

    @Option(name: .customLong("tier"), help: ArgumentHelp("Only the artifacts of this tier's tenants.", valueName: "tier"))
    var tier: String?

    @Option(name: .customLong("tiers"), help: ArgumentHelp("Tier directory (default: the nearest `tiers/` at or above the current directory).", valueName: "dir"))
    var tiersDirectory: String?

    @Option(help: ArgumentHelp("The units the artifacts were built with: canonical or base.", valueName: "units"))
    var units: UnitsMode = .canonical

    @Option(help: ArgumentHelp("Colour in human diagnostics: auto, always or never. `NO_COLOR` disables auto.", valueName: "when"))
    var color: ColorChoice = .auto

    func run() throws {
        let request = ArtifactSchemaRequest(tiersDirectory: tiersDirectory, files: files, tier: tier, units: units)
        let outcome = try reportingUsage { () throws(UsageFailure) in try ArtifactSchema.make(request) }
        showDiagnostics(outcome.diagnostics, counts: outcome.counts, sources: outcome.sources, color: color)
        guard let text = outcome.text else { throw ExitCode(1) }
        writeAll(1, text)
    }
}
