import TenantDiagnostics

/// Finds, from the tokens alone, the values written for secret fields, and marks them on the
/// file as sensitive (`SourceFile.markSensitive`), so that no excerpt or message shows them.
///
/// Tokens rather than the syntax tree: the value of a line that does not parse
/// (`password = "hunter2`) must be hidden too, and that line may have no statement in the tree.
/// A value is what follows `NAME =` (or `NAME: T = `, `T` naming `secret`) where NAME is a
/// secret field's name, up to the end of its line (brackets and strings may continue it on
/// later lines), a `,`, `;` or closing bracket, or the next statement on the same line; and
/// the text inside every `secret(…)`. NAME may also be a misspelling of such a name (the
/// suggestion of an unknown field). Matching by the field's last name may hide a value
/// that is not a secret's (a `password` field of a string type elsewhere): hiding too much
/// costs a less helpful excerpt, hiding too little a leaked password.
public enum SecretValues {
    /// Scans `file` once (later calls return at once). `secretFields`: the names of the fields
    /// the tiers declare with a type holding `secret`; fields the file declares so are added.
    public static func mark(in file: SourceFile, secretFields: Set<String>) {
        guard file.claimSecretScan(), !file.bytes.isEmpty else { return }
        let scan = Scan(file: file, tokens: Lexer.tokenize(file).tokens)
        var names = secretFields
        for i in scan.tokens.indices where scan.declaresSecret(colon: i) {
            names.insert(scan.text(scan.tokens[i - 1]))
        }
        for i in scan.tokens.indices {
            let t = scan.tokens[i]
            switch t.kind {
            case .assign where i > 0 && scan.tokens[i - 1].kind == .identifier && isSecret(scan.text(scan.tokens[i - 1]), names):
                file.markSensitive(scan.value(after: i))
            case .colon where scan.declaresSecret(colon: i):
                if let assign = scan.declarationAssign(colon: i) { file.markSensitive(scan.value(after: assign)) }
            case .colon where i > 0 && scan.tokens[i - 1].kind == .identifier && isSecret(scan.text(scan.tokens[i - 1]), names)
                && scan.valueAfterColon(i):
                // `password: "hunter2"`: YAML's `key: value`, reported as the `=` it means.
                file.markSensitive(scan.value(after: i))
            case .identifier where i + 1 < scan.tokens.count && scan.tokens[i + 1].kind == .lparen && scan.text(t) == "secret":
                file.markSensitive(scan.value(after: i + 1))
            default:
                break
            }
        }
    }

    /// A secret field's name, or a misspelling of one (`pasword = "…"` is an unknown field
    /// whose value was meant for the secret).
    private static func isSecret(_ name: String, _ names: Set<String>) -> Bool {
        names.contains(name) || suggestion(for: name, among: names) != nil
    }

    private struct Scan {
        let file: SourceFile
        let tokens: [Token]

        func text(_ t: Token) -> String {
            file.text(Span(file: file.id, start: t.start, end: t.end))
        }

        /// `NAME: T …` where `T` names `secret` (`secret`, `secret?`, `[secret]`, `[{ p: secret }]`).
        func declaresSecret(colon i: Int) -> Bool {
            guard tokens[i].kind == .colon, i > 0, tokens[i - 1].kind == .identifier else { return false }
            var depth = 0
            var k = i + 1
            while k < tokens.count {
                let t = tokens[k]
                if t.kind == .eof || (depth == 0 && (t.kind == .assign || (k > i + 1 && t.newlineBefore))) { return false }
                // `name: { … }` declares a record: its own fields are declarations of their own.
                if depth == 0, k == i + 1, t.kind == .lbrace { return false }
                if t.kind == .identifier, text(t) == "secret" { return true }
                depth += Scan.depthChange(t.kind)
                if depth < 0 { return false }
                k += 1
            }
            return false
        }

