import TenantDiagnostics
import TenantModel

/// A recursive-descent parser with error recovery: it reports every syntax error of a file
/// (one per statement at most) and goes on with the next statement.
public struct Parser {
    /// Deepest nesting of blocks, brackets and operators accepted; deeper input is a diagnostic.
    public static let maxDepth = 256

    private let file: SourceFile
    private let bytes: [UInt8]
    private let tokens: [Token]
    private var docs: [Int: String] = [:]
    private var pos = 0
    private var diagnostics: [Diagnostic]
    /// Whether a line break ends the expression being parsed (false inside `( )` and `[ ]`).
    private var newlineEnds = true
    private var depth = 0
    /// Set after an error until the parser reaches a statement boundary, so one mistake is
    /// reported once.
    private var recovering = false
    private var reportedDepth = false
    /// Where the lexer reported errors.
    private let lexErrorOffsets: [UInt32]
    private let stackGuard = StackGuard()
    /// Set once the file has given `maxErrors` errors, or the lexer gave up on it.
    private var stopped = false
    private var reportedLongList = false

    /// Most errors (lexical and syntactic) one file reports before the parser stops.
    public static let maxErrors = 1_000
    /// Most items a list literal may hold: the bound formulas have (a list literal longer than
    /// this is refused where it is written, so that the file's memory stays bounded).
    public static let maxListItems = 100_000

    /// Parses a whole file.
    /// `lexed`: the file's tokens when they are already made.
    public static func parse(_ file: SourceFile, lexed: LexedFile? = nil) -> SourceUnit {
        withStackSpace {
            let lexed = lexed ?? Lexer.tokenize(file)
            var parser = Parser(file: file, lexed: lexed)
            let decls = parser.parseFile()
            var unit = SourceUnit(file: file, declarations: decls, diagnostics: parser.diagnostics)
            unit.comments = lexed.comments
            return unit
        }
    }

    /// Parses a standalone expression (used by tests and tools).
    public static func parseExpression(_ file: SourceFile) -> (Expr, [Diagnostic]) {
        withStackSpace { parseExpressionHere(file) }
    }

    private static func parseExpressionHere(_ file: SourceFile) -> (Expr, [Diagnostic]) {
        let lexed = Lexer.tokenize(file)
        var parser = Parser(file: file, lexed: lexed)
        let e = parser.parseExpr()
        if parser.peek.kind != .eof { parser.error("unexpected \(parser.peek.kind.display) after the expression", parser.peekSpan) }
        return (e, parser.diagnostics)
    }

    private init(file: SourceFile, lexed: LexedFile) {
        self.file = file
        self.bytes = file.bytes
        self.tokens = lexed.tokens
        self.diagnostics = lexed.diagnostics
        lexErrorOffsets = lexed.diagnostics.compactMap { $0.span?.start }
        stopped = lexed.diagnostics.count >= Lexer.maxErrors
        for d in lexed.docComments { docs[d.tokenIndex] = d.text }
    }

    // MARK: - Token access

    private var peek: Token { tokens[pos] }
    private var peekSpan: Span { span(peek) }

    private func peekKind(_ offset: Int) -> TokenKind {
        let i = pos + offset
        return i < tokens.count ? tokens[i].kind : .eof
    }

    private func span(_ t: Token) -> Span { Span(file: file.id, start: t.start, end: t.end) }

    private func spanFrom(_ start: UInt32) -> Span {
        let end = pos > 0 ? tokens[pos - 1].end : start
        return Span(file: file.id, start: start, end: max(start, end))
    }

    @discardableResult
    private mutating func advance() -> Token {
        let t = tokens[pos]
        if t.kind != .eof { pos += 1 }
        return t
    }

    private mutating func eat(_ kind: TokenKind) -> Bool {
        if peek.kind == kind {
            advance()
            return true
        }
        return false
    }

    private func text(_ t: Token) -> String {
        String(decoding: bytes[Int(t.start)..<Int(t.end)], as: UTF8.self)
    }

    private mutating func error(_ message: String, _ span: Span, code: DiagnosticCode = .syntax, label: String = "", help: [String] = [],
                                quoting quoted: Span? = nil) {
        if recovering || stopped { return }
        // The lexer already reported what broke this spot (a stray `@`, a bad escape): one diagnostic is enough.
        let from = pos > 0 ? tokens[pos - 1].end : 0
        if lexErrorOffsets.contains(where: { $0 >= from && $0 <= span.end }) {
            recovering = true
            return
        }
        diagnostics.append(.error(code, message, at: span, label: label, help: help))
        if let quoted { diagnostics[diagnostics.count - 1].quotes = [quoted] }
        recovering = true
        if diagnostics.count >= Parser.maxErrors { stop(at: span) }
    }

    /// Gives up on the rest of the file (one diagnostic): every loop ends at the end of file.
    private mutating func stop(at span: Span) {
        stopped = true
        diagnostics.append(.error(.tooManyDiagnostics, "too many errors in `\(file.path)`: the rest of the file is not read",
                                  at: Span(file: file.id, start: span.end, end: span.end), label: "reading stopped here",
                                  help: ["this does not look like a .tenant file; check that the right file was passed"]))
        pos = tokens.count - 1
    }

    private mutating func expect(_ kind: TokenKind, _ context: String) -> Token? {
        if peek.kind == kind { return advance() }
        error("expected \(kind.display) \(context), found \(peek.kind.display)", peekSpan)
        return nil
    }

