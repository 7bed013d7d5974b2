import Testing
import TenantDiagnostics
import TenantModel
@testable import TenantSyntax

// Helpers shared by the syntax tests: build files from text or raw bytes, and print tokens,
// expressions, types and statements as compact strings so tests can compare whole shapes.

/// A one-file source map. Each call makes a fresh map so file ids never clash.
func sourceFile(_ text: String, path: String = "test.tenant") -> SourceFile {
    SourceMap().add(path: path, bytes: Array(text.utf8))
}

func sourceFile(bytes: [UInt8], path: String = "test.tenant") -> SourceFile {
    SourceMap().add(path: path, bytes: bytes)
}

func lex(_ text: String) -> LexedFile { Lexer.tokenize(sourceFile(text)) }
func lex(bytes: [UInt8]) -> LexedFile { Lexer.tokenize(sourceFile(bytes: bytes)) }

/// The token kinds of `text`, without the final `eof`.
func kinds(_ text: String) -> [TokenKind] {
    kinds(lex(text))
}

func kinds(_ lexed: LexedFile) -> [TokenKind] {
    var k = lexed.tokens.map(\.kind)
    if k.last == .eof { k.removeLast() }
    return k
}

/// The source text of each token of `text` (without `eof`).
func texts(_ text: String) -> [String] {
    let file = sourceFile(text)
    let lexed = Lexer.tokenize(file)
    return lexed.tokens.filter { $0.kind != .eof }.map { tokenText($0, file) }
}

func tokenText(_ t: Token, _ file: SourceFile) -> String {
    file.text(Span(file: file.id, start: t.start, end: t.end))
}

func codes(_ diagnostics: [Diagnostic]) -> [String] { diagnostics.map(\.code.id) }

func parse(_ text: String) -> SourceUnit { Parser.parse(sourceFile(text)) }

/// Parses a file holding one root tier `t { body }` and returns its body and the diagnostics.
func parseBody(_ body: String) -> (statements: [Statement], diagnostics: [Diagnostic]) {
    let unit = parse("tier t {\n" + body + "\n}\n")
    return (unit.declarations.first?.body ?? [], unit.diagnostics)
}

func parseExpr(_ text: String) -> (expr: Expr, diagnostics: [Diagnostic]) {
    let (e, d) = Parser.parseExpression(sourceFile(text))
    return (e, d)
}

/// The shape of one expression, or `ERR[codes]` when it had diagnostics.
func shape(_ text: String) -> String {
    let (e, d) = parseExpr(text)
    if !d.isEmpty { return "ERR\(codes(d))" }
    return show(e)
}

/// The decoded value of a string literal expression, or nil if it is not a plain string.
func stringValue(_ text: String) -> String? {
    let (e, d) = parseExpr(text)
    guard d.isEmpty, case .literal(.string(let s)) = e.kind else { return nil }
    return s
}

/// The literal value an expression parses to (nil when it is not a literal or had errors).
func literal(_ text: String) -> Value? {
    let (e, d) = parseExpr(text)
    guard d.isEmpty, case .literal(let v) = e.kind else { return nil }
    return v
}

// MARK: - Printers

func show(_ e: Expr) -> String {
    switch e.kind {
    case .literal(let v): return v.sourceText
    case .interpolation(let parts):
        return "(str " + parts.map { part -> String in
            switch part {
            case .text(let s): return quoteForSource(s)
            case .expression(let x): return "${" + show(x) + "}"
            }
        }.joined(separator: " ") + ")"
    case .list(let items): return "[" + items.map(show).joined(separator: " ") + "]"
    case .record(let entries):
        return "{" + entries.map { $0.path.map(\.text).joined(separator: ".") + "=" + show($0.value) }.joined(separator: " ") + "}"
    case .name(let n): return n.text
    case .member(let base, let n): return "(. \(show(base)) \(n.text))"
    case .wildcard(let base): return "(.* \(show(base)))"
    case .superValue: return "super"
    case .unary(let op, let x): return "(\(op == .negate ? "neg" : "!") \(show(x)))"
    case .binary(let op, let l, let r): return "(\(op.rawValue) \(show(l)) \(show(r)))"
    case .conditional(let c, let a, let b): return "(if \(show(c)) \(show(a)) \(show(b)))"
    case .call(let n, let args): return "(call \(n.text)" + args.map { " " + show($0) }.joined() + ")"
    case .comprehension(let element, let variable, let source, let condition):
        var s = "(for \(show(element)) \(variable.text) \(show(source))"
        if let c = condition { s += " if \(show(c))" }
        return s + ")"
    case .invalid: return "<invalid>"
    }
}

func show(_ t: TypeExpr) -> String {
    switch t.kind {
    case .named(let n): return n.text
    case .stringLiteral(let s): return quoteForSource(s)
    case .union(let members): return "(" + members.map(show).joined(separator: " | ") + ")"
    case .unlimited: return "unlimited"
    case .list(let e): return "[" + show(e) + "]"
    case .record(let body): return "{" + body.map(show).joined(separator: "; ") + "}"
    case .optional(let x): return show(x) + "?"
    case .bounded(let base, let lo, let hi):
        return show(base) + "(" + (lo.map(show) ?? "") + ".." + (hi.map(show) ?? "") + ")"
    case .invalid: return "<invalid type>"
    }
}

func show(_ s: Statement) -> String {
    var out = s.locked ? "locked " : ""
    switch s.kind {
    case .assign(let p, let e): out += "\(p.text) = \(show(e))"
    case .declare(let p, let t, let e):
        out += "\(p.text): \(show(t))"
        if let e { out += " = \(show(e))" }
    case .block(let p, let body): out += "\(p.text) {" + body.map(show).joined(separator: "; ") + "}"
    case .rule(let sev, let cond, let message):
        out += "\(sev.rawValue) \(show(cond))"
        if let m = message { out += " else \(show(m))" }
    case .env(let n, let body): out += "env \(n.text) {" + body.map(show).joined(separator: "; ") + "}"
    case .scale(let p, let e): out += "scale \(p.text) by \(show(e))"
    }
    return out
}

/// The statements of a body, one shape each.
func shapes(_ statements: [Statement]) -> [String] { statements.map(show) }
