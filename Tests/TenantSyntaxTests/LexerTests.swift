import Testing
import TenantDiagnostics
import TenantModel
@testable import TenantSyntax
#if canImport(Glibc)
import Glibc
#endif

@Suite("Lexer: identifiers, keywords, numbers, operators, trivia")
struct LexerTests {
    // MARK: Identifiers and keywords

    static let keywords: [(String, TokenKind)] = [
        ("tier", .kwTier), ("tenant", .kwTenant), ("extends", .kwExtends), ("locked", .kwLocked),
        ("check", .kwCheck), ("warn", .kwWarn), ("else", .kwElse), ("env", .kwEnv), ("scale", .kwScale),
        ("by", .kwBy), ("true", .kwTrue), ("false", .kwFalse), ("unlimited", .kwUnlimited),
        ("super", .kwSuper), ("for", .kwFor), ("in", .kwIn), ("if", .kwIf), ("then", .kwThen),
        ("implies", .kwImplies), ("import", .kwImport),
    ]

    @Test("every keyword lexes as its own kind", arguments: keywords)
    func keyword(text: String, kind: TokenKind) {
        let lexed = lex(text)
        #expect(kinds(lexed) == [kind])
        #expect(lexed.diagnostics.isEmpty)
        #expect(kind.isKeyword)
        #expect(kind.keywordSpelling == text)
        // Surrounded by other tokens, with no space before the next punctuation.
        #expect(kinds("(\(text))") == [.lparen, kind, .rparen])
    }

