import TenantDiagnostics

/// The first phase of a compile: the input files (directories expanded, each file once, even
/// when reached by two paths), the tier directory each belongs to (its group), the tier files
/// of every group, and on demand the other files of each group's project (docs/language.md,
/// "Projects").
struct InputDiscovery {
    /// A file the compile reads, and why.
    struct PendingFile: Sendable {
        enum Role: Sendable {
            /// Named on the command line (or under a directory that was): its tenants are compiled.
            case input
            /// In the group's tier directory: its tiers are the group's.
            case tier
            /// Elsewhere in the group's project: read for the tiers it declares, and for its
            /// tenants when a tier they extend is being checked.
            case project
        }
        var absolute: String
        var display: String
        /// An editor's unsaved buffer standing for the file.
        var contents: [UInt8]?
        var role: Role
        var group: Int

        var isInput: Bool { role == .input }
    }

    /// The tier directory of each group; nil for inputs with no `tiers/` above them.
    private(set) var groups: [String?] = []
    /// The inputs in order, then the tier files of each group.
    private(set) var files: [PendingFile] = []
    /// Buffers that could not be read (standard input over the size limit).
    private(set) var readFailures: [IOFailure] = []
    /// Usage and I/O problems (exit code 2).
    private(set) var problems: [Diagnostic] = []
    private let base: String
    private var seenInputs: Set<String> = []
    /// One file reached by two paths (a symbolic link to it, a link to its directory) is read
    /// once, under the first path: twice, its tiers would be declared twice.
    private(set) var seenFiles: Set<FileIdentity> = []
    /// Directories given as inputs: every file under them is an input already.
    private var expandedDirectories: Set<String> = []

    /// What is discovered besides the inputs.
    enum Scope {
        /// The inputs alone (`rekey`, which rewrites the files it is given).
        case inputs
        /// The inputs and the tier files of each group (whose project's other files
        /// `projectFiles(of:)` lists when they are needed).
        case project
    }

    init(_ request: CompileRequest, base: String, scope: Scope = .project) {
        self.base = base
        let explicitTiers = tiersDirectory(request.tiersDirectory)
        let inputs = expanded(request.inputs)
        assignGroups(inputs, explicitTiers: explicitTiers)
        guard scope == .project else { return }
        addTierFiles()
    }

    /// Whether the file at `path` was not seen yet, by its identity (for a project file that
    /// may be an input reached by another path).
    func isUnseen(_ path: String) -> Bool {
        guard let id = FileSystem.identity(path) else { return true }
        return !seenFiles.contains(id)
    }

    private mutating func problem(_ message: String) {
        problems.append(.error(.unreadableFile, message, at: nil))
    }

    private mutating func isNewFile(_ path: String) -> Bool {
        guard let id = FileSystem.identity(path) else { return true }
        return seenFiles.insert(id).inserted
    }

    /// `--tiers DIR`, absolute, when it is a directory.
    private mutating func tiersDirectory(_ dir: String?) -> String? {
        guard let dir else { return nil }
        let absolute = FileSystem.absolute(dir, base: base)
        if FileSystem.isDirectory(absolute) { return absolute }
        problem("--tiers \(dir): not a directory")
        return nil
    }

    /// The inputs with each directory replaced by the `.tenant` files under it.
    private mutating func expanded(_ requested: [SourceInput]) -> [(absolute: String, input: SourceInput)] {
        var inputs: [(absolute: String, input: SourceInput)] = []
        for input in requested {
            let abs = FileSystem.absolute(input.path, base: base)
            // A `.tenant` name is taken for a file without a `stat`: thousands of them arrive
            // from a shell glob.
            guard input.contents == nil, !abs.hasSuffix(".tenant"), FileSystem.isDirectory(abs) else {
                inputs.append((abs, input))
                continue
            }
            expandedDirectories.insert(abs)
            do {
                for path in try FileSystem.tenantFiles(under: abs) {
                    inputs.append((path, SourceInput(path: FileSystem.display(path, base: base))))
                }
            } catch {
                problem("cannot list \(error.description)")
            }
        }
        return inputs
    }

    /// Each input once, in its group: `--tiers`, else the nearest `tiers/` above it.
    private mutating func assignGroups(_ inputs: [(absolute: String, input: SourceInput)], explicitTiers: String?) {
        var tiersAbove: [String: String?] = [:]  // per directory: thousands of inputs share a few
        seenInputs.reserveCapacity(inputs.count)
        files.reserveCapacity(inputs.count)
        for (abs, input) in inputs {
            if let failure = input.failure {
                readFailures.append(failure)
                continue
            }
            guard seenInputs.insert(abs).inserted, input.contents != nil || isNewFile(abs) else { continue }
            let tiersDir: String?
            if let explicitTiers {
                tiersDir = explicitTiers
            } else {
                let dir = FileSystem.parent(abs)
                if let known = tiersAbove[dir] {
                    tiersDir = known
                } else {
                    tiersDir = FileSystem.nearestTiersDirectory(above: dir)
                    tiersAbove[dir] = tiersDir
                }
            }
            files.append(PendingFile(absolute: abs, display: input.path, contents: input.contents, role: .input, group: group(of: tiersDir)))
        }
    }

    private mutating func group(of tiersDir: String?) -> Int {
        if let i = groups.firstIndex(where: { $0 == tiersDir }) { return i }
        groups.append(tiersDir)
        return groups.count - 1
    }

    /// The tier files of every group that are not inputs already.
    private mutating func addTierFiles() {
        for (g, dir) in groups.enumerated() {
            guard let dir else { continue }
            do {
                for path in try FileSystem.tenantFiles(in: dir) where !seenInputs.contains(path) && isNewFile(path) {
                    files.append(PendingFile(absolute: path, display: FileSystem.display(path, base: base), role: .tier, group: g))
                }
            } catch {
                problem("cannot list tiers in \(error.description)")
            }
        }
    }

    /// The other files of every group's project: under the directory that holds its tier
    /// directory, not inputs, not in the tier directory, not in a nested project.
    /// The other files of group `g`'s project: under the directory that holds its tier
    /// directory, not inputs, not in the tier directory, not in a nested project.
    func projectFiles(of g: Int) throws(IOFailure) -> [PendingFile] {
        guard let dir = groups[g] else { return [] }
        return try FileSystem.projectFiles(under: FileSystem.parent(dir), tiersDirectory: dir, skipping: expandedDirectories)
            .filter { !seenInputs.contains($0) }
            .map { PendingFile(absolute: $0, display: FileSystem.display($0, base: base), role: .project, group: g) }
    }
}
