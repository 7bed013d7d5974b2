import Glibc
import Synchronization
import TenantDiagnostics
import TenantSemantics
import TenantSyntax

/// The phase that reads the project files that are not inputs (docs/language.md, "Projects"):
/// each for the tiers it declares — the few that declare any are parsed, and their tiers join
/// their group's — and, in a group where a tier is being checked, for its tenants and the tier
/// each extends, so that the tenants the change affects are checked too.
struct ProjectScan {
    /// What one project file declares.
    struct FileOutline: Sendable {
        /// Set when the file declares tiers.
        var unit: SourceUnit?
        var tenants: [String] = []
        var parents: [String?] = []
    }

    /// By index of the project files given.
    private(set) var outlines: [FileOutline] = []
    /// Problems of the tier declarations read (syntax errors inside them).
    private(set) var diagnostics: [Diagnostic] = []

    /// `following`: the groups whose tenants are wanted (a tier of theirs is being checked).
    init(_ files: [InputDiscovery.PendingFile], following: Set<Int>, discovery: InputDiscovery, sources: SourceMap, jobs: Int,
         read: @escaping InputReader) {
        let scanned = ResultSlots<FileOutline>(count: files.count)
        let unreadable = Mutex<[IOFailure]>([])
        parallelFor(files.count, jobs: Compiler.readers(jobs)) { i in
            let f = files[i]
            let bytes: [UInt8]
            do throws(IOFailure) { bytes = try read(f.absolute) } catch {
                unreadable.withLock { $0.append(error) }
                return
            }
            let follow = following.contains(f.group)
            // Most files are tenants alone: without the word `tier`, there is nothing to lex.
            guard follow || ProjectScan.mentionsTier(bytes) else { return }
            let lexed = Lexer.tokenize(SourceFile(id: FileID(raw: 0), path: f.display, bytes: bytes))
            let outline = Lexer.outline(of: lexed, bytes: bytes)
            var o = FileOutline()
            if follow {
                o.tenants = outline.tenants
                o.parents = outline.parents
            }
            // A file reached again by another path (an input through a link) declares nothing new.
            if outline.declaresTiers, discovery.isUnseen(f.absolute) {
                o.unit = Parser.parse(sources.add(path: f.display, bytes: bytes), lexed: lexed.diagnostics.isEmpty ? lexed : nil)
            }
            scanned.set(i, o)
        }
        outlines = scanned.takeAll(missing: FileOutline())
        for i in outlines.indices {
            guard let unit = outlines[i].unit else { continue }
            let tiers = unit.declarations.filter { $0.kind == .tier }.map(\.span)
            diagnostics += unit.diagnostics.filter { d in
                guard let s = d.span else { return false }
                return tiers.contains { $0.start <= s.start && s.end <= $0.end }
            }
        }
        for failure in unreadable.withLock({ $0 }).sorted(by: { $0.path < $1.path }) {
            diagnostics.append(.warning(.unreadableFile, "cannot read \(failure.path), a file of the project: \(failure.reason)", at: nil,
                                        help: ["the tiers it may declare are unknown to this check"]))
        }
    }

    /// Whether `bytes` hold the word `tier` (not inside a longer name such as
    /// `performance_tier`): a declaration needs the keyword.
    static func mentionsTier(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { b in
            guard b.count >= 4, let start = b.baseAddress else { return false }
            let end = start + b.count
            var p = start
            // memchr finds each `t` at memory speed; the bytes around it are compared by hand.
            while let hit = memchr(p, Int32(UInt8(ascii: "t")), end - p) {
                let t = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self))
                if end - t >= 4, t[1] == UInt8(ascii: "i"), t[2] == UInt8(ascii: "e"), t[3] == UInt8(ascii: "r"),
                   t == start || !isNameByte(t[-1]), end - t == 4 || !isNameByte(t[4]) {
                    return true
                }
                p = t + 1
            }
            return false
        }
    }

    private static func isNameByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c >= 0x80
    }
}

/// The tier context's files, loaded the same way for every command: per group, the units of its
/// tier directory's files and, when needed, of the project's other files that declare tiers.
struct ProjectTiers {
    /// What the inputs of one group declare and extend: whether the project must be read.
    struct InputSummary {
        var group: Int
        /// Set when the input was parsed (it declares tiers).
        var unit: SourceUnit?
        /// The tier each of its tenants extends.
        var parents: [String?]
    }

    /// By group.
    private(set) var units: [[SourceUnit]]
    /// Syntax errors of tier declarations, tier files over the size limit, project files that
    /// cannot be listed or read.
    private(set) var diagnostics: [Diagnostic] = []
    /// Tier files that cannot be read (exit code 2).
    private(set) var problems: [Diagnostic] = []
    private(set) var projectFiles: [InputDiscovery.PendingFile] = []
    private(set) var scan: ProjectScan

