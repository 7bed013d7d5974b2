import Testing
import TenantDiagnostics
import TenantModel
@testable import TenantSyntax

@Suite("Lexer and parser: string literals")
struct StringTests {
    // MARK: Escapes

    @Test("the documented escapes decode")
    func validEscapes() {
        #expect(stringValue(#""a\"b\\c\nd\te\rf\$g""#) == "a\"b\\c\nd\te\rf$g")
        #expect(lex(#""a\"b\\c\nd\te\rf\$g""#).diagnostics.isEmpty)
        #expect(stringValue(#""\u{1F600}""#) == "😀")
        #expect(stringValue(#""caf\u{E9}""#) == "café")
        #expect(stringValue(#""\u{e9}\u{00000041}""#) == "éA")
        #expect(stringValue(#""\u{0}""#) == "\u{0}")
        #expect(stringValue(#""\${x}""#) == "${x}")
        #expect(stringValue(#""say \"hi\"""#) == "say \"hi\"")
    }

    @Test("a `$` not followed by `{` is a literal dollar")
    func literalDollar() {
        #expect(stringValue(#""cost $5 and $""#) == "cost $5 and $")
        #expect(lex(#""$$ $x""#).diagnostics.isEmpty)
    }

    @Test("invalid escapes are E0004", arguments: [
        #""\q""#, #""\u{110000}""#, #""\u{D800}""#, #""\u{}""#, #""\u{123456789}""#, #""\u1F600""#,
        #""\u{12G}""#, #""\é""#, #""\0""#, #""\x41""#, #""\'""#,
    ])
    func invalidEscape(source: String) {
        let lexed = lex(source)
        #expect(codes(lexed.diagnostics) == ["E0004"])
        // The string is still closed normally.
        #expect(lexed.tokens.first?.kind == .stringStart)
        #expect(kinds(lexed).last == .stringEnd)
    }

    @Test("E0004 points at the escape")
    func invalidEscapeSpan() throws {
        let lexed = lex(#"x = "ab\qcd""#)
        let d = try #require(lexed.diagnostics.first)
        #expect(d.code.id == "E0004")
        #expect(d.span?.start == 7)
        #expect(d.span?.end == 9)
        let big = lex(#"x = "\u{110000}""#)
        #expect(big.diagnostics.first?.span?.start == 5)
        #expect(big.diagnostics.first?.message.contains("110000") == true)
    }

    // MARK: Interpolation

    @Test("interpolation token sequence")
    func interpolationTokens() {
        #expect(kinds(#""a${x}b""#) == [
            .stringStart, .stringText, .interpolationStart, .identifier, .interpolationEnd, .stringText, .stringEnd,
        ])
        #expect(texts(#""a${x}b""#) == ["\"", "a", "${", "x", "}", "b", "\""])
        #expect(kinds(#""${x}""#) == [.stringStart, .interpolationStart, .identifier, .interpolationEnd, .stringEnd])
        #expect(kinds(#""""#) == [.stringStart, .stringEnd])
        #expect(lex(#""a${x}b""#).tokens[0].aux == UInt32.max)
    }

    @Test("interpolation parses to text and expression parts")
    func interpolationParts() {
        #expect(shape(#""${tenant.id}_data""#) == #"(str ${(. tenant id)} "_data")"#)
        #expect(shape(#""a${1 + 2}b${c}""#) == #"(str "a" ${(+ 1 2)} "b" ${c})"#)
        #expect(shape(#""tier ${tenant.tier} allows ${limits.cpu}""#) == #"(str "tier " ${(. tenant tier)} " allows " ${(. limits cpu)})"#)
    }

