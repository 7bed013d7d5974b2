import TenantDiagnostics
import TenantSyntax

/// What may be written at the cursor, read from the tokens before it (the statement being
/// typed does not parse yet).
enum CompletionContext: Equatable {
    /// A tier name, after `extends`.
    case tierName
    /// An environment name, after `env`.
    case environmentName
    /// A field of the record at `parent` (a path from the root), in the declaration `declaration`.
    case field(parent: [String], declaration: DeclarationHeader)
    /// The value of the field at `path`, after `=`.
    case value(path: [String], declaration: DeclarationHeader)
    case nothing

    /// The declaration the cursor is in: what its schema is.
    struct DeclarationHeader: Equatable {
        var kind: TokenKind
        var name: String
        var parent: String?
    }

    /// One open `{`: the path of the record it opens (nil for an expression's braces).
    private struct Frame {
        var path: [String]?
    }

    static func at(_ offset: Int, in file: SourceFile) -> CompletionContext {
        let tokens = Lexer.tokenize(file).tokens.filter { Int($0.end) <= offset && $0.kind != .eof }
        func text(_ t: Token) -> String { String(decoding: file.bytes[Int(t.start)..<Int(t.end)], as: UTF8.self) }
        // Typing a name: the word before the cursor is its beginning, not a finished token.
        var before = tokens
        if let last = before.last, Int(last.end) == offset, last.kind == .identifier || last.kind.isKeyword { before.removeLast() }
        guard let previous = before.last else { return .nothing }
        if previous.kind == .kwExtends { return .tierName }
        if previous.kind == .kwEnv { return .environmentName }
        var header: DeclarationHeader?
        var frames: [Frame] = []
        var statement: [Token] = []
        for (k, t) in before.enumerated() {
            if t.newlineBefore || t.kind == .semicolon { statement.removeAll() }
            switch t.kind {
            case .kwTier where frames.isEmpty, .kwTenant where frames.isEmpty:
                header = DeclarationHeader(kind: t.kind, name: k + 1 < before.count ? text(before[k + 1]) : "", parent: nil)
            case .kwExtends where frames.isEmpty && k + 1 < before.count:
                header?.parent = text(before[k + 1])
            case .lbrace:
                frames.append(Frame(path: frames.isEmpty ? [] : opened(by: statement, in: frames.last?.path, text: text)))
                statement.removeAll()
                continue
            case .rbrace:
                _ = frames.popLast()
                statement.removeAll()
                continue
            default: break
            }
            statement.append(t)
        }
        guard let header, let prefix = frames.last?.path else { return .nothing }
        return context(statement: statement, prefix: prefix, header: header, text: text)
    }

    /// The record a `{` opens: `path {`, `path: {`, `path = {`, `env NAME {` (the root again).
    private static func opened(by statement: [Token], in prefix: [String]?, text: (Token) -> String) -> [String]? {
        guard let prefix else { return nil }
        if statement.first?.kind == .kwEnv { return prefix }
        let path = leadingPath(statement, text: text)
        guard !path.names.isEmpty else { return nil }
        return prefix + path.names
    }

    /// The dotted path a statement starts with (after `locked`), and the token after it.
    private static func leadingPath(_ statement: [Token], text: (Token) -> String) -> (names: [String], next: Int, trailingDot: Bool) {
        var k = statement.first?.kind == .kwLocked ? 1 : 0
        var names: [String] = []
        var trailingDot = false
        while k < statement.count {
            let t = statement[k]
            if t.kind == .identifier || t.kind.isKeyword, trailingDot || names.isEmpty {
                names.append(text(t))
                trailingDot = false
            } else if t.kind == .dot, !trailingDot, !names.isEmpty {
                trailingDot = true
            } else {
                break
            }
            k += 1
        }
        return (names, k, trailingDot)
    }

    private static func context(statement: [Token], prefix: [String], header: DeclarationHeader, text: (Token) -> String) -> CompletionContext {
        let path = leadingPath(statement, text: text)
        if path.next == statement.count {
            // Still in the path: complete the segment after its last dot.
            let parent = path.trailingDot ? path.names : []
            return .field(parent: prefix + parent, declaration: header)
        }
        let value = statement[(path.next + 1)...]
        if statement[path.next].kind == .assign, value.allSatisfy({ $0.kind == .stringStart || $0.kind == .stringText }) {
            return .value(path: prefix + path.names, declaration: header)
        }
        return .nothing
    }
}
