import Testing
import TenantDiagnostics
@testable import TenantSyntax
#if canImport(Glibc)
import Glibc
#endif

/// How many E0104 diagnostics.
func depthErrors(_ diagnostics: [Diagnostic]) -> Int {
    diagnostics.filter { $0.code == .nestingTooDeep }.count
}

@Suite("Parser: nesting limits")
struct DepthTests {
    @Test("100,000 `[` report E0104 exactly once")
    func deepBrackets() {
        let brackets = String(repeating: "[", count: 100_000)
        #expect(depthErrors(parseExpr(brackets).diagnostics) == 1)
        let unit = parse("tier t {\n  x = " + brackets + "\n}\ntier u { }\n")
        #expect(depthErrors(unit.diagnostics) == 1)
        #expect(unit.declarations.first?.name.text == "t")
        let balanced = parse("tier t {\n  x = " + brackets + String(repeating: "]", count: 100_000) + "\n  y = 1\n}\n")
        #expect(depthErrors(balanced.diagnostics) == 1)
        #expect(shapes(balanced.declarations.first?.body ?? []).last == "y = 1")
    }

    @Test("50,000 nested blocks report E0104 exactly once")
    func deepBlocks() {
        let open = String(repeating: "a { ", count: 50_000)
        let close = String(repeating: "} ", count: 50_000)
        let unit = parse("tier t {\n" + open + close + "\n  y = 1\n}\ntier u { z = 2 }\n")
        #expect(depthErrors(unit.diagnostics) == 1)
        #expect(unit.diagnostics.count == 1)
        #expect(unit.declarations.map(\.name.text) == ["t", "u"])
        #expect(shapes(unit.declarations.first?.body ?? []).last == "y = 1")

        let unclosed = parse("tier t {\n" + open)
        #expect(depthErrors(unclosed.diagnostics) == 1)
        #expect(unclosed.declarations.map(\.name.text) == ["t"])
    }

    @Test("nesting of `Parser.maxDepth` blocks is accepted")
    func blocksAtTheLimit() {
        // The tier body is one level, so maxDepth - 1 nested blocks make maxDepth.
        let n = Parser.maxDepth - 1
        let unit = parse("tier t {\n" + String(repeating: "a { ", count: n) + String(repeating: "} ", count: n) + "\n}")
        #expect(unit.diagnostics.isEmpty)
        let deeper = parse("tier t {\n" + String(repeating: "a { ", count: n + 50) + String(repeating: "} ", count: n + 50) + "\n}")
        #expect(depthErrors(deeper.diagnostics) == 1)
    }

    @Test("100,000 unary operators report E0104 exactly once", arguments: ["-", "!", "-!"])
    func deepUnary(op: String) {
        let chain = String(repeating: op, count: 100_000 / op.count)
        #expect(depthErrors(parseExpr(chain + "1").diagnostics) == 1)
        let unit = parse("tier t {\n  x = " + chain + "1\n  y = 2\n}\n")
        #expect(depthErrors(unit.diagnostics) == 1)
        #expect(unit.declarations.first?.name.text == "t")
    }

    @Test("other deep constructs report E0104 exactly once", arguments: [
        ("(", 100_000, ""),
        ("{ a = ", 50_000, ""),
        ("if a then ", 50_000, "1 else 2"),
        ("a implies ", 100_000, "b"),
        ("\"${", 50_000, ""),
        ("f(", 100_000, ""),
        ("[x for x in ", 50_000, ""),
    ])
    func deepExpressions(prefix: String, count: Int, suffix: String) {
        let source = String(repeating: prefix, count: count) + suffix
        #expect(depthErrors(parseExpr(source).diagnostics) == 1)
        let unit = parse("tier t {\n  x = " + source + "\n}\n")
        #expect(depthErrors(unit.diagnostics) == 1)
    }

    @Test("deep types report E0104 exactly once", arguments: [("[", 100_000), ("{ a: ", 50_000), ("(", 100_000)])
    func deepTypes(prefix: String, count: Int) {
        let unit = parse("tier t {\n  x: " + String(repeating: prefix, count: count) + "int\n}\n")
        #expect(depthErrors(unit.diagnostics) == 1)
    }

    @Test("a flat chain of 100,000 binary operators parses and is freed without crashing", .timeLimit(.minutes(2)))
    func longFlatChain() async {
        // Left-associative chains are not nested in the source, but they build a deep tree;
        // run in a child process so that a stack overflow fails this test only.
        await #expect(processExitsWith: .success) {
            boundChildProcess(seconds: 60)
            let source = "tier t {\n  x = " + Array(repeating: "1", count: 100_000).joined(separator: " + ") + "\n}\n"
            let unit = parse(source)
            guard unit.declarations.count == 1 else { exit(2) }
        }
    }

    @Test("a long flat chain through parseExpression", .timeLimit(.minutes(2)))
    func longFlatChainExpression() async {
        await #expect(processExitsWith: .success) {
            boundChildProcess(seconds: 60)
            let (_, _) = parseExpr(Array(repeating: "a", count: 100_000).joined(separator: " && "))
        }
    }

    @Test("long paths, member chains and lists are not nesting")
    func longButFlat() {
        let path = Array(repeating: "a", count: 10_000).joined(separator: ".")
        let unit = parse("tier t {\n  \(path) = 1\n}\n")
        #expect(unit.diagnostics.isEmpty)
        let list = "[" + Array(repeating: "1", count: 100_000).joined(separator: ", ") + "]"
        let (e, d) = parseExpr(list)
        #expect(d.isEmpty)
        if case .list(let items) = e.kind { #expect(items.count == 100_000) } else { Issue.record("not a list") }
        let body = String(repeating: "x = 1\n", count: 50_000)
        let big = parse("tier t {\n" + body + "}\n")
        #expect(big.diagnostics.isEmpty)
        #expect(big.declarations.first?.body.count == 50_000)
    }
}
