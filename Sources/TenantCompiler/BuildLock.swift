#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An advisory lock (`flock`) on a file of a directory, held while a build writes there.
///
/// Builds of one directory take turns, whatever process, container or PID namespace they run
/// in on one kernel (and on NFS, where Linux emulates `flock` with byte-range locks): process
/// ids say nothing across namespaces, a held lock does. While a build holds the lock, no other
/// build writes in the directory, so tenantc's temporary files found there belong to a build
/// that died, and may be removed.
///
/// The file is removed when the lock is released (a killed build leaves it; the next build
/// takes it over). A build that was waiting on a file removed meanwhile locks the new one.
struct BuildLock {
    /// The directory holding the lock file (not owned: its owner closes it after `release`).
    private let directory: Int32
    private let name: String
    private let fd: Int32

    /// Takes the lock `name` in `directory`, waiting while another build holds it;
    /// `waiting` is called once, before the first wait. `shown` names the lock file in errors.
    /// Nil when this user cannot create files in `directory` (read-only): a build that finds
    /// every artifact unchanged there still succeeds, and one that must write fails with the
    /// system's reason when it creates its first file.
    static func acquire(in directory: Int32, name: String, shown: String,
                        waiting: () -> Void) throws(IOFailure) -> BuildLock? {
        var announced = false
        while true {
            let fd = openat(directory, name, O_RDONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                if errno == EACCES || errno == EROFS { return nil }
                throw IOFailure(shown, errno: errno)
            }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                guard errno == EWOULDBLOCK else { return try fail(fd, shown) }
                if !announced {
                    announced = true
                    waiting()
                }
                while flock(fd, LOCK_EX) != 0 {
                    guard errno == EINTR else { return try fail(fd, shown) }
                }
            }
            // Still the file at that name (the build that held it removes it on its way out)?
            var held = stat()
            var named = stat()
            if fstat(fd, &held) == 0, fstatat(directory, name, &named, AT_SYMLINK_NOFOLLOW) == 0,
               held.st_dev == named.st_dev, held.st_ino == named.st_ino {
                guard (held.st_mode & S_IFMT) == S_IFREG else {
                    close(fd)
                    throw IOFailure(shown, "exists and is not a regular file (tenantc's lock file)")
                }
                return BuildLock(directory: directory, name: name, fd: fd)
            }
            close(fd)
        }
    }

    private static func fail(_ fd: Int32, _ shown: String) throws(IOFailure) -> BuildLock {
        let failure = IOFailure(shown, errno: errno)
        close(fd)
        throw failure
    }

    /// Removes the lock file, then lets the next build in.
    func release() {
        unlinkat(directory, name, 0)
        close(fd)
    }
}
