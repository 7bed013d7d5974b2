import ArgumentParser
import TenantCompiler

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn resolved tenant documents (YAML or JSON) into minimal .tenant files, or a tier template into a tier.",
        discussion: """
            Each document (a YAML stream may hold several) becomes `<id>.tenant`, holding only what differs \
            from what its tier gives in the document's environment, and building back to the document value \
            for value. A document that cannot is reported at its lines and not written; the others are. \
            Exit 1 when any document was not imported. With --as-tier NAME, the one file given is a tier \
            template, written as the tier NAME (`NAME.tenant`). See docs/import.md.
            """
    )

    @Argument(help: ArgumentHelp("YAML or JSON documents: artifacts of `tenantc build`, or the seed's exports.", valueName: "files"))
    var files: [String]

    @Option(help: ArgumentHelp("The tier the tenants extend (default: the document's tenant_info.tenant_type, else the tier it differs least from).",
                               valueName: "tier"))
    var tier: String?

    @Option(help: ArgumentHelp("The environment of documents that do not say (tenant_info.environment).", valueName: "name"))
    var env: String?

    @Option(help: ArgumentHelp("The tier directory (default: the nearest tiers/ above the output directory).", valueName: "dir"))
    var tiers: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("The directory the .tenant files are written to, or - for standard output.", valueName: "dir"))
    var output: String = "."

    @Flag(help: "Declare each key the tier does not have as a typed field of the tenant, instead of refusing the document.")
    var declareUnknown = false

    @Option(help: ArgumentHelp("Import the one template given as the tier NAME (docs/import.md, \"Tier templates\").", valueName: "name"))
    var asTier: String?

    @Option(help: ArgumentHelp("With --as-tier: the tier the new one extends.", valueName: "parent"))
    var extends: String?

    @Option(help: ArgumentHelp("auto, always or never.", valueName: "when"))
    var color: ColorChoice = .auto

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one document to import") }
        if extends != nil, asTier == nil { throw ValidationError("--extends goes with --as-tier") }
        if asTier != nil {
            if files.count != 1 { throw ValidationError("--as-tier imports one template: give one file") }
            if tier != nil || env != nil || declareUnknown { throw ValidationError("--tier, --env and --declare-unknown are for tenants, not with --as-tier") }
        }
    }

    func run() throws {
        if let asTier { return try importTier(asTier) }
        let options = TenantImporter.Options(tier: tier, environment: env, declareUnknown: declareUnknown, fastPaths: try fastPaths())
        let report = try reportingUsage { () throws(UsageFailure) in
            try ImportBatch.run(files: files, options: options, tiersDirectory: tiers, output: output)
        }
        writeAll(1, report.standardOutput)
        writeAll(2, report.messages)
        if report.failed > 0 {
            writeAll(2, "tenantc: \(report.imported) imported, \(report.failed) not imported\n")
            throw ExitCode(1)
        }
    }

    /// `--as-tier`: the template written as a tier, checked with the project's tiers.
    private func importTier(_ name: String) throws {
        let outcome = try reportingUsage { () throws(UsageFailure) in
            try TierTemplateImport.run(templatePath: files[0], name: name, extends: extends, tiersDirectory: tiers)
        }
        for note in outcome.notes { writeAll(2, "note: \(note)\n") }
        showDiagnostics(outcome.diagnostics, counts: outcome.counts, sources: outcome.sources, color: color)
        guard let source = outcome.source else { throw ExitCode(1) }
        if output == "-" {
            writeAll(1, source)
            return
        }
        let path = (output.hasSuffix("/") ? output : output + "/") + name + ".tenant"
        if let problem = ImportBatch.writeNew(path, String(decoding: source, as: UTF8.self)) {
            throw failure("\(path): \(problem)", code: 1)
        }
        writeAll(2, "tenantc: tier `\(name)` written to \(path)\n")
    }
}
