import ArgumentParser
import Glibc
import TenantLanguageServer

struct LanguageServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lsp",
        abstract: "Run the language server (LSP 3.17) on standard input and output.",
        discussion: "Editors start it; it checks every open buffer as `tenantc check` does (docs/editors.md)."
    )

    @Flag(name: .customLong("stdio"), help: "Speak on standard input and output (the default and only transport; accepted for editors that pass it).")
    var stdio = false

    @OptionGroup var key: KeyOptions

    @Flag(name: .customLong("timings"), help: "Write to stderr how long each publication of diagnostics took after a change.")
    var timings = false

    func run() throws {
        var options = ServerOptions(fastPaths: try fastPaths())
        options.secretKey = try key.load(required: false)
        if timings {
            options.timing = { label, milliseconds in
                let line = "\(label) \(milliseconds)\n"
                _ = line.withCString { write(2, $0, strlen($0)) }
            }
        }
        let code = StdioTransport.run(options: options)
        if code != 0 { throw ExitCode(code) }
    }
}
