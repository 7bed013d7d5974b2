import ArgumentParser
import TenantCompiler
import TenantDiagnostics

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check .tenant files: everything `build` checks, writing no artifact.",
        discussion: """
            Give `-` as the file to read an editor's unsaved buffer from stdin, with --stdin-filename naming it. \
            --fix applies the diagnostics' fixes to the files, atomically, then reports what remains.
            """
    )

    @OptionGroup var options: CompileOptions

    @Option(name: .customLong("stdin-filename"), help: ArgumentHelp("The path the buffer read from `-` stands for.", valueName: "path"))
    var stdinFilename: String?

    @Flag(help: "Apply the diagnostics' fixes to the files (inputs and their projects), check again, and report what remains.")
    var fix = false

    @OptionGroup var key: KeyOptions

    func validate() throws {
        if let problem = Self.usageProblem(files: options.files, stdinFilename: stdinFilename, fix: fix) { throw ValidationError(problem) }
    }

    /// Checked again when the command runs: thousands of files reach it past `validate`
    /// (`FileArguments`).
    static func usageProblem(files: [String], stdinFilename: String?, fix: Bool) -> String? {
        if stdinFilename != nil, !files.contains("-") { return "--stdin-filename needs `-` among the files" }
        if fix, files.contains("-") { return "--fix rewrites files: it cannot fix `-` (stdin); give the file itself" }
        return nil
    }

    func run() throws {
        if let problem = Self.usageProblem(files: options.files, stdinFilename: stdinFilename, fix: fix) { throw failure(problem) }
        let request = try compileRequest()
        let code: Int32
        if fix {
            code = fixAndReport(request)
        } else {
            let outcome = Compiler.run(request)
            report(outcome, format: options.format, color: options.color)
            code = outcome.exitCode
        }
        if code != 0 { throw ExitCode(code) }
    }

    private func compileRequest() throws -> CompileRequest {
        var inputs: [SourceInput] = []
        for f in options.files {
            if f == "-" {
                do { inputs.append(try standardInputSource(path: stdinFilename ?? "<stdin>")) } catch {
                    throw failure("cannot read stdin: \(error)")
                }
            } else {
                inputs.append(SourceInput(path: f))
            }
        }
        var request = try options.request(inputs)
        // With a key, every secret is checked to decrypt.
        request.secretKey = try compileKey(options) { () throws(KeyProblem) in try findKey(key.keyFile, required: false) }
        return request
    }

    /// `--fix`: the fixes applied, then what remains reported as without it; the exit code is
    /// the last check's, or 2 when a file could not be written.
    private func fixAndReport(_ request: CompileRequest) -> Int32 {
        let run = FixApplication.check(request)
        showFixes(run)
        report(run.outcome, format: options.format, color: options.color)
        return run.writeFailures.isEmpty ? run.outcome.exitCode : 2
    }

    /// On stderr, before the report of what remains: each file fixed, each file that could not
    /// be written, and the fixes left out and why.
    private func showFixes(_ run: FixRun) {
        var text = ""
        for file in run.fixed { text += "tenantc: fixed \(plural(file.count, "problem")) in \(file.path)\n" }
        for failed in run.writeFailures { text += "tenantc: error: cannot write \(failed.path): \(failed.reason); it is left as it was\n" }
        for left in run.unapplied { text += "tenantc: \(Self.describe(left))\n" }
        writeAll(2, text)
    }

    private static func describe(_ left: UnappliedFixes) -> String {
        let fixes = plural(left.count, "fix", "fixes")
        switch left.reason {
        case .touchesSecret: return "\(fixes) in \(left.path) not applied: a fix never touches the value of a secret field"
        case .notWritable: return "\(fixes) in \(left.path) not applied: only the inputs and the files of their projects are fixed"
        case .overlapping, .roundLimit:
            return "\(fixes) in \(left.path) not applied after \(FixApplication.maxRounds) rounds of fixes; run `tenantc check --fix` again"
        }
    }
}
