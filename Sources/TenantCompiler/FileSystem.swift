import TenantDiagnostics
import TenantSyntax

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed read or write, with the OS reason.
public struct IOFailure: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    /// The file exceeds the source size limit (a configuration error, not an I/O one).
    public var tooLarge = false
    public var description: String { "\(path): \(reason)" }

    init(_ path: String, errno code: Int32) {
        self.path = path
        self.reason = String(cString: strerror(code))
    }

    init(_ path: String, _ reason: String, tooLarge: Bool = false) {
        self.path = path
        self.reason = reason
        self.tooLarge = tooLarge
    }
}

/// A file as the system knows it, whatever path reaches it.
struct FileIdentity: Hashable {
    var device: UInt64
    var inode: UInt64
}

/// Small POSIX file helpers: the driver reads thousands of files and writes thousands of
/// artifacts, so it avoids Foundation's bridging on that path.
enum FileSystem {
    /// Largest source file accepted (docs/robustness.md: no input may exhaust memory).
    static let maxSourceBytes = Lexer.maxSourceBytes

    /// Reads a regular file. Anything else is an error, never a wait: the file is opened
    /// without blocking (opening a FIFO would wait for a writer) and its type is checked on
    /// the descriptor opened, so it cannot change between the check and the read.
    static func readFile(_ path: String, limit: Int = maxSourceBytes) throws(IOFailure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw IOFailure(path, errno: errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw IOFailure(path, errno: errno) }
        if let kind = notARegularFile(st.st_mode) { throw IOFailure(path, kind) }
        // Back to blocking reads (regular files ignore the flag, but nothing is left to chance).
        guard fcntl(fd, F_SETFL, 0) == 0 else { throw IOFailure(path, errno: errno) }
        return try readAll(fd, sizeHint: st.st_size > 0 ? Int(st.st_size) : 0, limit: limit, name: path)
    }