    /// True when the next token sits on a new line and line breaks end expressions here.
    private var atLineBreak: Bool { newlineEnds && peek.newlineBefore }

    // MARK: - Depth guard

    /// Enters one level of nesting; false (after one diagnostic per file) when too deep.
    private mutating func enter() -> Bool {
        depth += 1
        // The depth limit, or this thread's stack running out first (a thread with a small stack).
        if depth > Parser.maxDepth || stackGuard.isExhausted {
            reportDepth()
            return false
        }
        return true
    }

    private mutating func reportDepth() {
        if !reportedDepth {
            reportedDepth = true
            diagnostics.append(.error(.nestingTooDeep, "nesting deeper than \(Parser.maxDepth) levels", at: peekSpan,
                                      help: ["split the value into named fields"]))
        }
        recovering = true
    }

    private mutating func leave() { depth -= 1 }

    /// Parses `( … )` or `[ … ]` around `body`, where line breaks do not end anything; nil (the
    /// construct skipped) when nesting is too deep. The current token is the opening bracket.
    private mutating func bracketed<T>(_ close: TokenKind, _ context: String, _ body: (inout Parser) -> T) -> T? {
        guard enter() else {
            skipBalanced()
            leave()
            return nil
        }
        defer { leave() }
        advance()
        let saved = newlineEnds
        newlineEnds = false
        let inner = body(&self)
        newlineEnds = saved
        _ = expect(close, context)
        return inner
    }

    /// Skips the bracketed construct that starts at the current token, without recursion.
    private mutating func skipBalanced() {
        var stack = 0
        repeat {
            switch peek.kind {
            case .lbrace, .lbracket, .lparen, .interpolationStart, .stringStart: stack += 1
            case .rbrace, .rbracket, .rparen, .interpolationEnd, .stringEnd: stack -= 1
            case .eof: return
            default: break
            }
            advance()
        } while stack > 0
    }

    // MARK: - Recovery

    /// Skips to the next statement boundary: a line break, `;`, or the `}` closing this body.
    private mutating func synchronizeStatement() {
        var nesting = 0
        while peek.kind != .eof {
            if nesting == 0 {
                if peek.kind == .rbrace { break }
                if peek.kind == .semicolon || peek.kind == .comma {
                    advance()
                    break
                }
                if peek.newlineBefore, pos > 0 { break }
            }
            switch peek.kind {
            case .lbrace, .lbracket, .lparen, .interpolationStart, .stringStart: nesting += 1
            case .rbrace, .rbracket, .rparen, .interpolationEnd, .stringEnd: nesting = max(0, nesting - 1)
            default: break
            }
            advance()
        }
        recovering = false
    }

    /// Skips to the next top-level `tier` or `tenant` at the start of a line.
    private mutating func synchronizeDeclaration() {
        var nesting = 0
        while peek.kind != .eof {
            if nesting == 0, peek.newlineBefore || pos == 0, peek.kind == .kwTier || peek.kind == .kwTenant { break }
            switch peek.kind {
            case .lbrace: nesting += 1
            case .rbrace: nesting = max(0, nesting - 1)
            default: break
            }
            advance()
        }
        recovering = false
    }

    // MARK: - Declarations

    private mutating func parseFile() -> [Declaration] {
        var decls: [Declaration] = []
        while peek.kind != .eof {
            if eat(.semicolon) { continue }
            let doc = docs[pos]
            switch peek.kind {
            case .kwTier, .kwTenant:
                interrupted = false
                if let d = parseDeclaration(doc: doc) { decls.append(d) } else { synchronizeDeclaration() }
            case .kwImport:
                error("`import` is reserved for a future module system", peekSpan, code: .reservedKeyword,
                      help: ["tiers are found in the nearest `tiers/` directory, or with `--tiers DIR`"])
                synchronizeDeclaration()
            case .rbrace, .rbracket, .rparen:
                unexpectedCloser()
                synchronizeDeclaration()
            default:
                error("expected `tier` or `tenant` at the top level, found \(peek.kind.display)", peekSpan,
                      help: ["a file holds declarations like `tier NAME { … }` and `tenant ID extends TIER { … }`"])
                synchronizeDeclaration()
            }
        }
        return decls
    }

    private mutating func parseDeclaration(doc: String?) -> Declaration? {
        let keyword = advance()
        let kind: DeclarationKind = keyword.kind == .kwTier ? .tier : .tenant
        guard peek.kind == .identifier else {
            error("expected a \(kind.rawValue) name after `\(kind.rawValue)`, found \(peek.kind.display)", peekSpan)
            return nil
        }
        let nameTok = advance()
        var name = Name(text(nameTok), span(nameTok))
        if kind == .tenant { name = wholeTenantID(name) }
        var parent: Name?
        if eat(.kwExtends) {
            guard peek.kind == .identifier else {
                error("expected a tier name after `extends`, found \(peek.kind.display)", peekSpan)
                return nil
            }
            let p = advance()
            parent = Name(text(p), span(p))
        } else if kind == .tenant {
            error("a tenant must name its tier: `tenant \(name.text) extends TIER { … }`", peekSpan,
                  label: "expected `extends`", help: ["the shipped tiers are free, standard, premium and enterprise"])
            if peek.kind != .lbrace { return nil }
            recovering = false
        }
        let header = spanFrom(keyword.start)
        guard peek.kind == .lbrace else {
            error("expected `{` to open the body of \(kind.rawValue) `\(name.text)`, found \(peek.kind.display)", peekSpan)
            return nil
        }
        let body = parseBraceBody()
        return Declaration(kind: kind, name: name, parent: parent, body: body, doc: doc,
                           span: spanFrom(keyword.start), headerSpan: header)
    }