    @Test("braces inside an interpolation nest")
    func nestedBraces() {
        let source = #""${ {a = 1}.a }""#
        #expect(kinds(source) == [
            .stringStart, .interpolationStart, .lbrace, .identifier, .assign, .number, .rbrace, .dot,
            .identifier, .interpolationEnd, .stringEnd,
        ])
        #expect(shape(source) == "(str ${(. {a=1} a)})")
        #expect(shape(#""${ {a = {b = 2}}.a.b }!""#) == #"(str ${(. (. {a={b=2}} a) b)} "!")"#)
    }

    @Test("strings nest inside interpolations")
    func nestedStrings() {
        let source = #""x${ "y${z}" }w""#
        #expect(kinds(source) == [
            .stringStart, .stringText, .interpolationStart, .stringStart, .stringText, .interpolationStart,
            .identifier, .interpolationEnd, .stringEnd, .interpolationEnd, .stringText, .stringEnd,
        ])
        #expect(shape(source) == #"(str "x" ${(str "y" ${z})} "w")"#)
        // A `}` or `"` inside a nested string does not end the interpolation.
        #expect(kinds(#""${ "}" }""#) == [.stringStart, .interpolationStart, .stringStart, .stringText, .stringEnd, .interpolationEnd, .stringEnd])
        #expect(shape(#""${ "}" }""#) == #"(str ${"}"})"#)
        #expect(lex(#""a${ "b${ "c" }" }d""#).diagnostics.isEmpty)
    }

    @Test("an empty interpolation is an error")
    func emptyInterpolation() {
        #expect(!parseExpr(#""a${}b""#).diagnostics.isEmpty)
    }

    // MARK: Unterminated strings

    @Test("an unterminated string is E0003 at its opening quote")
    func unterminated() throws {
        let lexed = lex(#"x = "abc"#)
        #expect(codes(lexed.diagnostics) == ["E0003"])
        #expect(lexed.diagnostics.first?.span?.start == 4)
        #expect(kinds(lexed) == [.identifier, .assign, .stringStart, .stringText, .stringEnd])
    }

    @Test("a single-line string ends at the line break, and the next line lexes normally")
    func unterminatedAtLineBreak() {
        let lexed = lex("x = \"abc\ny = 1")
        #expect(codes(lexed.diagnostics) == ["E0003"])
        #expect(kinds(lexed) == [.identifier, .assign, .stringStart, .stringText, .stringEnd, .identifier, .assign, .number])
        #expect(lexed.tokens[5].newlineBefore)

        let (body, diagnostics) = parseBody("  x = \"abc\n  y = 1")
        #expect(codes(diagnostics) == ["E0003"])
        #expect(shapes(body) == [#"x = "abc""#, "y = 1"])
    }

    @Test("a line break inside a single-line interpolation is E0003")
    func newlineInInterpolation() throws {
        let lexed = lex("x = \"a${b +\nc}\"")
        let first = try #require(lexed.diagnostics.first)
        #expect(first.code.id == "E0003")
        #expect(first.span?.start == 4)
        // The string is closed at the line break: the next line is outside it.
        #expect(kinds(lexed).prefix(8) == [.identifier, .assign, .stringStart, .stringText, .interpolationStart, .identifier, .plus, .interpolationEnd])

        let (body, diagnostics) = parseBody("  x = \"a${b\n  y = 1")
        #expect(codes(diagnostics) == ["E0003"])
        #expect(shapes(body).last == "y = 1")
    }

    @Test("raw control characters in strings are errors; TAB is allowed")
    func controlInString() {
        let withTab = lex("x = \"a\tb\"")
        #expect(withTab.diagnostics.isEmpty)
        #expect(stringValue("\"a\tb\"") == "a\tb")
        for byte: UInt8 in [0x00, 0x01, 0x1B, 0x7F] {
            let lexed = lex(bytes: Array("x = \"a".utf8) + [byte] + Array("b\"".utf8))
            #expect(codes(lexed.diagnostics) == ["E0002"], "byte \(byte)")
            #expect(lexed.diagnostics.first?.span?.start == 6)
        }
    }

    @Test("a lone CR inside a single-line string is a raw control character")
    func loneCarriageReturnInString() {
        let lexed = lex(bytes: Array("x = \"a".utf8) + [0x0D] + Array("b\"".utf8))
        #expect(lexed.diagnostics.count == 1)
    }

    // MARK: Multi-line strings

    @Test("multi-line strings strip the common indentation")
    func multilineIndent() {
        let source = "\"\"\"\n    hello\n      world\n    \"\"\""
        #expect(stringValue(source) == "hello\n  world")
        #expect(lex(source).diagnostics.isEmpty)
        #expect(lex(source).tokens[0].aux == 4)
    }

    @Test("the closing line's indentation counts")
    func multilineClosingIndent() {
        #expect(stringValue("\"\"\"\n    a\n    b\n  \"\"\"") == "  a\n  b")
        #expect(stringValue("\"\"\"\na\n  b\n  \"\"\"") == "a\n  b")
        #expect(stringValue("\"\"\"\n  a\n\"\"\"") == "  a")
    }

    @Test("blank and whitespace-only lines do not limit the indentation")
    func multilineBlankLines() {
        #expect(stringValue("\"\"\"\n    a\n\n    b\n    \"\"\"") == "a\n\nb")
        #expect(stringValue("\"\"\"\n    a\n  \n    b\n    \"\"\"") == "a\n\nb")
        #expect(stringValue("\"\"\"\n\t\ta\n\t\t\tb\n\t\t\"\"\"") == "a\n\tb")
    }

    @Test("CRLF inside a multi-line string becomes LF")
    func multilineCRLF() {
        #expect(stringValue("\"\"\"\r\n    a\r\n      b\r\n    \"\"\"") == "a\n  b")
        let (body, diagnostics) = parseBody("  x = \"\"\"\r\n    one\r\n    two\r\n    \"\"\"\r\n  y = 1")
        #expect(diagnostics.isEmpty)
        #expect(shapes(body) == [#"x = "one\ntwo""#, "y = 1"])
    }

    @Test("quotes and escapes inside a multi-line string")
    func multilineEscapes() {
        #expect(stringValue("\"\"\"\n  say \"hi\" \"\"\n  \"\"\"") == "say \"hi\" \"\"")
        #expect(stringValue("\"\"\"\n  a \\\"\"\" b\n  \"\"\"") == "a \"\"\" b")
        #expect(stringValue("\"\"\"\n  tab\\there\\u{21}\n  \"\"\"") == "tab\there!")
    }

    @Test("interpolation in a multi-line string")
    func multilineInterpolation() {
        let source = "\"\"\"\n  Hello ${name}!\n  Bye\n  \"\"\""
        #expect(shape(source) == #"(str "Hello " ${name} "!\nBye")"#)
        #expect(kinds(source) == [.stringStart, .stringText, .interpolationStart, .identifier, .interpolationEnd, .stringText, .stringEnd])
    }

    @Test("multi-line strings in a body, followed by more statements")
    func multilineInBody() {
        let (body, diagnostics) = parseBody("""
              motd = \"\"\"
                Welcome!
                  Be nice.
                \"\"\"
              after = 1
            """)
        #expect(diagnostics.isEmpty)
        #expect(shapes(body) == [#"motd = "Welcome!\n  Be nice.""#, "after = 1"])
    }

    @Test("an unterminated multi-line string is E0003")
    func multilineUnterminated() {
        let lexed = lex("x = \"\"\"\n  abc\n")
        #expect(codes(lexed.diagnostics) == ["E0003"])
        #expect(lexed.diagnostics.first?.span?.start == 4)
        #expect(kinds(lexed).last == .stringEnd)
    }

    @Test("`\"\"\"` must be followed by a line break")
    func multilineOpening() {
        #expect(!lex("x = \"\"\"abc\"\"\"").diagnostics.isEmpty)
    }

    @Test("an enum member type may not interpolate")
    func interpolatedEnumMember() {
        let (_, diagnostics) = parseBody("  mode: \"a${x}\" | \"b\"")
        #expect(codes(diagnostics) == ["E0106"])
    }
}