    /// What is wrong with a file of mode `mode` where a regular file is expected; nil when it is one.
    static func notARegularFile(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "is a directory"
        case S_IFIFO: return "is a FIFO, not a regular file"
        case S_IFSOCK: return "is a socket, not a regular file"
        case S_IFCHR, S_IFBLK: return "is a device, not a regular file"
        default: return "is not a regular file"
        }
    }

    /// The file `path` names (symbolic links followed), as device and inode: two paths to one
    /// file have the same identity. Nil when it cannot be looked up (its read reports why).
    static func identity(_ path: String) -> FileIdentity? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
    }

    static func readStandardInput(limit: Int = maxSourceBytes) throws(IOFailure) -> [UInt8] {
        try readAll(0, sizeHint: 0, limit: limit, name: "<stdin>")
    }

    /// Reads `fd` to its end straight into the array's storage (no zero-filled staging buffer):
    /// a file whose size is known takes one buffer, one `read`, and the `read` that sees its end.
    static func readAll(_ fd: Int32, sizeHint: Int, limit: Int, name: String) throws(IOFailure) -> [UInt8] {
        var out: [UInt8] = []
        // One byte more than expected, so that a file which grew meanwhile is read to its end.
        var capacity = min(sizeHint > 0 ? sizeHint : 4095, limit) + 1
        while true {
            var ended = false
            var failure: Int32 = 0
            let chunk = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                initialized = 0
                guard let base = buffer.baseAddress else { return }
                while initialized < buffer.count {
                    let n = read(fd, base + initialized, buffer.count - initialized)
                    if n > 0 {
                        initialized += n
                    } else if n == 0 {
                        ended = true
                        return
                    } else if errno != EINTR {
                        failure = errno
                        return
                    }
                }
            }
            if failure != 0 { throw IOFailure(name, errno: failure) }
            if out.isEmpty { out = chunk } else { out += chunk }
            if out.count > limit { throw IOFailure(name, "larger than \(limit >> 20) MiB", tooLarge: true) }
            if ended { return out }
            capacity = min(max(out.count, 4096), limit + 1 - out.count)
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// The current directory.
    static var currentDirectory: String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The absolute, `.`/`..`-free form of a path (relative paths are taken from `base`).
    static func absolute(_ path: String, base: String = currentDirectory) -> String {
        let full = path.hasPrefix("/") ? path : base + "/" + path
        var parts: [Substring] = []
        for p in full.split(separator: "/", omittingEmptySubsequences: true) {
            if p == "." { continue }
            if p == ".." {
                _ = parts.popLast()
                continue
            }
            parts.append(p)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// `path` relative to `base` when it lies under it, for display.
    static func display(_ absolutePath: String, base: String) -> String {
        if absolutePath == base { return "." }
        // Bytes, not Characters, and no `base + "/"` per call: this runs for every input.
        let path = absolutePath.utf8
        let prefix = base == "/" ? 0 : base.utf8.count
        guard path.count > prefix + 1, path.starts(with: base.utf8),
              path[path.index(path.startIndex, offsetBy: prefix)] == UInt8(ascii: "/") else { return absolutePath }
        return String(decoding: path.dropFirst(prefix + 1), as: UTF8.self)
    }

    static func parent(_ absolutePath: String) -> String {
        let path = absolutePath.utf8
        guard let slash = path.lastIndex(of: UInt8(ascii: "/")), slash != path.startIndex else { return "/" }
        return String(decoding: path[..<slash], as: UTF8.self)
    }

    /// The nearest `tiers/` directory at or above `directory`.
    static func nearestTiersDirectory(above directory: String) -> String? {
        var dir = absolute(directory)
        while true {
            let candidate = dir == "/" ? "/tiers" : dir + "/tiers"
            if isDirectory(candidate) { return candidate }
            if dir == "/" { return nil }
            dir = parent(dir)
        }
    }

    /// The name of a directory entry.
    static func entryName(_ entry: UnsafeMutablePointer<dirent>) -> String {
        String(decoding: entryNameBytes(entry), as: UTF8.self)
    }

    /// The `*.tenant` files under a directory and its subdirectories (not hidden ones), sorted.
    /// Symbolic links to directories are not followed (a link back up would never end);
    /// links to files are taken like files.
    static func tenantFiles(under directory: String) throws(IOFailure) -> [String] {
        try tenantFiles(under: directory, skipping: { _ in false })
    }

    /// The `*.tenant` files of the project whose root is `root` (see `tenantFiles(under:)`):
    /// not those of its tier directory, of the directories in `skipping`, or of a nested
    /// project (a directory below the root with a `tiers/` of its own).
    static func projectFiles(under root: String, tiersDirectory: String, skipping: Set<String>) throws(IOFailure) -> [String] {
        try tenantFiles(under: root) { dir in
            dir == tiersDirectory || skipping.contains(dir) || isDirectory(dir + "/tiers")
        }
    }

    /// `tenantFiles(under:)`, leaving out the subdirectories `skip` names (not `directory` itself).
    private static func tenantFiles(under directory: String, skipping skip: (String) -> Bool) throws(IOFailure) -> [String] {
        // The paths are gathered as bytes in one buffer and sorted there: concatenating and
        // sorting ten thousand `String`s (whose comparison is Unicode-aware) was most of the
        // start of a large build.
        var arena: [UInt8] = []
        var spans: [Range<Int>] = []
        var pending = [directory]
        while let dir = pending.popLast() {
            if dir != directory, skip(dir) { continue }
            guard let handle = opendir(dir) else { throw IOFailure(dir, errno: errno) }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let name = entryNameBytes(entry)
                if name.first == UInt8(ascii: ".") { continue }
                func path() -> String { dir + "/" + String(decoding: name, as: UTF8.self) }
                func take() {
                    let start = arena.count
                    arena.append(contentsOf: dir.utf8)
                    arena.append(UInt8(ascii: "/"))
                    arena.append(contentsOf: name)
                    spans.append(start..<arena.count)
                }
                // The entry's type comes with it: no `stat` per file, which on a cold cache
                // would wait on the disk once per input.
                switch Int32(entry.pointee.d_type) {
                case Int32(DT_DIR):
                    pending.append(path())
                case Int32(DT_REG), Int32(DT_LNK):
                    if isTenantFileName(name) { take() }
                default:
                    // DT_UNKNOWN: a file system that does not tell.
                    var st = stat()
                    guard lstat(path(), &st) == 0 else { continue }
                    if (st.st_mode & S_IFMT) == S_IFDIR {
                        pending.append(path())
                    } else if isTenantFileName(name) {
                        take()
                    }
                }
            }
        }
        return arena.withUnsafeBufferPointer { bytes in
            spans.sorted { bytewiseLess(UnsafeBufferPointer(rebasing: bytes[$0]), UnsafeBufferPointer(rebasing: bytes[$1])) }
                .map { String(decoding: bytes[$0], as: UTF8.self) }
        }
    }

    /// `d_name` of a directory entry, read in place up to its NUL (valid until the next
    /// `readdir`). Copying `d_name` as a 256-byte tuple would read past the end of the last
    /// (shorter) entry of readdir's buffer.
    static func entryNameBytes(_ entry: UnsafeMutablePointer<dirent>) -> UnsafeBufferPointer<UInt8> {
        // `d_name` is a stored field of a C struct: its offset always exists.
        let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        let name = (UnsafeRawPointer(entry) + offset).assumingMemoryBound(to: UInt8.self)
        return UnsafeBufferPointer(start: name, count: strlen(name))
    }

    private static func isTenantFileName(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        let suffix: StaticString = ".tenant"
        let n = suffix.utf8CodeUnitCount
        guard name.count >= n, let base = name.baseAddress else { return false }
        return memcmp(base + (name.count - n), suffix.utf8Start, n) == 0
    }

    /// Byte order of two strings (code point order), without the Unicode-aware comparison of `<`.
    static func bytewiseLess(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { x in b.withUTF8 { y in bytewiseLess(x, y) } }
    }

    /// Byte order of two byte strings (code point order for UTF-8).
    private static func bytewiseLess(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = min(x.count, y.count)
        if n > 0, let p = x.baseAddress, let q = y.baseAddress {
            let c = memcmp(p, q, n)
            if c != 0 { return c < 0 }
        }
        return x.count < y.count
    }

    /// The `*.tenant` files of a directory, sorted by name (not recursive).
    static func tenantFiles(in directory: String) throws(IOFailure) -> [String] {
        guard let dir = opendir(directory) else { throw IOFailure(directory, errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = entryName(entry)
            if name.hasSuffix(".tenant"), !name.hasPrefix(".") { names.append(name) }
        }
        return names.sorted().map { directory + "/" + $0 }
    }
}

/// Reads all of stdin (an editor's unsaved buffer), up to the source size limit.
public func readStandardInput() throws(IOFailure) -> [UInt8] {
    try FileSystem.readStandardInput()
}

/// An editor's unsaved buffer read from stdin, standing for the file `path`. Reading stops at
/// the source size limit: a larger buffer gets the diagnostic a file of that size gets (E0009).
public func standardInputSource(path: String) throws(IOFailure) -> SourceInput {
    do {
        return SourceInput(path: path, contents: try FileSystem.readStandardInput())
    } catch where error.tooLarge {
        var input = SourceInput(path: path, contents: [])
        input.failure = IOFailure(path, error.reason, tooLarge: true)
        return input
    }
}
