import TenantDiagnostics
import TenantSecrets
import TenantSemantics
import TenantSyntax

/// What `tenantc check` reports for one editor buffer, with the other open buffers standing
/// for their files: the language server's diagnostics.
public struct BufferDiagnostics {
    /// The files the spans point into (the buffer among them).
    public let sources: SourceMap
    /// Sorted, deduplicated, capped, as `check` shows them; in every file the check read.
    public let diagnostics: [Diagnostic]
    /// Relative file names in `sources` are relative to this directory (the project's root).
    public let base: String
    /// Whether the cached tier context answered (`BufferChecker.fastPath`).
    public let tookFastPath: Bool

    /// The absolute path of a file of `sources`.
    public func absolutePath(of file: SourceFile) -> String { FileSystem.absolute(file.path, base: base) }
}

/// Checks editor buffers as `tenantc check FILE` does. Two paths give the same diagnostics:
/// - the driver's own (`Compiler.run` with the open buffers as an overlay), for every buffer;
/// - the fast path, for a buffer that declares tenants only: its project's tier context is
///   built once (`TierContext`) and kept while the tier files and their buffers are unchanged,
///   so a keystroke costs a parse and a resolve of the buffer.
/// `fastPath = false` turns the second off (to debug it, and to compare the two in tests).
public final class BufferChecker {
    public var fastPath: Bool
    /// The key of the `secret` values (`--key-file`): with it, every secret is checked to
    /// decrypt, as `check --key-file` does; without it, none is ever decrypted. Checks with a
    /// key take the driver's path.
    public var secretKey: SecretKey?
    /// How many checks the fast path answered.
    public private(set) var fastChecks = 0
    private var contexts: [String: TierContext] = [:]

    public init(fastPath: Bool = true) { self.fastPath = fastPath }

    /// The project root a file belongs to: the directory that holds its `tiers/`, else its own.
    public static func projectRoot(of absolutePath: String) -> String {
        let directory = FileSystem.parent(absolutePath)
        guard let tiers = FileSystem.nearestTiersDirectory(above: directory) else { return directory }
        return FileSystem.parent(tiers)
    }

    /// Whether a buffer may declare tiers (it holds the word `tier`): a change to it may
    /// change the diagnostics of its project's tenants.
    public static func mayDeclareTiers(_ bytes: [UInt8]) -> Bool { ProjectScan.mentionsTier(bytes) }

    /// The diagnostics of the buffer `bytes` standing for the file at `absolutePath`, given to
    /// `body`; the buffer's text is forgotten when it returns.
    public func check<T>(path absolutePath: String, bytes: [UInt8], overlay: SourceOverlay, _ body: (BufferDiagnostics) -> T) -> T {
        let base = BufferChecker.projectRoot(of: absolutePath)
        if fastPath, secretKey == nil, let fast = FastBufferCheck(path: absolutePath, bytes: bytes, overlay: overlay, base: base, context: context(for: absolutePath, overlay, base)) {
            defer { fast.forget() }
            fastChecks += 1
            return body(fast.result)
        }
        return body(BufferChecker.driverCheck(path: absolutePath, bytes: bytes, overlay: overlay, base: base, key: secretKey))
    }

    /// The tier context of the file's project, rebuilt when its tier files changed; nil when
    /// the file has none or is one of them.
    func context(for absolutePath: String, _ overlay: SourceOverlay, _ base: String) -> TierContext? {
        let directory = FileSystem.parent(absolutePath)
        guard let tiers = FileSystem.nearestTiersDirectory(above: directory), tiers != directory else { return nil }
        if let known = contexts[tiers], known.isCurrent(overlay: overlay) { return known }
        contexts[tiers] = TierContext.load(directory: tiers, standingFor: absolutePath, overlay: overlay, base: base)
        return contexts[tiers]
    }

    /// The clear path: `check` itself, the buffer an input and the other buffers an overlay.
    static func driverCheck(path absolutePath: String, bytes: [UInt8], overlay: SourceOverlay, base: String, key: SecretKey?) -> BufferDiagnostics {
        var others = overlay
        others.buffers[absolutePath] = nil
        var request = CompileRequest(inputs: [SourceInput.buffer(path: FileSystem.display(absolutePath, base: base), bytes: bytes)],
                                     jobs: 1, workingDirectory: base)
        request.overlay = others
        request.secretKey = key
        let outcome = Compiler.run(request)
        return BufferDiagnostics(sources: outcome.sources, diagnostics: outcome.diagnostics, base: base, tookFastPath: false)
    }
}

/// The fast path of `BufferChecker` for one buffer, or nil when the buffer is not one it
/// answers exactly as the driver would: one that declares tiers, repeats a tenant id, extends
/// a tier its project's tier directory does not declare, or is over the size limit.
private struct FastBufferCheck {
    let result: BufferDiagnostics
    private let file: SourceFile

    init?(path absolutePath: String, bytes: [UInt8], overlay: SourceOverlay, base: String, context: TierContext?) {
        guard let context, bytes.count <= FileSystem.maxSourceBytes else { return nil }
        let file = context.sources.add(path: FileSystem.display(absolutePath, base: base), bytes: bytes)
        let unit = Parser.parse(file)
        let tenants = unit.declarations.filter { $0.kind == .tenant }
        let graph = context.tiers.graph
        guard tenants.count == unit.declarations.count, Set(tenants.map(\.name.text)).count == tenants.count,
              tenants.allSatisfy({ $0.parent.map { graph.index[$0.text] != nil } ?? true }) else {
            context.sources.forget(file.id)
            return nil
        }
        var list = DiagnosticList()
        list.append(contentsOf: context.diagnostics)
        list.append(contentsOf: unit.diagnostics)
        let broken = unit.diagnostics.contains { $0.severity == .error }
        let budget = SharedBudget(sourceBytes: bytes.count)
        for decl in tenants {
            var options = ResolveOptions(environment: nil, afterSyntaxErrors: broken, output: .diagnosticsOnly)
            options.stepBudget = budget
            list.append(contentsOf: context.tiers.resolve(decl, options).diagnostics)
        }
        let shown = list.finalized(sourceMap: context.sources)
        markSecretValues(shownBy: shown, sources: context.sources, tiers: [context.tiers])
        self.file = file
        result = BufferDiagnostics(sources: context.sources, diagnostics: shown, base: base, tookFastPath: true)
    }

    func forget() { result.sources.forget(file.id) }
}

extension SourceInput {
    /// An editor's buffer standing for the file `path`: one larger than a source file may be
    /// gets the diagnostic such a file gets (E0009).
    public static func buffer(path: String, bytes: [UInt8]) -> SourceInput {
        guard bytes.count > FileSystem.maxSourceBytes else { return SourceInput(path: path, contents: bytes) }
        var input = SourceInput(path: path, contents: [])
        input.failure = IOFailure(path, "larger than \(FileSystem.maxSourceBytes >> 20) MiB", tooLarge: true)
        return input
    }
}
