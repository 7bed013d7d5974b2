import Synchronization
import TenantBackends
import TenantDiagnostics
import TenantModel
import TenantProvisioning
import TenantSecrets
import TenantSemantics
import TenantSyntax

/// One input file; `contents` is set for an editor's unsaved buffer read from stdin.
public struct SourceInput: Sendable {
    public var path: String
    public var contents: [UInt8]?
    /// Why the buffer could not be taken (larger than a source file may be): reported as for a file.
    var failure: IOFailure?

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
    /// Told an output directory's displayed path when another build of it holds its lock:
    /// this build then waits for that one to end.
    public var waiting: @Sendable (String) -> Void = { _ in }
    /// `--max-artifact-size`: the largest artifact, by the estimate of its values (E0506 past it).
    public var maxArtifactBytes: Int
    /// `--prune`: remove the artifacts of tenants not among the inputs (`ArtifactManifest`).
    public var prune = false
    /// `--annotate`: each field of a YAML artifact carries a comment naming the line that set it.
    public var annotate = false

    /// The default of `maxArtifactBytes`: thousands of times any real tenant's artifact.
    public static let defaultMaxArtifactBytes = 64 << 20

    public init(backends: [any Backend], output: OutputTarget, keepGoing: Bool = false, render: RenderOptions = RenderOptions(),
                sortKeys: Bool = false, maxArtifactBytes: Int = EmitPlan.defaultMaxArtifactBytes) {
        self.maxArtifactBytes = maxArtifactBytes
        self.backends = backends
        self.output = output
        self.keepGoing = keepGoing
        self.render = render
        self.sortKeys = sortKeys
    }
}

/// The fast paths of a compile (docs/architecture.md), each of which can be turned off to
/// debug it: the output is the same either way. `TENANTC_FAST_PATHS` sets them on the command line.
public struct FastPaths: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Each tier's config evaluated once per environment; a tenant evaluates what it changes.
    public static let tierBaselines = FastPaths(rawValue: 1)
    /// Backends copy the bytes of entries a tenant shares with its tier's baseline.
    public static let sharedRenderings = FastPaths(rawValue: 2)
    /// Backends walk the evaluated config instead of a `Record` built from it.
    public static let walkedArtifacts = FastPaths(rawValue: 4)
    /// The language server keeps each project's tier context between checks of a tenant
    /// buffer (`BufferChecker`), instead of a compile per keystroke.
    public static let tierContexts = FastPaths(rawValue: 8)
    /// `import` starts a tenant from its tier's baseline values instead of a build of the
    /// fields it must set (`TenantImportRun`).
    public static let importBaselines = FastPaths(rawValue: 16)
    /// `import` reads block-style YAML in one pass of its own (`BlockYAMLReader`), libyaml
    /// reading whatever else a document holds.
    public static let importReader = FastPaths(rawValue: 32)
    /// `import` hands back the source as `TenantSource` writes it, in the formatter's layout,
    /// instead of formatting it.
    public static let importLayout = FastPaths(rawValue: 64)
    public static let all: FastPaths = [.tierBaselines, .sharedRenderings, .walkedArtifacts, .tierContexts, .importBaselines, .importReader,
                                        .importLayout]

    public static let names: [(name: String, path: FastPaths)] = [
        ("baselines", .tierBaselines), ("shared-renderings", .sharedRenderings), ("walked-artifacts", .walkedArtifacts),
        ("tier-contexts", .tierContexts), ("import-baselines", .importBaselines), ("import-reader", .importReader),
        ("import-layout", .importLayout),
    ]

    /// `all`, `none`, or the names of the fast paths to keep, separated by commas.
    public init?(_ text: String) {
        switch text {
        case "all": self = .all
        case "none", "": self = []
        default:
            var paths: FastPaths = []
            for name in text.split(separator: ",") {
                guard let known = FastPaths.names.first(where: { $0.name == name }) else { return nil }
                paths.insert(known.path)
            }
            self = paths
        }
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
    /// Memory for inputs kept between their outline and their compile (see `keptBytesBudget`).
    var inputMemoryBudget = Compiler.keptBytesBudget
    /// How inputs are read: tests make a read fail.
    var readInput: InputReader = { path throws(IOFailure) in try FileSystem.readFile(path) }
    /// The key of the `secret` values: when set, every secret is decrypted (one that does not
    /// is an error of its tenant), and `--sensitive plain` artifacts get the plaintexts.
    public var secretKey: SecretKey?
    /// False when the process exits right after the build (the command line): the compile's
    /// working memory (every input's outline, the per-thread tiers, the results) is then left
    /// to the exit instead of being freed piece by piece, as C compilers do. Freeing it took
    /// about one percent of a large build, on one core.
    public var freesWorkingMemory = true
    /// The fast paths taken (default: all of them).
    public var fastPaths: FastPaths = .all
    /// Unsaved editor buffers read instead of the files they stand for (inputs, tier files,
    /// project files): how the language server checks what the user sees.
    public var overlay = SourceOverlay()

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
    /// The artifacts `--prune` removed (paths as shown), sorted.
    public let removed: [String]
    /// The `-o -` stream.
    public let standardOutput: [UInt8]
    /// A usage or I/O problem (exit code 2).
    public let usageOrIOFailure: Bool

    /// README, "Exit codes": 0 success, 1 the configuration has errors, 2 usage or I/O error.
    public var exitCode: Int32 {
        if usageOrIOFailure { return 2 }
        return counts.errors > 0 ? 1 : 0
    }
}

