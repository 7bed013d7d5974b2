import ArgumentParser

/// Thousands of file arguments (`tenantc build tenants/*.tenant`) would cost the argument
/// parser quadratic time; past a few dozen, the files are taken out of the command line before
/// parsing and put back into the parsed command.
enum FileArguments {
    /// Options of `build`, `check`, `rekey`, `fmt` and `schema` that take a value (the next argument).
    static let valued: Set<String> = [
        "--tiers", "--env", "--format", "--color", "--jobs", "-o", "--output", "--emit", "--units", "--stdin-filename",
        "--sensitive", "--key-file", "--old-key-file", "--tier",
    ]

    /// Below this many files the parser sees the command line as it is.
    static let threshold = 64

    /// The commands whose arguments are files.
    static let commands: Set<String> = ["build", "check", "rekey", "fmt", "schema"]

    /// Splits the arguments of those commands into the rest and the files; files nil when untouched.
    static func split(_ args: [String]) -> ([String], [String]?) {
        guard let sub = args.first, commands.contains(sub) else { return (args, nil) }
        var rest = [sub]
        var files: [String] = []
        var i = 1
        var onlyFiles = false
        while i < args.count {
            let a = args[i]
            if onlyFiles || a == "-" || !a.hasPrefix("-") {
                files.append(a)
            } else if a == "--" {
                onlyFiles = true
            } else if valued.contains(a), i + 1 < args.count {
                rest += [a, args[i + 1]]
                i += 1
            } else {
                rest.append(a)
            }
            i += 1
        }
        guard files.count > threshold else { return (args, nil) }
        return (rest + ["--", files[0]], files)
    }

    /// Puts the files back into the parsed command.
    static func inject(_ files: [String], into command: inout any ParsableCommand) {
        if var build = command as? Build {
            build.options.files = files
            command = build
        } else if var check = command as? Check {
            check.options.files = files
            command = check
        } else if var rekey = command as? Rekey {
            rekey.files = files
            command = rekey
        } else if var format = command as? Format {
            format.files = files
            command = format
        } else if var schema = command as? SchemaCommand {
            schema.files = files
            command = schema
        }
    }
}