    /// A tenant id written with characters an identifier cannot hold (`Wonka-Co`, `acme.eu`):
    /// the tokens that touch it, up to the first space, are part of it. The id is then invalid
    /// (E0206, reported with the rule), and the declaration and its body are read as usual.
    private mutating func wholeTenantID(_ first: Name) -> Name {
        var end = first.span.end
        while peek.start == end, !peek.newlineBefore, peek.kind.continuesTenantID {
            end = advance().end
        }
        return end == first.span.end ? first : Name(String(decoding: bytes[Int(first.span.start)..<Int(end)], as: UTF8.self),
                                                     Span(file: file.id, start: first.span.start, end: end))
    }

    /// `{ statements }` — the current token is `{`.
    private mutating func parseBraceBody() -> [Statement] {
        let open = advance()
        guard enter() else {
            pos -= 1
            skipBalanced()
            leave()
            return []
        }
        defer { leave() }
        let saved = newlineEnds
        newlineEnds = true
        defer { newlineEnds = saved }
        var body: [Statement] = []
        while true {
            while eat(.semicolon) || eat(.comma) {}
            if peek.kind == .rbrace {
                advance()
                break
            }
            if peek.kind == .eof {
                reportUnclosed(open, before: nil)
                break
            }
            if startsDeclaration {
                // A `tier`/`tenant` line inside a body: a `}` is missing above it.
                reportUnclosed(open, before: peekSpan)
                break
            }
            let before = pos
            if let s = parseStatement() {
                body.append(s)
                endStatement()
            } else {
                synchronizeStatement()
            }
            recoverProgress(from: before)
            if interrupted { break }
        }
        return body
    }

    /// True when the statement at hand made no progress: skip its first token and the rest of
    /// its line, so one bad line is reported once and parsing always moves on.
    private mutating func recoverProgress(from before: Int) {
        if pos == before, peek.kind != .eof, peek.kind != .rbrace {
            recovering = true
            advance()
            synchronizeStatement()
        }
    }

    /// Set when a body ended early (a new declaration, or the end of the file) and its `{` was
    /// reported: enclosing bodies end quietly, so one missing `}` is one diagnostic.
    private var interrupted = false

    /// `tier NAME {`, `tier NAME extends`, `tenant ID extends` at the start of a line.
    private var startsDeclaration: Bool {
        (peek.kind == .kwTier || peek.kind == .kwTenant) && peek.newlineBefore && peekKind(1) == .identifier
            && (peekKind(2) == .kwExtends || peekKind(2) == .lbrace)
    }

    private mutating func reportUnclosed(_ open: Token, before next: Span?) {
        if !interrupted && !stopped {
            var related: [DiagnosticLabel] = []
            if let next { related.append(DiagnosticLabel(next, "a new declaration starts here")) }
            diagnostics.append(.error(.unclosedDelimiter, "unclosed `{`", at: span(open), label: "this `{` is never closed",
                                      related: related, help: ["add the matching `}`"]))
        }
        interrupted = true
        recovering = false
    }

    /// After a statement: a separator, a line break, `}` — or, on the same line, the start of
    /// the next statement (`{ cpu = 2cores  memory = 8GiB }`).
    private mutating func endStatement() {
        if recovering {
            synchronizeStatement()
            return
        }
        switch peek.kind {
        case .semicolon, .comma: advance()
        case .rbrace, .eof: break
        default:
            if peek.newlineBefore || canStartStatement { return }
            error("expected a line break or `;` after the statement, found \(peek.kind.display)", peekSpan)
            synchronizeStatement()
        }
    }

    /// After `=`: the value may start on the next line, unless that line starts a statement
    /// (then the value was forgotten, and reading on would swallow the next statement).
    private var valueIsMissing: Bool {
        peek.kind == .rbrace || peek.kind == .eof || (peek.newlineBefore && canStartStatement)
    }

    private var canStartStatement: Bool {
        switch peek.kind {
        case .identifier, .kwLocked, .kwCheck, .kwWarn, .kwEnv, .kwScale, .kwTier, .kwTenant: true
        default: false
        }
    }

    /// A `}`, `]` or `)` where nothing it could close is open (E0103).
    private mutating func unexpectedCloser() {
        let closer = peek.kind.display
        let opener = peek.kind == .rbrace ? "`{`" : peek.kind == .rbracket ? "`[`" : "`(`"
        error("unexpected \(closer): no \(opener) is open here", peekSpan, code: .unexpectedDelimiter, label: "nothing to close",
              help: ["remove it, or add the \(opener) it was meant to close"])
    }

    // MARK: - Statements

