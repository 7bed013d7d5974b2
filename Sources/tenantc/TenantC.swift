import ArgumentParser
import TenantDiagnostics

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `tenantc` command: subcommands are small declarative types. Each names itself
/// (`commandName`): derived from the type name, the name took a run-time type-name lookup per
/// subcommand, a third of the start-up of a one-file check.
@main
struct TenantC: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenantc",
        abstract: "Compile typed tenant configurations (.tenant) into resolved YAML and JSON.",
        discussion: """
            Exit codes: 0 success (warnings allowed), 1 the configuration has errors, \
            2 usage or I/O error, 3 internal error.
            """,
        version: tenantcVersion,
        subcommands: [Build.self, Check.self, Format.self, Explain.self, SchemaCommand.self, Plan.self, Migrate.self, Access.self,
                      Tiers.self, Keygen.self, Encrypt.self, Decrypt.self, Rekey.self, ExplainError.self, LanguageServerCommand.self, Import.self]
    )
}

let tenantcVersion = "0.1.0"

extension TenantC {
    /// `tenantc lint`: an unknown command is named as such (exit 2), with the nearest one, rather
    /// than taken for unexpected arguments.
    static func refuseUnknownCommand(_ first: String?) {
        guard let first, !first.hasPrefix("-") else { return }
        let names = configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
        guard !names.contains(first) else { return }
        var message = "error: unknown command `\(first)`"
        if let near = suggestion(for: first, among: names) { message += "; did you mean `\(near)`?" }
        writeAll(2, message + "\n  the commands are " + names.joined(separator: ", ") + "; see 'tenantc --help'\n")
        Glibc.exit(2)
    }
}

extension TenantC {
    static func main() {
        CrashHandler.install()
        #if canImport(Glibc)
            // Each worker's heap would otherwise be trimmed whenever its top grew free and grown
            // again for the next tenant: thousands of `mprotect` calls and page faults in a
            // large build. The memory is returned at exit a moment later anyway.
            _ = mallopt(-1, 64 << 20)  // M_TRIM_THRESHOLD
            _ = mallopt(-2, 1 << 20)  // M_TOP_PAD
        #endif
        do {
            let (arguments, files) = FileArguments.split(Array(CommandLine.arguments.dropFirst()))
            refuseUnknownCommand(arguments.first)
            var command = try parseAsRoot(arguments)
            if let files { FileArguments.inject(files, into: &command) }
            try command.run()
        } catch {
            // README, "Exit codes": usage errors exit 2 (the parser's default is 64).
            let code = exitCode(for: error)
            if code == .validationFailure {
                let message = fullMessage(for: error)
                if !message.isEmpty { writeAll(2, message + "\n") }
                Glibc.exit(2)
            }
            exit(withError: error)
        }
    }
}

#if canImport(Glibc)
    /// glibc's `mallopt` (its header is not part of the Glibc module).
    @_silgen_name("mallopt") func mallopt(_ param: Int32, _ value: Int32) -> Int32
#endif
