import TenantDiagnostics
import TenantSyntax

/// What formatting a file gave.
public enum FormatOutcome: Sendable {
    /// The file in canonical layout (equal to the input when it already was).
    case formatted([UInt8])
    /// The file does not parse (every diagnostic of the parse), or formatted it would be larger
    /// than a source file may be: it is not formatted.
    case syntaxErrors([Diagnostic])
    /// The layout would have changed a token or a comment: a defect of the formatter, reported
    /// rather than written.
    case internalError(String)
}

/// `tenantc fmt`: the canonical layout of a `.tenant` file (docs/format.md).
public enum Formatter {
    public static func format(_ file: SourceFile) -> FormatOutcome {
        let lexed = Lexer.tokenize(file)
        let unit = Parser.parse(file, lexed: lexed)
        guard !unit.diagnostics.contains(where: { $0.severity == .error }) else { return .syntaxErrors(unit.diagnostics) }
        let shape = SyntaxShape(unit, tokens: lexed.tokens)
        var printer = Printer(bytes: file.bytes, tokens: lexed.tokens, shape: shape)
        printer.print(LayoutItem.items(tokens: lexed.tokens, comments: lexed.comments, shape: shape))
        // Indentation can grow a file near the limit past it, and tenantc would not read it back.
        guard printer.out.count <= Lexer.maxSourceBytes else {
            return .syntaxErrors([.error(.inputTooLarge, "`\(file.path)` formatted would be \(mebibytes(printer.out.count)) MiB: over the \(Lexer.maxSourceBytes >> 20) MiB of a source file; it is left as it is",
                                         at: nil, help: ["split the configuration into several files"])])
        }
        if let problem = FormatCheck(original: file, lexed: lexed, dropped: printer.dropped).problem(in: printer.out) {
            return .internalError("formatting `\(file.path)` would change it: \(problem)")
        }
        return .formatted(printer.out)
    }
}

/// `17_196_646` → `16.4`.
private func mebibytes(_ bytes: Int) -> String {
    let tenths = (bytes * 10) >> 20
    return "\(tenths / 10).\(tenths % 10)"
}

/// The safety net of every format: the output, lexed again, has the input's tokens (less the
/// statement separators left out) and comments, byte for byte, in the same order.
struct FormatCheck {
    let original: SourceFile
    let lexed: LexedFile
    let dropped: [Int]

    func problem(in output: [UInt8]) -> String? {
        let file = SourceFile(id: original.id, path: original.path, bytes: output)
        let again = Lexer.tokenize(file)
        if let d = again.diagnostics.first { return "its output does not lex (\(d.message))" }
        var skipped = Set(dropped)
        var j = 0
        for (i, token) in lexed.tokens.enumerated() {
            if skipped.remove(i) != nil { continue }
            guard j < again.tokens.count, again.tokens[j].kind == token.kind,
                  text(original.bytes, token.start, token.end) == text(output, again.tokens[j].start, again.tokens[j].end)
            else { return "token \(i) (\(token.kind.display)) differs" }
            j += 1
        }
        guard j == again.tokens.count else { return "it has more tokens" }
        guard again.comments.count == lexed.comments.count else { return "its comments differ in number" }
        for (a, b) in zip(lexed.comments, again.comments) where text(original.bytes, a.start, a.end) != text(output, b.start, b.end) {
            return "a comment differs"
        }
        return nil
    }

    private func text(_ bytes: [UInt8], _ start: UInt32, _ end: UInt32) -> ArraySlice<UInt8> {
        bytes[Int(start)..<Int(end)]
    }
}
