import Synchronization
import TenantDiagnostics

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes artifacts atomically and all-or-nothing: each is written to a temporary file in its
/// final directory while the build runs; `commit` renames them all into place, `abort` removes
/// them. A killed build leaves every artifact in its old or its new complete state.
/// Artifacts whose bytes did not change are not touched (their mtime stays).
///
/// When the output directory does not exist yet, the whole tree is built aside, in a hidden
/// sibling directory, and moved into place by one rename at commit: the same all-or-nothing
/// guarantee, without a rename per artifact.
///
/// No symbolic link below the output directory is followed: each directory is opened once,
/// with `O_NOFOLLOW`, and every file is created, read, renamed and removed relative to it. The
/// output directory itself is what the user named, and may be a link.
///
/// Builds of one directory take turns (`BuildLock`): the lock is held from the first artifact
/// to the end of the commit, so a build removes only temporary files no running build owns.
final class ArtifactWriter: Sendable {
    private enum Mode: Sendable {
        case undecided
        /// The output directory exists (open as `root`): each artifact goes through its own
        /// temporary file.
        case inPlace(root: Int32)
        /// The output directory is built as `staging` (open as `root`) in its parent, then renamed to `name`.
        case aside(root: Int32, staging: String, name: String)
        case failed(IOFailure)
        /// Committed or aborted: nothing is staged after.
        case finished
    }
    let root: String
    /// Where displayed paths are relative to.
    let base: String
    /// The mode new artifacts are created with: 0600 when they hold plaintext secrets.
    let fileMode: mode_t
    /// Told the output directory's displayed path when another build holds its lock, before waiting for it.
    private let waiting: @Sendable (String) -> Void

    private struct State {
        /// Directories holding staged files (relative to the root), and how many: the files
        /// themselves are found again by name at commit, so memory does not grow with the number of artifacts.
        var stagedDirectories: Set<String> = []
        var staged = 0
        var unchanged = 0
        /// The open directories below the root: the environments' (relative path → descriptor).
        var directories: [String: Int32] = [:]
        /// Environment directories this build created in an existing output directory.
        var createdDirectories: [String] = []
        /// The output directory's lock (or, when it is built aside, its parent's lock on building it) first, then the environments'
        /// (nil for a directory this user cannot write in: see `BuildLock.acquire`).
        var locks: [BuildLock?] = []
        /// The output directory's parent, open while the directory is built aside.
        var parent: Int32 = -1
        var counter = 0
        var mode = Mode.undecided
    }
    private let state = Mutex(State())
    /// Held while a file is created. Artifacts mostly go to one directory, where the kernel
    /// creates one entry at a time; a second worker waiting on the directory's lock spins on a
    /// core that could be rendering, while one waiting here sleeps. At 100,000 artifacts that
    /// spinning was 1.3 % of the build. (With several `--env` directories this also orders
    /// creations the kernel could overlap; each is a small part of a tenant's time.)
    private let creating = SleepingLock()
    /// Artifacts staged in the directory built aside (counted apart from `state`: no lock per file).
    private let stagedAside = Atomic<Int>(0)
    /// The manifest's line of every artifact of this build, staged or unchanged (see `ArtifactManifest`).
    let recorded = Mutex(ArtifactManifest.Lines())

    /// Fault injection for the tests that prove writes are atomic: the process dies (as if
    /// killed) half-way through writing an artifact, or after some renames of a commit.
    enum Interruption: Sendable {
        case midWrite(artifact: String)
        case afterRenames(Int)
    }
    nonisolated(unsafe) static var interruption: Interruption?  // set only by a test's child process, before a build

    /// The lock file in each directory written in place.
    static let lockName = ".tenantc-lock"

    /// `root` and `base` are absolute.
    init(root: String, base: String, fileMode: mode_t = 0o644, waiting: @escaping @Sendable (String) -> Void = { _ in }) {
        self.root = root
        self.base = base
        self.fileMode = fileMode
        self.waiting = waiting
    }

    func display(_ path: String) -> String { FileSystem.display(path, base: base) }

    /// Decides, once, whether the output directory exists (in place) or is built aside, and takes its lock.
    private func mode() -> Mode {
        let current = state.withLock { $0.mode }
        if case .undecided = current {} else { return current }
        return state.withLock { s in
            if case .undecided = s.mode {
                do throws(IOFailure) { try openOutput(into: &s) } catch { s.mode = .failed(error) }
            }
            return s.mode
        }
    }

