import Testing
import TenantDiagnostics
@testable import TenantSyntax

#if canImport(Glibc)
import Glibc
#endif

/// In an exit test's child process: bounds time and memory so that a parser that loops forever
/// fails the test (killed by SIGALRM) instead of hanging the whole run or exhausting memory.
func boundChildProcess(seconds: UInt32 = 20) {
    #if canImport(Glibc)
    // AddressSanitizer reserves terabytes of shadow address space: no address-space cap then.
    if dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__asan_init") == nil {
        var limit = rlimit(rlim_cur: 3 << 30, rlim_max: 3 << 30)
        _ = setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit)
    }
    alarm(seconds)
    #endif
}

/// The 1-based line of each diagnostic, in order.
func lines(_ unit: SourceUnit) -> [Int] {
    unit.diagnostics.map { unit.file.position(ofByte: Int($0.span?.start ?? 0)).line }
}

@Suite("Parser: error recovery")
struct RecoveryTests {
    @Test("several independent errors: one diagnostic each, valid statements kept")
    func severalErrors() throws {
        let source = """
            tier a {
              ok1 = 1
              bad1 = = 2
              ok2 = 2
              bad2 = 1 2
              ok3: int = 3
              bad3: = 3
              ok4 { x = 1 }
              bad4. = 4
              check ok1 > 0 else "m"
              5 = 5
              ok5 = [1, 2]
              bad6 = [1, 2
              ok6 = "s"
              bad7 = (1 +)
              ok7 = 7
              bad10 = "unterminated
              ok11 = 11
            }
            tier b extends a {
              bad8 = 1 +* 2
              ok8 = 8
              bad9 { x = }
              ok9 = 9
            }
            tier c extends {
              skipped = 1
            }
            tier d extends a {
              ok10 = 10
            }
            """
        let unit = parse(source)
        // `bad6 = [1, 2` is an unclosed `[` (E0102), reported at the `[` on its own line.
        let reported = lines(unit).sorted()
        #expect(reported == [3, 5, 7, 9, 11, 13, 15, 17, 21, 23, 26])
        #expect(codes(unit.diagnostics).sorted() == ["E0003", "E0101", "E0101", "E0101", "E0101", "E0101", "E0101", "E0101", "E0101", "E0102", "E0106"])
        #expect(unit.declarations.map(\.name.text) == ["a", "b", "d"])
        try #require(unit.declarations.count == 3)
        let kept = { (d: Declaration) in shapes(d.body).filter { !$0.hasPrefix("bad") } }
        #expect(kept(unit.declarations[0]) == [
            "ok1 = 1", "ok2 = 2", "ok3: int = 3", "ok4 {x = 1}", #"check (> ok1 0) else "m""#, "ok5 = [1 2]",
            #"ok6 = "s""#, "ok7 = 7", "ok11 = 11",
        ])
        #expect(kept(unit.declarations[1]) == ["ok8 = 8", "ok9 = 9"])
        #expect(kept(unit.declarations[2]) == ["ok10 = 10"])
    }

    @Test("a statement that starts with a token that cannot start one is reported once", arguments: [
        "5 = 5", "\"s\" = 1", ") = 1", "= 1 + 2", "] extra",
    ])
    func badStatementStartReportedOnce(line: String) {
        let (body, diagnostics) = parseBody("a = 1\n\(line)\nb = 2")
        // A closing bracket with nothing open is E0103; any other wrong start, E0101.
        #expect(codes(diagnostics) == [line.first == ")" || line.first == "]" ? "E0103" : "E0101"])
        #expect(shapes(body) == ["a = 1", "b = 2"])
    }

    /// Grammar.md: a binary operator starting a line continues the expression above it.
    @Test("a line starting with a binary operator continues the previous statement")
    func leadingOperatorContinues() {
        let (body, diagnostics) = parseBody("a = 1\n* a b c\nb = 2")
        // `a = 1 * a`, then `b c` is a statement missing its `=`: one error for the line.
        #expect(codes(diagnostics) == ["E0101"])
        #expect(shapes(body) == ["a = (* 1 a)", "b = 2"])
    }

    @Test("an unclosed `{` at end of file is E0102 at the brace")
    func unclosedBraceAtEOF() throws {
        let unit = parse("tier a {\n  x = 1\n")
        #expect(codes(unit.diagnostics) == ["E0102"])
        let d = try #require(unit.diagnostics.first)
        #expect(d.span?.start == 7)
        #expect(d.span?.end == 8)
        #expect(unit.declarations.map(\.name.text) == ["a"])
        #expect(shapes(unit.declarations.first?.body ?? []) == ["x = 1"])
    }

    @Test("an unclosed `[` at end of file is E0102")
    func unclosedBracketAtEOF() {
        let unit = parse("tier a {\n  x = [1, 2")
        #expect(codes(unit.diagnostics).contains("E0102"))
        #expect(parseExpr("[1, 2").diagnostics.first?.code.id == "E0102")
    }

    @Test("a tier missing its `}` does not swallow the next tier")
    func missingBraceBeforeNextTier() throws {
        let unit = parse("""
            tier a {
              x = 1

            tier b {
              y = 2
            }
            """)
        #expect(unit.declarations.map(\.name.text) == ["a", "b"])
        #expect(unit.diagnostics.count == 1)
        let d = try #require(unit.diagnostics.first)
        #expect(d.code.id == "E0102")
        #expect(d.span?.start == 7)
        if unit.declarations.count == 2 {
            #expect(shapes(unit.declarations[0].body) == ["x = 1"])
            #expect(shapes(unit.declarations[1].body) == ["y = 2"])
        }
    }

    @Test("errors inside a one-line record literal")
    func recordLiteralErrors() {
        let (body, diagnostics) = parseBody("x = { a = 1, b = , c = 3 }\ny = 2")
        #expect(codes(diagnostics) == ["E0101"])
        #expect(shapes(body).last == "y = 2")

        let (b2, d2) = parseBody("x = { a = 1 b }\ny = 2")
        #expect(codes(d2) == ["E0101"])
        #expect(shapes(b2).last == "y = 2")

        let (b3, d3) = parseBody("x = { a = 1, 5 }\ny = 2")
        #expect(codes(d3) == ["E0101"])
        #expect(shapes(b3).last == "y = 2")
    }

    @Test("errors inside a multi-line record literal: a bad entry line", .timeLimit(.minutes(1)))
    func multiLineRecordLiteralBadEntry() async {
        // Runs in a child process: this input used to make the parser loop forever.
        await #expect(processExitsWith: .success) {
            boundChildProcess()
            let (body, diagnostics) = parseBody("x = {\n  a = 1\n  5\n  b = 2\n}\ny = 3")
            guard codes(diagnostics) == ["E0101"], shapes(body).last == "y = 3" else { exit(2) }
        }
    }

    @Test("errors inside a multi-line record literal: an entry without a key", .timeLimit(.minutes(1)))
    func multiLineRecordLiteralMissingKey() async {
        await #expect(processExitsWith: .success) {
            boundChildProcess()
            let (body, diagnostics) = parseBody("x = {\n  a = 1\n  = 2\n  \"s\"\n}\ny = 3")
            guard !diagnostics.isEmpty, diagnostics.count <= 2, shapes(body).last == "y = 3" else { exit(2) }
        }
    }

    @Test("a broken expression in the middle of a body")
    func brokenExpressionMidBody() {
        let unit = parse("tier t {\n  a = 1\n  b = 2 * * 3\n  c = 3\n}\n")
        #expect(codes(unit.diagnostics) == ["E0101"])
        #expect(lines(unit) == [3])
        let body = shapes(unit.declarations.first?.body ?? [])
        #expect(body.first == "a = 1")
        #expect(body.last == "c = 3")
    }

    @Test("an unexpected `}` inside a body closes it; the rest is reported once")
    func strayClosingBrace() {
        let unit = parse("tier t {\n  a = 1\n}\n}\ntier u { b = 2 }")
        #expect(unit.declarations.map(\.name.text) == ["t", "u"])
        #expect(unit.diagnostics.count == 1)
    }

    @Test("lexical errors do not cascade into syntax errors")
    func lexicalErrorsAlone() {
        let unit = parse("tier t {\n  a = \"x\\q\"\n  b = 10gb\n  c = 1 /* never closed\n")
        #expect(codes(unit.diagnostics).filter { $0.hasPrefix("E00") }.sorted() == ["E0004", "E0005", "E0007"])
    }

    @Test("a statement after an error on the same line is skipped, the next line is parsed")
    func errorThenSameLine() {
        let (body, diagnostics) = parseBody("a = ) b = 1\nc = 2")
        #expect(diagnostics.count == 1)
        #expect(shapes(body).last == "c = 2")
    }
}