    private mutating func parseStatement() -> Statement? {
        let doc = docs[pos]
        let start = peek.start
        var locked = false
        var lockedSpan: Span?
        if peek.kind == .kwLocked, ![.assign, .dot, .colon, .lbrace].contains(peekKind(1)) {
            lockedSpan = span(advance())
            locked = true
        }
        let next = peekKind(1)
        let namesField = next == .assign || next == .dot || next == .colon || next == .lbrace
        switch peek.kind {
        case .kwCheck where !namesField, .kwWarn where !namesField:
            if locked { error("`locked` applies to fields, not to rules", lockedSpan ?? peekSpan) }
            let severity: RuleSeverity = advance().kind == .kwCheck ? .check : .warn
            let condition = parseExpr()
            var message: Expr?
            if peek.kind == .kwElse {
                advance()
                message = parseExpr()
            }
            return Statement(.rule(severity, condition, message: message), span: spanFrom(start), doc: doc)
        case .kwEnv where peekKind(1) == .identifier:
            if locked { error("`locked` applies to fields, not to `env` blocks", lockedSpan ?? peekSpan) }
            advance()
            let nameTok = advance()
            let name = Name(text(nameTok), span(nameTok))
            guard peek.kind == .lbrace else {
                error("expected `{` after `env \(name.text)`, found \(peek.kind.display)", peekSpan)
                return nil
            }
            let body = parseBraceBody()
            return Statement(.env(name, body), span: spanFrom(start), doc: doc)
        case .kwScale where !namesField:
            if locked { error("`locked` applies to fields, not to `scale`", lockedSpan ?? peekSpan) }
            advance()
            guard let path = parsePath(allowWildcards: true) else { return nil }
            guard peek.kind == .kwBy else {
                error("expected `by` after `scale \(path.text)`, found \(peek.kind.display)", peekSpan,
                      help: ["write `scale \(path.text) by 50%`"], quoting: path.span)
                return nil
            }
            advance()
            let factor = parseExpr()
            return Statement(.scale(path, factor), span: spanFrom(start), doc: doc)
        default:
            break
        }
        guard isFieldNameToken(peek.kind) else {
            if peek.kind == .rbracket || peek.kind == .rparen {
                unexpectedCloser()
            } else {
                error("expected a field, `check`, `warn`, `env` or `scale`, found \(peek.kind.display)", peekSpan)
            }
            return nil
        }
        guard let path = parsePath(allowWildcards: true) else { return nil }
        switch peek.kind {
        case .assign:
            advance()
            guard !valueIsMissing else {
                error("expected a value after `\(path.text) =`", peekSpan, label: "a new statement starts here", quoting: path.span)
                return nil
            }
            let value = parseExpr()
            return Statement(.assign(path, value), span: spanFrom(start), locked: locked, lockedSpan: lockedSpan, doc: doc)
        case .colon:
            let colon = advance()
            // `replicas: 3`, `enabled: true`, `offset: -1`: no type starts so; a value written
            // YAML's way. Read as `=` (reported by the semantic layer, which knows the field).
            if [.number, .kwTrue, .kwFalse, .minus].contains(peek.kind), !peek.newlineBefore {
                let value = parseExpr()
                var stmt = Statement(.assign(path, value), span: spanFrom(start), locked: locked, lockedSpan: lockedSpan, doc: doc)
                stmt.colonSpan = span(colon)
                return stmt
            }
            let type = parseType()
            var value: Expr?
            if peek.kind == .assign, !peek.newlineBefore {
                advance()
                guard !valueIsMissing else {
                    error("expected a default value after `=`", peekSpan, label: "a new statement starts here")
                    return nil
                }
                value = parseExpr()
            }
            return Statement(.declare(path, type, value), span: spanFrom(start), locked: locked, lockedSpan: lockedSpan, doc: doc)
        case .lbrace:
            let body = parseBraceBody()
            return Statement(.block(path, body), span: spanFrom(start), locked: locked, lockedSpan: lockedSpan, doc: doc)
        default:
            error("expected `=`, `:` or `{` after `\(path.text)`, found \(peek.kind.display)", peekSpan,
                  help: ["`\(path.text) = value` sets a field, `\(path.text): Type` declares one, `\(path.text) { … }` changes a record"],
                  quoting: path.span)
            return nil
        }
    }

    /// Identifiers, and keywords that may name a field (`tier`, `env`, `check` … before `=`/`.`/`:`/`{`).
    private func isFieldNameToken(_ k: TokenKind) -> Bool {
        k == .identifier || (k.isKeyword && k != .kwTrue && k != .kwFalse && k != .kwUnlimited && k != .kwSuper)
    }

    private mutating func parsePath(allowWildcards: Bool) -> Path? {
        var segments: [PathSegment] = []
        guard isFieldNameToken(peek.kind) else {
            error("expected a field name, found \(peek.kind.display)", peekSpan)
            return nil
        }
        let first = advance()
        segments.append(.name(Name(text(first), span(first))))
        while peek.kind == .dot {
            advance()
            if peek.kind == .star, allowWildcards {
                segments.append(.wildcard(span(advance())))
            } else if isFieldNameToken(peek.kind) {
                let t = advance()
                segments.append(.name(Name(text(t), span(t))))
            } else {
                error("expected a field name after `.`, found \(peek.kind.display)", peekSpan)
                return nil
            }
        }
        return Path(segments)
    }

    // MARK: - Types

    private mutating func parseType() -> TypeExpr {
        let start = peek.start
        var members = [parseBoundedType()]
        while peek.kind == .pipe, !peek.newlineBefore {
            advance()
            members.append(parseBoundedType())
        }
        var t = members.count == 1 ? members[0] : TypeExpr(.union(members), spanFrom(start))
        if peek.kind == .question, !peek.newlineBefore {
            advance()
            t = TypeExpr(.optional(t), spanFrom(start))
        }
        return t
    }