    private func openOutput(into s: inout State) throws(IOFailure) {
        if try openExisting(into: &s) { return }
        let parentPath = FileSystem.parent(root)
        let parent = open(parentPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard parent >= 0 else {
            guard errno == ENOENT || errno == ENOTDIR else { throw IOFailure(display(parentPath), errno: errno) }
            throw IOFailure(display(root), "its parent directory \(display(parentPath)) does not exist")
        }
        s.parent = parent
        let name = baseName(root)
        let lockName = "." + name + ".tenantc-lock"
        guard let lock = try BuildLock.acquire(in: parent, name: lockName, shown: display(parentPath + "/" + lockName), waiting: { waiting(display(root)) })
        else { throw IOFailure(display(root), errno: EACCES) }
        // The build that held the lock may have created the directory meanwhile: then this one writes in it.
        let exists: Bool
        do { exists = try openExisting(into: &s) } catch {
            lock.release()
            throw error
        }
        if exists {
            lock.release()
            close(parent)
            s.parent = -1
            return
        }
        s.locks.append(lock)
        // A tree of that name is a killed build's: a running one would hold the lock.
        let staging = "." + name + ".tenantc-new"
        removeTree(in: parent, staging)
        guard mkdirat(parent, staging, 0o755) == 0 else { throw IOFailure(display(root), errno: errno) }
        let fd = openat(parent, staging, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw IOFailure(display(root), errno: errno) }
        s.mode = .aside(root: fd, staging: staging, name: name)
    }

    /// Opens the output directory when it exists (following a link there), takes its lock and
    /// removes what killed builds left in it; false when there is nothing at its path.
    private func openExisting(into s: inout State) throws(IOFailure) -> Bool {
        let fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            var st = stat()
            guard lstat(root, &st) == 0 else { return false }
            if (st.st_mode & S_IFMT) == S_IFLNK, code == ENOENT {
                throw IOFailure(display(root), "is a symbolic link to a directory that does not exist")
            }
            guard code == ENOTDIR else { throw IOFailure(display(root), errno: code) }
            throw IOFailure(display(root), "exists and is not a directory")
        }
        let lock: BuildLock?
        do {
            lock = try BuildLock.acquire(in: fd, name: ArtifactWriter.lockName, shown: display(root + "/" + ArtifactWriter.lockName)) {
                waiting(display(root))
            }
        } catch {
            close(fd)
            throw error
        }
        s.mode = .inPlace(root: fd)
        s.locks.append(lock)
        if lock != nil { removeStaleTemporaries(in: fd) }
        return true
    }

