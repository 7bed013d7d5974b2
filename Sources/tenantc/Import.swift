import ArgumentParser
import TenantCompiler

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn resolved tenant documents (YAML or JSON) into minimal .tenant files.",
        discussion: """
            Each document (a YAML stream may hold several) becomes `<id>.tenant`, holding only what differs \
            from what its tier gives in the document's environment, and building back to the document value \
            for value. A document that cannot is reported at its lines and not written; the others are. \
            Exit 1 when any document was not imported. See docs/import.md.
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

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one document to import") }
    }

    func run() throws {
        let options = TenantImporter.Options(tier: tier, environment: env, declareUnknown: declareUnknown)
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
}