/// See `CompileRequest.freesWorkingMemory`.
private let keptUntilExit = Mutex<[any Sendable]>([])

/// The one entry point the CLI and editor integrations share: load, resolve, check, emit.
public enum Compiler {
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
        let discovered = InputDiscovery(request, base: base)
        ioProblems += discovered.problems
        let groups = discovered.groups
        let pendingFiles = discovered.files
        let bufferFailures = discovered.readFailures

        // 2. The options' own problems.
        let environments = distinctEnvironments(request)
        ioProblems += requestProblems(request, environments: environments)
        func reportReadFailure(_ failure: IOFailure) -> Diagnostic { readFailureDiagnostic(failure, base: base) }
        for failure in bufferFailures { diagnostics.append(reportReadFailure(failure)) }

        // 3. An outline of every input (in parallel): the names it declares, from the tokens
        //    alone. A file that declares tiers is parsed now, as its tiers join its group's; the
        //    others are read again, one at a time, when their tenants are compiled — so memory
        //    does not grow with the number of inputs.
        var inputs = InputStore(pendingFiles.filter(\.isInput), sources: sources, budget: request.inputMemoryBudget, jobs: request.jobs,
                                read: request.overlay.reading(through: request.readInput))

        // 4. The tier files and the rest of each project, read and parsed once per run: the
        //    tiers they declare, and when a check changes tiers, the tenants they declare.
        let changed = request.emit == nil ? inputs.declaredTiers : [:]
        let projectTiers = ProjectTiers(discovered, inputs: inputs.summaries, following: Set(changed.keys), sources: sources, jobs: request.jobs,
                                        base: base, read: request.overlay.reading(through: FileSystem.readSourceFile))
        diagnostics.append(contentsOf: projectTiers.diagnostics)
        ioProblems += projectTiers.problems

        // 5. Tenant ids are unique: the first declaration in input order wins.
        let ids = TenantIDs(&inputs, sources: sources)
        diagnostics.append(contentsOf: ids.diagnostics)
        let declared = ids.declared
        let losing = ids.losing

        // 6. Tiers, once per group.
        let tiers = TierGroups(groups: groups, tierUnits: projectTiers.units, store: inputs, declared: declared,
                               environments: environments, sources: sources)
        diagnostics.append(contentsOf: tiers.diagnostics)
        ioProblems += tiers.unknownEnvironments
        let tierSets = tiers.sets
        let tierInputs = tiers.inputs
        // An unknown `--env` is the one error reported: every tenant would fail its type check too.
        let unknownEnvironment = !tiers.unknownEnvironments.isEmpty
        // Read failures of inputs: in input order.
        for i in inputs.outlines.indices {
            guard let failure = inputs.outlines[i].failure else { continue }
            let d = reportReadFailure(failure)
            if d.code == .inputTooLarge { diagnostics.append(d) } else { ioProblems.append(d) }
        }