    /// The open directory `relative` (an environment's) below the root, created when missing;
    /// in an existing output directory, locked and cleaned like the root.
    private func directory(_ relative: String, root: Int32) throws(IOFailure) -> Int32 {
        if let fd = state.withLock({ $0.directories[relative] }) { return fd }
        return try state.withLock { (s: inout State) throws(IOFailure) -> Int32 in
            if let fd = s.directories[relative] { return fd }
            let shown = display(self.root + "/" + relative)
            var created = false
            if mkdirat(root, relative, 0o755) == 0 {
                created = true
            } else if errno != EEXIST {
                throw IOFailure(shown, errno: errno)
            }
            let fd = openat(root, relative, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else {
                let code = errno
                var st = stat()
                if fstatat(root, relative, &st, AT_SYMLINK_NOFOLLOW) == 0, (st.st_mode & S_IFMT) == S_IFLNK {
                    throw IOFailure(shown, "is a symbolic link: tenantc follows no link inside the output directory")
                }
                throw code == ENOTDIR ? IOFailure(shown, "exists and is not a directory") : IOFailure(shown, errno: code)
            }
            s.directories[relative] = fd
            if created { s.createdDirectories.append(relative) }
            if case .inPlace = s.mode {
                let lock = try BuildLock.acquire(in: fd, name: ArtifactWriter.lockName, shown: shown + "/" + ArtifactWriter.lockName) {
                    waiting(shown)
                }
                s.locks.append(lock)
                if lock != nil { removeStaleTemporaries(in: fd) }
            }
            return fd
        }
    }

    /// Stages `bytes` for `relativePath` (a path of validated components under the root: an
    /// artifact's name, or an environment's directory and the name).
    func stage(_ relativePath: String, _ bytes: [UInt8]) throws(IOFailure) {
        let rootFD: Int32
        var aside = false
        switch mode() {
        case .inPlace(let fd): rootFD = fd
        case .aside(let fd, _, _):
            rootFD = fd
            aside = true
        case .failed(let failure): throw failure
        case .undecided, .finished: throw IOFailure(display(root), "the build's output is already committed")
        }
        var directoryPath = ""
        var name = relativePath
        var dir = rootFD
        if let slash = relativePath.utf8.lastIndex(of: UInt8(ascii: "/")) {
            directoryPath = String(decoding: relativePath.utf8[..<slash], as: UTF8.self)
            name = String(decoding: relativePath.utf8[relativePath.utf8.index(after: slash)...], as: UTF8.self)
            dir = try directory(directoryPath, root: rootFD)
        }
        // Its line in the manifest, once it is staged or found unchanged.
        let fingerprint = ArtifactFingerprint.of(bytes)
        func record() { recorded.withLock { $0.append(path: relativePath, size: bytes.count, fingerprint: fingerprint) } }
        if aside {
            try writeNew(name, in: dir, bytes, shown: root + "/" + relativePath)
            stagedAside.add(1, ordering: .relaxed)
            record()
            return
        }
        if try holdsAlready(name, in: dir, bytes, shown: root + "/" + relativePath) {
            state.withLock { $0.unchanged += 1 }
            record()
            return
        }
        let n = nextTemporaryNumber()
        try writeNew("." + name + ArtifactWriter.marker + "\(n)", in: dir, bytes, shown: root + "/" + relativePath)
        state.withLock { s in
            s.stagedDirectories.insert(directoryPath)
            s.staged += 1
        }
        record()
    }

    /// The number of this build's next temporary file.
    func nextTemporaryNumber() -> Int {
        state.withLock { s in
            s.counter += 1
            return s.counter
        }
    }

    /// Creates `name` in `directory` (which must not hold it yet) with `bytes`, with the
    /// artifacts' mode from the start; removes it again on failure. `shown` names it in errors.
    func writeNew(_ name: String, in directory: Int32, _ bytes: [UInt8], shown: @autoclosure () -> String, mode: mode_t? = nil) throws(IOFailure) {
        let (fd, openError) = creating.withLock {
            let fd = openat(directory, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode ?? fileMode)
            return (fd, errno)  // read before the unlock, which may make a call of its own
        }
        guard fd >= 0 else { throw IOFailure(display(shown()), errno: openError) }
        var ok = true
        var err: Int32 = 0
        var dieAt = -1
        if case .midWrite(let artifact)? = ArtifactWriter.interruption, artifact == baseName(shown()) { dieAt = bytes.count / 2 }
        bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                if dieAt >= 0, off >= dieAt { _exit(137) }
                let chunk = dieAt > off ? dieAt - off : raw.count - off
                let w = write(fd, raw.baseAddress! + off, chunk)  // non-empty buffer: base address exists
                if w < 0 {
                    if errno == EINTR { continue }
                    ok = false
                    err = errno
                    return
                }
                off += w
            }
        }
        if close(fd) != 0, ok {
            ok = false
            err = errno
        }
        guard ok else {
            unlinkat(directory, name, 0)
            throw IOFailure(display(shown()), errno: err)
        }
    }

    /// True when artifact `name` of `directory` is a regular file holding exactly `bytes`, with
    /// no more permissions than new artifacts get. What the commit's rename could not replace
    /// (a directory, a FIFO, …) is an error now, before anything is renamed; a symbolic link
    /// is replaced, never followed.
    private func holdsAlready(_ name: String, in directory: Int32, _ bytes: [UInt8], shown: @autoclosure () -> String) throws(IOFailure) -> Bool {
        var st = stat()
        guard fstatat(directory, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else {
            guard errno == ENOENT else { throw IOFailure(display(shown()), errno: errno) }
            return false
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFLNK: return false
        default: throw IOFailure(display(shown()), "exists and is not a regular file (tenantc replaces only files and symbolic links)")
        }
        // A private artifact (plaintext secrets) that others may read is rewritten with the private mode.
        let tooOpen = fileMode & 0o077 == 0 && st.st_mode & 0o077 != 0
        guard Int(st.st_size) == bytes.count, !tooOpen else { return false }
        let fd = openat(directory, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard let existing = try? FileSystem.readAll(fd, sizeHint: bytes.count, limit: bytes.count, name: name) else { return false }
        return existing == bytes
    }

    /// Removes tenantc's temporary artifacts (`.NAME.tenantc-PID-N`) from `directory`, whose
    /// lock this build holds: they were left by a build that was killed. Nothing else is touched.
    private func removeStaleTemporaries(in directory: Int32) {
        for name in entries(of: directory) where temporaryArtifact(name, marker: nil) != nil {
            unlinkat(directory, name, 0)
        }
    }

    /// `.NAME` + this marker + a counter: the temporary name of artifact NAME in this process.
    static let marker = ".tenantc-\(getpid())-"

    /// This build's temporary files in `directory`: (temporary name, final name).
    private func stagedFiles(in directory: Int32) -> [(String, String)] {
        entries(of: directory).compactMap { name in temporaryArtifact(name, marker: ArtifactWriter.marker).map { (name, $0) } }
    }

    /// Renames every staged file into place, then brings the manifest up to date (see
    /// `updateManifest`). Before the first rename, every staged file is checked to be there; an
    /// error leaves every artifact as it was. A directory built aside gets its manifest before
    /// it is renamed into place.
    func commit(_ policy: ManifestPolicy = ManifestPolicy()) throws(IOFailure) -> CommitReport {
        let (mode, dirs, count, unchanged, parent) = state.withLock { s in
            (s.mode, s.stagedDirectories.sorted(), s.staged, s.unchanged, s.parent)
        }
        switch mode {
        case .finished:
            return CommitReport(unchanged: unchanged)
        case .undecided:
            // No artifact at all (every tenant removed, or failed with --keep-going): the
            // manifest of an existing output directory still tells what is stale.
            guard policy.tenants != nil, openIfExists(), case .inPlace(let rootFD) = state.withLock({ $0.mode }) else {
                return CommitReport(unchanged: unchanged)
            }
            let report = updateManifest(in: rootFD, policy: policy, wroteArtifacts: false)
            finish(removing: false)
            return report
        case .failed(let failure):
            abort()
            throw failure
        case .aside(let fd, let staging, let name):
            if case .afterRenames? = ArtifactWriter.interruption { _exit(137) }
            do throws(IOFailure) {
                try writeNew(ArtifactManifest.fileName, in: fd, recorded.withLock { $0.manifest() }, shown: root + "/" + ArtifactManifest.fileName)
            } catch {
                abort()
                throw error
            }
            guard renameat(parent, staging, parent, name) == 0 else {
                let failure = IOFailure(display(root), errno: errno)
                abort()
                throw failure
            }
            finish(removing: false)
            return CommitReport(written: stagedAside.load(ordering: .relaxed))
        case .inPlace(let rootFD):
            var batches: [(directory: Int32, path: String, files: [(String, String)])] = []
            for d in dirs {
                let fd = d.isEmpty ? rootFD : (state.withLock { $0.directories[d] } ?? -1)
                batches.append((fd, d, stagedFiles(in: fd)))
            }
            let found = batches.reduce(0) { $0 + $1.files.count }
            guard found == count else {
                abort()
                throw IOFailure(display(root), "\(plural(count, "artifact")) \(count == 1 ? "was" : "were") staged but \(plural(found, "temporary file")) \(found == 1 ? "is" : "are") there: something else removed or "
                                + "added files in the output directory during the build; nothing was renamed")
            }
            var renamed = 0
            for b in batches {
                for (temp, final) in b.files {
                    if case .afterRenames(let n)? = ArtifactWriter.interruption, renamed == n { _exit(137) }
                    guard renameat(b.directory, temp, b.directory, final) == 0 else {
                        let failure = IOFailure(display(root + "/" + (b.path.isEmpty ? "" : b.path + "/") + final),
                                                "\(String(cString: strerror(errno))) (after \(renamed) of \(plural(count, "artifact")) \(renamed == 1 ? "was" : "were") renamed into place)")
                        abort()
                        throw failure
                    }
                    renamed += 1
                }
            }
            var report = updateManifest(in: rootFD, policy: policy, wroteArtifacts: count > 0)
            report.written = count
            report.unchanged = unchanged
            finish(removing: false)
            return report
        }
    }

    /// Opens the output directory for a commit that staged nothing, when it exists; false when
    /// it does not (or cannot be opened: then there is nothing this build could change in it).
    private func openIfExists() -> Bool {
        state.withLock { s in
            guard case .undecided = s.mode else { return false }
            do throws(IOFailure) { return try openExisting(into: &s) } catch { return false }
        }
    }

    /// Removes every staged file and the directories this build created (when empty).
    func abort() { finish(removing: true) }

    /// Ends the build's use of its directories: (when `removing`) removes what it staged and
    /// created, releases its locks (the environments' first, the root's last) and closes them.
    private func finish(removing: Bool) {
        let s = state.withLock { s in
            let out = s
            s = State()
            s.mode = .finished
            return out
        }
        var rootFD: Int32 = -1
        switch s.mode {
        case .inPlace(let fd):
            rootFD = fd
            if removing {
                for d in s.stagedDirectories {
                    guard let fd = d.isEmpty ? rootFD : s.directories[d] else { continue }
                    for (temp, _) in stagedFiles(in: fd) { unlinkat(fd, temp, 0) }
                }
            }
        case .aside(let fd, let staging, _):
            rootFD = fd
            if removing { removeTree(in: s.parent, staging) }
        case .undecided, .failed, .finished:
            break
        }
        for lock in s.locks.dropFirst().reversed() { lock?.release() }
        if removing, rootFD >= 0, case .inPlace = s.mode {
            for d in s.createdDirectories { unlinkat(rootFD, d, AT_REMOVEDIR) }
        }
        if let first = s.locks.first { first?.release() }
        for fd in s.directories.values { close(fd) }
        if rootFD >= 0 { close(rootFD) }
        if s.parent >= 0 { close(s.parent) }
    }
}

/// The final name of `name` when it is a temporary artifact of tenantc (`.NAME.tenantc-PID-N`,
/// with `marker` when given: this build's), else nil.
private func temporaryArtifact(_ name: String, marker: String?) -> String? {
    let tag = ".tenantc-"
    guard name.hasPrefix("."), let at = lastRange(of: tag, in: name), at.lowerBound > name.startIndex else { return nil }
    let final = name[name.index(after: name.startIndex)..<at.lowerBound]
    let fields = name[at.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
    guard !final.isEmpty, fields.count == 2, fields.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }) else { return nil }
    if let marker, !name[at.lowerBound...].hasPrefix(marker) { return nil }
    return String(final)
}

