import Synchronization
import TenantModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A backend provided by an executable `tenantc-gen-NAME` on `PATH`, in the manner of protoc
/// plugins: it reads the tenant's JSON (as the `json` backend writes it with `-o DIR`) on stdin,
/// and what it writes on stdout is the artifact. This lets teams add formats (HCL, TOML, …)
/// without changing the compiler.
///
/// The child also gets `TENANTC_TENANT_ID`, `TENANTC_TENANT_TIER`, `TENANTC_TENANT_ENV`,
/// `TENANTC_UNITS` and `TENANTC_SENSITIVE` in its environment, since the JSON holds only the
/// configuration. `TENANTC_KEY_FILE` reaches it only when it is given plaintexts anyway
/// (`--sensitive plain`): a plugin that gets redacted or encrypted secrets has no use for the key.
///
/// Each render starts one process (posix_spawn); the calling thread blocks until it exits, for
/// at most `timeout`, and keeps at most `maxOutputBytes` of its output: a plugin that hangs or
/// writes without end is stopped (with everything it started) and reported.
public struct ExternalBackend: Backend {
    public let name: String
    public var fileExtension: String { name }
    /// The directories searched for the plugin, `:`-separated like `PATH`; it is also the
    /// child's `PATH`. Passed explicitly so tests and embedders need not mutate the process
    /// environment.
    public let searchPath: String
    /// How long one run may take before the plugin is stopped (`--plugin-timeout`).
    public let timeout: Duration
    /// The most a plugin may write on stdout for one tenant: an artifact's size bound.
    public let maxOutputBytes: Int
    /// Run before each new attempt at starting a plugin whose file is busy (ETXTBSY): a test
    /// frees the file there, instead of waiting for a thread to.
    var beforeRetry: @Sendable () -> Void = {}

    public static let defaultTimeout = Duration.seconds(60)
    public static let defaultMaxOutputBytes = 64 << 20

    /// The longest stderr excerpt quoted in an error: plugins can be chatty, and the end of
    /// their output (a traceback's last line) is what explains the failure.
    static let stderrLimit = 2048

    public init(name: String, searchPath: String? = nil, timeout: Duration = defaultTimeout,
                maxOutputBytes: Int = defaultMaxOutputBytes) {
        self.name = name
        self.searchPath = searchPath ?? getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        self.timeout = timeout
        self.maxOutputBytes = maxOutputBytes
    }

    /// `tenantc-gen-NAME`.
    public var executableName: String { "tenantc-gen-" + name }

    /// The plugin's path: the first executable `tenantc-gen-NAME` in `searchPath`, or nil.
    public func locate() -> String? {
        // A name with a `/` could reach outside the search path.
        guard !name.isEmpty, !name.contains("/") else { return nil }
        for dir in searchPath.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = dir.hasSuffix("/") ? "\(dir)\(executableName)" : "\(dir)/\(executableName)"
            var st = stat()
            if stat(candidate, &st) == 0, (st.st_mode & S_IFMT) != S_IFDIR, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }

    public func render(_ tenant: ResolvedTenant, options: RenderOptions, layout: RenderLayout, into out: inout [UInt8]) throws {
        // The search path is not repeated: it can be long, and it is the user's own.
        guard let path = locate() else {
            throw BackendError("backend '\(name)': plugin '\(executableName)' was not found on PATH")
        }
        var input: [UInt8] = []
        try JSONBackend().render(tenant, options: options, layout: .file, into: &input)

        let givesPlaintexts = options.sensitive == .plain
        var environment = currentEnvironment()
        environment["PATH"] = searchPath
        environment["TENANTC_TENANT_ID"] = tenant.id
        environment["TENANTC_TENANT_TIER"] = tenant.tier
        environment["TENANTC_TENANT_ENV"] = tenant.environment
        environment["TENANTC_UNITS"] = options.units.rawValue
        environment["TENANTC_SENSITIVE"] = options.sensitive.rawValue
        if !givesPlaintexts { environment["TENANTC_KEY_FILE"] = nil }

        let result: PluginResult
        do {
            result = try runPlugin(path: path, environment: environment, input: input,
                                   limits: PluginLimits(timeout: timeout, maxOutputBytes: maxOutputBytes, stderrBytes: 2 * Self.stderrLimit,
                                                        beforeRetry: beforeRetry))
        } catch {
            throw BackendError("backend '\(name)': cannot run plugin '\(path)': \(error.reason)")
        }
        let failure: String?
        var stopped = true
        switch result.end {
        case .timedOut: failure = "did not finish within \(Self.describe(timeout)) and was stopped (--plugin-timeout changes the limit)"
        case .outputTooLarge: failure = "wrote more than \(Self.describe(bytes: maxOutputBytes)) to stdout and was stopped"
        case .signal(let signal): (failure, stopped) = ("was killed by signal \(signal)", false)
        case .status(let status): (failure, stopped) = (status == 0 ? nil : "exited with status \(status)", false)
        }
        if let failure {
            // A plugin given plaintexts may echo them (a traceback quoting its input): its stderr
            // would carry them into diagnostics and CI logs.
            guard !givesPlaintexts else {
                throw BackendError("backend '\(name)': plugin '\(executableName)' \(failure) (its stderr is not shown: it was given plaintext secrets)")
            }
            let excerpt = Self.excerpt(of: result.stderr)
            throw BackendError(
                "backend '\(name)': plugin '\(executableName)' \(failure)"
                    + (excerpt.isEmpty ? (stopped ? "" : " and wrote nothing to stderr") : ":\n" + excerpt))
        }
        out.append(contentsOf: result.stdout)
    }

