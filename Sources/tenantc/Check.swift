import ArgumentParser
import TenantCompiler

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check .tenant files: everything `build` checks, writing nothing.",
        discussion: "Give `-` as the file to read an editor's unsaved buffer from stdin, with --stdin-filename naming it."
    )

    @OptionGroup var options: CompileOptions

    @Option(name: .customLong("stdin-filename"), help: ArgumentHelp("The path the buffer read from `-` stands for.", valueName: "path"))
    var stdinFilename: String?

    @OptionGroup var key: KeyOptions

    func validate() throws {
        if stdinFilename != nil, !options.files.contains("-") {
            throw ValidationError("--stdin-filename needs `-` among the files")
        }
    }

    func run() throws {
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
        let outcome = Compiler.run(request)
        report(outcome, format: options.format, color: options.color)
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}
