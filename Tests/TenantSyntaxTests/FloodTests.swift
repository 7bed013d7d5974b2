import Testing
import TenantDiagnostics
import TenantModel
@testable import TenantSyntax

/// A file of garbage costs a bounded number of diagnostics, not one per byte.
@Suite("Floods of errors")
struct FloodTests {
    @Test("a run of the same invalid character is one error")
    func runsOfOneCharacterAreOneError() {
        let lexed = lex(bytes: [UInt8](repeating: 0, count: 4 << 20))
        #expect(codes(lexed.diagnostics) == ["E0002"])
        #expect(lexed.diagnostics.first?.message == "unexpected NUL byte, \(4 << 20) times in a row")
        #expect(lexed.diagnostics.first?.span?.end == UInt32(4 << 20))
        let at = lex(String(repeating: "@", count: 3 << 20))
        #expect(at.diagnostics.map(\.message) == ["unexpected character `@`, \(3 << 20) times in a row"])
    }

    @Test("a single invalid character keeps its message")
    func oneCharacterKeepsItsMessage() {
        #expect(lex("x @ y").diagnostics.map(\.message) == ["unexpected character `@`"])
    }

    @Test("control characters in a string are one error per run")
    func controlCharactersInAString() {
        let lexed = lex("x = \"" + String(repeating: "\u{1}", count: 10_000) + "\"")
        #expect(lexed.diagnostics.map(\.message) == ["control character U+0001 in a string literal, 10000 times in a row"])
    }

    /// Found by the fuzzer: mixed control characters, and carriage returns in a multi-line
    /// string, made one diagnostic per byte (hundreds of KB of heap for a few hundred bytes).
    @Test("a run of mixed control characters is one error, in a string or not")
    func mixedControlCharacters() {
        let mixed = String(repeating: "\u{1}\u{2}", count: 250)
        #expect(lex(mixed).diagnostics.map(\.message) == ["unexpected control characters, 500 times in a row"])
        #expect(lex("x = \"" + mixed + "\"").diagnostics.map(\.message) == ["control characters in a string literal, 500 times in a row"])
        let returns = lex("x = \"\"\"\n" + String(repeating: "\r", count: 400) + "\n\"\"\"\n")
        #expect(returns.diagnostics.map(\.message) == ["control character U+000D in a string literal, 399 times in a row"])
        // A CR before LF ends a line, in a run or not.
        #expect(lex("x = \"\"\"\n\u{1}\r\n\"\"\"\n").diagnostics.map(\.message) == ["control character U+0001 in a string literal"])
    }

    @Test("lexing stops after a bounded number of errors")
    func lexingStops() {
        let lexed = lex(String(repeating: "@ ", count: 1 << 20))
        #expect(lexed.diagnostics.count == Lexer.maxErrors + 1)
        #expect(lexed.diagnostics.last?.code == .tooManyDiagnostics)
        #expect(lexed.diagnostics.last?.message == "too many errors in `test.tenant`: the rest of the file is not read")
        let unit = parse(String(repeating: "@ ", count: 1 << 20))
        #expect(unit.diagnostics.count == Lexer.maxErrors + 1)
    }

    @Test("parsing stops after a bounded number of errors")
    func parsingStops() {
        let unit = parse(String(repeating: "tier t { = }\n", count: 200_000))
        #expect(unit.diagnostics.count == Parser.maxErrors + 1)
        #expect(unit.diagnostics.last?.code == .tooManyDiagnostics)
    }

    @Test("a list literal longer than the list bound is E0009, and not kept whole")
    func longListLiterals() {
        let items = Array(repeating: "1", count: Parser.maxListItems + 50_000).joined(separator: ",")
        let unit = parse("tier t {\n  l = [\(items)]\n}\n")
        #expect(codes(unit.diagnostics) == ["E0009"])
        #expect(unit.diagnostics.first?.message == "list literal longer than \(Parser.maxListItems) items")
        let atBound = Array(repeating: "1", count: Parser.maxListItems).joined(separator: ",")
        #expect(parse("tier t {\n  l = [\(atBound)]\n}\n").diagnostics.isEmpty)
    }
}