    private mutating func parseBoundedType() -> TypeExpr {
        let start = peek.start
        let base = parseTypePrimary()
        guard peek.kind == .lparen, !peek.newlineBefore else { return base }
        advance()
        let saved = newlineEnds
        newlineEnds = false
        defer { newlineEnds = saved }
        var lower: Expr?
        var upper: Expr?
        if peek.kind != .dotdot { lower = parseExpr() }
        guard expect(.dotdot, "in bounds like `int(1..65535)`") != nil else { return TypeExpr(.invalid, spanFrom(start)) }
        if peek.kind != .rparen { upper = parseExpr() }
        _ = expect(.rparen, "to close the bounds")
        return TypeExpr(.bounded(base, lower: lower, upper: upper), spanFrom(start))
    }

    private mutating func parseTypePrimary() -> TypeExpr {
        let start = peek.start
        switch peek.kind {
        case .identifier:
            let t = advance()
            return TypeExpr(.named(Name(text(t), span(t))), span(t))
        case .kwUnlimited:
            return TypeExpr(.unlimited, span(advance()))
        case .stringStart:
            let e = parseString()
            if case .literal(.string(let s)) = e.kind { return TypeExpr(.stringLiteral(s), e.span) }
            error("an enum member must be a plain string, without `${…}`", e.span, code: .invalidType)
            return TypeExpr(.invalid, e.span)
        case .lbracket:
            guard let element = bracketed(.rbracket, "to close the list type", { $0.parseType() }) else {
                return TypeExpr(.invalid, spanFrom(start))
            }
            return TypeExpr(.list(element), spanFrom(start))
        case .lbrace:
            let body = parseBraceBody()
            return TypeExpr(.record(body), spanFrom(start))
        case .lparen:
            return bracketed(.rparen, "to close the parenthesised type", { $0.parseType() }) ?? TypeExpr(.invalid, spanFrom(start))
        default:
            error("expected a type, found \(peek.kind.display)", peekSpan, code: .invalidType,
                  help: ["types are bool int float string size duration cpu percent cron cidr email secret, \"a\" | \"b\", [T], { … }, T?, T | unlimited, T(lo..hi)"])
            return TypeExpr(.invalid, peekSpan)
        }
    }

    // MARK: - Expressions

    /// Binding powers, loosest first: implies, ||, &&, == !=, < <= > >= in, + -, * /.
    private func binaryOperator(_ k: TokenKind) -> (BinaryOperator, Int)? {
        switch k {
        case .kwImplies: (.implies, 1)
        case .orOr: (.or, 2)
        case .andAnd: (.and, 3)
        case .equal: (.equal, 4)
        case .notEqual: (.notEqual, 4)
        case .less: (.less, 5)
        case .lessEqual: (.lessEqual, 5)
        case .greater: (.greater, 5)
        case .greaterEqual: (.greaterEqual, 5)
        case .kwIn: (.contains, 5)
        case .plus: (.add, 6)
        case .minus: (.subtract, 6)
        case .star: (.multiply, 7)
        case .slash: (.divide, 7)
        default: nil
        }
    }

    public mutating func parseExpr() -> Expr { parseBinary(minPower: 1) }

    /// Precedence climbing: left-associative except `implies` (right) and comparisons (non-associative).
    private mutating func parseBinary(minPower: Int) -> Expr {
        guard enter() else {
            leave()
            return Expr(.invalid, peekSpan)
        }
        defer { leave() }
        var lhs = parseUnary()
        // A binary operator continues the expression even at the start of a line: no statement
        // can start with one, so this is never ambiguous.
        var chain = 0
        defer { depth -= chain }
        while let (op, power) = binaryOperator(peek.kind), power >= minPower {
            // `in = 1` / `implies.x = 1` on a new line is a statement naming a field, not an operator.
            if peek.newlineBefore, newlineEnds, peek.kind.isKeyword, [.assign, .dot, .colon, .lbrace].contains(peekKind(1)) { break }
            // Each operator of a chain is one level of the tree: deep trees are refused, not recursed into.
            chain += 1
            depth += 1
            if depth > Parser.maxDepth || stackGuard.isExhausted {
                reportDepth()
                while binaryOperator(peek.kind) != nil || ![TokenKind.eof, .rbrace, .rbracket, .rparen, .semicolon, .comma].contains(peek.kind) && !peek.newlineBefore {
                    if peek.kind == .lbrace || peek.kind == .lbracket || peek.kind == .lparen || peek.kind == .stringStart {
                        skipBalanced()
                    } else {
                        advance()
                    }
                }
                return Expr(.invalid, lhs.span)
            }
            advance()
            let nextMin = op == .implies ? power : power + 1
            let rhs = parseBinary(minPower: nextMin)
            lhs = Expr(.binary(op, lhs, rhs), lhs.span.union(rhs.span))
            if power == 4 || power == 5, let (_, p2) = binaryOperator(peek.kind), p2 == power {
                error("comparisons cannot be chained", peekSpan, help: ["combine them with `&&`: `a < b && b < c`"])
            }
        }
        return lhs
    }

    private mutating func parseUnary() -> Expr {
        let start = peek.start
        switch peek.kind {
        case .minus, .bang:
            let op: UnaryOperator = advance().kind == .minus ? .negate : .not
            guard enter() else {
                leave()
                return Expr(.invalid, peekSpan)
            }
            defer { leave() }
            let operand = parseUnary()
            // Fold `-5`, `-2cores` into literals so bounds and defaults stay constants.
            if op == .negate, case .literal(let v) = operand.kind, let neg = negateLiteral(v) {
                return Expr(.literal(neg), spanFrom(start))
            }
            return Expr(.unary(op, operand), spanFrom(start))
        default:
            return parsePostfix()
        }
    }

