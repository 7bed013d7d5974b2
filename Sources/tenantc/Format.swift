import ArgumentParser
import TenantCompiler
import TenantDiagnostics
import TenantFormat

struct Format: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt",
        abstract: "Rewrite .tenant files in their canonical layout (docs/format.md).",
        discussion: """
            Files whose layout changes are rewritten in place, atomically; the others are not touched. \
            --check lists the files that would change (exit 1 when any would) and --diff shows how; \
            neither writes anything. Give `-` to format stdin to stdout (editors). A file with syntax \
            errors is reported and left as it is (exit 1).
            """
    )

    @Argument(help: ArgumentHelp("The .tenant files (or directories of them) to format, or `-` for stdin.", valueName: "files"))
    var files: [String] = []

    @Flag(help: "Write nothing; list the files that would change, and exit 1 when any would.")
    var check = false

    @Flag(help: "Write nothing; print what would change as a unified diff.")
    var diff = false

    @Option(name: .customLong("stdin-filename"), help: ArgumentHelp("The path the text read from `-` stands for.", valueName: "path"))
    var stdinFilename: String?

    @Option(help: ArgumentHelp("Diagnostics format: human, json, gcc or sarif (all on stderr).", valueName: "format"))
    var format: DiagnosticFormat = .human

    @Option(help: ArgumentHelp("Colour in human diagnostics: auto, always or never. `NO_COLOR` disables auto.", valueName: "when"))
    var color: ColorChoice = .auto

    func validate() throws {
        if let problem = Self.usageProblem(files: files, stdinFilename: stdinFilename) { throw ValidationError(problem) }
    }

    /// Checked again when the command runs: thousands of files reach it past `validate`
    /// (`FileArguments`).
    static func usageProblem(files: [String], stdinFilename: String?) -> String? {
        if files.isEmpty { return "no input files: name the .tenant files or directories to format (`tenantc fmt .`)" }
        if files.contains("-"), files.count > 1 { return "`-` (stdin) is formatted alone: it cannot be mixed with files" }
        if stdinFilename != nil, !files.contains("-") { return "--stdin-filename needs `-` among the files" }
        return nil
    }

    func run() throws {
        if let problem = Self.usageProblem(files: files, stdinFilename: stdinFilename) { throw failure(problem) }
        var status = FormatStatus()
        if files == ["-"] {
            try formatStandardInput(&status)
        } else {
            formatFiles(&status)
        }
        let code = status.exitCode(check: check)
        if code != 0 { throw ExitCode(code) }
    }

    /// `-`: stdin to stdout, the bytes even when they do not change (an editor replaces its
    /// buffer with them); with --check or --diff, what a file would show.
    private func formatStandardInput(_ status: inout FormatStatus) throws {
        let name = stdinFilename ?? "<stdin>"
        let input: SourceInput
        do { input = try standardInputSource(path: name) } catch { throw failure("cannot read stdin: \(error.reason)") }
        let sources = SourceMap()
        let result = SourceFormatting.format(input, sources: sources)
        var out: [UInt8] = []
        if !check && !diff, case .changed(_, let new) = result { out = new }
        if !check && !diff, case .unchanged = result { out = input.contents ?? [] }
        show(name, result, into: &out, status: &status)
        writeAll(1, out)
        reportDiagnostics(status.diagnostics, sources: sources)
    }

    private func formatFiles(_ status: inout FormatStatus) {
        let run = SourceFormatting.format(paths: files)
        for problem in run.problems {
            _ = failure(problem)
            status.ioFailure = true
        }
        var out: [UInt8] = []
        for file in run.files { show(file.path, file.result, into: &out, status: &status) }
        if !check && !diff {
            for failed in SourceFormatting.writeChanged(run.files) {
                _ = failure("cannot write \(failed.path): \(failed.reason); it is left as it was")
                status.ioFailure = true
            }
        }
        writeAll(1, out)
        reportDiagnostics(status.diagnostics, sources: run.sources)
    }

    /// What one file shows: its name (--check) and its diff (--diff) when it would change;
    /// its problems on stderr (diagnostics are kept for the end).
    private func show(_ path: String, _ result: FormattingResult, into out: inout [UInt8], status: inout FormatStatus) {
        switch result {
        case .unchanged:
            break
        case .changed(let old, let new):
            status.changed = true
            if check { out += Array((path + "\n").utf8) }
            if diff { out += UnifiedDiff.make(old: old, new: new, path: path) }
        case .syntaxErrors(let diagnostics, _):
            status.diagnostics += diagnostics
        case .failed(let reason):
            _ = failure("cannot read \(path): \(reason)")
            status.ioFailure = true
        case .internalError(let message):
            writeAll(2, "tenantc: internal error: \(message); \(path) is left as it was. This is a bug in tenantc, not in your file; "
                     + "please report it with the file.\n")
            status.internalError = true
        }
    }

    /// The diagnostics of the files that were not formatted, as `check` shows them, all on
    /// stderr: stdout carries the formatted text, the list or the diffs.
    private func reportDiagnostics(_ diagnostics: [Diagnostic], sources: SourceMap) {
        guard !diagnostics.isEmpty else { return }
        let list = DiagnosticList(diagnostics)
        let style = RenderStyle(color: useColor(color))
        let text = render(list.finalized(sourceMap: sources), as: format, sourceMap: sources, style: style, counts: list.counts,
                          toolVersion: tenantcVersion)
        writeAll(2, format == .human ? text + renderSummary(list.counts, color: style.color) : text)
    }
}

/// How a `fmt` run went, for its exit code.
struct FormatStatus {
    /// A file is not in canonical layout (an error only with --check).
    var changed = false
    /// Diagnostics of files that were not formatted (syntax errors, too large).
    var diagnostics: [Diagnostic] = []
    var ioFailure = false
    var internalError = false

    /// README, "Exit codes": the gravest problem decides; a file that would change is one only
    /// for --check.
    func exitCode(check: Bool) -> Int32 {
        if internalError { return 3 }
        if ioFailure { return 2 }
        return !diagnostics.isEmpty || (check && changed) ? 1 : 0
    }
}
