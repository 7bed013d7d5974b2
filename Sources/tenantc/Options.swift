import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TenantCompiler
import TenantDiagnostics
import TenantSecrets

/// Options every compiling command shares.
struct CompileOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("The .tenant files to compile.", valueName: "files"))
    var files: [String] = []

    @Option(name: .customLong("tiers"), help: ArgumentHelp("Tier directory (default: the nearest `tiers/` above each input).", valueName: "dir"))
    var tiersDirectory: String?

    @Option(name: .customLong("env"), help: ArgumentHelp("Build for this environment (repeatable; overrides each tenant's own).", valueName: "name"))
    var environments: [String] = []

    @Option(help: ArgumentHelp("Diagnostics format: human, json, gcc or sarif.", valueName: "format"))
    var format: DiagnosticFormat = .human

    @Option(help: ArgumentHelp("Colour in human diagnostics: auto, always or never. `NO_COLOR` disables auto.", valueName: "when"))
    var color: ColorChoice = .auto

    @Option(name: .customLong("jobs"), help: ArgumentHelp("Threads to compile with (default: all cores).", valueName: "n"))
    var jobsOption: Int?
    /// `--jobs`, or every core: the parser would show a default of this machine's count.
    var jobs: Int { jobsOption ?? availableCores }

    func validate() throws {
        if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if files.isEmpty { throw ValidationError("no input files: give one or more .tenant files") }
    }

    /// The compile these options ask for, of `inputs`.
    func request(_ inputs: [SourceInput], emit: EmitPlan? = nil) throws -> CompileRequest {
        var request = CompileRequest(inputs: inputs, tiersDirectory: tiersDirectory, environments: environments, jobs: jobs, emit: emit)
        request.freesWorkingMemory = false  // the process ends with this command
        request.fastPaths = try fastPaths()
        return request
    }
}

/// `TENANTC_FAST_PATHS` (docs/architecture.md): the fast paths to keep, for debugging one of
/// them against the clear path. Unset: all.
func fastPaths() throws -> FastPaths {
    guard let value = getenv("TENANTC_FAST_PATHS") else { return .all }
    let text = String(cString: value)
    guard let paths = FastPaths(text) else {
        throw failure("TENANTC_FAST_PATHS=\(text): expected `all`, `none` or names among "
                      + FastPaths.names.map { "`\($0.name)`" }.joined(separator: ", "))
    }
    return paths
}

enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
}

extension DiagnosticFormat: ExpressibleByArgument {}

/// Whether human diagnostics on stderr get colour.
func useColor(_ choice: ColorChoice) -> Bool {
    switch choice {
    case .always: return true
    case .never: return false
    case .auto:
        if let v = getenv("NO_COLOR"), v.pointee != 0 { return false }
        if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
        return isatty(2) != 0
    }
}

/// Writes bytes to a file descriptor, all of them.
func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    bytes.withUnsafeBytes { raw in
        var off = 0
        while off < raw.count {
            let n = write(fd, raw.baseAddress! + off, raw.count - off)  // non-empty: base address exists
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                return
            }
            off += n
        }
    }
}

func writeAll(_ fd: Int32, _ text: String) { writeAll(fd, Array(text.utf8)) }

/// Ends a command on a problem that is not a diagnostic: `tenantc: error: …` and its help lines
/// on stderr; the exit code (2: usage or I/O) is for the caller to throw.
func failure(_ message: String, help: [String] = [], code: Int32 = 2) -> ExitCode {
    var text = "tenantc: error: \(message)\n"
    for h in help { text += "  help: \(h)\n" }
    writeAll(2, text)
    return ExitCode(code)
}

/// Prints diagnostics in the chosen format: human and gcc on stderr; json and sarif on
/// `machineFD` (stdout, unless stdout carries artifacts).
func report(_ outcome: CompileOutcome, format: DiagnosticFormat, color: ColorChoice, machineFD: Int32 = 1) {
    report(outcome.diagnostics, sources: outcome.sources, counts: outcome.counts, format: format, color: color, machineFD: machineFD)
}

func report(_ diagnostics: [Diagnostic], sources: SourceMap, counts: DiagnosticCounts, format: DiagnosticFormat, color: ColorChoice,
            machineFD: Int32 = 1) {
    let style = RenderStyle(color: useColor(color))
    let text = render(diagnostics, as: format, sourceMap: sources, style: style, counts: counts, toolVersion: tenantcVersion)
    switch format {
    case .human:
        writeAll(2, text + renderSummary(counts, color: style.color) + explainHint(diagnostics))
    case .gcc:
        writeAll(2, text)
    case .json, .sarif:
        writeAll(machineFD, text)
    }
}

/// The line after the human summary that points at the pages of the codes shown, as rustc's
/// "try `rustc --explain`": `For more about E0310 and W0311, run `tenantc explain-error CODE`.`
func explainHint(_ diagnostics: [Diagnostic]) -> String {
    var codes: [String] = []
    for d in diagnostics where !codes.contains(d.code.id) { codes.append(d.code.id) }
    guard let first = codes.first else { return "" }
    if codes.count == 1 { return "For more about \(first), run `tenantc explain-error \(first)`.\n" }
    let listed = Array(codes.prefix(5))
    let named = codes.count > listed.count
        ? listed.joined(separator: ", ") + " and \(codes.count - listed.count) more"
        : listed.dropLast().joined(separator: ", ") + " and " + listed[listed.count - 1]
    return "For more about \(named), run `tenantc explain-error CODE`.\n"
}

/// The key `find` gives, for `check` and `build`: a key that cannot be had is diagnostic E0604
/// in the chosen format (exit 2), as an unreadable input is E0501, so that `--format json`
/// still gets its document.
func compileKey(_ options: CompileOptions, machineFD: Int32 = 1, _ find: () throws(KeyProblem) -> SecretKey?) throws -> SecretKey? {
    do {
        return try find()
    } catch {
        report([.error(.keyFile, error.message, at: nil)], sources: SourceMap(), counts: DiagnosticCounts(errors: 1),
               format: options.format, color: options.color, machineFD: machineFD)
        throw ExitCode(2)
    }
}
