import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The account server programs run as. PostgreSQL's initdb and postgres refuse to run as root,
/// and the tests run as root in CI: there the servers run as `nobody`, through `setpriv` (no
/// login session, no PAM, the environment kept), in directories handed over to `nobody`.
/// Otherwise they run as the current user.
struct ServerAccount: Sendable {
    let uid: uid_t
    let gid: gid_t
    /// Put before a command to run it as the account; empty when it is the current user.
    let commandPrefix: [String]

    static let unprivilegedName = "nobody"

    static let current: Result<ServerAccount, ServerError> = {
        guard geteuid() == 0 else { return .success(ServerAccount(uid: geteuid(), gid: getegid(), commandPrefix: [])) }
        guard let setpriv = executableOnPath("setpriv") ?? existing("/usr/bin/setpriv") else {
            return .failure(ServerError("running as root needs setpriv (Debian: util-linux) to run servers as `\(unprivilegedName)`"))
        }
        guard let entry = getpwnam(unprivilegedName) else {
            return .failure(ServerError("running as root, and there is no user `\(unprivilegedName)` to run servers as"))
        }
        let uid = entry.pointee.pw_uid, gid = entry.pointee.pw_gid
        return .success(ServerAccount(uid: uid, gid: gid, commandPrefix: [setpriv, "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "--"]))
    }()

    var isCurrentUser: Bool { commandPrefix.isEmpty }

    /// Makes the account the owner of `url` (not of what is inside it).
    func own(_ url: URL) throws {
        guard !isCurrentUser else { return }
        guard lchown(url.path, uid, gid) == 0 else { throw ServerError("chown \(url.path): errno \(errno)") }
    }

    /// `command` (a program and its arguments), as the account.
    func command(_ command: [String]) -> (program: String, arguments: [String]) {
        let full = commandPrefix + command
        return (full[0], Array(full.dropFirst()))
    }

    /// Throws unless the account can write in `directory`: the temporary directory's parents
    /// must let others through (a TMPDIR under root's home does not).
    func checkCanWrite(_ directory: URL) throws {
        guard !isCurrentUser else { return }
        let (program, arguments) = command(["/bin/sh", "-c", "test -w \"$0\" && test -x \"$0\"", directory.path])
        guard try ProgramRunner.run(program, arguments).succeeded else {
            throw ServerError("""
                user `\(Self.unprivilegedName)`, which runs the servers when the tests run as root, cannot write in \
                \(directory.path): set TMPDIR to a directory whose parents others may enter
                """)
        }
    }

    private static func existing(_ path: String) -> String? {
        FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }
}