    @Test("the keyword table is exactly the documented one")
    func keywordCount() {
        #expect(TokenKind.keywords.count == 20)
        for (text, kind) in Self.keywords { #expect(TokenKind.keywords[text] == kind) }
    }

    @Test("words that merely look like keywords are identifiers", arguments: [
        "tiers", "Tier", "TIER", "tier_", "_tier", "tier2", "tenants", "tenant_id", "Tenant", "inx", "i", "b",
        "by_", "iff", "ifs", "elsewhere", "envs", "supers", "forall", "int", "size", "string", "duration",
        "cpu", "percent", "cron", "cidr", "email", "secret", "any", "bool", "float", "_", "x9_Y", "implied",
        "importer", "unlimitedx", "w", "z",
    ])
    func notKeyword(text: String) {
        let lexed = lex(text)
        #expect(kinds(lexed) == [.identifier])
        #expect(lexed.diagnostics.isEmpty)
        #expect(texts(text) == [text])
    }

    @Test("identifiers stop at characters outside [A-Za-z0-9_]")
    func identifierBoundaries() {
        #expect(texts("tenant.tier") == ["tenant", ".", "tier"])
        #expect(kinds("tenant.tier") == [.kwTenant, .dot, .kwTier])
        #expect(texts("a_1-b2") == ["a_1", "-", "b2"])
        #expect(kinds("tier free extends base") == [.kwTier, .identifier, .kwExtends, .identifier])
    }

    // MARK: Numbers

    @Test("plain numbers: one token whose aux is its whole length", arguments: [
        ("42", Value.int(42)),
        ("0", Value.int(0)),
        ("1_000_000", Value.int(1_000_000)),
        ("9223372036854775807", Value.int(.max)),
        ("0.25", Value.float(0.25)),
        ("1e-3", Value.float(0.001)),
        ("2.5E+4", Value.float(25_000)),
        ("1e3", Value.float(1000)),
        ("1.5e2", Value.float(150)),
        ("3.141_5", Value.float(3.1415)),
    ])
    func plainNumber(text: String, value: Value) {
        let lexed = lex(text)
        #expect(kinds(lexed) == [.number])
        #expect(lexed.diagnostics.isEmpty)
        #expect(lexed.tokens[0].aux == UInt32(text.utf8.count))
        #expect(lexed.tokens[0].end == UInt32(text.utf8.count))
        #expect(literal(text) == value)
    }

    @Test("number edge cases: underscores, leading zeros, exponents with units")
    func numberEdgeCases() {
        #expect(literal("1__0") == .int(10))
        #expect(literal("007") == .int(7))
        #expect(literal("1e3ms") == .duration(TimeSpan(milliseconds: 1000, family: .day)))
        #expect(literal("2.5e-1cores") == .cpu(CPU(millicores: 250)))
        #expect(literal("1E2%") == .percent(Percent(micros: 100_000_000)))
        #expect(kinds("1e3ms") == [.number])
        #expect(lex("1e3ms").tokens[0].aux == 3)
        // `1.` without a digit after it is the number 1 and a dot.
        #expect(kinds("1.x") == [.number, .dot, .identifier])
    }

    @Test("an integer or float out of range is E0006")
    func numberOutOfRange() {
        #expect(codes(parseExpr("9223372036854775808").diagnostics) == ["E0006"])
        #expect(codes(parseExpr("99999999999999999999999").diagnostics) == ["E0006"])
        #expect(codes(parseExpr("1e400").diagnostics) == ["E0006"])
    }

    @Test("numbers with every unit: aux is the length of the numeric part", arguments: [
        ("512MiB", 3, Value.size(Size(bytes: 512 << 20, family: .binary)), "512MiB"),
        ("1GB", 1, Value.size(Size(bytes: 1_000_000_000, family: .decimal)), "1GB"),
        ("1B", 1, Value.size(Size(bytes: 1, family: .bytes)), "1B"),
        ("2KB", 1, Value.size(Size(bytes: 2_000, family: .decimal)), "2KB"),
        ("3MB", 1, Value.size(Size(bytes: 3_000_000, family: .decimal)), "3MB"),
        ("4TB", 1, Value.size(Size(bytes: 4_000_000_000_000, family: .decimal)), "4TB"),
        ("5PB", 1, Value.size(Size(bytes: 5_000_000_000_000_000, family: .decimal)), "5PB"),
        ("1KiB", 1, Value.size(Size(bytes: 1024, family: .binary)), "1KiB"),
        ("8GiB", 1, Value.size(Size(bytes: 8 << 30, family: .binary)), "8GiB"),
        ("10TiB", 2, Value.size(Size(bytes: 10 << 40, family: .binary)), "10TiB"),
        ("1PiB", 1, Value.size(Size(bytes: 1 << 50, family: .binary)), "1PiB"),
        ("1_024KiB", 5, Value.size(Size(bytes: 1 << 20, family: .binary)), "1MiB"),
        ("30d", 2, Value.duration(TimeSpan(milliseconds: 30 * 86_400_000, family: .day)), "30d"),
        ("5m", 1, Value.duration(TimeSpan(milliseconds: 300_000, family: .day)), "5m"),
        ("500ms", 3, Value.duration(TimeSpan(milliseconds: 500, family: .day)), "500ms"),
        ("10s", 2, Value.duration(TimeSpan(milliseconds: 10_000, family: .day)), "10s"),
        ("2h", 1, Value.duration(TimeSpan(milliseconds: 7_200_000, family: .day)), "2h"),
        ("1.5h", 3, Value.duration(TimeSpan(milliseconds: 5_400_000, family: .day)), "90m"),
        ("2w", 1, Value.duration(TimeSpan(milliseconds: 2 * 604_800_000, family: .week)), "2w"),
        ("7y", 1, Value.duration(TimeSpan(milliseconds: 7 * 31_536_000_000, family: .year)), "7y"),
        ("0.25cores", 4, Value.cpu(CPU(millicores: 250)), "0.25cores"),
        ("1core", 1, Value.cpu(CPU(millicores: 1000)), "1core"),
        ("2cores", 1, Value.cpu(CPU(millicores: 2000)), "2cores"),
        ("70%", 2, Value.percent(Percent(micros: 70_000_000)), "70%"),
        ("12.5%", 4, Value.percent(Percent(micros: 12_500_000)), "12.5%"),
    ])
    func unit(text: String, numericLength: Int, value: Value, canonical: String) {
        let lexed = lex(text)
        #expect(kinds(lexed) == [.number], "\(text) is one token")
        #expect(lexed.diagnostics.isEmpty)
        #expect(lexed.tokens[0].aux == UInt32(numericLength))
        #expect(lexed.tokens[0].end == UInt32(text.utf8.count))
        #expect(literal(text) == value)
        #expect(literal(text)?.sourceText == canonical)
    }

    @Test("the unit family is kept: 1GB is decimal, 512MiB binary")
    func sizeFamily() {
        guard case .size(let gb)? = literal("1GB"), case .size(let mib)? = literal("512MiB"), case .size(let b)? = literal("7B") else {
            Issue.record("not sizes")
            return
        }
        #expect(gb.family == .decimal)
        #expect(mib.family == .binary)
        #expect(b.family == .bytes)
    }

    @Test("a space before a unit makes it an identifier")
    func spaceBeforeUnit() {
        #expect(kinds("5 MiB") == [.number, .identifier])
        #expect(lex("5 MiB").diagnostics.isEmpty)
    }

    @Test("a value finer than the base unit is E0008")
    func precision() {
        #expect(codes(parseExpr("0.0001cores").diagnostics) == ["E0008"])
        #expect(codes(parseExpr("0.5B").diagnostics) == ["E0008"])
        #expect(codes(parseExpr("1.0005s").diagnostics) == ["E0008"])
        #expect(codes(parseExpr("0.001cores").diagnostics) == [])
        #expect(literal("0.001cores") == .cpu(CPU(millicores: 1)))
    }

    @Test("a quantity too large for 64 bits of its base unit is E0006")
    func quantityTooLarge() {
        #expect(codes(parseExpr("10000000TB").diagnostics) == ["E0006"])
        #expect(codes(parseExpr("100000000000y").diagnostics) == ["E0006"])
        #expect(codes(parseExpr("10000000000000000cores").diagnostics) == ["E0006"])
        #expect(codes(parseExpr("100000000000000%").diagnostics) == ["E0006"])
    }

    @Test("PB and PiB quantities out of range or too fine are diagnostics, never a trap", .timeLimit(.minutes(1)))
    func petabyteQuantities() async {
        // In a child process: these inputs used to trap (integer overflow) inside the parser.
        await #expect(processExitsWith: .success) {
            boundChildProcess()
            guard codes(parseExpr("100000PiB").diagnostics) == ["E0006"],
                  codes(parseExpr("10000PB").diagnostics) == ["E0006"],
                  codes(parseExpr("0.0000000000000001PB").diagnostics) == ["E0008"],
                  codes(parseExpr("0.5PiB").diagnostics) == []
            else { exit(2) }
        }
    }