    private func negateLiteral(_ v: Value) -> Value? {
        switch v {
        case .int(let i) where i != .min: .int(-i)
        case .float(let d): .float(-d)
        case .size(let s): .size(Size(bytes: -s.bytes, family: s.family))
        case .duration(let t): .duration(TimeSpan(milliseconds: -t.milliseconds, family: t.family))
        case .cpu(let c): .cpu(CPU(millicores: -c.millicores))
        case .percent(let p): .percent(Percent(micros: -p.micros))
        default: nil
        }
    }

    private mutating func parsePostfix() -> Expr {
        var e = parsePrimary()
        while peek.kind == .dot, !atLineBreak {
            advance()
            if peek.kind == .star {
                let star = advance()
                e = Expr(.wildcard(e), e.span.union(span(star)))
            } else if isFieldNameToken(peek.kind) || peek.kind == .kwTrue || peek.kind == .kwFalse {
                let t = advance()
                e = Expr(.member(e, Name(text(t), span(t))), e.span.union(span(t)))
            } else {
                error("expected a field name or `*` after `.`, found \(peek.kind.display)", peekSpan)
                return Expr(.invalid, e.span)
            }
        }
        return e
    }

    private mutating func parsePrimary() -> Expr {
        let t = peek
        switch t.kind {
        case .number:
            advance()
            if let spaced = spacedQuantity(t) { return spaced }
            return numberLiteral(t)
        case .kwTrue:
            advance()
            return Expr(.literal(.bool(true)), span(t))
        case .kwFalse:
            advance()
            return Expr(.literal(.bool(false)), span(t))
        case .kwUnlimited:
            advance()
            return Expr(.literal(.unlimited), span(t))
        case .kwSuper:
            advance()
            return Expr(.superValue, span(t))
        case .stringStart:
            return parseString()
        case .identifier, .kwTenant, .kwTier:
            advance()
            let name = Name(text(t), span(t))
            if t.kind == .identifier, peek.kind == .lparen, !peek.newlineBefore {
                return parseCall(name)
            }
            return Expr(.name(name), name.span)
        case .lparen:
            guard let inner = bracketed(.rparen, "to close `(`", { $0.parseExpr() }) else { return Expr(.invalid, spanFrom(t.start)) }
            return Expr(inner.kind, spanFrom(t.start))
        case .lbracket:
            return parseList()
        case .lbrace:
            return parseRecordLiteral()
        case .kwIf:
            return parseConditional()
        case .kwImport:
            error("`import` is reserved for a future module system", span(t), code: .reservedKeyword)
            advance()
            return Expr(.invalid, span(t))
        default:
            error("expected a value, found \(t.kind.display)", span(t))
            return Expr(.invalid, span(t))
        }
    }

    private mutating func parseConditional() -> Expr {
        let start = advance().start
        guard enter() else {
            leave()
            return Expr(.invalid, spanFrom(start))
        }
        defer { leave() }
        let condition = parseExpr()
        guard expect(.kwThen, "after the condition of `if`") != nil else { return Expr(.invalid, spanFrom(start)) }
        let then = parseExpr()
        guard expect(.kwElse, "in `if … then … else …`") != nil else { return Expr(.invalid, spanFrom(start)) }
        let otherwise = parseExpr()
        return Expr(.conditional(condition, then, otherwise), spanFrom(start))
    }

    private mutating func parseCall(_ name: Name) -> Expr {
        guard enter() else {
            skipBalanced()
            leave()
            return Expr(.invalid, name.span)
        }
        defer { leave() }
        advance()  // (
        let saved = newlineEnds
        newlineEnds = false
        defer { newlineEnds = saved }
        var args: [Expr] = []
        while peek.kind != .rparen, peek.kind != .eof {
            args.append(parseExpr())
            if !eat(.comma) { break }
        }
        _ = expect(.rparen, "to close the arguments of `\(name.text)(…)`")
        return Expr(.call(name, args), spanFrom(name.span.start))
    }

    private mutating func parseList() -> Expr {
        let open = peek
        guard enter() else {
            skipBalanced()
            leave()
            return Expr(.invalid, spanFrom(open.start))
        }
        defer { leave() }
        advance()
        let saved = newlineEnds
        newlineEnds = false
        defer { newlineEnds = saved }
        var items: [Expr] = []
        if eat(.rbracket) { return Expr(.list([]), spanFrom(open.start)) }
        let first = parseExpr()
        if peek.kind == .kwFor {
            return parseComprehension(element: first, start: open.start)
        }
        items.append(first)
        while eat(.comma) {
            if peek.kind == .rbracket { break }
            let item = parseExpr()
            // Past the bound, items are parsed (for their errors) but not kept.
            if items.count < Parser.maxListItems {
                items.append(item)
            } else if !reportedLongList {
                reportedLongList = true
                diagnostics.append(.error(.inputTooLarge, "list literal longer than \(Parser.maxListItems) items", at: item.span,
                                          label: "item \(Parser.maxListItems + 1)", help: ["values this large do not belong in a configuration"]))
            }
        }
        if peek.kind != .rbracket {
            if peek.kind == .eof || peek.kind == .rbrace || peek.kind == .rparen || peek.newlineBefore {
                if !recovering && !stopped {
                    diagnostics.append(.error(.unclosedDelimiter, "unclosed `[`", at: span(open), label: "this `[` is never closed",
                                              related: [DiagnosticLabel(peekSpan, "expected `]` before \(peek.kind.display)")],
                                              help: ["close the list with `]`, or separate its items with `,`"]))
                }
                recovering = true
            } else {
                error("expected `,` or `]` in the list, found \(peek.kind.display)", peekSpan)
            }
            return Expr(.list(items), spanFrom(open.start))
        }
        advance()
        return Expr(.list(items), spanFrom(open.start))
    }