        // 7. The project's tenants that a changed tier affects join the inputs.
        var selections: [Int: [String: String]] = [:]
        let projectFiles = projectTiers.projectFiles
        for file in AffectedTenants(projectFiles, projectTiers.scan, changed: changed, sets: tierSets, declaredByInputs: declared).files {
            selections[inputs.count] = file.reasons
            inputs.append(projectFiles[file.index], unit: projectTiers.scan.outlines[file.index].unit)
        }

        // 8. Every input file, in parallel: parse, resolve each tenant (in each environment),
        //    check, render, stage; then forget the file's text unless a diagnostic shows it.
        var emit = usageFailure ? nil : request.emit
        // The provisioning backends turn password secrets into verifiers with the run's key.
        emit?.render.secrets = request.secretKey.map(KeySecretOpener.init)
        let writer = artifactWriter(emit, base: base)
        let envs: [String?] = environments.isEmpty ? [nil] : environments
        let job = TenantJob(emit: emit, writer: writer, perEnvDirectory: environments.count > 1, keep: request.keepResolved, key: request.secretKey,
                            fastPaths: request.fastPaths, provisions: emit?.backends.contains { $0 is any ProvisioningBackend } == true)
        let workers = max(1, min(request.jobs, inputs.count))
        let workerSets = WorkerTierSets(tierSets, builtFrom: tierInputs, workers: workers, sources: sources)
        let renderBuffers = (0..<workers).map { _ in RenderBuffer() }
        let files = FileCompiler(job: job, inputs: inputs, losing: losing, selections: selections, environments: envs,
                                 workerSets: workerSets, renderBuffers: renderBuffers, sources: sources)
        let results = ResultSlots<FileResult>(count: inputs.count)
        parallelFor(unknownEnvironment ? 0 : inputs.count, jobs: request.jobs) { worker, i in
            results.set(i, files.compile(i, worker: worker))
        }
        let fileResults = results.takeAll(missing: FileResult())
        for i in fileResults.indices {
            if !fileResults[i].diagnostics.isEmpty { diagnostics.append(contentsOf: fileResults[i].diagnostics) }
            if let failure = fileResults[i].writeFailure { ioError("cannot write \(failure.description)", code: .unwritableOutput) }
            if let failure = fileResults[i].readFailure { ioProblems.append(reportReadFailure(failure)) }
        }
        var (tenants, stdout) = ordered(fileResults)