        /// `NAME: "…"`, `NAME: 12`, `NAME: hunter2`: after the `:` on its line, a value rather
        /// than a type (a type name is a type: `password: string` shows as written).
        func valueAfterColon(_ i: Int) -> Bool {
            guard i + 1 < tokens.count, !tokens[i + 1].newlineBefore else { return false }
            switch tokens[i + 1].kind {
            case .stringStart, .number, .minus, .kwTrue, .kwFalse: return true
            case .identifier: return !Scan.typeNames.contains(text(tokens[i + 1]))
            default: return false
            }
        }

        static let typeNames: Set<String> = ["bool", "int", "float", "string", "size", "duration", "cpu", "percent", "cron", "cidr",
                                             "email", "secret", "any"]

        /// The `=` of `NAME: T = value`, if the declaration has a value.
        func declarationAssign(colon i: Int) -> Int? {
            var depth = 0
            var k = i + 1
            while k < tokens.count {
                let t = tokens[k]
                if t.kind == .eof || (depth == 0 && k > i + 1 && t.newlineBefore) { return nil }
                if depth == 0, t.kind == .assign { return k }
                depth += Scan.depthChange(t.kind)
                if depth < 0 { return nil }
                k += 1
            }
            return nil
        }

        /// The bytes of the value after token `opener` (`=` or `(`), without the spaces around it.
        func value(after opener: Int) -> Range<Int> {
            var start = Int(tokens[opener].end)
            while start < file.bytes.count, file.bytes[start] == 0x20 || file.bytes[start] == 0x09 { start += 1 }
            var end = valueEnd(from: opener + 1)
            while end > start, [0x20, 0x09, 0x0D].contains(file.bytes[end - 1]) { end -= 1 }
            return start..<max(start, end)
        }

        /// The byte offset where a value starting at token `first` ends (see the type's comment).
        private func valueEnd(from first: Int) -> Int {
            var depth = 0
            var last = first > 0 ? Int(tokens[first - 1].end) : 0
            var k = first
            while k < tokens.count {
                let t = tokens[k]
                if t.kind == .eof { break }
                if depth == 0 {
                    if t.newlineBefore { break }
                    switch t.kind {
                    case .comma, .semicolon, .rbrace, .rbracket, .rparen, .interpolationEnd: return Int(t.start)
                    default: break
                    }
                    if k > first, startsStatement(k) { return Int(t.start) }
                }
                depth += Scan.depthChange(t.kind)
                last = Int(t.end)
                k += 1
            }
            return lineEnd(after: last)
        }

        /// The offset of the line break at or after `offset` (the line's unlexed rest, such as
        /// an unexpected character, is part of the value).
        private func lineEnd(after offset: Int) -> Int {
            var i = min(max(offset, 0), file.bytes.count)
            while i < file.bytes.count, file.bytes[i] != 0x0A { i += 1 }
            return i
        }

        /// A statement on the same line after a complete value: `name =`, `a.b {`, `x: T`,
        /// or a statement keyword.
        private func startsStatement(_ k: Int) -> Bool {
            switch tokens[k].kind {
            case .kwLocked, .kwCheck, .kwWarn, .kwEnv, .kwScale: return true
            case .identifier: break
            default: return false
            }
            switch tokens[k - 1].kind {
            case .identifier, .number, .stringEnd, .rparen, .rbracket, .rbrace, .kwTrue, .kwFalse, .kwUnlimited, .kwSuper: break
            default: return false
            }
            var j = k + 1
            while j + 1 < tokens.count, tokens[j].kind == .dot, tokens[j + 1].kind == .identifier { j += 2 }
            guard j < tokens.count else { return false }
            return [.assign, .lbrace, .colon].contains(tokens[j].kind)
        }

        static func depthChange(_ kind: TokenKind) -> Int {
            switch kind {
            case .lbrace, .lbracket, .lparen, .stringStart, .interpolationStart: 1
            case .rbrace, .rbracket, .rparen, .stringEnd, .interpolationEnd: -1
            default: 0
            }
        }
    }
}
