#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import TenantModel

/// Key files: one key, base64, on one line; mode 0600.
///
/// A *demo key* is a key published on purpose, such as the one the shipped examples are sealed
/// with: its file starts with the line `# tenantc demo key` (anything may follow on that line),
/// then holds the key. Such a key protects nothing, so the file's mode is not checked (git does
/// not keep a 0600 mode); a value sealed with it is readable by anyone, so the commands that
/// seal (`encrypt`, `rekey` to it) warn.
public enum KeyFile {
    /// The environment variable that names a key file wherever `--key-file` is accepted.
    public static let environmentVariable = "TENANTC_KEY_FILE"

    /// What the first line of a demo key's file starts with.
    public static let demoMarker = "# tenantc demo key"

    /// A key read from its file.
    public struct Contents: Sendable {
        public var key: SecretKey
        /// Set when the file can be read by its group or by others (never for a demo key).
        public var warning: String?
        /// The file declares the key public (`demoMarker`).
        public var isDemo: Bool
    }

    /// Reads a key. `warning` is set when the file can be read by its group or by others.
    public static func read(_ path: String) throws(SecretError) -> (key: SecretKey, warning: String?) {
        let contents = try readContents(path)
        return (contents.key, contents.warning)
    }

    /// Reads a key, and whether its file declares it a demo key.
    public static func readContents(_ path: String) throws(SecretError) -> Contents {
        // Opened without blocking (a FIFO would wait for a writer), its type checked on the descriptor.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw SecretError(.keyFile, "cannot read key file \(path): \(errorText(errno))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw SecretError(.keyFile, "cannot read key file \(path): \(errorText(errno))") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw SecretError(.keyFile, "key file \(path) is not a regular file") }
        guard fcntl(fd, F_SETFL, 0) == 0 else { throw SecretError(.keyFile, "cannot read key file \(path): \(errorText(errno))") }
        // A key is 44 characters of base64 (after a demo key's first line); anything much longer is not a key file.
        guard let buffer = readUpTo(fd, 1024) else { throw SecretError(.keyFile, "cannot read key file \(path): \(errorText(errno))") }
        var text = buffer[...]
        let isDemo = text.starts(with: demoMarker.utf8)
        if isDemo { text = text.drop { $0 != 0x0A }.dropFirst() }
        while let last = text.last, last == 0x0A || last == 0x0D || last == 0x20 || last == 0x09 { text = text.dropLast() }
        guard let bytes = Base64.decode(text), let key = SecretKey(bytes: bytes) else {
            throw SecretError(.keyFile, "key file \(path) does not hold a key: expected 32 bytes in base64, as `tenantc keygen` writes")
        }
        var warning: String?
        if st.st_mode & 0o044 != 0, !isDemo {
            warning = "key file \(path) can be read by \(st.st_mode & 0o004 != 0 ? "anyone" : "its group"); restrict it with `chmod 600 \(path)`"
        }
        return Contents(key: key, warning: warning, isDemo: isDemo)
    }

    /// Writes a new key to `path` with mode 0600; an existing file is never replaced.
    public static func create(_ path: String) throws(SecretError) -> SecretKey {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw SecretError(.keyFile, "\(path) exists: a key file is never overwritten (a key lost is every secret lost)") }
            throw SecretError(.keyFile, "cannot create key file \(path): \(errorText(errno))")
        }
        let key = SecretKey.generate()
        let bytes = Array(key.fileText.utf8)
        var ok = fchmod(fd, 0o600) == 0
        var written = 0
        while ok, written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }  // non-empty text
            if n < 0, errno == EINTR { continue }
            if n <= 0 { ok = false } else { written += n }
        }
        ok = ok && fsync(fd) == 0
        let failure = errno
        close(fd)
        guard ok else {
            unlink(path)
            throw SecretError(.keyFile, "cannot write key file \(path): \(errorText(failure))")
        }
        return key
    }
}

/// Up to `limit` bytes of `fd`; nil on a read error.
private func readUpTo(_ fd: Int32, _ limit: Int) -> [UInt8]? {
    var buffer = [UInt8](repeating: 0, count: limit)
    var count = 0
    while count < limit {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, limit - count) }  // non-empty buffer
        if n < 0, errno == EINTR { continue }
        if n < 0 { return nil }
        if n == 0 { break }
        count += n
    }
    return Array(buffer[..<count])
}

private func errorText(_ code: Int32) -> String {
    guard let s = strerror(code) else { return "error \(code)" }
    return String(cString: s).lowercased()
}
