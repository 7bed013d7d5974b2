import TenantBackends
import TenantDiagnostics
import TenantModel
import TenantSemantics
import TenantSyntax

/// One input file; `contents` is set for an editor's unsaved buffer read from stdin.
public struct SourceInput: Sendable {
    public var path: String
    public var contents: [UInt8]?

    public init(path: String, contents: [UInt8]? = nil) {
        self.path = path
        self.contents = contents
    }
}

public enum OutputTarget: Sendable, Equatable {
    /// `DIR/<tenant-id>.<ext>`, or `DIR/<env>/<tenant-id>.<ext>` with several environments.
    case directory(String)
    /// `-o -`: one stream on stdout (YAML documents, or JSON Lines).
    case standardOutput
}

/// What `build` emits; absent for `check`.
public struct EmitPlan: Sendable {
    public var backends: [any Backend]
    public var output: OutputTarget
    public var keepGoing: Bool
    public var render: RenderOptions
    /// `--sort-keys`: record keys in alphabetical order instead of declaration order.
    public var sortKeys: Bool

    public init(backends: [any Backend], output: OutputTarget, keepGoing: Bool = false, render: RenderOptions = RenderOptions(),
                sortKeys: Bool = false) {
        self.backends = backends
        self.output = output
        self.keepGoing = keepGoing
        self.render = render
        self.sortKeys = sortKeys
    }
}

public struct CompileRequest: Sendable {
    public var inputs: [SourceInput]
    /// `--tiers DIR`; nil: the nearest `tiers/` above each input.
    public var tiersDirectory: String?
    /// `--env` values; empty: each tenant's own environment.
    public var environments: [String]
    public var jobs: Int
    public var emit: EmitPlan?
    /// Keep every resolved tenant in the outcome (tests, tools). Builds stream instead.
    public var keepResolved: Bool
    /// Relative paths (inputs, `--tiers`, `-o`) are taken from here, and file names in
    /// diagnostics are shown relative to it. Default: the current directory.
    public var workingDirectory: String?

    public init(inputs: [SourceInput], tiersDirectory: String? = nil, environments: [String] = [], jobs: Int = availableCores,
                emit: EmitPlan? = nil, keepResolved: Bool = false, workingDirectory: String? = nil) {
        self.inputs = inputs
        self.tiersDirectory = tiersDirectory
        self.environments = environments
        self.jobs = jobs
        self.emit = emit
        self.keepResolved = keepResolved
        self.workingDirectory = workingDirectory
    }
}

public struct TenantOutcome: Sendable {
    public var id: String
    public var environment: String
    public var failed: Bool
    /// Set when the request asked to keep resolved tenants.
    public var resolved: ResolvedTenant?
}

public struct CompileOutcome: Sendable {
    public let sources: SourceMap
    /// Sorted, deduplicated, capped: what to show.
    public let diagnostics: [Diagnostic]
    /// True totals (before the cap).
    public let counts: DiagnosticCounts
    public let tenants: [TenantOutcome]
    public let written: Int
    public let unchanged: Int
    /// The `-o -` stream.
    public let standardOutput: [UInt8]
    /// A usage or I/O problem (exit code 2).
    public let usageOrIOFailure: Bool

    /// DESIGN §12: 0 success, 1 the configuration has errors, 2 usage or I/O error.
    public var exitCode: Int32 {
        if usageOrIOFailure { return 2 }
        return counts.errors > 0 ? 1 : 0
    }
}

/// The one entry point the CLI and editor integrations share: load, resolve, check, emit.
public enum Compiler {
    private struct LoadedFile {
        var absolutePath: String
        var file: SourceFile
        var isInput: Bool
        var group: Int
    }

    public static func run(_ request: CompileRequest) -> CompileOutcome {
        // The tier self-checks run here too: give them the same large stack as the workers.
        let result = ResultSlots<CompileOutcome>(count: 1)
        parallelFor(1, jobs: 1) { _ in result.set(0, compile(request)) }
        return result.values[0]!  // parallelFor ran index 0 before returning
    }