    @Test("1..10 is number, dotdot, number")
    func rangeOperator() {
        #expect(kinds("1..10") == [.number, .dotdot, .number])
        #expect(texts("1..10") == ["1", "..", "10"])
        #expect(lex("1..10").tokens[0].aux == 1)
        #expect(kinds("0%..100%") == [.number, .dotdot, .number])
        #expect(texts("0%..100%") == ["0%", "..", "100%"])
        #expect(kinds("..10TiB") == [.dotdot, .number])
        #expect(kinds("1.5..2") == [.number, .dotdot, .number])
        #expect(texts("1.5..2") == ["1.5", "..", "2"])
        #expect(lex("1..10").diagnostics.isEmpty)
    }

    @Test("an unknown unit is E0007 on the unit, with a did-you-mean")
    func unknownUnit() throws {
        let lexed = lex("x = 10gb")
        #expect(codes(lexed.diagnostics) == ["E0007"])
        let d = try #require(lexed.diagnostics.first)
        #expect(d.message.contains("gb"))
        #expect(d.span?.start == 6)
        #expect(d.span?.end == 8)
        #expect(d.help.contains("did you mean `GB`?"))
        // Still a single number token.
        #expect(kinds(lexed) == [.identifier, .assign, .number])

        #expect(lex("2Gib").diagnostics.first?.help.contains("did you mean `GiB`?") == true)
        #expect(lex("4Cores").diagnostics.first?.help.contains("did you mean `cores`?") == true)
        #expect(lex("5MS").diagnostics.first?.help.contains("did you mean `ms`?") == true)
    }

    @Test("an unknown unit with nothing close gets no did-you-mean, but lists the units")
    func unknownUnitNoSuggestion() throws {
        let lexed = lex("3parsecs")
        #expect(codes(lexed.diagnostics) == ["E0007"])
        let d = try #require(lexed.diagnostics.first)
        #expect(!d.help.contains { $0.hasPrefix("did you mean") })
        #expect(d.help.contains { $0.contains("KiB") && $0.contains("cores") })
    }

    // MARK: Operators

