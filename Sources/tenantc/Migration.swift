import ArgumentParser
import TenantCompiler
import TenantDiagnostics

/// Options of the commands that reason about one tenant: `plan`, `migrate`, `access`.
struct TenantOptions: ParsableArguments {
    @Option(name: .customLong("tenant"), help: ArgumentHelp("The tenant, when the file declares several.", valueName: "id"))
    var tenantID: String?

    @Option(name: .customLong("tiers"), help: ArgumentHelp("Tier directory (default: the nearest `tiers/` above the file).", valueName: "dir"))
    var tiersDirectory: String?

    @Option(name: .customLong("env"), help: ArgumentHelp("Resolve for this environment (default: the tenant's own).", valueName: "name"))
    var environment: String?

    @Option(help: ArgumentHelp("Colour in human diagnostics: auto, always or never. `NO_COLOR` disables auto.", valueName: "when"))
    var color: ColorChoice = .auto

    /// The workspace of `file`; a file that cannot be loaded ends the command (exit 2).
    /// `wholeProject`: see `TenantWorkspace.load`.
    func load(_ file: String, wholeProject: Bool = true) throws -> TenantWorkspace {
        try reportingUsage { () throws(UsageFailure) in
            try TenantWorkspace.load(path: file, tenantID: tenantID, tiersDirectory: tiersDirectory, wholeProject: wholeProject)
        }
    }
}

/// The tenant file and the tier to move it to: what `plan` and `migrate` take.
struct TierMove: ParsableArguments {
    @Argument(help: ArgumentHelp("The tenant's .tenant file.", valueName: "file"))
    var file: String

    @Option(name: .customLong("to"), help: ArgumentHelp("The tier to move the tenant to.", valueName: "tier"))
    var target: String
}

enum PlanFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// The result of `body`; its usage failure ends the command (message and help on stderr, exit 2).
func reportingUsage<T>(_ body: () throws(UsageFailure) -> T) throws -> T {
    do { return try body() } catch { throw failure(error.message, help: error.help) }
}

