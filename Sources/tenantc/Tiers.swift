import ArgumentParser
import TenantCompiler

extension TierTableFormat: ExpressibleByArgument {}

struct Tiers: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tiers",
        abstract: "Print the tier table: every tier's value of every locked field.",
        discussion: """
            One column per tier in chain order, one row per locked field, each tier's value as a tenant that \
            sets nothing gets it (before any `env` overlay), then each tier's doc comment. Tiers with errors are \
            reported as `check` reports them (exit 1), and no table is printed. See docs/tiers.md.
            """
    )

    @Option(help: ArgumentHelp("text (aligned columns), markdown (the README's table) or json.", valueName: "format"))
    var format: TierTableFormat = .text

    @Option(name: .customLong("tiers"), help: ArgumentHelp("Tier directory (default: the nearest `tiers/` at or above the current directory).", valueName: "dir"))
    var tiersDirectory: String?

    @Option(help: ArgumentHelp("Colour in human diagnostics: auto, always or never. `NO_COLOR` disables auto.", valueName: "when"))
    var color: ColorChoice = .auto

    func run() throws {
        let loaded = try reportingUsage { () throws(UsageFailure) in try TierDirectory.load(tiersDirectory) }
        showDiagnostics(loaded.diagnostics, counts: loaded.counts, sources: loaded.sources, color: color)
        // A table of tiers with errors would show values no tenant can be built with.
        if loaded.hasErrors { throw ExitCode(1) }
        writeAll(1, TierTable(loaded.tiers).rendered(as: format))
    }
}
