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
/// The child also gets `TENANTC_TENANT_ID`, `TENANTC_TENANT_TIER`, `TENANTC_TENANT_ENV` and
/// `TENANTC_UNITS` in its environment, since the JSON holds only the configuration.
///
/// Each render starts one process (posix_spawn); the calling thread blocks until it exits.
public struct ExternalBackend: Backend {
    public let name: String
    public var fileExtension: String { name }
    /// The directories searched for the plugin, `:`-separated like `PATH`; it is also the
    /// child's `PATH`. Passed explicitly so tests and embedders need not mutate the process
    /// environment.
    public let searchPath: String

    /// The longest stderr excerpt quoted in an error: plugins can be chatty, and the end of
    /// their output (a traceback's last line) is what explains the failure.
    static let stderrLimit = 2048

    public init(name: String, searchPath: String? = nil) {
        self.name = name
        self.searchPath = searchPath ?? getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
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
        guard let path = locate() else {
            throw BackendError("backend '\(name)': plugin '\(executableName)' was not found on PATH (\(searchPath))")
        }
        var input: [UInt8] = []
        try JSONBackend().render(tenant, options: options, layout: .file, into: &input)

        var environment = currentEnvironment()
        environment["PATH"] = searchPath
        environment["TENANTC_TENANT_ID"] = tenant.id
        environment["TENANTC_TENANT_TIER"] = tenant.tier
        environment["TENANTC_TENANT_ENV"] = tenant.environment
        environment["TENANTC_UNITS"] = options.units.rawValue
        environment["TENANTC_SENSITIVE"] = options.sensitive.rawValue

        let result: PluginResult
        do {
            result = try runPlugin(path: path, environment: environment, input: input)
        } catch {
            throw BackendError("backend '\(name)': cannot run plugin '\(path)': \(error.reason)")
        }
        let failure: String? =
            if let signal = result.signal { "was killed by signal \(signal)" }
            else if result.status != 0 { "exited with status \(result.status)" }
            else { nil }
        if let failure {
            let excerpt = Self.excerpt(of: result.stderr)
            throw BackendError(
                "backend '\(name)': plugin '\(executableName)' \(failure)"
                    + (excerpt.isEmpty ? " and wrote nothing to stderr" : ":\n" + excerpt))
        }
        out.append(contentsOf: result.stdout)
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

private struct PluginResult {
    var status: Int32
    var signal: Int32?
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

/// An anonymous temporary file (unlinked at once), for the plugin's standard streams: with
/// files instead of pipes, neither side can block on the other, and no helper thread is needed.
private func anonymousFile() throws(PluginError) -> Int32 {
    let dir = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    var template = Array((dir + "/tenantc-plugin-XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }  // a non-empty C string
    guard fd >= 0 else { throw PluginError(errno) }
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    return fd
}

private func readAll(_ fd: Int32) -> [UInt8] {
    lseek(fd, 0, SEEK_SET)
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0, errno == EINTR { continue }
        if n <= 0 { break }
        out.append(contentsOf: chunk[0..<n])
    }
    return out
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

/// Runs the plugin with stdin, stdout and stderr on anonymous files and waits for it.
///
/// Retries a few times when exec fails with ETXTBSY: that happens when the plugin file is still
/// open for writing somewhere, even only in a child that another thread is forking at that
/// moment (a plugin being installed while a build runs, or `make -j`).
private func runPlugin(path: String, environment: [String: String], input: [UInt8]) throws(PluginError) -> PluginResult {
    let stdinFD = try anonymousFile()
    defer { close(stdinFD) }
    let stdoutFD = try anonymousFile()
    defer { close(stdoutFD) }
    let stderrFD = try anonymousFile()
    defer { close(stderrFD) }
    try writeAll(stdinFD, input)
    lseek(stdinFD, 0, SEEK_SET)

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, stdinFD, 0)
    posix_spawn_file_actions_adddup2(&actions, stdoutFD, 1)
    posix_spawn_file_actions_adddup2(&actions, stderrFD, 2)

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
    while true {
        let rc = posix_spawn(&pid, path, &actions, nil, &cArgs, &cEnv)
        if rc == 0 { break }
        guard rc == ETXTBSY, attempt < 6 else { throw PluginError(rc) }
        attempt += 1
        usleep(delay)
        delay *= 2
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
        guard errno == EINTR else { throw PluginError(errno) }
    }
    let signaled = (status & 0x7F) != 0 && (status & 0x7F) != 0x7F
    return PluginResult(status: (status >> 8) & 0xFF, signal: signaled ? status & 0x7F : nil,
                        stdout: readAll(stdoutFD), stderr: readAll(stderrFD))
}