/// Human diagnostics on stderr, with the summary line; nothing when there are none.
func showDiagnostics(_ diagnostics: [Diagnostic], counts: DiagnosticCounts, sources: SourceMap, color: ColorChoice) {
    guard !diagnostics.isEmpty else { return }
    let style = RenderStyle(color: useColor(color))
    let text = render(diagnostics, as: .human, sourceMap: sources, style: style, counts: counts, toolVersion: tenantcVersion)
    writeAll(2, text + renderSummary(counts, color: style.color))
}

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what moving a tenant to another tier changes, risks and takes.",
        discussion: """
            Resolves the tenant under its current tier and under TIER and prints every changed value, \
            classified; the checks of TIER the tenant would fail (as diagnostics, exit 1); the risks; and the \
            ordered steps of the migration. Nothing is written. See docs/migration.md.
            """
    )

    @OptionGroup var move: TierMove

    @OptionGroup var options: TenantOptions

    @Option(help: ArgumentHelp("text (stdout, diagnostics on stderr) or json (everything on stdout).", valueName: "format"))
    var format: PlanFormat = .text

    @Option(name: .customLong("emit"), help: ArgumentHelp("postgres: print instead the SQL that moves the tenant's PostgreSQL provisioning to TIER (docs/provisioning.md).", valueName: "backend"))
    var emit: String?

    @OptionGroup var key: KeyOptions

    func validate() throws {
        if let emit, emit != "postgres" {
            throw ValidationError("--emit \(emit): a plan is written as SQL for `postgres` only")
        }
        if emit != nil, format == .json {
            throw ValidationError("--emit postgres prints SQL: --format json does not apply")
        }
    }

    func run() throws {
        let workspace = try options.load(move.file)
        if emit != nil { return try runProvisioning(workspace) }
        let plan = try reportingUsage { () throws(UsageFailure) in
            try MigrationPlan.make(workspace, to: move.target, environment: options.environment)
        }
        switch format {
        case .text:
            showDiagnostics(plan.diagnostics, counts: plan.counts, sources: plan.sources, color: options.color)
            writeAll(1, plan.text)
        case .json:
            writeAll(1, plan.json)
        }
        if plan.hasErrors { throw ExitCode(1) }
    }

    /// `--emit postgres`: the SQL on stdout, or the diagnostics that keep it from being written (exit 1).
    private func runProvisioning(_ workspace: TenantWorkspace) throws {
        let secretKey = try key.load(required: false)
        let plan = try reportingUsage { () throws(UsageFailure) in
            try ProvisioningPlan.postgres(workspace, to: move.target, environment: options.environment, key: secretKey)
        }
        showDiagnostics(plan.diagnostics, counts: plan.counts, sources: plan.sources, color: options.color)
        guard let sql = plan.sql else { throw ExitCode(1) }
        writeAll(1, sql)
        if plan.counts.errors > 0 { throw ExitCode(1) }
    }
}

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Move a tenant to another tier: rewrite its `extends` clause when the plan has no errors.",
        discussion: """
            Runs `plan`; when the tenant would fail a check of TIER, the file is left as it was (exit 1) \
            unless --force. Only the tier name after `extends` changes: comments and layout stay, and the \
            file is replaced atomically. The steps of the plan (backups, data moves) are for operators to run.
            """
    )

    @OptionGroup var move: TierMove

    @Flag(help: "Rewrite the file even when the plan has errors.")
    var force = false

    @OptionGroup var options: TenantOptions

    func run() throws {
        let workspace = try options.load(move.file)
        let outcome = try reportingUsage { () throws(UsageFailure) in
            try TierMigration.run(workspace, to: move.target, environment: options.environment, force: force)
        }
        let plan = outcome.plan
        showDiagnostics(plan.diagnostics, counts: plan.counts, sources: plan.sources, color: options.color)
        writeAll(1, plan.summary(applied: outcome.applied))
        if outcome.applied {
            writeAll(2, "tenantc: \(move.file): tenant \(plan.tenant) now extends \(plan.to)" + (plan.hasErrors ? " (forced, with errors)" : "") + "\n")
        } else if let refusal = outcome.refusal {
            writeAll(2, "tenantc: \(refusal)\n")
        }
        if plan.hasErrors || (!outcome.applied && plan.direction != .none) { throw ExitCode(1) }
    }
}

struct Access: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access",
        abstract: "Answer whether a tenant may perform an operation on a database.",
        discussion: """
            Prints `allowed` (exit 0) or `denied: REASON` (exit 1), from the resolved configuration: the \
            tier's entitlement to the database, the database being enabled, and the roles of the tenant's \
            users and service accounts (or --role). An unknown database, operation or role is a usage error (exit 2).
            """
    )

    @Argument(help: ArgumentHelp("The tenant's .tenant file.", valueName: "file"))
    var file: String

    @Argument(help: ArgumentHelp("The database: a key of `databases` (postgresql, clickhouse, …).", valueName: "database"))
    var database: String

    @Argument(help: ArgumentHelp("The operation: read, write, admin, … (those the roles grant).", valueName: "operation"))
    var operation: String

    @Option(help: ArgumentHelp("Ask about this role alone instead of the tenant's users and service accounts.", valueName: "role"))
    var role: String?

    @OptionGroup var options: TenantOptions

    @Option(help: ArgumentHelp("text or json.", valueName: "format"))
    var format: PlanFormat = .text

    func run() throws {
        let workspace = try options.load(file)
        let answer = try reportingUsage { () throws(UsageFailure) in
            try AccessDecision.decide(workspace, database: database, operation: operation, role: role, environment: options.environment)
        }
        switch answer {
        case .broken(let diagnostics, let counts):
            if format == .json {
                writeAll(1, renderJSON(diagnostics, sourceMap: workspace.sources, counts: counts))
            } else {
                showDiagnostics(diagnostics, counts: counts, sources: workspace.sources, color: options.color)
            }
            throw ExitCode(1)
        case .decided(let decision):
            writeAll(1, format == .json ? decision.json : decision.text)
            if !decision.allowed { throw ExitCode(1) }
        }
    }
}
