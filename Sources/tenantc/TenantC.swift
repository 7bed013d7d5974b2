import ArgumentParser

/// The `tenantc` command: subcommands are small declarative types.
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
        subcommands: [Build.self, Check.self]
    )
}

let tenantcVersion = "0.1.0"
