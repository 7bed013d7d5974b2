import ArgumentParser
import TenantDiagnostics

/// `tenantc explain-error CODE`: the page of a diagnostic code, as `rustc --explain` prints
/// one. The pages are data of the library (`Explanation`), checked by a test that runs every
/// example; this only prints them.
struct ExplainError: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain-error",
        abstract: "Explain a diagnostic code: what it means, an example that reports it, and the fix.",
        discussion: """
            CODE is written as diagnostics show it (E0301), in lower case (e0301), or without its \
            letter (0301 or 301). Without CODE, every code is listed with its title.
            """
    )

    @Argument(help: ArgumentHelp("The diagnostic code, such as E0301.", valueName: "code"))
    var code: String?

    func run() throws {
        guard let code else {
            writeAll(1, Self.list())
            return
        }
        guard let page = Explanation.page(for: code) else { throw Self.unknown(code) }
        writeAll(1, Self.render(page))
    }

    /// Every code and its title, one per line.
    static func list() -> String {
        DiagnosticCode.all.map { code in
            let reserved = Explanation.page(for: code.id)?.unreproducible == nil ? "" : " (reserved: not reported)"
            return "\(code.id)  \(code.title)\(reserved)\n"
        }.joined()
    }

    /// A usage error (exit 2) for a code without a page, with the nearest code.
    static func unknown(_ name: String) -> ExitCode {
        guard let id = Explanation.normalizedID(name) else {
            return failure("`\(name)` is not a diagnostic code: codes are written like E0301",
                           help: ["`tenantc explain-error` lists the codes"])
        }
        var help: [String] = []
        // The same digits with the other letter (`E0311` for `W0311`) before the nearest spelling.
        let near = DiagnosticCode.all.first { $0.id.dropFirst() == id.dropFirst() }?.id
            ?? suggestion(for: id, among: DiagnosticCode.all.map(\.id))
        if let near { help.append("did you mean `\(near)`?") }
        help.append("`tenantc explain-error` lists the codes")
        return failure("no diagnostic code \(id)", help: help)
    }

    /// The page: title, explanation, the failing example and the fix, as Markdown-like text
    /// whose examples are indented code blocks.
    static func render(_ page: Explanation) -> String {
        var out = "\(page.code.id): \(page.code.title)\n\n\(page.text)\n"
        let shows = page.unreproducible?.reportedAs ?? page.code
        if let unreproducible = page.unreproducible {
            out += "\nThis code is not reported by this version: \(unreproducible.reason).\n"
        }
        let verb = shows.id.hasPrefix("W") ? "warns" : "fails"
        out += "\nThis project \(verb) with \(shows.id)"
        out += page.unreproducible == nil ? ":\n\n" : " (not \(page.code.id)):\n\n"
        out += files(page.failing.files) + commands(page.failing)
        out += "\nFixed:\n\n"
        out += files(changedFiles(page.failing, page.fixed)) + removedFiles(page.failing, page.fixed) + commands(page.fixed)
        return out
    }

    /// The files of `fixed` that `failing` does not have as they are.
    private static func changedFiles(_ failing: Example, _ fixed: Example) -> [ExampleFile] {
        fixed.files.filter { file in !failing.files.contains { $0.path == file.path && $0.shown == file.shown } }
    }

    private static func removedFiles(_ failing: Example, _ fixed: Example) -> String {
        failing.files.filter { file in !fixed.files.contains { $0.path == file.path } }
            .map { "    (no \($0.path))\n\n" }.joined()
    }

    /// Each file under a comment naming it, indented as a code block.
    private static func files(_ files: [ExampleFile]) -> String {
        files.map { file in
            let marker = file.path.hasSuffix(".tenant") ? "//" : "#"
            let header = "\(marker) \(file.path)\(file.isExecutable ? " (executable)" : "")"
            return indented(header + "\n" + file.shown) + "\n"
        }.joined()
    }

    /// The setup steps and the command, as shell commands run in the project's directory.
    private static func commands(_ example: Example) -> String {
        let path = example.pluginDirectory.map { "PATH=\"$PWD/\($0):$PATH\" " } ?? ""
        var lines: [String] = []
        for step in example.setup {
            switch step {
            case .run(let arguments): lines.append("$ \(path)tenantc " + arguments.map(shellQuoted).joined(separator: " "))
            case .remove(let file): lines.append("$ rm \(shellQuoted(file))")
            case .append(let file, let line): lines.append("$ echo \(shellQuoted(line)) >> \(shellQuoted(file))")
            }
        }
        lines.append("$ \(path)tenantc " + example.command.map(shellQuoted).joined(separator: " "))
        return indented(lines.joined(separator: "\n") + "\n")
    }

    private static func indented(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            .map { $0.isEmpty ? "\n" : "    \($0)\n" }.joined()
    }

    /// `word` as a shell reads it back: quoted unless it is plain.
    private static func shellQuoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || "0123456789_-./:=@%+,".unicodeScalars.contains($0)) }
        return plain ? word : "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