    /// `[element for x in source if condition]` — the current token is `for`.
    private mutating func parseComprehension(element: Expr, start: UInt32) -> Expr {
        advance()
        guard peek.kind == .identifier else {
            error("expected a variable name after `for`, found \(peek.kind.display)", peekSpan)
            return Expr(.invalid, spanFrom(start))
        }
        let v = advance()
        guard expect(.kwIn, "after `for \(text(v))`") != nil else { return Expr(.invalid, spanFrom(start)) }
        let source = parseExpr()
        var condition: Expr?
        if eat(.kwIf) { condition = parseExpr() }
        _ = expect(.rbracket, "to close the list comprehension")
        return Expr(.comprehension(element: element, variable: Name(text(v), span(v)), source: source, condition: condition),
                    spanFrom(start))
    }

    /// `{ key = value, a.b = value }` in an expression.
    private mutating func parseRecordLiteral() -> Expr {
        let open = peek
        guard enter() else {
            skipBalanced()
            leave()
            return Expr(.invalid, spanFrom(open.start))
        }
        defer { leave() }
        advance()
        let saved = newlineEnds
        newlineEnds = true
        defer { newlineEnds = saved }
        var entries: [RecordEntry] = []
        while true {
            while eat(.comma) || eat(.semicolon) {}
            if eat(.rbrace) { break }
            if peek.kind == .eof {
                if !stopped { diagnostics.append(.error(.unclosedDelimiter, "unclosed `{`", at: span(open), label: "opened here")) }
                recovering = true
                break
            }
            let before = pos
            guard let path = parsePath(allowWildcards: false), let names = path.names else {
                synchronizeStatement()
                recoverProgress(from: before)
                continue
            }
            guard eat(.assign) else {
                error("expected `=` after `\(path.text)` in the record, found \(peek.kind.display)", peekSpan,
                      help: ["record entries are `key = value`"], quoting: path.span)
                synchronizeStatement()
                recoverProgress(from: before)
                continue
            }
            entries.append(RecordEntry(path: names, value: parseExpr()))
            switch peek.kind {
            case .comma, .semicolon, .rbrace, .eof: break
            default:
                if !(peek.newlineBefore || isFieldNameToken(peek.kind)) {
                    error("expected `,`, a line break or `}` after the record entry, found \(peek.kind.display)", peekSpan)
                    synchronizeStatement()
                }
            }
        }
        return Expr(.record(entries), spanFrom(open.start))
    }

    // MARK: - Literals

    /// `2 hours`, `8 GiB`, `2 cores`: a number without a unit followed on its line by a unit or
    /// a unit's word that does not start a statement (`2  h = 1` sets a field `h`). One error
    /// that shows the quantity as it is written (`2h`), and the quantity, so nothing else is
    /// reported about that value.
    private mutating func spacedQuantity(_ t: Token) -> Expr? {
        guard t.aux == t.end - t.start, peek.kind == .identifier, !peek.newlineBefore, peek.start > t.end,
              ![.assign, .dot, .colon, .lbrace].contains(peekKind(1)),
              let unit = QuantityUnit.spelledOut(text(peek)) else { return nil }
        let word = advance()
        let digits = String(decoding: bytes[Int(t.start)..<Int(t.end)], as: UTF8.self)
        let written = digits + unit.name
        let sp = Span(file: file.id, start: t.start, end: word.end)
        if !stopped {
            diagnostics.append(.error(.syntax, "a unit is written right after its number: `\(written)`, not `\(text(t)) \(text(word))`",
                                      at: sp, label: "write `\(written)`",
                                      help: ["quantities are one word, the unit right after the number: `30d`, `512MiB`, `0.5cores`, `70%`"],
                                      fixes: [FixIt(sp, written)]))
            if diagnostics.count >= Parser.maxErrors { stop(at: sp) }
        }
        return quantityLiteral(bytes[Int(t.start)..<Int(t.end)], unit, at: sp, written: written)
    }