        // 9. All or nothing, unless --keep-going.
        let commit = commitArtifacts(emit, writer, failed: diagnostics.hasErrors || usageFailure, usageFailure: usageFailure, tenants: declared)
        if let problem = commit.problem { ioProblems.append(problem) }
        diagnostics.append(contentsOf: commit.report.warnings)
        if !commit.keepsStream { stdout = [] }
        if !request.freesWorkingMemory {
            keptUntilExit.withLock { $0.append([inputs, fileResults, workerSets, renderBuffers] as [any Sendable]) }
        }
        diagnostics.append(contentsOf: ioProblems)
        let finalDiagnostics = diagnostics.finalized(sourceMap: sources)
        markSecretValues(shownBy: finalDiagnostics, sources: sources, tiers: tierSets)
        return CompileOutcome(sources: sources, diagnostics: finalDiagnostics, counts: diagnostics.counts, tenants: tenants,
                              written: commit.report.written, unchanged: commit.report.unchanged, removed: commit.report.removed, standardOutput: stdout,
                              usageOrIOFailure: usageFailure)
    }

    /// What compiling one input file gave.
    struct FileResult: Sendable {
        var tenants: [(outcome: TenantOutcome, stream: [UInt8])] = []
        var diagnostics: [Diagnostic] = []
        var writeFailure: IOFailure?
        /// The second read of an input that was not kept failed: an I/O error, never a file
        /// whose tenants silently vanish.
        var readFailure: IOFailure?
    }

    /// Every tenant's outcome, by id then environment, and the `-o -` stream in that order.
    /// Each tenant is sorted by its place (file, tenant of the file): nothing is copied but the
    /// outcomes returned.
    private static func ordered(_ fileResults: [FileResult]) -> (tenants: [TenantOutcome], stream: [UInt8]) {
        var order: [(file: Int, tenant: Int)] = []
        order.reserveCapacity(fileResults.count)
        for i in fileResults.indices {
            for k in fileResults[i].tenants.indices { order.append((i, k)) }
        }
        // Ids and environment names are ASCII identifiers, so byte order is their order (and
        // cheaper than `<`); inputs usually arrive in it already, which the sort sees in one pass.
        order.sort { x, y in
            let a = fileResults[x.file].tenants[x.tenant].outcome.id
            let b = fileResults[y.file].tenants[y.tenant].outcome.id
            guard a == b else { return FileSystem.bytewiseLess(a, b) }
            return FileSystem.bytewiseLess(fileResults[x.file].tenants[x.tenant].outcome.environment,
                                           fileResults[y.file].tenants[y.tenant].outcome.environment)
        }
        let tenants = order.map { fileResults[$0.file].tenants[$0.tenant].outcome }
        var stream: [UInt8] = []
        for (i, k) in order where !fileResults[i].tenants[k].stream.isEmpty { stream += fileResults[i].tenants[k].stream }
        return (tenants, stream)
    }

    /// What every tenant of a compile shares: how it is resolved, and where its artifacts go.
    private struct TenantJob: Sendable {
        var emit: EmitPlan?
        var writer: ArtifactWriter?
        /// Several `--env`: each environment's artifacts in a directory of its own.
        var perEnvDirectory: Bool
        /// Keep the resolved tenant in its outcome.
        var keep: Bool
        var key: SecretKey?
        var fastPaths: FastPaths
        /// A provisioning backend is among the emitted ones: decided once per build, not per tenant.
        var provisions: Bool

        /// What a tenant's resolution hands over. The backends walk the evaluated config instead
        /// of a built record: building and freeing a record tree per tenant was 3 % of a build's
        /// instructions. Secrets, sorted keys, kept results and provisioning need the built record.
        var output: ResolveOptions.Output {
            guard emit != nil || keep || key != nil else { return .diagnosticsOnly }
            // The provisioning backends read the built config (each of their files would build it again).
            let walks = fastPaths.contains(.walkedArtifacts) && emit != nil && key == nil && emit?.sortKeys == false && !keep && !provisions
            return walks ? .walked : .built
        }

        /// Resolves, checks and emits one tenant in one environment, adding what it gives to `result`.
        func compile(_ decl: Declaration, in set: TierSet, environment env: String?, afterSyntaxErrors broken: Bool,
                     budget: SharedBudget, buffer: RenderBuffer, into result: inout FileResult) {
            var options = ResolveOptions(environment: env, afterSyntaxErrors: broken, output: output)
            options.secretSources = key != nil
            options.maxArtifactBytes = emit?.maxArtifactBytes
            options.stepBudget = budget
            options.usesTierBaselines = fastPaths.contains(.tierBaselines)
            options.sharesRenderings = fastPaths.contains(.sharedRenderings)
            options.annotations = emit?.annotate == true
            var r = set.resolve(decl, options)
            if let key { openSecrets(of: &r, key: key, plain: emit?.render.sensitive == .plain, at: decl.headerSpan) }
            var stream: [UInt8] = []
            if let emit, let artifact = artifact(of: r) {
                let target = ArtifactTarget(writer: writer, directory: perEnvDirectory ? env ?? r.environment : nil)
                if provisions, emit.render.secrets == nil { warnOfPasswordsWithoutKey(artifact, of: &r, at: decl.headerSpan) }
                emitArtifact(artifact, of: &r, emit: emit, to: target, buffer: buffer, at: decl.headerSpan,
                             stream: &stream, writeFailure: &result.writeFailure)
            }
            result.diagnostics += r.diagnostics
            let outcome = TenantOutcome(id: r.id, environment: r.environment, failed: r.failed, resolved: keep ? r.tenant : nil)
            result.tenants.append((outcome, r.failed ? [] : stream))
        }

        /// What the backends render: the walked config, or the built one (keys sorted with `--sort-keys`).
        private func artifact(of r: TenantResult) -> Artifact? {
            if let tree = r.tree { return .tree(tree) }
            guard let tenant = r.tenant else { return nil }
            guard emit?.sortKeys == true else { return .built(tenant) }
            return .built(ResolvedTenant(id: tenant.id, tier: tenant.tier, environment: tenant.environment, config: tenant.config.sortedByKey()))
        }
    }

    /// The writer of `-o DIR`; nil for `check` and `-o -`.
    private static func artifactWriter(_ emit: EmitPlan?, base: String) -> ArtifactWriter? {
        guard let emit, case .directory(let dir) = emit.output else { return nil }
        // Plaintext secrets are for the artifacts' owner only, from the file's creation on.
        return ArtifactWriter(root: FileSystem.absolute(dir, base: base), base: base, fileMode: emit.render.sensitive == .plain ? 0o600 : 0o644,
                              waiting: emit.waiting)
    }

    /// The tier sets each worker thread resolves against. Each has its own: the tiers are read
    /// for every tenant, and sharing them between cores would make every reference count they
    /// hold a contended cache line. Building them again costs a few milliseconds per thread.
    final class WorkerTierSets: Sendable {
        private let first: [TierSet]
        private let inputs: [TierSetSource]
        private let built: ResultSlots<[TierSet]>
        private let sources: SourceMap

        init(_ sets: [TierSet], builtFrom inputs: [TierSetSource], workers: Int, sources: SourceMap) {
            first = sets
            self.inputs = inputs
            built = ResultSlots(count: workers)
            self.sources = sources
        }

        /// Worker 0 uses the sets phase 6 built; the others build theirs on first use.
        func sets(for worker: Int) -> [TierSet] {
            if worker == 0 { return first }
            if let own = built.get(worker) { return own }
            let own = inputs.map { $0.build(sources) }
            built.set(worker, own)
            return own
        }
    }

    /// Phase 8 for one input file: parse it, resolve each tenant (in each environment), check,
    /// render, stage; then forget the file's text unless a diagnostic shows it.
    private struct FileCompiler: Sendable {
        let job: TenantJob
        let inputs: InputStore
        /// Declarations that repeat an earlier tenant id.
        let losing: Set<DeclarationRef>
        /// Files of which only some tenants are compiled (those a changed tier affects), with
        /// the note each tenant's diagnostics get.
        let selections: [Int: [String: String]]
        let environments: [String?]
        let workerSets: WorkerTierSets
        let renderBuffers: [RenderBuffer]
        let sources: SourceMap

        func compile(_ i: Int, worker: Int) -> FileResult {
            let f = inputs.files[i]
            var result = FileResult()
            let unit: SourceUnit
            do throws(IOFailure) {
                guard let parsed = try inputs.unit(i, sources: sources) else { return result }  // its read failure is reported
                unit = parsed
            } catch {
                result.readFailure = error
                return result
            }
            result.diagnostics = unit.diagnostics
            let broken = unit.diagnostics.contains { $0.severity == .error }
            let set = workerSets.sets(for: worker)[f.group]
            let budget = SharedBudget(sourceBytes: unit.file.bytes.count)
            for (k, decl) in unit.declarations.enumerated() where decl.kind == .tenant && !losing.contains(DeclarationRef(file: i, declaration: k)) {
                let reason = selections[i]?[decl.name.text]
                if selections[i] != nil, reason == nil { continue }
                let first = result.diagnostics.count
                for env in environments {
                    job.compile(decl, in: set, environment: env, afterSyntaxErrors: broken, budget: budget,
                                buffer: renderBuffers[worker], into: &result)
                }
                if let reason {
                    for d in first..<result.diagnostics.count { result.diagnostics[d].notes.append(reason) }
                }
            }
            // Tier declarations of this file belong to the tier set, which shows them in its own diagnostics.
            if result.diagnostics.isEmpty, inputs.outlines[i].unit == nil { sources.forget(unit.file.id) }
            return result
        }
    }

    /// What the backends render for one tenant.
    private enum Artifact {
        case tree(any ConfigTree)
        case built(ResolvedTenant)
    }

    /// Where a tenant's artifacts go: staged by `writer` (in `directory`, an environment's, when
    /// set), or onto the `-o -` stream when there is no writer.
    private struct ArtifactTarget {
        var writer: ArtifactWriter?
        var directory: String?
    }

    /// Renders `artifact` with every backend of `emit` into the worker's `buffer`, then stages
    /// it or appends it to `stream`. A backend that fails makes the tenant fail; a file that
    /// cannot be staged is the file's write failure.
    private static func emitArtifact(_ artifact: Artifact, of r: inout TenantResult, emit: EmitPlan, to target: ArtifactTarget,
                                     buffer: RenderBuffer, at header: Span, stream: inout [UInt8], writeFailure: inout IOFailure?) {
        let layout: RenderLayout = emit.output == .standardOutput ? .stream : .file
        for backend in emit.backends {
            // The worker's buffer, emptied: an artifact's storage is allocated once per thread.
            buffer.bytes.removeAll(keepingCapacity: true)
            do {
                switch artifact {
                case .tree(let tree): try backend.render(tree: tree, options: emit.render, layout: layout, into: &buffer.bytes)
                case .built(let tenant): try backend.render(tenant, options: emit.render, layout: layout, into: &buffer.bytes)
                }
            } catch {
                r.diagnostics.append(.error(.backendFailed, "backend `\(backend.name)` failed for tenant `\(r.id)`: \(error)", at: header))
                r.tenant = nil
                r.tree = nil
                r.failed = true
                return
            }
            if emit.annotate, backend is YAMLBackend, let annotations = r.annotations {
                YAMLAnnotation.annotate(buffer.bytes, annotations, into: &buffer.annotated)
                swap(&buffer.bytes, &buffer.annotated)
            }
            guard let writer = target.writer else {
                stream += buffer.bytes
                continue
            }
            let name = r.id + "." + backend.fileExtension
            do throws(IOFailure) { try writer.stage(target.directory.map { $0 + "/" + name } ?? name, buffer.bytes) } catch {
                writeFailure = error
                return
            }
        }
    }

    /// W0510 for each password secret a provisioning artifact leaves out, having no key.
    private static func warnOfPasswordsWithoutKey(_ artifact: Artifact, of r: inout TenantResult, at header: Span) {
        let tenant: ResolvedTenant
        switch artifact {
        case .built(let t): tenant = t
        case .tree(let tree):
            guard let built = try? tree.resolved() else { return }  // the backends report the failure
            tenant = built
        }
        for path in ProvisioningBackends.secretPasswords(of: tenant) {
            r.diagnostics.append(.warning(.passwordWithoutKey, "`\(path)` of tenant `\(r.id)` is a secret and no key was given: its accounts are provisioned without a password",
                                          at: header, help: ["give the key with --key-file (or TENANTC_KEY_FILE): the artifacts then hold a verifier of the password, never the password"]))
        }
    }

    /// Decrypts every secret of a resolved tenant with `key` (a secret that does not open is an
    /// error of the tenant); with `plain`, the plaintexts replace the secrets.
    private static func openSecrets(of r: inout TenantResult, key: SecretKey, plain: Bool, at header: Span) {
        guard !r.failed, let tenant = r.tenant, tenant.config.values.contains(where: \.containsSecret) else { return }
        let (config, problems) = SecretPass(key: key, replace: plain).run(tenant.config, tenant: tenant.id, sources: r.secretSources, fallback: header)
        if problems.isEmpty {
            r.tenant = ResolvedTenant(id: tenant.id, tier: tenant.tier, environment: tenant.environment, config: config)
        } else {
            r.diagnostics += problems
            r.tenant = nil
            r.failed = true
        }
    }

    /// One worker's artifact bytes, reused from tenant to tenant (only that worker touches it).
    final class RenderBuffer: @unchecked Sendable {
        var bytes: [UInt8] = []
        /// `--annotate`'s copy of `bytes` with the comments, swapped with it.
        var annotated: [UInt8] = []
    }

    /// Threads that read the inputs: reading a file the cache no longer holds waits on the
    /// disk, so several reads per core are kept in flight (the lexing they do is light).
    static func readers(_ jobs: Int) -> Int { jobs <= 1 ? 1 : min(jobs * 8, 64) }

    /// Bytes of inputs (with their tokens) kept between the outline and the compile of a file;
    /// past it, the bytes alone are kept within as much again, and beyond that files are read again.
    static let keptBytesBudget = 32 << 20

    /// Environment names become directories with several `--env`: keep them to one safe component.
    static func isSafePathComponent(_ s: String) -> Bool {
        guard !s.isEmpty, s != ".", s != "..", s.utf8.count <= 255 else { return false }
        return s.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D || $0 == 0x2E }
    }
}

