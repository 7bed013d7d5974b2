#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension FileSystem {
    /// Rewrites a source file in place (`rekey`, `migrate`): `bytes` go to a temporary file
    /// beside it, flushed, then renamed over it, so a reader or a crash sees the old file or the
    /// new one. A symbolic link is followed: the file it names is replaced and the link stays.
    ///
    /// The new file gets the old one's mode, group and owner (the owner as far as the system lets
    /// this user give it: all of it when running as root). It is a new file (inode): another
    /// hard link to the old one keeps the old content — rewriting the old file's bytes in place
    /// instead could leave it half-written by a crash.
    ///
    /// The temporary file is `.NAME.tenantc-new`, locked (`flock`) while it is written: one that
    /// nobody holds was left by a rewrite that was killed, and this one takes it over; one that
    /// is held means another rewrite of the same file is under way, and this one fails.
    /// Returns the reason of a failure, after removing the temporary file.
    static func replaceFile(_ path: String, with bytes: [UInt8]) -> String? {
        guard let resolved = realpath(path, nil) else { return String(cString: strerror(errno)) }
        let path = String(cString: resolved)
        free(resolved)
        let dir = open(parent(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dir >= 0 else { return String(cString: strerror(errno)) }
        defer { close(dir) }
        let name = String(decoding: path.utf8.split(separator: UInt8(ascii: "/")).last ?? [], as: UTF8.self)
        var st = stat()
        guard fstatat(dir, name, &st, 0) == 0 else { return String(cString: strerror(errno)) }
        if let kind = notARegularFile(st.st_mode) { return kind }
        let temp = "." + name + ".tenantc-new"
        let fd: Int32
        switch lockedTemporary(temp, in: dir) {
        case .success(let opened): fd = opened
        case .failure(let failure): return failure.reason
        }
        defer { close(fd) }  // after the rename: the lock is held until the temporary name is gone
        var failure: Int32 = 0
        if ftruncate(fd, 0) != 0 || fcntl(fd, F_SETFL, 0) != 0 {
            failure = errno
        } else if fchown(fd, st.st_uid, st.st_gid) != 0, errno != EPERM {
            failure = errno
        } else if fchmod(fd, st.st_mode & 0o7777) != 0 {  // after fchown, which may clear set-id bits
            failure = errno
        } else if let code = writeAll(fd, bytes) {
            failure = code
        } else if fsync(fd) != 0 || renameat(dir, temp, dir, name) != 0 {
            failure = errno
        }
        guard failure == 0 else {
            unlinkat(dir, temp, 0)
            return String(cString: strerror(failure))
        }
        return nil
    }

    /// Opens and locks the temporary file `temp` of `dir` (created 0600 when missing: it is
    /// given the old file's mode once its owner is set).
    private static func lockedTemporary(_ temp: String, in dir: Int32) -> Result<Int32, Reason> {
        while true {
            let fd = openat(dir, temp, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return .failure(Reason(String(cString: strerror(errno)))) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                let busy = errno == EWOULDBLOCK
                let reason = busy ? "another tenantc is rewriting this file (it holds \(temp))" : String(cString: strerror(errno))
                close(fd)
                return .failure(Reason(reason))
            }
            // Still the file at that name? A rewrite that held it may have renamed it into place meanwhile.
            var held = stat()
            var named = stat()
            if fstat(fd, &held) == 0, fstatat(dir, temp, &named, AT_SYMLINK_NOFOLLOW) == 0,
               held.st_dev == named.st_dev, held.st_ino == named.st_ino {
                guard notARegularFile(held.st_mode) == nil else {
                    close(fd)
                    return .failure(Reason("\(temp) \(notARegularFile(held.st_mode) ?? "")"))
                }
                return .success(fd)
            }
            close(fd)
        }
    }

    /// Why a rewrite failed, as shown.
    private struct Reason: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// Writes all of `bytes` to `fd`; the error code of a failure.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }  // non-empty: written < count
            if n < 0, errno == EINTR { continue }
            if n < 0 { return errno }
            written += n
        }
        return nil
    }
}
