import Synchronization

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
final class ArtifactWriter: Sendable {
    private enum Mode: Sendable {
        case undecided
        /// The output directory exists: each artifact goes through its own temporary file.
        case inPlace
        /// The output directory is built at `staging` (open as `fd`: artifacts are created
        /// relative to it, without walking the whole path each time), then renamed.
        case aside(staging: String, fd: Int32)
    }
    let root: String
    /// Where displayed paths are relative to.
    let base: String
    private struct State {
        /// Directories holding staged files, and how many: the files themselves are found again
        /// by name at commit, so memory does not grow with the number of artifacts.
        var stagedDirectories: Set<String> = []
        var staged = 0
        var unchanged = 0
        var createdDirectories: [String] = []
        var knownDirectories: Set<String> = []
        var counter = 0
        var mode = Mode.undecided

        /// Once, at commit or abort: nothing is staged after them.
        mutating func closeStagingDirectory() {
            guard case .aside(let staging, let fd) = mode, fd >= 0 else { return }
            close(fd)
            mode = .aside(staging: staging, fd: -1)
        }
    }
    private let state = Mutex(State())
    /// Held while a file is created. Artifacts mostly go to one directory, where the kernel
    /// creates one entry at a time; a second worker waiting on the directory's lock spins on a
    /// core that could be rendering, while one waiting here sleeps. At 100,000 artifacts that
    /// spinning was 1.3 % of the build. (With several `--env` directories this also orders
    /// creations the kernel could overlap; each is a small part of a tenant's time.)
    private let creating = Mutex(())
    /// Artifacts staged in the directory built aside (counted apart from `state`: no lock per file).
    private let stagedAside = Atomic<Int>(0)

    /// Fault injection for the tests that prove writes are atomic: the process dies (as if
    /// killed) half-way through writing an artifact, or after some renames of a commit.
    enum Interruption: Sendable {
        case midWrite(artifact: String)
        case afterRenames(Int)
    }
    nonisolated(unsafe) static var interruption: Interruption?  // set only by a test's child process, before a build

    /// `root` and `base` are absolute.
    init(root: String, base: String) {
        self.root = root
        self.base = base
    }

    private func display(_ path: String) -> String { FileSystem.display(path, base: base) }