/// The environment `name` was probably meant to be: a near spelling, or the one environment it
/// abbreviates (`prod` for `production`).
func environmentSuggestion(for name: String, among environments: [String]) -> String? {
    if let near = suggestion(for: name, among: environments) { return near }
    let abbreviated = environments.filter { name.count >= 3 && $0.hasPrefix(name) }
    return abbreviated.count == 1 ? abbreviated[0] : nil
}

extension Compiler {
    /// `--env` values, each once, in the order given.
    static func distinctEnvironments(_ request: CompileRequest) -> [String] {
        var seen: Set<String> = []
        return request.environments.filter { seen.insert($0).inserted }
    }

    /// Usage errors of the request itself: plaintext output without a key, environment names
    /// that cannot be directories.
    static func requestProblems(_ request: CompileRequest, environments: [String]) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        if request.emit?.render.sensitive == .plain, request.secretKey == nil {
            problems.append(.error(.keyFile, "--sensitive plain needs the key the secrets were encrypted with: --key-file PATH or TENANTC_KEY_FILE", at: nil))
        }
        if environments.count > 1, case .directory = request.emit?.output {
            for env in environments where !isSafePathComponent(env) {
                problems.append(.error(.unknownEnvironment, "--env \(env): an environment name used as a directory must be letters, digits, `_`, `-` or `.`",
                                       at: nil))
            }
        }
        return problems
    }

    /// Phase 9: every staged artifact renamed into place, or none (a failed build, unless
    /// `--keep-going`; a usage failure always), and the manifest brought up to date with
    /// `tenants`, the ids the inputs declare. `keepsStream`: whether `-o -` gets its stream.
    static func commitArtifacts(_ emit: EmitPlan?, _ writer: ArtifactWriter?, failed: Bool, usageFailure: Bool, tenants: Set<String>)
        -> (report: CommitReport, keepsStream: Bool, problem: Diagnostic?) {
        guard let emit else { return (CommitReport(), false, nil) }
        if failed && (!emit.keepGoing || usageFailure) {
            writer?.abort()
            return (CommitReport(), false, nil)
        }
        guard let writer else { return (CommitReport(), true, nil) }
        do {
            let report = try writer.commit(ManifestPolicy(tenants: tenants, prune: emit.prune, buildHasErrors: failed))
            return (report, true, report.problem)
        } catch {
            writer.abort()
            return (CommitReport(), true, .error(.unwritableOutput, "cannot write \(error.description)", at: nil))
        }
    }

    /// A file that could not be read, as the diagnostic that reports it.
    static func readFailureDiagnostic(_ failure: IOFailure, base: String) -> Diagnostic {
        let shown = failure.path.hasPrefix("/") ? FileSystem.display(failure.path, base: base) : failure.path
        if failure.tooLarge {
            return .error(.inputTooLarge, "`\(shown)` is \(failure.reason); source files are limited to \(FileSystem.maxSourceBytes >> 20) MiB",
                          at: nil, help: ["split the configuration into several files"])
        }
        return .error(.unreadableFile, "cannot read \(shown): \(failure.reason)", at: nil)
    }

    /// Phase 2: the tier files, read and parsed once per run, in parallel.
    static func parseTierFiles(_ tierFiles: [InputDiscovery.PendingFile], sources: SourceMap, jobs: Int,
                               read: @escaping InputReader = FileSystem.readSourceFile) -> [Result<SourceUnit, IOFailure>?] {
        let parsed = ResultSlots<Result<SourceUnit, IOFailure>>(count: tierFiles.count)
        parallelFor(tierFiles.count, jobs: jobs) { i in
            do throws(IOFailure) {
                let bytes = try read(tierFiles[i].absolute)
                parsed.set(i, .success(Parser.parse(sources.add(path: tierFiles[i].display, bytes: bytes))))
            } catch {
                parsed.set(i, .failure(error))
            }
        }
        return parsed.values
    }

}

