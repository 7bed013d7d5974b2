import ArgumentParser
import TenantCompiler
import TenantDiagnostics

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show why a tenant's field has its value: every layer, formula and rule behind it.",
        discussion: """
            PATH is a dotted path (`databases.postgresql.resources.cpu`); `*` stands for every child of a \
            record, and hidden `_` fields are allowed. For each field: its final value and type, the layer \
            that declared it and every layer that set or scaled it, in the order they applied, with their \
            source lines; a formula with the values it read; a record's children; the rules that read it. \
            Nothing is written. See docs/explain.md.
            """
    )

    @Argument(help: ArgumentHelp("The tenant's .tenant file.", valueName: "file"))
    var file: String

    @Argument(help: ArgumentHelp("The field, as a dotted path.", valueName: "path"))
    var path: String

    @OptionGroup var options: TenantOptions

    @Option(help: ArgumentHelp("text (stdout, the tenant's diagnostics on stderr) or json (stdout).", valueName: "format"))
    var format: PlanFormat = .text

    func run() throws {
        // Only the tenant's own tiers are needed: the project is read only when one is missing.
        let workspace = try options.load(file, wholeProject: false)
        let explanation = try reportingUsage { () throws(UsageFailure) in
            try ValueExplainer.run(workspace, path: path, environment: options.environment)
        }
        switch format {
        case .text:
            let (diagnostics, counts) = workspace.finalized(explanation.diagnostics)
            showDiagnostics(diagnostics, counts: counts, sources: workspace.sources, color: options.color)
            writeAll(1, explanation.text(workspace.sources))
        case .json:
            writeAll(1, explanation.json(workspace.sources))
        }
    }
}