/// The names in a directory (without `.` and `..`), read through a descriptor of its own.
private func entries(of directory: Int32) -> [String] {
    let fd = openat(directory, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { return [] }
    guard let handle = fdopendir(fd) else {
        close(fd)
        return []
    }
    defer { closedir(handle) }
    var names: [String] = []
    while let entry = readdir(handle) {
        let name = FileSystem.entryName(entry)
        if name != ".", name != ".." { names.append(name) }
    }
    return names
}

private func baseName(_ path: String) -> String {
    guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
    return String(decoding: path.utf8[path.utf8.index(after: slash)...], as: UTF8.self)
}

/// Removes `name` from `directory`, and everything under it when it is a directory (symbolic
/// links are removed, never followed).
private func removeTree(in directory: Int32, _ name: String) {
    var st = stat()
    guard fstatat(directory, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { return }
    guard (st.st_mode & S_IFMT) == S_IFDIR else {
        unlinkat(directory, name, 0)
        return
    }
    let fd = openat(directory, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    if fd >= 0 {
        for entry in entries(of: fd) { removeTree(in: fd, entry) }
        close(fd)
    }
    unlinkat(directory, name, AT_REMOVEDIR)
}

/// The last occurrence of `needle` in `text`.
private func lastRange(of needle: String, in text: String) -> Range<String.Index>? {
    var found: Range<String.Index>?
    var rest = text[...]
    while let r = rest.firstRange(of: needle) {
        found = r
        rest = text[r.upperBound...]
    }
    return found
}
