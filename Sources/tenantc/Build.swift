import ArgumentParser
import TenantBackends
import TenantCompiler
import TenantDiagnostics
import TenantModel
import TenantProvisioning

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Compile .tenant files and write one resolved artifact per tenant.",
        discussion: """
            Artifacts go to DIR/<tenant-id>.<ext>, or DIR/<env>/<tenant-id>.<ext> with several --env. \
            Nothing is written when any tenant has errors, unless --keep-going. Unchanged artifacts are \
            not rewritten. DIR/.tenantc-manifest records the artifacts written; those of tenants no longer \
            among the inputs are reported, and removed with --prune. Builds of one DIR take turns: a second \
            one waits for the first. A backend NAME \
            that is not built in runs `tenantc-gen-NAME` from PATH with the resolved tenant as JSON on stdin, \
            for at most --plugin-timeout seconds and --max-artifact-size of output per tenant.
            """
    )

    @OptionGroup var options: CompileOptions

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Output directory, or `-` for stdout.", valueName: "dir"))
    var output: String = "out"

    @Option(help: ArgumentHelp("Backends, comma-separated: yaml, json, postgres (provisioning SQL and pg_hba lines), redis (an ACL), or a plugin name (default: yaml).", valueName: "list"))
    var emit: [String] = []

    @Flag(name: .customLong("keep-going"), help: "Write the artifacts of the tenants that compiled even if others failed.")
    var keepGoing = false

    @Flag(help: "Remove the artifacts tenantc wrote for tenants that are not among the inputs (never a file changed since, nor one tenantc did not write).")
    var prune = false

    @Option(help: ArgumentHelp("Quantity encoding: canonical (\"512MiB\", \"30d\") or base (bytes, seconds, fractions).", valueName: "mode"))
    var units: UnitsMode = .canonical

    @Flag(name: .customLong("sort-keys"), help: "Write record keys in alphabetical order instead of declaration order.")
    var sortKeys = false

    @Flag(help: "In YAML artifacts, end each field's line with a comment naming the file and line that set it (docs/explain.md).")
    var annotate = false

    @Option(help: ArgumentHelp("Secrets in artifacts: redact (\"<redacted>\"), encrypted (the token) or plain (decrypted; needs the key).",
                               valueName: "mode"))
    var sensitive: SensitiveMode = .redact

    @Option(name: .customLong("key-file"), help: ArgumentHelp("The key of the secrets: every secret is checked to decrypt (needed by --sensitive plain, which also reads $TENANTC_KEY_FILE).", valueName: "path"))
    var keyFile: String?

    @Option(name: .customLong("plugin-timeout"),
            help: ArgumentHelp("How long a plugin backend may run for one tenant before it is stopped (default: 60).", valueName: "seconds"))
    var pluginTimeout: Double = 60

    @Option(name: .customLong("max-artifact-size"), help: ArgumentHelp("The largest artifact a tenant may have, estimated from its values before rendering: bytes, or a size such as 64MiB or 1GB (default: 64MiB).", valueName: "size"))
    var maxArtifactSize: ArtifactSize = ArtifactSize(bytes: EmitPlan.defaultMaxArtifactBytes)

    /// The names `--emit` knows without a plugin.
    private var builtInBackendNames: [String] { BackendRegistry.names + ProvisioningBackends.names }

    /// The backends `--emit` names, in order, without repeats.
    private func backends() throws -> [any Backend] {
        var names: [String] = []
        for item in emit.isEmpty ? ["yaml"] : emit {
            for part in item.split(separator: ",", omittingEmptySubsequences: false) {
                let n = String(part.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
                guard !n.isEmpty else {
                    throw ValidationError("--emit \"\(item)\": an empty backend name (built in: \(builtInBackendNames.joined(separator: ", ")))")
                }
                guard !names.contains(n) else { continue }
                names.append(n)
            }
        }
        var backends: [any Backend] = []
        for n in names {
            if let b = BackendRegistry.backend(named: n) {
                backends.append(b)
            } else if let provisioning = ProvisioningBackends.named(n) {
                backends += provisioning
            } else if n.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x5F }) {
                backends.append(ExternalBackend(name: n, timeout: .milliseconds(Int64(pluginTimeout * 1000)), maxOutputBytes: maxArtifactSize.bytes))
            } else {
                throw ValidationError("--emit \(n): backend names are lower-case letters, digits, `-` and `_` (built in: \(builtInBackendNames.joined(separator: ", ")))")
            }
        }
        return backends
    }

    func validate() throws {
        guard pluginTimeout.isFinite, pluginTimeout > 0, pluginTimeout <= 86_400 else {
            throw ValidationError("--plugin-timeout: a number of seconds, more than 0 and at most 86400")
        }
        let backends = try backends()
        if output == "-", backends.count > 1 {
            throw ValidationError("`-o -` writes one stream: choose one backend with --emit (`postgres` writes two files per tenant, .sql and .pg_hba.conf)")
        }
        if output == "-", prune {
            throw ValidationError("--prune removes files of an output directory: `-o -` writes none")
        }
        // Once, before compiling: not once per tenant. The search path is not printed (it is
        // long, and the user's own).
        for case let plugin as ExternalBackend in backends where plugin.locate() == nil {
            let near = suggestion(for: plugin.name, among: builtInBackendNames).map { "did you mean `\($0)`? " } ?? ""
            throw ValidationError("--emit \(plugin.name): no backend `\(plugin.name)` is built in, and no executable `\(plugin.executableName)` is on PATH"
                                  + " (\(near)built in: \(builtInBackendNames.joined(separator: ", ")))")
        }
    }

    func run() throws {
        let backends = try backends()
        let target: OutputTarget = output == "-" ? .standardOutput : .directory(output)
        // The key is read when given, or when plain artifacts need it (then from the environment too).
        let key = try compileKey(options, machineFD: target == .standardOutput ? 2 : 1) { () throws(KeyProblem) in
            sensitive == .plain ? try findKey(keyFile, required: true) : try keyFile.map { path throws(KeyProblem) in try readKey(path) }
        }
        var plan = EmitPlan(backends: backends, output: target, keepGoing: keepGoing, render: RenderOptions(units: units, sensitive: sensitive),
                            sortKeys: sortKeys, maxArtifactBytes: maxArtifactSize.bytes)
        plan.waiting = { dir in writeAll(2, "tenantc: waiting for another build of \(dir)/ to finish\n") }
        plan.prune = prune
        plan.annotate = annotate
        var request = try options.request(options.files.map { SourceInput(path: $0) }, emit: plan)
        request.secretKey = key
        let outcome = Compiler.run(request)
        if target == .standardOutput { writeAll(1, outcome.standardOutput) }
        report(outcome, format: options.format, color: options.color, machineFD: target == .standardOutput ? 2 : 1)
        if options.format == .human, target != .standardOutput, outcome.exitCode != 2 {
            for path in outcome.removed { writeAll(2, "tenantc: removed \(path)\n") }
            if outcome.written + outcome.unchanged + outcome.removed.count > 0 {
                let removed = prune ? ", \(outcome.removed.count) removed" : ""
                writeAll(2, "tenantc: \(outcome.written) written, \(outcome.unchanged) unchanged\(removed) in \(output)/\n")
            }
        }
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}

extension UnitsMode: ExpressibleByArgument {}

/// `--max-artifact-size`: a number of bytes, with an optional size unit (`64MiB`, `1GB`).
struct ArtifactSize: ExpressibleByArgument {
    let bytes: Int

    init(bytes: Int) { self.bytes = bytes }

    init?(argument: String) {
        let digits = argument.prefix { $0.isASCII && $0.isNumber }
        let unitName = argument.dropFirst(digits.count)
        guard let n = Int(digits), n > 0 else { return nil }
        var factor: Int64 = 1
        if !unitName.isEmpty {
            guard let unit = QuantityUnit.named(ArraySlice(unitName.utf8)), unit.kind == .size else { return nil }
            factor = unit.factor
        }
        let (b, overflow) = n.multipliedReportingOverflow(by: Int(factor))
        guard !overflow else { return nil }
        bytes = b
    }
}
extension SensitiveMode: ExpressibleByArgument {}