    /// Decides, once, whether the output directory exists (in place) or is built aside.
    private func mode() throws(IOFailure) -> Mode {
        let current = state.withLock { $0.mode }
        if case .undecided = current {} else { return current }
        return try state.withLock { (s: inout State) throws(IOFailure) -> Mode in
            if case .undecided = s.mode {} else { return s.mode }
            var st = stat()
            if lstat(root, &st) == 0 {
                guard (st.st_mode & S_IFMT) == S_IFDIR else { throw IOFailure(display(root), "exists and is not a directory") }
                s.mode = .inPlace
                return s.mode
            }
            let parent = FileSystem.parent(root)
            guard FileSystem.isDirectory(parent) else {
                throw IOFailure(display(root), "its parent directory \(display(parent)) does not exist")
            }
            let prefix = "." + baseName(root) + ".tmp-"
            removeStaleStagingDirectories(in: parent, prefix: prefix)
            let staging = parent + "/" + prefix + "\(getpid())"
            guard mkdir(staging, 0o755) == 0 else { throw IOFailure(display(root), errno: errno) }
            let fd = open(staging, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else {
                let failure = IOFailure(display(root), errno: errno)
                rmdir(staging)
                throw failure
            }
            s.mode = .aside(staging: staging, fd: fd)
            s.knownDirectories.insert(staging)
            return s.mode
        }
    }

    /// Stages `bytes` for `relativePath` (a path of validated components under the root).
    func stage(_ relativePath: String, _ bytes: [UInt8]) throws(IOFailure) {
        if case .aside(let staging, let fd) = try mode() {
            if let slash = relativePath.utf8.lastIndex(of: UInt8(ascii: "/")) {
                try ensureStagingDirectory(staging + "/" + String(decoding: relativePath.utf8[..<slash], as: UTF8.self))
            }
            try writeNew(relativePath, in: fd, bytes, shown: root + "/" + relativePath)
            stagedAside.add(1, ordering: .relaxed)
            return
        }
        let final = root + "/" + relativePath
        let dir = FileSystem.parent(final)
        try ensureDirectory(dir)
        if sameContents(final, bytes) {
            state.withLock { $0.unchanged += 1 }
            return
        }
        let n = state.withLock { s in
            s.counter += 1
            return s.counter
        }
        let temp = dir + "/." + baseName(final) + ArtifactWriter.marker + "\(n)"
        try writeNew(temp, in: AT_FDCWD, bytes, shown: final)
        state.withLock { s in
            s.stagedDirectories.insert(dir)
            s.staged += 1
        }
    }

    /// Creates `path` (relative to `directory`, which must not hold it yet) with `bytes`;
    /// removes it again on failure. `shown` names it in errors.
    private func writeNew(_ path: String, in directory: Int32, _ bytes: [UInt8], shown: @autoclosure () -> String) throws(IOFailure) {
        let (fd, openError) = creating.withLock { _ in
            let fd = openat(directory, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
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
            unlinkat(directory, path, 0)
            throw IOFailure(display(shown()), errno: err)
        }
    }

    /// A directory inside the staging tree (an environment's).
    private func ensureStagingDirectory(_ dir: String) throws(IOFailure) {
        if state.withLock({ $0.knownDirectories.contains(dir) }) { return }
        if mkdir(dir, 0o755) != 0, errno != EEXIST { throw IOFailure(display(dir), errno: errno) }
        state.withLock { _ = $0.knownDirectories.insert(dir) }
    }

    /// Removes `.OUT.tmp-PID` trees left by builds that were killed (their PID is gone).
    private func removeStaleStagingDirectories(in dir: String, prefix: String) {
        guard let handle = opendir(dir) else { return }
        var stale: [String] = []
        while let entry = readdir(handle) {
            let name = FileSystem.entryName(entry)
            guard name.hasPrefix(prefix), let pid = Int32(name.dropFirst(prefix.count)), pid > 0 else { continue }
            if kill(pid, 0) != 0, errno == ESRCH { stale.append(dir + "/" + name) }
        }
        closedir(handle)
        for path in stale { removeTree(path) }
    }

    /// True when `path` is a regular file (not a symlink) holding exactly `bytes`.
    private func sameContents(_ path: String, _ bytes: [UInt8]) -> Bool {
        var st = stat()
        guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, Int(st.st_size) == bytes.count else { return false }
        guard let existing = try? FileSystem.readFile(path, limit: bytes.count) else { return false }
        return existing == bytes
    }

    /// Creates the output directory (its parent must exist: a mistyped `-o a/b/c` is an error,
    /// not a tree of new directories) and the per-environment directories inside it.
    private func ensureDirectory(_ dir: String) throws(IOFailure) {
        if state.withLock({ $0.knownDirectories.contains(dir) }) { return }
        var chain: [String] = []
        var d = dir
        while d != root, d.hasPrefix(root + "/") {
            chain.append(d)
            d = FileSystem.parent(d)
        }
        chain.append(root)
        for m in chain.reversed() where FileSystem.isDirectory(m) {
            removeStaleTemporaries(in: m)
        }
        for m in chain.reversed() where !FileSystem.isDirectory(m) {
            var st = stat()
            if lstat(m, &st) == 0 { throw IOFailure(display(m), "exists and is not a directory") }
            if m == root, !FileSystem.isDirectory(FileSystem.parent(m)) {
                throw IOFailure(display(m), "its parent directory \(display(FileSystem.parent(m))) does not exist")
            }
            if mkdir(m, 0o755) != 0 {
                if errno != EEXIST { throw IOFailure(display(m), errno: errno) }
            } else {
                state.withLock { $0.createdDirectories.append(m) }
            }
        }
        state.withLock { _ = $0.knownDirectories.insert(dir) }
    }

    /// Removes `.NAME.tmp-PID-N` files left by builds that were killed (their PID is gone);
    /// those of a build still running are left alone.
    private func removeStaleTemporaries(in dir: String) {
        guard let handle = opendir(dir) else { return }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            let name = FileSystem.entryName(entry)
            guard name.hasPrefix("."), let marker = lastRange(of: ".tmp-", in: name) else { continue }
            let fields = name[marker.upperBound...].split(separator: "-")
            guard fields.count == 2, let pid = Int32(fields[0]), fields[1].allSatisfy(\.isNumber), pid > 0 else { continue }
            if kill(pid, 0) != 0, errno == ESRCH { unlink(dir + "/" + name) }
        }
    }

    /// `.NAME` + this marker + a counter: the temporary name of artifact NAME in this process.
    static let marker = ".tmp-\(getpid())-"

    /// This process's temporary files in `dir`: (temporary name, final name).
    private func stagedFiles(in dir: String) -> [(String, String)] {
        guard let handle = opendir(dir) else { return [] }
        defer { closedir(handle) }
        var out: [(String, String)] = []
        while let entry = readdir(handle) {
            let name = FileSystem.entryName(entry)
            guard name.hasPrefix("."), let r = lastRange(of: ArtifactWriter.marker, in: name) else { continue }
            out.append((name, String(name[name.index(after: name.startIndex)..<r.lowerBound])))
        }
        return out
    }

    /// Renames every staged file into place. Returns (written, unchanged).
    func commit() throws(IOFailure) -> (written: Int, unchanged: Int) {
        let (mode, dirs, count, unchanged) = state.withLock { s in
            let out = (s.mode, s.stagedDirectories.sorted(), s.staged, s.unchanged)
            s.closeStagingDirectory()
            s.stagedDirectories = []
            s.staged = 0
            return out
        }
        if case .aside(let staging, _) = mode {
            if case .afterRenames? = ArtifactWriter.interruption { _exit(137) }
            guard rename(staging, root) == 0 else {
                let failure = IOFailure(display(root), errno: errno)
                removeTree(staging)
                throw failure
            }
            return (stagedAside.load(ordering: .relaxed), 0)
        }
        var renamed = 0
        for dir in dirs {
            let files = stagedFiles(in: dir)
            for (i, (temp, final)) in files.enumerated() {
                if case .afterRenames(let n)? = ArtifactWriter.interruption, renamed == n { _exit(137) }
                if rename(dir + "/" + temp, dir + "/" + final) != 0 {
                    let failure = IOFailure(display(dir + "/" + final), errno: errno)
                    for (rest, _) in files[i...] { unlink(dir + "/" + rest) }
                    for other in dirs where other > dir {
                        for (rest, _) in stagedFiles(in: other) { unlink(other + "/" + rest) }
                    }
                    throw failure
                }
                renamed += 1
            }
        }
        return (count, unchanged)
    }

    /// Removes every staged file and the directories this build created (when empty).
    func abort() {
        let (mode, dirs, created) = state.withLock { s in
            let out = (s.mode, s.stagedDirectories.sorted(), s.createdDirectories)
            s.closeStagingDirectory()
            s.stagedDirectories = []
            s.staged = 0
            s.createdDirectories = []
            return out
        }
        for dir in dirs {
            for (temp, _) in stagedFiles(in: dir) { unlink(dir + "/" + temp) }
        }
        for d in created.sorted(by: { $0.count > $1.count }) { rmdir(d) }
        if case .aside(let staging, _) = mode { removeTree(staging) }
    }
}

private func baseName(_ path: String) -> String {
    guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
    return String(decoding: path.utf8[path.utf8.index(after: slash)...], as: UTF8.self)
}

/// Removes a directory tree this process built (symlinks are removed, never followed).
private func removeTree(_ path: String) {
    var st = stat()
    guard lstat(path, &st) == 0 else { return }
    if (st.st_mode & S_IFMT) == S_IFDIR {
        if let handle = opendir(path) {
            var names: [String] = []
            while let entry = readdir(handle) {
                let name = FileSystem.entryName(entry)
                if name != ".", name != ".." { names.append(name) }
            }
            closedir(handle)
            for n in names { removeTree(path + "/" + n) }
        }
        rmdir(path)
    } else {
        unlink(path)
    }
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