    /// `60 s`, `1.5 s`.
    static func describe(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let millis = attoseconds / 1_000_000_000_000_000
        guard millis > 0 else { return "\(seconds) s" }
        var fraction = String(millis + 1000).dropFirst()
        while fraction.hasSuffix("0") { fraction = fraction.dropLast() }
        return "\(seconds).\(fraction) s"
    }

    /// `64 MiB`, or bytes when not a whole number of MiB.
    static func describe(bytes: Int) -> String {
        bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : bytes == 1 ? "1 byte" : "\(bytes) bytes"
    }

    /// The trimmed stderr, keeping only its last `stderrLimit` bytes.
    static func excerpt(of stderr: [UInt8]) -> String {
        var bytes = stderr[...]
        while let first = bytes.first, first == 0x20 || (first >= 0x09 && first <= 0x0D) { bytes = bytes.dropFirst() }
        while let last = bytes.last, last == 0x20 || (last >= 0x09 && last <= 0x0D) { bytes = bytes.dropLast() }
        guard bytes.count > stderrLimit else { return String(decoding: bytes, as: UTF8.self) }
        var start = bytes.endIndex - stderrLimit
        while start < bytes.endIndex, bytes[start] & 0xC0 == 0x80 { start += 1 }  // a character boundary
        return "…" + String(decoding: bytes[start...], as: UTF8.self)
    }
}

private struct PluginLimits {
    var timeout: Duration
    var maxOutputBytes: Int
    /// Only the end of stderr is kept.
    var stderrBytes: Int
    var beforeRetry: @Sendable () -> Void
}

private struct PluginResult {
    enum End {
        case status(Int32)
        case signal(Int32)
        case timedOut
        case outputTooLarge
    }

    var end: End
    var stdout: [UInt8]
    var stderr: [UInt8]
}

private struct PluginError: Error {
    var reason: String
    init(_ code: Int32) { reason = String(cString: strerror(code)) }
}

/// The process environment as a dictionary.
private func currentEnvironment() -> [String: String] {
    var out: [String: String] = [:]
    var p = environ
    while let entry = p.pointee {
        let s = String(cString: entry)
        if let eq = s.firstIndex(of: "=") { out[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
        p += 1
    }
    return out
}

/// Held while descriptors are made close-on-exec and while plugins are spawned: a plugin
/// started by another thread in between would inherit them (a pipe it inherits would not end
/// until that plugin exits). `pipe2` and `mkostemp`, which set the flag at once, are not portable.
private let spawnLock = Mutex<Void>(())

private func closeOnExec(_ fds: Int32...) {
    for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
}

/// An anonymous temporary file (unlinked at once) for the plugin's stdin: the plugin reads it at
/// its pace, and tenantc never blocks writing to it.
private func anonymousFile() throws(PluginError) -> Int32 {
    let dir = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    var template = Array((dir + "/tenantc-plugin-XXXXXX").utf8CString)
    let fd = spawnLock.withLock { _ in
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }  // a non-empty C string
        if fd >= 0 { closeOnExec(fd) }
        return fd
    }
    guard fd >= 0 else { throw PluginError(errno) }
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    return fd
}

/// A pipe whose ends are closed on exec (the child gets its end through `dup2`, which clears the flag).
private func closeOnExecPipe() throws(PluginError) -> (read: Int32, write: Int32) {
    var fds: [Int32] = [-1, -1]
    let rc = spawnLock.withLock { _ in
        let rc = pipe(&fds)
        if rc == 0 { closeOnExec(fds[0], fds[1]) }
        return rc
    }
    guard rc == 0 else { throw PluginError(errno) }
    return (fds[0], fds[1])
}

private func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(PluginError) {
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }  // inside the loop, non-empty
        if n < 0 {
            if errno == EINTR { continue }
            throw PluginError(errno)
        }
        offset += n
    }
}

