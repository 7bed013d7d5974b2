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
final class ArtifactWriter: Sendable {
    let root: String
    /// Where displayed paths are relative to.
    let base: String
    private struct State {
        var staged: [(temp: String, final: String)] = []
        var unchanged = 0
        var createdDirectories: [String] = []
        var knownDirectories: Set<String> = []
        var counter = 0
    }
    private let state = Mutex(State())

    /// `root` and `base` are absolute.
    init(root: String, base: String) {
        self.root = root
        self.base = base
    }

    private func display(_ path: String) -> String { FileSystem.display(path, base: base) }

    /// Stages `bytes` for `relativePath` (a path of validated components under the root).
    func stage(_ relativePath: String, _ bytes: [UInt8]) throws(IOFailure) {
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
        let name = String(final[final.index(after: final.lastIndex(of: "/")!)...])  // `final` always contains a slash
        let temp = dir + "/." + name + ".tmp-\(getpid())-\(n)"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IOFailure(display(final), errno: errno) }
        var ok = true
        var err: Int32 = 0
        bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let w = write(fd, raw.baseAddress! + off, raw.count - off)  // non-empty buffer: base address exists
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
            unlink(temp)
            throw IOFailure(display(final), errno: err)
        }
        state.withLock { $0.staged.append((temp, final)) }
    }

    /// True when `path` is a regular file (not a symlink) holding exactly `bytes`.
    private func sameContents(_ path: String, _ bytes: [UInt8]) -> Bool {
        var st = stat()
        guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, Int(st.st_size) == bytes.count else { return false }
        guard let existing = try? FileSystem.readFile(path, limit: bytes.count) else { return false }
        return existing == bytes
    }

    private func ensureDirectory(_ dir: String) throws(IOFailure) {
        if state.withLock({ $0.knownDirectories.contains(dir) }) { return }
        var missing: [String] = []
        var d = dir
        while !FileSystem.isDirectory(d) {
            var st = stat()
            if lstat(d, &st) == 0 { throw IOFailure(display(d), "exists and is not a directory") }
            missing.append(d)
            if d == root || d == "/" { break }
            d = FileSystem.parent(d)
        }
        for m in missing.reversed() {
            if mkdir(m, 0o755) != 0, errno != EEXIST { throw IOFailure(display(m), errno: errno) }
        }
        state.withLock { s in
            s.createdDirectories += missing
            s.knownDirectories.insert(dir)
        }
    }

    /// Renames every staged file into place. Returns (written, unchanged).
    func commit() throws(IOFailure) -> (written: Int, unchanged: Int) {
        let (staged, unchanged) = state.withLock { s in
            let out = (s.staged, s.unchanged)
            s.staged = []
            return out
        }
        for (i, item) in staged.enumerated() where rename(item.temp, item.final) != 0 {
            let failure = IOFailure(display(item.final), errno: errno)
            for rest in staged[i...] { unlink(rest.temp) }
            throw failure
        }
        return (staged.count, unchanged)
    }

    /// Removes every staged file and the directories this build created (when empty).
    func abort() {
        let (staged, dirs) = state.withLock { s in
            let out = (s.staged, s.createdDirectories)
            s.staged = []
            s.createdDirectories = []
            return out
        }
        for item in staged { unlink(item.temp) }
        for d in dirs.sorted(by: { $0.count > $1.count }) { rmdir(d) }
    }
}