    @Test("every operator and punctuation token")
    func operators() {
        let source = "{ } [ ] ( ) , ; . .. : ? | = == != < <= > >= + - * / ! && ||"
        let expected: [TokenKind] = [
            .lbrace, .rbrace, .lbracket, .rbracket, .lparen, .rparen, .comma, .semicolon, .dot, .dotdot,
            .colon, .question, .pipe, .assign, .equal, .notEqual, .less, .lessEqual, .greater,
            .greaterEqual, .plus, .minus, .star, .slash, .bang, .andAnd, .orOr,
        ]
        let lexed = lex(source)
        #expect(kinds(lexed) == expected)
        #expect(lexed.diagnostics.isEmpty)
    }

    @Test("two-character operators without spaces")
    func adjacentOperators() {
        #expect(kinds("a==b!=c<=d>=e&&f||g") == [
            .identifier, .equal, .identifier, .notEqual, .identifier, .lessEqual, .identifier,
            .greaterEqual, .identifier, .andAnd, .identifier, .orOr, .identifier,
        ])
        #expect(texts("a==b!=c<=d>=e&&f||g") == ["a", "==", "b", "!=", "c", "<=", "d", ">=", "e", "&&", "f", "||", "g"])
        #expect(kinds("x=-1") == [.identifier, .assign, .minus, .number])
        #expect(kinds("a<b>c") == [.identifier, .less, .identifier, .greater, .identifier])
        #expect(kinds("===") == [.equal, .assign])
        #expect(kinds("!!x") == [.bang, .bang, .identifier])
        #expect(kinds("a|b") == [.identifier, .pipe, .identifier])
        #expect(kinds("a...b") == [.identifier, .dotdot, .dot, .identifier])
        #expect(kinds("a.*") == [.identifier, .dot, .star])
        #expect(kinds("email?") == [.identifier, .question])
    }

    // MARK: Trivia and line breaks

    @Test("newlineBefore marks tokens after a line break")
    func newlineFlags() {
        let lexed = lex("a b\nc\r\nd")
        #expect(lexed.tokens.map(\.newlineBefore).dropFirst().prefix(3) == [false, true, true])
    }

    @Test("a line comment ends with a line break that still counts")
    func newlineAfterLineComment() {
        let lexed = lex("a // comment\nb")
        #expect(kinds(lexed) == [.identifier, .identifier])
        #expect(lexed.tokens[1].newlineBefore)
    }

    @Test("a block comment counts as a line break only if it holds one")
    func newlineInBlockComment() {
        let one = lex("a /* c */ b")
        #expect(kinds(one) == [.identifier, .identifier])
        #expect(one.tokens[1].newlineBefore == false)
        let multi = lex("a /* c\n d */ b")
        #expect(kinds(multi) == [.identifier, .identifier])
        #expect(multi.tokens[1].newlineBefore == true)
        let nested = lex("a /* x /* y\n */ z */ b")
        #expect(kinds(nested) == [.identifier, .identifier])
        #expect(nested.tokens[1].newlineBefore == true)
        let after = lex("a /* c */\nb")
        #expect(after.tokens[1].newlineBefore == true)
    }

    @Test("tabs, spaces and CR are whitespace")
    func whitespace() {
        let lexed = lex("a\t b \r c")
        #expect(kinds(lexed) == [.identifier, .identifier, .identifier])
        #expect(lexed.diagnostics.isEmpty)
        #expect(lexed.tokens[1].newlineBefore == false)
        #expect(lexed.tokens[2].newlineBefore == false)
    }

    @Test("block comments nest")
    func nestedBlockComments() {
        let lexed = lex("a /* x /* y */ z */ b")
        #expect(texts("a /* x /* y */ z */ b") == ["a", "b"])
        #expect(lexed.diagnostics.isEmpty)
        #expect(kinds("/* /* /* */ */ */ c") == [.identifier])
        #expect(kinds("/**/x/* // */y") == [.identifier, .identifier])
    }

    @Test("an unterminated block comment is E0005 at its opening")
    func unterminatedBlockComment() throws {
        let lexed = lex("a /* x /* y */ b")
        #expect(codes(lexed.diagnostics) == ["E0005"])
        let d = try #require(lexed.diagnostics.first)
        #expect(d.span?.start == 2)
        #expect(d.span?.end == 4)
        #expect(kinds(lexed) == [.identifier])
        #expect(codes(lex("/*").diagnostics) == ["E0005"])
    }

    @Test("a lone `/` is a slash, `//` a comment to end of line")
    func slashes() {
        #expect(kinds("a / b // c d\ne") == [.identifier, .slash, .identifier, .identifier])
    }

    // MARK: Doc comments

    @Test("`///` attaches to the next token")
    func docComment() {
        let lexed = lex("/// The free tier.\ntier free {}")
        #expect(lexed.docComments.count == 1)
        #expect(lexed.docComments.first?.tokenIndex == 0)
        #expect(lexed.docComments.first?.text == "The free tier.")
    }

    @Test("`////` is a plain comment")
    func quadrupleSlash() {
        let lexed = lex("//// not a doc\ntier free {}")
        #expect(lexed.docComments.isEmpty)
        #expect(kinds(lexed) == [.kwTier, .identifier, .lbrace, .rbrace])
        #expect(lex("////\nx").docComments.isEmpty)
    }

    @Test("consecutive doc lines join with line breaks, attached to the right token")
    func docCommentLines() {
        let lexed = lex("x = 1\n/// one\n/// two\ny = 2")
        #expect(lexed.docComments.count == 1)
        #expect(lexed.docComments.first?.tokenIndex == 3)
        #expect(lexed.docComments.first?.text == "one\ntwo")
        let crlf = lex("/// doc\r\nx")
        #expect(crlf.docComments.first?.text == "doc")
        #expect(lex("///tight\nx").docComments.first?.text == "tight")
        // A plain comment does not attach anything.
        #expect(lex("// plain\nx").docComments.isEmpty)
    }

    // MARK: Encoding

    @Test("CRLF line endings")
    func crlf() {
        let lexed = lex("tier t {\r\n  x = 1\r\n}\r\n")
        #expect(kinds(lexed) == [.kwTier, .identifier, .lbrace, .identifier, .assign, .number, .rbrace])
        #expect(lexed.diagnostics.isEmpty)
        #expect(lexed.tokens[3].newlineBefore)
        #expect(lexed.tokens[6].newlineBefore)
        #expect(texts("x = 1\r\ny") == ["x", "=", "1", "y"])
    }

    @Test("a UTF-8 byte order mark at the start is skipped")
    func byteOrderMark() {
        let lexed = lex(bytes: [0xEF, 0xBB, 0xBF] + Array("tier t { }".utf8))
        #expect(kinds(lexed) == [.kwTier, .identifier, .lbrace, .rbrace])
        #expect(lexed.diagnostics.isEmpty)
        #expect(lexed.tokens[0].start == 3)
        let unit = Parser.parse(sourceFile(bytes: [0xEF, 0xBB, 0xBF] + Array("tier t { x = 1 }".utf8)))
        #expect(unit.diagnostics.isEmpty)
        #expect(unit.declarations.map(\.name.text) == ["t"])
    }

    @Test("a byte order mark elsewhere is an unexpected character")
    func byteOrderMarkInside() {
        let lexed = lex("a \u{FEFF} b")
        #expect(codes(lexed.diagnostics) == ["E0002"])
        #expect(kinds(lexed) == [.identifier, .identifier])
    }

    static func utf8(_ s: String) -> [UInt8] { Array(s.utf8) }

    static let badUTF8: [([UInt8], Int)] = [
        (utf8("x = \"ab") + [0xFF] + utf8("\" y"), 7),  // inside a string
        (utf8("x ") + [0xC3] + utf8(" y"), 2),  // truncated sequence outside strings
        (utf8("x = ") + [0xC0, 0x80], 4),  // overlong encoding
        (utf8("\"") + [0xED, 0xA0, 0x80] + utf8("\""), 1),  // UTF-16 surrogate
        (utf8("x = \"a") + [0xE2, 0x82], 6),  // truncated at end of file
        (utf8("x") + [0x80], 1),  // lone continuation byte
        (utf8("\"") + [0xF4, 0x90, 0x80, 0x80] + utf8("\""), 1),  // above U+10FFFF
    ]

    @Test("invalid UTF-8 is E0001 at its byte offset", arguments: badUTF8)
    func invalidUTF8(bytes: [UInt8], offset: Int) throws {
        let lexed = lex(bytes: bytes)
        let first = try #require(lexed.diagnostics.first)
        #expect(first.code.id == "E0001")
        #expect(first.span?.start == UInt32(offset))
        #expect(first.message.contains("byte offset \(offset)"))
        // Only UTF-8 errors: the bad bytes are not reported again as unexpected characters.
        #expect(lexed.diagnostics.allSatisfy { $0.code.id == "E0001" || $0.code.id == "E0003" })
        #expect(!lexed.diagnostics.contains { $0.code.id == "E0002" })
    }

    @Test("one invalid byte is exactly one diagnostic")
    func invalidUTF8Once() {
        let lexed = lex(bytes: Array("tier t { x = \"a".utf8) + [0xFE] + Array("b\" }".utf8))
        #expect(codes(lexed.diagnostics) == ["E0001"])
        #expect(lexed.diagnostics.first?.span?.start == 15)
    }

    @Test("valid multibyte UTF-8 inside strings is fine")
    func validUTF8InString() {
        #expect(lex("x = \"héllo 😀 日本\"").diagnostics.isEmpty)
        #expect(stringValue("\"héllo 😀 日本\"") == "héllo 😀 日本")
    }

    // MARK: Unexpected characters

    @Test("a NUL byte is E0002")
    func nulByte() throws {
        let lexed = lex(bytes: Array("a ".utf8) + [0] + Array(" b".utf8))
        #expect(codes(lexed.diagnostics) == ["E0002"])
        let d = try #require(lexed.diagnostics.first)
        #expect(d.message.contains("NUL"))
        #expect(d.span?.start == 2)
        #expect(kinds(lexed) == [.identifier, .identifier])
    }

    @Test("other control characters outside strings are E0002", arguments: [UInt8(0x01), 0x07, 0x08, 0x0B, 0x0C, 0x1B, 0x1F, 0x7F])
    func controlCharacter(byte: UInt8) {
        let lexed = lex(bytes: Array("a ".utf8) + [byte] + Array(" b".utf8))
        #expect(codes(lexed.diagnostics) == ["E0002"])
        #expect(lexed.diagnostics.first?.span?.start == 2)
        #expect(kinds(lexed) == [.identifier, .identifier])
    }

    @Test("unexpected ASCII characters are E0002 and skipped", arguments: ["@", "#", "~", "^", "`", "'", "\\", "$", "%"])
    func unexpectedASCII(char: String) throws {
        let lexed = lex("a \(char) b")
        #expect(codes(lexed.diagnostics) == ["E0002"])
        let d = try #require(lexed.diagnostics.first)
        #expect(d.span?.start == 2)
        #expect(d.span?.end == 3)
        #expect(d.message.contains(char))
        #expect(kinds(lexed) == [.identifier, .identifier])
    }

    @Test("a single `&` is E0002 with a hint to use `&&`")
    func singleAmpersand() throws {
        let lexed = lex("a & b")
        #expect(codes(lexed.diagnostics) == ["E0002"])
        let d = try #require(lexed.diagnostics.first)
        #expect(d.help.contains { $0.contains("&&") })
        #expect(kinds(lexed) == [.identifier, .identifier])
    }

    @Test("non-ASCII outside strings is one E0002 per character, covering all its bytes", arguments: [
        ("é", 2), ("日", 3), ("😀", 4), ("\u{00A0}", 2),
    ])
    func nonASCII(char: String, length: Int) throws {
        let lexed = lex("x = \(char)")
        #expect(codes(lexed.diagnostics) == ["E0002"])
        let d = try #require(lexed.diagnostics.first)
        #expect(d.span?.start == 4)
        #expect(d.span?.end == UInt32(4 + length))
        #expect(d.message.contains(char))
        #expect(kinds(lexed) == [.identifier, .assign])
    }

    @Test("an identifier stops before a non-ASCII letter")
    func nonASCIIInIdentifier() {
        let lexed = lex("café = 1")
        #expect(codes(lexed.diagnostics) == ["E0002"])
        #expect(texts("café = 1") == ["caf", "=", "1"])
    }

    @Test("the token stream always ends with eof")
    func endOfFile() {
        #expect(lex("").tokens.map(\.kind) == [.eof])
        #expect(lex("  // c\n /* d */ ").tokens.map(\.kind) == [.eof])
        #expect(lex("a").tokens.last?.kind == .eof)
        #expect(lex("a").tokens.last?.start == 1)
    }
}