/// Runs the plugin (stdin on an anonymous file, stdout and stderr on pipes) and collects its
/// output until it exits, or until `limits` stop it.
///
/// The plugin is the leader of a process group of its own, so that stopping it stops what it
/// started too (a shell script's `sleep`, which would otherwise hold the pipes open).
///
/// Retries a few times when exec fails with ETXTBSY: that happens when the plugin file is still
/// open for writing somewhere, even only in a child that another thread is forking at that
/// moment (a plugin being installed while a build runs, or `make -j`).
private func runPlugin(path: String, environment: [String: String], input: [UInt8], limits: PluginLimits) throws(PluginError) -> PluginResult {
    let deadline = ContinuousClock.now + limits.timeout
    let stdinFD = try anonymousFile()
    defer { close(stdinFD) }
    try writeAll(stdinFD, input)
    lseek(stdinFD, 0, SEEK_SET)
    let stdoutPipe = try closeOnExecPipe()
    let stderrPipe: (read: Int32, write: Int32)
    do { stderrPipe = try closeOnExecPipe() } catch {
        close(stdoutPipe.read)
        close(stdoutPipe.write)
        throw error
    }
    var readEnds = [stdoutPipe.read, stderrPipe.read]
    defer { for fd in readEnds where fd >= 0 { close(fd) } }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, stdinFD, 0)
    posix_spawn_file_actions_adddup2(&actions, stdoutPipe.write, 1)
    posix_spawn_file_actions_adddup2(&actions, stderrPipe.write, 2)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
    posix_spawnattr_setpgroup(&attributes, 0)

    let env = environment.map { "\($0)=\($1)" }
    var cEnv: [UnsafeMutablePointer<CChar>?] = env.map { strdup($0) } + [nil]
    var cArgs: [UnsafeMutablePointer<CChar>?] = [strdup(path), nil]
    defer {
        for p in cEnv { free(p) }
        for p in cArgs { free(p) }
    }
    var pid = pid_t()
    var delay: UInt32 = 2_000  // microseconds
    var attempt = 0
    var spawnError: Int32 = 0
    while true {
        let rc = spawnLock.withLock { _ in posix_spawn(&pid, path, &actions, &attributes, &cArgs, &cEnv) }
        if rc == 0 { break }
        guard rc == ETXTBSY, attempt < 6 else {
            spawnError = rc
            break
        }
        attempt += 1
        limits.beforeRetry()
        usleep(delay)
        delay *= 2
    }
    // The child holds its own copies of the write ends; ours must go, or the pipes never end.
    close(stdoutPipe.write)
    close(stderrPipe.write)
    if spawnError != 0 { throw PluginError(spawnError) }

    var stdout: [UInt8] = []
    var stderr: [UInt8] = []
    var stopped: PluginResult.End?
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    // Both pipes, until both end or a limit is reached.
    while readEnds.contains(where: { $0 >= 0 }), stopped == nil {
        var polled = readEnds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let ready = poll(&polled, nfds_t(polled.count), milliseconds(until: deadline))
        if ready < 0 {
            if errno == EINTR { continue }
            throw PluginError(errno)
        }
        if ready == 0 {
            stopped = .timedOut
            break
        }
        for (index, p) in polled.enumerated() where p.fd >= 0 && p.revents != 0 {
            let n = chunk.withUnsafeMutableBytes { read(p.fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR || errno == EAGAIN { continue }
            if n <= 0 {
                close(p.fd)
                readEnds[index] = -1
            } else if index == 0 {
                stdout.append(contentsOf: chunk[0..<n])
                if stdout.count > limits.maxOutputBytes { stopped = .outputTooLarge }
            } else {
                stderr.append(contentsOf: chunk[0..<n])
                if stderr.count > 2 * limits.stderrBytes { stderr.removeFirst(stderr.count - limits.stderrBytes) }
            }
        }
    }
    // The pipes are closed: the plugin may still be running (it closed them itself).
    var status: Int32?
    if stopped == nil {
        status = exitStatus(pid, before: deadline)
        if status == nil { stopped = .timedOut }
    }
    guard let status else {
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
        _ = exitStatus(pid, before: nil)
        return PluginResult(end: stopped ?? .timedOut, stdout: [], stderr: stderr)
    }
    let signaled = (status & 0x7F) != 0 && (status & 0x7F) != 0x7F
    return PluginResult(end: signaled ? .signal(status & 0x7F) : .status((status >> 8) & 0xFF), stdout: stdout, stderr: stderr)
}

/// Milliseconds left until `deadline`, for `poll` (0 once it has passed).
private func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
    let (seconds, attoseconds) = (deadline - ContinuousClock.now).components
    guard seconds >= 0, attoseconds >= 0 else { return 0 }
    return Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
}

/// Reaps the child and returns its wait status; nil if it is still running at `deadline` (then
/// it is not reaped). Without a deadline, waits as long as it takes. With one, checks at growing
/// intervals: a plugin usually exits at once after closing its output.
private func exitStatus(_ pid: pid_t, before deadline: ContinuousClock.Instant?) -> Int32? {
    var status: Int32 = 0
    var pause: Int32 = 1
    while true {
        let rc = waitpid(pid, &status, deadline == nil ? 0 : WNOHANG)
        if rc == pid { return status }
        if rc < 0 {
            if errno == EINTR { continue }
            return status  // not our child any more: nothing to wait for
        }
        guard let deadline else { continue }
        let left = milliseconds(until: deadline)
        if left == 0 { return nil }
        _ = poll(nil, 0, min(pause, left))
        pause = min(pause * 2, 50)
    }
}
