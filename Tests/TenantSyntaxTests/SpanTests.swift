import Testing
import TenantDiagnostics
@testable import TenantSyntax

/// The 1-based (line, column) where the first diagnostic of `unit` starts.
func firstPosition(_ unit: SourceUnit) -> (line: Int, column: Int)? {
    guard let span = unit.diagnostics.first?.span else { return nil }
    let p = unit.file.position(ofByte: Int(span.start))
    return (p.line, p.column)
}

func position(_ file: SourceFile, _ diagnostic: Diagnostic?) -> (line: Int, column: Int)? {
    guard let span = diagnostic?.span else { return nil }
    let p = file.position(ofByte: Int(span.start))
    return (p.line, p.column)
}

@Suite("Diagnostic positions")
struct SpanTests {
    @Test("columns count Unicode scalars after multibyte characters")
    func multibyteColumns() throws {
        let unit = parse("tier t {\n  x = \"é😀日\" @\n}")
        let p = try #require(firstPosition(unit))
        #expect(p.line == 2)
        #expect(p.column == 13)
        #expect(unit.diagnostics.first?.code.id == "E0002")
    }

    @Test("a syntax error after multibyte characters")
    func syntaxAfterMultibyte() throws {
        let unit = parse("tier t {\n  name = \"Ünïcødé\" 5\n}")
        #expect(codes(unit.diagnostics) == ["E0101"])
        let p = try #require(firstPosition(unit))
        #expect(p.line == 2)
        #expect(p.column == 20)
    }

    @Test("positions on a CRLF file")
    func crlfPositions() throws {
        let unit = parse("tier t {\r\n  a = 1\r\n  x = 1 @\r\n  y = 1 2\r\n}\r\n")
        let first = try #require(position(unit.file, unit.diagnostics.first))
        #expect(first.line == 3)
        #expect(first.column == 9)
        #expect(unit.diagnostics.first?.code.id == "E0002")
        let syntax = try #require(position(unit.file, unit.diagnostics.first { $0.code.id == "E0101" && $0.span.map { unit.file.position(ofByte: Int($0.start)).line } == 4 }))
        #expect(syntax.column == 9)
        // The line text excludes the CR.
        #expect(Array(unit.file.lineBytes(2)) == Array("  x = 1 @".utf8))
    }

    @Test("a byte order mark does not count as a column")
    func bomColumn() throws {
        let unit = Parser.parse(sourceFile(bytes: [0xEF, 0xBB, 0xBF] + Array("@ tier t { }".utf8)))
        #expect(codes(unit.diagnostics) == ["E0002"])
        let p = try #require(firstPosition(unit))
        #expect(p.line == 1)
        #expect(p.column == 1)
    }

    @Test("E0001 on a later line, after multibyte characters")
    func invalidUTF8Position() throws {
        let bytes = Array("tier t {\n  é = \"".utf8) + [0xFF] + Array("\"\n}".utf8)
        let lexed = lex(bytes: bytes)
        let file = sourceFile(bytes: bytes)
        let d = try #require(lexed.diagnostics.first)
        #expect(d.code.id == "E0001")
        #expect(d.span?.start == 17)
        let p = try #require(position(file, d))
        #expect(p.line == 2)
        #expect(p.column == 8)
    }

    @Test("unterminated string, unknown unit and unclosed brace point where documented")
    func lexicalPositions() throws {
        let unit = parse("tier t {\n  msg = \"héllo\n  mem = 10gb\n")
        try #require(unit.diagnostics.count == 3)
        let byCode = Dictionary(grouping: unit.diagnostics, by: \.code.id)
        let string = try #require(position(unit.file, byCode["E0003"]?.first))
        #expect(string.line == 2)
        #expect(string.column == 9)
        let u = try #require(position(unit.file, byCode["E0007"]?.first))
        #expect(u.line == 3)
        #expect(u.column == 11)
        let brace = try #require(position(unit.file, byCode["E0102"]?.first))
        #expect(brace.line == 1)
        #expect(brace.column == 8)
    }

    @Test("statement, path and declaration spans")
    func nodeSpans() throws {
        let file = sourceFile("tier free extends base {\n  locked limits.cpu = 2cores\n}\n")
        let unit = Parser.parse(file)
        let decl = try #require(unit.declarations.first)
        #expect(file.text(decl.headerSpan) == "tier free extends base")
        #expect(file.text(decl.span) == "tier free extends base {\n  locked limits.cpu = 2cores\n}")
        #expect(file.text(decl.name.span) == "free")
        #expect(decl.parent.map { file.text($0.span) } == "base")
        let s = try #require(decl.body.first)
        #expect(file.text(s.span) == "locked limits.cpu = 2cores")
        #expect(s.lockedSpan.map(file.text) == "locked")
        guard case .assign(let path, let value) = s.kind else {
            Issue.record("assign")
            return
        }
        #expect(file.text(path.span) == "limits.cpu")
        #expect(file.text(value.span) == "2cores")
    }
}