    /// `following`: the groups whose project tenants are wanted too (see `ProjectScan`); their
    /// project is read whole. Another group's project is read only when an input needs a tier
    /// that neither its tier directory nor the inputs declare.
    /// `wholeProject`: read every group's project (a one-tenant command, which may name any tier).
    /// `read`: how files are read (through an editor's unsaved buffers, for the language server).
    init(_ discovered: InputDiscovery, inputs: [InputSummary], following: Set<Int> = [], wholeProject: Bool = false, sources: SourceMap,
         jobs: Int, base: String, read: @escaping InputReader = FileSystem.readSourceFile) {
        units = Array(repeating: [], count: discovered.groups.count)
        let tierFiles = discovered.files.filter { $0.role == .tier }
        for (i, r) in Compiler.parseTierFiles(tierFiles, sources: sources, jobs: jobs, read: read).enumerated() {
            switch r {
            case .success(let unit)?:
                diagnostics.append(contentsOf: unit.diagnostics)
                units[tierFiles[i].group].append(unit)
            case .failure(let failure)?:
                let d = Compiler.readFailureDiagnostic(failure, base: base)
                if d.code == .inputTooLarge { diagnostics.append(d) } else { problems.append(d) }
            case nil:
                break
            }
        }
        for g in discovered.groups.indices where wholeProject || following.contains(g) || ProjectTiers.missesTiers(units[g], inputs.filter { $0.group == g }) {
            do { projectFiles += try discovered.projectFiles(of: g) } catch {
                diagnostics.append(.warning(.unreadableFile, "cannot list the project in \(error.description)", at: nil,
                                            help: ["the tiers its files may declare are unknown to this check"]))
            }
        }
        scan = ProjectScan(projectFiles, following: following, discovery: discovered, sources: sources, jobs: jobs, read: read)
        diagnostics.append(contentsOf: scan.diagnostics)
        for i in projectFiles.indices {
            if let unit = scan.outlines[i].unit { units[projectFiles[i].group].append(unit) }
        }
    }

    /// Whether a group's inputs, or its tiers, extend a tier that neither its tier files
    /// (`tierUnits`) nor the inputs declare.
    private static func missesTiers(_ tierUnits: [SourceUnit], _ inputs: [InputSummary]) -> Bool {
        var declared: Set<String> = []
        var extended: Set<String> = []
        func add(_ unit: SourceUnit) {
            for d in unit.declarations where d.kind == .tier {
                declared.insert(d.name.text)
                if let p = d.parent { extended.insert(p.text) }
            }
        }
        for unit in tierUnits { add(unit) }
        for input in inputs {
            if let unit = input.unit { add(unit) }
            for case let p? in input.parents { extended.insert(p) }
        }
        return !extended.isSubset(of: declared)
    }
}

/// Tenants of project files that a tier being checked affects: those whose `extends` chain
/// passes through a tier an input declares. Checking a tier checks them too.
struct AffectedTenants {
    /// One project file to compile, and for each of its affected tenants, why.
    struct File {
        var index: Int
        var reasons: [String: String]
    }

    private(set) var files: [File] = []

    /// `changed`: per group, the tiers the inputs declare (name → the file that declares it).
    init(_ projectFiles: [InputDiscovery.PendingFile], _ scan: ProjectScan, changed: [Int: [String: String]], sets: [TierSet],
         declaredByInputs: Set<String>) {
        for i in projectFiles.indices {
            let g = projectFiles[i].group
            guard let tiers = changed[g] else { continue }
            let graph = sets[g].graph
            let o = scan.outlines[i]
            var reasons: [String: String] = [:]
            for (k, tenant) in o.tenants.enumerated() where !declaredByInputs.contains(tenant) {
                guard let parent = o.parents[k], let t = graph.index[parent] else { continue }
                // The nearest changed tier of the chain names the cause.
                guard let cause = graph.tiers[t].chain.reversed().lazy.map({ graph.tiers[$0].name }).first(where: { tiers[$0] != nil }),
                      let file = tiers[cause] else { continue }
                reasons[tenant] = parent == cause
                    ? "`\(tenant)` is checked because it extends tier `\(cause)`, which \(file) being checked declares"
                    : "`\(tenant)` is checked because its tier `\(parent)` extends tier `\(cause)`, which \(file) being checked declares"
            }
            if !reasons.isEmpty { files.append(File(index: i, reasons: reasons)) }
        }
    }
}