    private static func compile(_ request: CompileRequest) -> CompileOutcome {
        let sources = SourceMap()
        let base = FileSystem.absolute(request.workingDirectory ?? FileSystem.currentDirectory, base: FileSystem.currentDirectory)
        var diagnostics = DiagnosticList()
        /// Usage and I/O problems: reported without a source location, exit code 2.
        var ioProblems: [Diagnostic] = []
        func ioError(_ message: String, code: DiagnosticCode = .unreadableFile) {
            ioProblems.append(.error(code, message, at: nil))
        }
        var usageFailure: Bool { !ioProblems.isEmpty }

        // 1. Inputs and their tier directories.
        var groups: [String?] = []
        var groupOfInput: [Int] = []
        var pendingFiles: [(absolute: String, display: String, contents: [UInt8]?, isInput: Bool, group: Int)] = []
        var seenInputs: Set<String> = []
        var explicitTiers: String?
        if let dir = request.tiersDirectory {
            if FileSystem.isDirectory(FileSystem.absolute(dir, base: base)) {
                explicitTiers = FileSystem.absolute(dir, base: base)
            } else {
                ioError("--tiers \(dir): not a directory")
            }
        }
        var inputs: [SourceInput] = []
        for input in request.inputs {
            let abs = FileSystem.absolute(input.path, base: base)
            // A directory stands for every `.tenant` file under it.
            if input.contents == nil, FileSystem.isDirectory(abs) {
                do {
                    for path in try FileSystem.tenantFiles(under: abs) {
                        inputs.append(SourceInput(path: FileSystem.display(path, base: base)))
                    }
                } catch {
                    ioError("cannot list \(error.description)")
                }
            } else {
                inputs.append(input)
            }
        }
        for input in inputs {
            let abs = FileSystem.absolute(input.path, base: base)
            guard seenInputs.insert(abs).inserted else { continue }
            let tiersDir = explicitTiers ?? FileSystem.nearestTiersDirectory(above: FileSystem.parent(abs))
            let g: Int
            if let i = groups.firstIndex(where: { $0 == tiersDir }) {
                g = i
            } else {
                g = groups.count
                groups.append(tiersDir)
            }
            groupOfInput.append(g)
            pendingFiles.append((abs, input.path, input.contents, true, g))
        }
        for (g, dir) in groups.enumerated() {
            guard let dir else { continue }
            do {
                for path in try FileSystem.tenantFiles(in: dir) where !seenInputs.contains(path) {
                    pendingFiles.append((path, FileSystem.display(path, base: base), nil, false, g))
                }
            } catch {
                ioError("cannot list tiers in \(error.description)")
            }
        }

        // 2. Read and parse every file (in parallel).
        let parsed = ResultSlots<(LoadedFile?, SourceUnit?, IOFailure?)>(count: pendingFiles.count)
        let files = pendingFiles
        parallelFor(files.count, jobs: request.jobs) { i in
            let p = files[i]
            let bytes: [UInt8]
            if let c = p.contents {
                bytes = c
            } else {
                do throws(IOFailure) { bytes = try FileSystem.readFile(p.absolute) } catch {
                    parsed.set(i, (nil, nil, error))
                    return
                }
            }
            let file = sources.add(path: p.display, bytes: bytes)
            let unit = Parser.parse(file)
            parsed.set(i, (LoadedFile(absolutePath: p.absolute, file: file, isInput: p.isInput, group: p.group), unit, nil))
        }
        var units: [[(SourceUnit, Bool)]] = Array(repeating: [], count: groups.count)
        for case let (loaded, unit, failure)? in parsed.values {
            if let failure {
                let shown = failure.path.hasPrefix("/") ? FileSystem.display(failure.path, base: base) : failure.path
                if failure.tooLarge {
                    diagnostics.append(.error(.inputTooLarge, "`\(shown)` is \(failure.reason); source files are limited to \(FileSystem.maxSourceBytes >> 20) MiB",
                                              at: nil, help: ["split the configuration into several files"]))
                } else {
                    ioError("cannot read \(shown): \(failure.reason)")
                }
                continue
            }
            guard let loaded, let unit else { continue }
            diagnostics.append(contentsOf: unit.diagnostics)
            units[loaded.group].append((unit, loaded.isInput))
        }

        // 3. Tiers, once per group; the tenants to compile.
        var environments = request.environments
        var seen: Set<String> = []
        environments = environments.filter { seen.insert($0).inserted }
        if environments.count > 1, case .directory = request.emit?.output {
            for env in environments where !isSafePathComponent(env) {
                ioError("--env \(env): an environment name used as a directory must be letters, digits, `_`, `-` or `.`", code: .unknownEnvironment)
            }
        }
        struct Job {
            var group: Int
            var declaration: Declaration
            var environment: String?
            var afterSyntaxErrors: Bool
        }
        var tierSets: [TierSet] = []
        var jobs: [Job] = []
        var firstTenant: [String: Declaration] = [:]
        for (g, groupUnits) in units.enumerated() {
            let tenantNames = Set(groupUnits.filter(\.1).flatMap { $0.0.declarations.filter { $0.kind == .tenant }.map(\.name.text) })
            let tierDecls = groupUnits.flatMap { $0.0.declarations.filter { $0.kind == .tier } }
            let tierSet = TierSet(declarations: tierDecls, tenantNames: tenantNames, sources: sources)
            diagnostics.append(contentsOf: tierSet.diagnostics)
            tierSets.append(tierSet)
            for env in environments {
                let known = Set(tierSet.layouts.compactMap { $0?.environments }.flatMap { $0 })
                if !known.isEmpty, !known.contains(env) {
                    var msg = "--env \(env): unknown environment; the environments are \(known.sorted().map { "`\($0)`" }.joined(separator: ", "))"
                    if let s = suggestion(for: env, among: known.sorted()) { msg += " (did you mean `\(s)`?)" }
                    ioError(msg, code: .unknownEnvironment)
                }
            }
            for (unit, isInput) in groupUnits where isInput {
                let broken = unit.diagnostics.contains { $0.severity == .error }
                for d in unit.declarations where d.kind == .tenant {
                    if let first = firstTenant[d.name.text] {
                        diagnostics.append(.error(.duplicateTenant, "tenant `\(d.name.text)` is declared twice", at: d.name.span,
                                                  label: "declared again here",
                                                  related: [DiagnosticLabel(first.name.span, "first declared here")],
                                                  help: ["tenant ids name the output files: each must be unique"]))
                        continue
                    }
                    firstTenant[d.name.text] = d
                    if environments.isEmpty {
                        jobs.append(Job(group: g, declaration: d, environment: nil, afterSyntaxErrors: broken))
                    } else {
                        for env in environments { jobs.append(Job(group: g, declaration: d, environment: env, afterSyntaxErrors: broken)) }
                    }
                }
            }
        }
        jobs.sort { ($0.declaration.name.text, $0.environment ?? "") < ($1.declaration.name.text, $1.environment ?? "") }

        // 4. Tenants, in parallel: resolve, check, render, stage.
        let emit = usageFailure ? nil : request.emit
        let writer: ArtifactWriter? = if let emit, case .directory(let dir) = emit.output {
            ArtifactWriter(root: FileSystem.absolute(dir, base: base), base: base)
        } else {
            nil
        }
        let perEnvDirectory = environments.count > 1
        let results = ResultSlots<(TenantOutcome, [Diagnostic], [UInt8], IOFailure?)>(count: jobs.count)
        let allJobs = jobs
        let sets = tierSets
        let keep = request.keepResolved
        parallelFor(allJobs.count, jobs: request.jobs) { i in
            let job = allJobs[i]
            let set = sets[job.group]
            var r = set.resolve(job.declaration, environment: job.environment, afterSyntaxErrors: job.afterSyntaxErrors)
            var stream: [UInt8] = []
            var failure: IOFailure?
            if let emit, var tenant = r.tenant {
                if emit.sortKeys { tenant = ResolvedTenant(id: tenant.id, tier: tenant.tier, environment: tenant.environment, config: tenant.config.sortedByKey()) }
                for backend in emit.backends {
                    var bytes: [UInt8] = []
                    do {
                        try backend.render(tenant, options: emit.render, layout: emit.output == .standardOutput ? .stream : .file, into: &bytes)
                    } catch {
                        r.diagnostics.append(.error(.backendFailed, "backend `\(backend.name)` failed for tenant `\(tenant.id)`: \(error)",
                                                    at: job.declaration.headerSpan))
                        r.tenant = nil
                        break
                    }
                    if let writer {
                        let name = tenant.id + "." + backend.fileExtension
                        let rel = perEnvDirectory ? (job.environment ?? r.environment) + "/" + name : name
                        do throws(IOFailure) { try writer.stage(rel, bytes) } catch {
                            failure = error
                            break
                        }
                    } else {
                        stream += bytes
                    }
                }
            }
            let outcome = TenantOutcome(id: r.id, environment: r.environment, failed: r.tenant == nil, resolved: keep ? r.tenant : nil)
            results.set(i, (outcome, r.diagnostics, stream, failure))
        }
        var tenants: [TenantOutcome] = []
        var stdout: [UInt8] = []
        for case let (outcome, diags, stream, failure)? in results.values {
            tenants.append(outcome)
            diagnostics.append(contentsOf: diags)
            if let failure { ioError("cannot write \(failure.description)", code: .unwritableOutput) }
            if !outcome.failed || stream.isEmpty { stdout += stream }
        }

        // 5. All or nothing, unless --keep-going.
        let failed = diagnostics.hasErrors || usageFailure
        var written = 0
        var unchanged = 0
        if let emit {
            if failed && (!emit.keepGoing || usageFailure) {
                writer?.abort()
                stdout = []
            } else if let writer {
                do { (written, unchanged) = try writer.commit() } catch {
                    ioError("cannot write \(error.description)", code: .unwritableOutput)
                    writer.abort()
                }
            }
        } else {
            stdout = []
        }
        diagnostics.append(contentsOf: ioProblems)
        let finalDiagnostics = diagnostics.finalized(sourceMap: sources)
        return CompileOutcome(sources: sources, diagnostics: finalDiagnostics, counts: diagnostics.counts, tenants: tenants,
                              written: written, unchanged: unchanged, standardOutput: stdout,
                              usageOrIOFailure: usageFailure)
    }

    /// Environment names become directories with several `--env`: keep them to one safe component.
    static func isSafePathComponent(_ s: String) -> Bool {
        guard !s.isEmpty, s != ".", s != "..", s.utf8.count <= 255 else { return false }
        return s.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D || $0 == 0x2E }
    }
}
