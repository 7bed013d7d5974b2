import TenantDiagnostics
import TenantSemantics
import TenantSyntax

/// An editor buffer parsed, with the tiers of its project: what hover, definition and
/// completion read. The buffer's own tiers are part of `tiers` when it declares some.
public struct BufferWorkspace {
    public let sources: SourceMap
    public let tiers: TierSet
    /// The buffer, parsed.
    public let unit: SourceUnit
    /// Relative file names in `sources` are relative to this directory.
    public let base: String

    public var hasSyntaxErrors: Bool { unit.diagnostics.contains { $0.severity == .error } }

    public func absolutePath(of file: SourceFile) -> String { FileSystem.absolute(file.path, base: base) }

    /// The environments the tiers declare.
    public var environments: [String] {
        Array(Set(tiers.layouts.compactMap { $0?.environments }.joined())).sorted()
    }

    /// The layout of a tier, by name.
    public func layout(_ tier: String) -> TierLayout? {
        tiers.graph.index[tier].flatMap { tiers.layouts[$0] }
    }
}

extension BufferChecker {
    /// The buffer `bytes`, standing for the file at `absolutePath`, parsed with its project's
    /// tiers and given to `body`. A buffer that declares only tenants reuses the cached tier
    /// context; any other loads its project as `check` does.
    public func withWorkspace<T>(path absolutePath: String, bytes: [UInt8], overlay: SourceOverlay, _ body: (BufferWorkspace) -> T) -> T {
        let base = BufferChecker.projectRoot(of: absolutePath)
        let display = FileSystem.display(absolutePath, base: base)
        if fastPath, let context = context(for: absolutePath, overlay, base) {
            let file = context.sources.add(path: display, bytes: bytes)
            defer { context.sources.forget(file.id) }
            let unit = Parser.parse(file)
            if unit.declarations.allSatisfy({ $0.kind == .tenant }) {
                return body(BufferWorkspace(sources: context.sources, tiers: context.tiers, unit: unit, base: base))
            }
        }
        return body(BufferChecker.loadWorkspace(path: absolutePath, display: display, bytes: bytes, overlay: overlay, base: base))
    }

    /// The clear path: the project's tiers read as a compile of the buffer reads them.
    static func loadWorkspace(path absolutePath: String, display: String, bytes: [UInt8], overlay: SourceOverlay, base: String) -> BufferWorkspace {
        let sources = SourceMap()
        let unit = Parser.parse(sources.add(path: display, bytes: Array(bytes.prefix(FileSystem.maxSourceBytes))))
        var others = overlay
        others.buffers[absolutePath] = nil
        let request = CompileRequest(inputs: [SourceInput(path: display, contents: bytes)], jobs: 1, workingDirectory: base)
        let discovered = InputDiscovery(request, base: base)
        let summary = ProjectTiers.InputSummary(group: 0, unit: unit, parents: unit.declarations.filter { $0.kind == .tenant }.map { $0.parent?.text })
        let units: [SourceUnit]
        if discovered.groups.count == 1, discovered.groups[0] != nil {
            let project = ProjectTiers(discovered, inputs: [summary], sources: sources, jobs: 1, base: base,
                                       read: others.reading(through: FileSystem.readSourceFile))
            units = project.units[0]
        } else {
            units = []
        }
        return BufferWorkspace(sources: sources, tiers: TierSet(units: units + [unit], sources: sources), unit: unit, base: base)
    }
}

/// The tiers and tenants a project declares, for an editor's workspace symbols.
public struct ProjectDeclarations {
    public struct Entry {
        public var kind: DeclarationKind
        public var name: String
        public var path: String
        /// The file, to place the name in.
        public var file: SourceFile
        public var span: Span
    }

    public private(set) var entries: [Entry] = []

    /// The project's files — its tier directory's, and the others under `root` but not in a
    /// nested project — read through `overlay`; only declarations whose name contains `query`
    /// (ignoring case) are kept.
    public init(root: String, overlay: SourceOverlay, matching query: String) {
        let tiers = root == "/" ? "/tiers" : root + "/tiers"
        let tierFiles = FileSystem.isDirectory(tiers) ? (try? FileSystem.tenantFiles(in: tiers)) ?? [] : []
        guard let others = try? FileSystem.projectFiles(under: root, tiersDirectory: tiers, skipping: []) else { return }
        let paths = tierFiles + others
        let read = overlay.reading(through: FileSystem.readSourceFile)
        let wanted = query.lowercased()
        let sources = SourceMap()
        for path in paths {
            guard let bytes = try? read(path) else { continue }
            let outline = Lexer.outline(bytes)
            guard outline.declaresTiers || outline.tenants.contains(where: { wanted.isEmpty || $0.lowercased().contains(wanted) }) else { continue }
            let unit = Parser.parse(sources.add(path: path, bytes: bytes))
            for d in unit.declarations where wanted.isEmpty || d.name.text.lowercased().contains(wanted) {
                entries.append(Entry(kind: d.kind, name: d.name.text, path: path, file: unit.file, span: d.name.span))
            }
        }
    }
}
