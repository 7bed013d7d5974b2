import Glibc
import TenantDiagnostics
import TenantSemantics
import TenantSyntax

/// One project's tiers, loaded and built once and reused for every check of a tenant buffer
/// until a tier file or the buffer standing for one changes: what makes a keystroke in a
/// tenant cost a parse and a resolve, not a tier build.
final class TierContext {
    /// The project's tier directory, absolute.
    let directory: String
    let sources: SourceMap
    let tiers: TierSet
    /// What `check` reports of the tiers themselves: syntax errors of tier files, the tier
    /// graph, the tier self-checks.
    let diagnostics: [Diagnostic]
    /// The tier files as they were read: the context holds while they are unchanged.
    let stamp: [TierFileStamp]

    init(directory: String, sources: SourceMap, tiers: TierSet, diagnostics: [Diagnostic], stamp: [TierFileStamp]) {
        self.directory = directory
        self.sources = sources
        self.tiers = tiers
        self.diagnostics = diagnostics
        self.stamp = stamp
    }

    /// The context of the project whose tier directory is `directory`, as a compile of a file
    /// that declares no tiers loads it; nil when the tier files alone are not the whole
    /// context (a tier extends one declared elsewhere in the project, or a tier file cannot
    /// be read): a check then takes the driver's own path.
    static func load(directory: String, standingFor path: String, overlay: SourceOverlay, base: String) -> TierContext? {
        guard let stamp = TierFileStamp.current(of: directory, overlay: overlay) else { return nil }
        let sources = SourceMap()
        let request = CompileRequest(inputs: [SourceInput(path: path, contents: [])], jobs: 1, workingDirectory: base)
        let discovered = InputDiscovery(request, base: base)
        guard discovered.problems.isEmpty, discovered.groups == [directory] else { return nil }
        let read = overlay.reading(through: FileSystem.readSourceFile)
        let project = ProjectTiers(discovered, inputs: [], sources: sources, jobs: 1, base: base, read: read)
        guard project.problems.isEmpty, project.projectFiles.isEmpty else { return nil }
        let tiers = TierSet(units: project.units[0], sources: sources)
        return TierContext(directory: directory, sources: sources, tiers: tiers, diagnostics: project.diagnostics + tiers.diagnostics,
                           stamp: stamp)
    }

    /// Whether the tier files are still those the context was built from.
    func isCurrent(overlay: SourceOverlay) -> Bool {
        TierFileStamp.current(of: directory, overlay: overlay) == stamp
    }
}

/// What identifies the contents of one tier file without reading it: its buffer when an
/// editor has it open, else its inode, size and modification time.
struct TierFileStamp: Equatable {
    var path: String
    var buffer: [UInt8]?
    var device: UInt64 = 0
    var inode: UInt64 = 0
    var size: Int64 = 0
    var modified: timespec = timespec()

    static func == (a: TierFileStamp, b: TierFileStamp) -> Bool {
        a.path == b.path && a.buffer == b.buffer && a.device == b.device && a.inode == b.inode && a.size == b.size
            && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
    }

    /// The stamps of every `.tenant` file of `directory`, in name order; nil when it cannot be listed.
    static func current(of directory: String, overlay: SourceOverlay) -> [TierFileStamp]? {
        guard let paths = try? FileSystem.tenantFiles(in: directory) else { return nil }
        return paths.map { path in
            if let buffer = overlay.buffers[path] { return TierFileStamp(path: path, buffer: buffer) }
            var st = stat()
            guard stat(path, &st) == 0 else { return TierFileStamp(path: path) }
            return TierFileStamp(path: path, device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size), modified: st.st_mtim)
        }
    }
}
