import Foundation
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
/// Each render starts one process; the calling thread blocks until it exits.
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
        self.searchPath = searchPath ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    }

    /// `tenantc-gen-NAME`.
    public var executableName: String { "tenantc-gen-" + name }

    /// The plugin's path: the first executable `tenantc-gen-NAME` in `searchPath`, or nil.
    public func locate() -> String? {
        // A name with a `/` could reach outside the search path.
        guard !name.isEmpty, !name.contains("/") else { return nil }
        let fm = FileManager.default
        for dir in searchPath.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = dir.hasSuffix("/") ? "\(dir)\(executableName)" : "\(dir)/\(executableName)"
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                fm.isExecutableFile(atPath: candidate)
            {
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

        var env = ProcessInfo.processInfo.environment
        env["PATH"] = searchPath
        env["TENANTC_TENANT_ID"] = tenant.id
        env["TENANTC_TENANT_TIER"] = tenant.tier
        env["TENANTC_TENANT_ENV"] = tenant.environment
        env["TENANTC_UNITS"] = options.units.rawValue

        let result: PluginResult
        do {
            result = try runPlugin(path: path, environment: env, input: input)
        } catch {
            throw BackendError("backend '\(name)': cannot run plugin '\(path)': \(describe(error))")
        }
        let failure: String? =
            switch result.reason {
            case .exit where result.status == 0: nil
            case .exit: "exited with status \(result.status)"
            case .uncaughtSignal: "was killed by signal \(result.status)"
            @unknown default: "failed (status \(result.status))"
            }
        if let failure {
            let excerpt = Self.excerpt(of: result.stderr)
            throw BackendError(
                "backend '\(name)': plugin '\(executableName)' \(failure)"
                    + (excerpt.isEmpty ? " and wrote nothing to stderr" : ":\n" + excerpt))
        }
        out.append(contentsOf: result.stdout)
    }

    /// The trimmed stderr, keeping only its last `stderrLimit` bytes.
    static func excerpt(of stderr: Data) -> String {
        let text = String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let bytes = Array(text.utf8)
        guard bytes.count > stderrLimit else { return text }
        var start = bytes.count - stderrLimit
        while start < bytes.count, bytes[start] & 0xC0 == 0x80 { start += 1 }  // a character boundary
        return "…" + String(decoding: bytes[start...], as: UTF8.self)
    }
}

private struct PluginResult {
    var reason: Process.TerminationReason
    var status: Int32
    var stdout: Data
    var stderr: Data
}

/// Filled by a helper thread before it signals, read after the wait.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}

/// Runs the plugin, feeding stdin and draining stdout and stderr concurrently so that neither
/// side can block on a full pipe.
private func runPlugin(path: String, environment: [String: String], input: [UInt8]) throws -> PluginResult {
    let (process, stdinPipe, stdoutPipe, stderrPipe) = try launch(path: path, environment: environment)

    let done = DispatchSemaphore(value: 0)
    let writer = stdinPipe.fileHandleForWriting
    Thread {
        writeIgnoringSIGPIPE(writer.fileDescriptor, input)
        try? writer.close()  // EOF for the plugin
        done.signal()
    }.start()
    let errors = DataBox()
    let errorReader = stderrPipe.fileHandleForReading
    Thread {
        errors.data = errorReader.readDataToEndOfFile()
        done.signal()
    }.start()
    let output = stdoutPipe.fileHandleForReading.readDataToEndOfFile()
    done.wait()
    done.wait()
    process.waitUntilExit()
    return PluginResult(
        reason: process.terminationReason, status: process.terminationStatus, stdout: output, stderr: errors.data)
}

/// Starts the plugin with its three standard streams on pipes.
///
/// Retries a few times when exec fails with ETXTBSY: that happens when the plugin file is still
/// open for writing somewhere, even only in a child that another thread is forking at that
/// moment (a plugin being installed while a build runs, or `make -j`).
private func launch(path: String, environment: [String: String]) throws -> (Process, Pipe, Pipe, Pipe) {
    var delay: UInt32 = 2_000  // microseconds
    var attempt = 0
    while true {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = []
        process.environment = environment
        let stdinPipe = Pipe()
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        do {
            try process.run()
            return (process, stdinPipe, stdoutPipe, stderrPipe)
        } catch  where attempt < 6 && isTextFileBusy(error) {
            attempt += 1
            usleep(delay)
            delay *= 2
        }
    }
}

private func isTextFileBusy(_ error: any Error) -> Bool {
    posixCode(of: error) == ETXTBSY
}

/// The errno behind a Foundation error, which wraps it in `NSUnderlyingErrorKey`.
private func posixCode(of error: any Error) -> Int32? {
    var e: NSError? = error as NSError
    while let current = e {
        if current.domain == NSPOSIXErrorDomain { return Int32(truncatingIfNeeded: current.code) }
        e = current.userInfo[NSUnderlyingErrorKey] as? NSError
    }
    return nil
}

/// `Permission denied` rather than Foundation's `Error Domain=NSCocoaErrorDomain Code=256 …`.
private func describe(_ error: any Error) -> String {
    if let code = posixCode(of: error) { return String(cString: strerror(code)) }
    return error.localizedDescription
}

/// Writes all of `bytes`, stopping quietly if the plugin closed its stdin early (its exit
/// status tells whether that was a failure). SIGPIPE is blocked on this thread only, so the
/// compiler is not killed and no process-wide signal disposition changes.
private func writeIgnoringSIGPIPE(_ fd: Int32, _ bytes: [UInt8]) {
    var pipeSignal = sigset_t()
    sigemptyset(&pipeSignal)
    sigaddset(&pipeSignal, SIGPIPE)
    pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
    bytes.withUnsafeBytes { buf in
        var offset = 0
        while offset < buf.count {
            let n = write(fd, buf.baseAddress! + offset, buf.count - offset)  // inside the loop, buf is non-empty
            if n > 0 {
                offset += n
            } else if n < 0, errno == EINTR {
                continue
            } else {
                break  // EPIPE: the plugin stopped reading
            }
        }
    }
    // Consume a SIGPIPE left pending by EPIPE, so it cannot fire if the mask is lifted.
    var zero = timespec(tv_sec: 0, tv_nsec: 0)
    while sigtimedwait(&pipeSignal, nil, &zero) > 0 {}
}