/// One declaration of the compile: the input file (by index) and its place in the file.
struct DeclarationRef: Hashable, Sendable {
    var file: Int
    var declaration: Int
}

/// Phase 5: tenant ids are unique; the first declaration in input order wins. Files involved in
/// a duplicate are parsed now, so that both places can be shown.
struct TenantIDs {
    /// Every tenant id the inputs declare.
    private(set) var declared: Set<String> = []
    /// Declarations that repeat an earlier id.
    private(set) var losing: Set<DeclarationRef> = []
    private(set) var diagnostics: [Diagnostic] = []

    init(_ inputs: inout InputStore, sources: SourceMap) {
        let outlines = inputs.outlines
        declared.reserveCapacity(outlines.count)
        var duplicated: Set<String> = []
        // By index, here and below: a copy of each outline would retain everything it holds.
        for i in outlines.indices {
            for name in outlines[i].tenants where !declared.insert(name).inserted {
                duplicated.insert(name)
            }
        }
        guard !duplicated.isEmpty else { return }
        var first: [String: Declaration] = [:]
        for i in outlines.indices where outlines[i].tenants.contains(where: duplicated.contains) {
            inputs.ensureParsed(i, sources: sources)
            guard let unit = inputs.outlines[i].unit else { continue }
            for (k, d) in unit.declarations.enumerated() where d.kind == .tenant && duplicated.contains(d.name.text) {
                if let f = first[d.name.text] {
                    diagnostics.append(.error(.duplicateTenant, "tenant `\(d.name.text)` is declared twice", at: d.name.span,
                                              label: "declared again here", related: [DiagnosticLabel(f.name.span, "first declared here")],
                                              help: ["tenant ids name the output files: each must be unique"]))
                    losing.insert(DeclarationRef(file: i, declaration: k))
                } else {
                    first[d.name.text] = d
                }
            }
        }
    }
}