    private mutating func numberLiteral(_ t: Token) -> Expr {
        let s = Int(t.start)
        let numEnd = s + Int(t.aux)
        let e = Int(t.end)
        let sp = span(t)
        let digits = bytes[s..<numEnd]
        if numEnd == e {
            let isFloat = digits.contains(UInt8(ascii: ".")) || digits.contains(UInt8(ascii: "e")) || digits.contains(UInt8(ascii: "E"))
            if isFloat {
                let clean = String(decoding: digits.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
                guard let d = Double(clean), d.isFinite else {
                    diagnostics.append(.error(.invalidNumber, "number `\(text(t))` is out of range", at: sp))
                    return Expr(.invalid, sp)
                }
                return Expr(.literal(.float(d)), sp)
            }
            guard let n = ExactNumber(ascii: digits), let i = n.int64 else {
                diagnostics.append(.error(.invalidNumber, "integer `\(text(t))` does not fit in 64 bits", at: sp,
                                          help: ["integers range from -9223372036854775808 to 9223372036854775807"]))
                return Expr(.invalid, sp)
            }
            return Expr(.literal(.int(i)), sp)
        }
        guard let unit = QuantityUnit.named(bytes[numEnd..<e]) else { return Expr(.invalid, sp) }  // reported by the lexer
        return quantityLiteral(digits, unit, at: sp, written: text(t))
    }

    /// The quantity `digits` `unit` (written `written`, for messages).
    private mutating func quantityLiteral(_ digits: ArraySlice<UInt8>, _ unit: QuantityUnit, at sp: Span, written: String) -> Expr {
        guard let n = ExactNumber(ascii: digits) else {
            diagnostics.append(.error(.invalidNumber, "number `\(written)` is out of range", at: sp))
            return Expr(.invalid, sp)
        }
        guard let base = n.times(exactly: unit.factor) else {
            if n.isInexact(times: unit.factor) {
                let precision: String
                switch unit.kind {
                case .size: precision = "1 byte"
                case .duration: precision = "1 millisecond"
                case .cpu: precision = "1 millicore (0.001cores)"
                case .percent: precision = "0.000001%"
                }
                diagnostics.append(.error(.quantityPrecision, "`\(written)` is finer than \(precision)", at: sp,
                                          help: ["\(unit.kind.rawValue) values are exact to \(precision)"]))
            } else {
                diagnostics.append(.error(.invalidNumber, "`\(written)` is too large", at: sp,
                                          help: ["\(unit.kind.rawValue) values must fit in 64 bits of \(unit.kind.baseUnitName)"]))
            }
            return Expr(.invalid, sp)
        }
        let value: Value
        switch unit.kind {
        case .size: value = .size(Size(bytes: base, family: unit.sizeFamily))
        case .duration: value = .duration(TimeSpan(milliseconds: base, family: unit.durationFamily))
        case .cpu: value = .cpu(CPU(millicores: base))
        case .percent: value = .percent(Percent(micros: base))
        }
        return Expr(.literal(value), sp)
    }

    /// A string literal; the current token is `stringStart`.
    private mutating func parseString() -> Expr {
        let open = advance()
        let indent = open.aux == .max ? -1 : Int(open.aux)
        var parts: [StringPart] = []
        var pendingText = ""
        while true {
            let t = peek
            switch t.kind {
            case .stringText:
                advance()
                pendingText += decodeText(t, indent: indent)
            case .interpolationStart:
                advance()
                if !pendingText.isEmpty {
                    parts.append(.text(pendingText))
                    pendingText = ""
                }
                let saved = newlineEnds
                newlineEnds = false
                if peek.kind == .interpolationEnd {
                    error("empty interpolation `${}`", span(t).union(span(peek)))
                } else {
                    parts.append(.expression(parseExpr()))
                }
                newlineEnds = saved
                if peek.kind != .interpolationEnd {
                    error("expected `}` to close the interpolation, found \(peek.kind.display)", peekSpan)
                    // Skip to the end of this interpolation.
                    var nesting = 0
                    while peek.kind != .eof {
                        if nesting == 0, peek.kind == .interpolationEnd { break }
                        if peek.kind == .stringStart { nesting += 1 }
                        if peek.kind == .stringEnd { nesting -= 1 }
                        advance()
                    }
                }
                _ = eat(.interpolationEnd)
            case .stringEnd:
                advance()
                let sp = spanFrom(open.start)
                if parts.isEmpty { return Expr(.literal(.string(pendingText)), sp) }
                if !pendingText.isEmpty { parts.append(.text(pendingText)) }
                return Expr(.interpolation(parts), sp)
            default:
                // The lexer always closes strings; this is unreachable on lexer output.
                return Expr(.invalid, spanFrom(open.start))
            }
        }
    }

    /// Decodes escapes; in multi-line strings, strips `indent` bytes after each line break and
    /// turns CRLF into LF.
    private func decodeText(_ t: Token, indent: Int) -> String {
        var out: [UInt8] = []
        let s = Int(t.start)
        let e = Int(t.end)
        out.reserveCapacity(e - s)
        var i = s
        func stripIndent() {
            var k = 0
            while k < indent, i < e, bytes[i] == 0x20 || bytes[i] == 0x09 {
                i += 1
                k += 1
            }
        }
        if indent >= 0, s > 0, bytes[s - 1] == 0x0A { stripIndent() }
        while i < e {
            let c = bytes[i]
            if c == UInt8(ascii: "\\"), i + 1 < e {
                let n = bytes[i + 1]
                switch n {
                case UInt8(ascii: "n"): out.append(0x0A); i += 2
                case UInt8(ascii: "t"): out.append(0x09); i += 2
                case UInt8(ascii: "r"): out.append(0x0D); i += 2
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "$"): out.append(n); i += 2
                case UInt8(ascii: "u"):
                    var j = i + 3
                    var v: UInt32 = 0
                    while j < e, let d = hexDigit(bytes[j]) {
                        v = v &* 16 &+ d
                        j += 1
                    }
                    if let scalar = Unicode.Scalar(v) {
                        out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    }
                    i = min(j + 1, e)
                default:
                    out.append(c)
                    i += 1
                }
            } else if c == 0x0D, i + 1 < e, bytes[i + 1] == 0x0A, indent >= 0 {
                i += 1
            } else if c == 0x0A {
                out.append(c)
                i += 1
                if indent >= 0 { stripIndent() }
            } else {
                out.append(c)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension TokenKind {
    /// Whether a token that touches a tenant id is part of it (`Wonka-Co`): see
    /// `Parser.wholeTenantID`. The outline reads ids the same way.
    var continuesTenantID: Bool {
        switch self {
        case .identifier, .number, .minus, .plus, .dot, .slash, .star, .colon: true
        default: isKeyword && self != .kwExtends
        }
    }
}