/// What a group's tier set is built from: the same set is built again for each worker thread.
struct TierSetSource: Sendable {
    var units: [SourceUnit]
    var tenantNames: Set<String>

    func build(_ sources: SourceMap) -> TierSet { TierSet(units: units, otherTenants: tenantNames, sources: sources) }
}

/// Phase 6: the tier set of each group, from its tier files and the inputs that declare tiers,
/// and the `--env` names none of its tiers knows.
struct TierGroups {
    private(set) var sets: [TierSet] = []
    /// What each set was built from: a worker thread builds its own copy from them.
    private(set) var inputs: [TierSetSource] = []
    private(set) var diagnostics: [Diagnostic] = []
    /// One usage error per unknown `--env` and group.
    private(set) var unknownEnvironments: [Diagnostic] = []

    init(groups: [String?], tierUnits: [[SourceUnit]], store: InputStore,
         declared: Set<String>, environments: [String], sources: SourceMap) {
        for g in groups.indices {
            var units = tierUnits[g]
            for i in store.outlines.indices where store.files[i].group == g {
                if let unit = store.outlines[i].unit { units.append(unit) }
            }
            // With one group (the usual case), its tenants are every tenant declared.
            let tenantNames = groups.count == 1 ? declared
                : Set(store.outlines.indices.lazy.filter { store.files[$0].group == g }.flatMap { store.outlines[$0].tenants })
            let source = TierSetSource(units: units, tenantNames: tenantNames)
            let tierSet = source.build(sources)
            diagnostics.append(contentsOf: tierSet.diagnostics)
            sets.append(tierSet)
            inputs.append(source)
            checkEnvironments(environments, of: tierSet)
        }
    }

    private mutating func checkEnvironments(_ environments: [String], of tierSet: TierSet) {
        let known = Set(tierSet.layouts.compactMap { $0?.environments }.flatMap { $0 })
        for env in environments where !known.isEmpty && !known.contains(env) {
            var msg = "--env \(env): unknown environment; the environments are \(known.sorted().map { "`\($0)`" }.joined(separator: ", "))"
            if let s = environmentSuggestion(for: env, among: known.sorted()) { msg += " (did you mean `\(s)`?)" }
            unknownEnvironments.append(.error(.unknownEnvironment, msg, at: nil))
        }
    }
}
