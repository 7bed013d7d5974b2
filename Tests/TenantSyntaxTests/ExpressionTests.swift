import Testing
import TenantDiagnostics
import TenantModel
@testable import TenantSyntax

@Suite("Parser: expressions")
struct ExpressionTests {
    @Test("precedence of every level", arguments: [
        ("a implies b implies c", "(implies a (implies b c))"),
        ("a || b implies c", "(implies (|| a b) c)"),
        ("a implies b || c", "(implies a (|| b c))"),
        ("a || b && c", "(|| a (&& b c))"),
        ("a && b || c", "(|| (&& a b) c)"),
        ("a || b || c", "(|| (|| a b) c)"),
        ("a && b && c", "(&& (&& a b) c)"),
        ("a && b == c", "(&& a (== b c))"),
        ("a == b && c != d", "(&& (== a b) (!= c d))"),
        ("a == b < c", "(== a (< b c))"),
        ("a < b == c", "(== (< a b) c)"),
        ("a != b >= c", "(!= a (>= b c))"),
        ("a <= b + c", "(<= a (+ b c))"),
        ("a > b - c", "(> a (- b c))"),
        ("a in b + c", "(in a (+ b c))"),
        ("x in [1, 2] && y", "(&& (in x [1 2]) y)"),
        ("\"GDPR\" in compliance.regulations implies erasure", "(implies (in \"GDPR\" (. compliance regulations)) erasure)"),
        ("a + b * c", "(+ a (* b c))"),
        ("a * b + c", "(+ (* a b) c)"),
        ("a - b - c", "(- (- a b) c)"),
        ("a - b + c", "(+ (- a b) c)"),
        ("a / b / c", "(/ (/ a b) c)"),
        ("a / b * c", "(* (/ a b) c)"),
        ("-a * b", "(* (neg a) b)"),
        ("!a && b", "(&& (! a) b)"),
        ("!a == b", "(== (! a) b)"),
        ("-a.b", "(neg (. a b))"),
        ("!a.b.c", "(! (. (. a b) c))"),
        ("- -a", "(neg (neg a))"),
        ("!!a", "(! (! a))"),
        ("a.b.*", "(.* (. a b))"),
        ("databases.*", "(.* databases)"),
        ("(a + b) * c", "(* (+ a b) c)"),
        ("(a implies b) implies c", "(implies (implies a b) c)"),
        ("((a))", "a"),
        ("limits.cpu * 50%", "(* (. limits cpu) 50%)"),
        ("limits.memory / 2", "(/ (. limits memory) 2)"),
        ("1 - 2 * 3 < 4 && 5 >= 6 || 7 == 8 implies 9 in 10", "(implies (|| (&& (< (- 1 (* 2 3)) 4) (>= 5 6)) (== 7 8)) (in 9 10))"),
    ])
    func precedence(source: String, expected: String) {
        #expect(shape(source) == expected)
    }

    @Test("binary operator nodes")
    func binaryNodes() {
        for (source, op) in [("a + b", BinaryOperator.add), ("a - b", .subtract), ("a * b", .multiply), ("a / b", .divide),
                             ("a == b", .equal), ("a != b", .notEqual), ("a < b", .less), ("a <= b", .lessEqual),
                             ("a > b", .greater), ("a >= b", .greaterEqual), ("a && b", .and), ("a || b", .or),
                             ("a implies b", .implies), ("a in b", .contains)] {
            let (e, d) = parseExpr(source)
            #expect(d.isEmpty)
            guard case .binary(let got, _, _) = e.kind else {
                Issue.record("\(source) is not binary")
                continue
            }
            #expect(got == op, "\(source)")
        }
    }

    @Test("comparisons do not chain", arguments: ["a < b < c", "a == b == c", "a != b == c", "a <= b >= c", "a in b in c", "a < b in c", "a in b < c"])
    func nonChaining(source: String) {
        let (_, diagnostics) = parseExpr(source)
        #expect(codes(diagnostics) == ["E0101"])
        #expect(diagnostics.first?.message.contains("chain") == true)
    }

    @Test("comparisons of different levels combine")
    func mixedComparisons() {
        #expect(parseExpr("a < b == c < d").diagnostics.isEmpty)
        #expect(parseExpr("a < b && b < c").diagnostics.isEmpty)
    }

    @Test("unary minus folds into number and quantity literals")
    func negativeLiterals() {
        #expect(literal("-5") == .int(-5))
        #expect(literal("- 5") == .int(-5))
        #expect(literal("-0.25") == .float(-0.25))
        #expect(literal("-2cores") == .cpu(CPU(millicores: -2000)))
        #expect(literal("-512MiB") == .size(Size(bytes: -(512 << 20), family: .binary)))
        #expect(literal("-30d") == .duration(TimeSpan(milliseconds: -30 * 86_400_000, family: .day)))
        #expect(literal("-5%") == .percent(Percent(micros: -5_000_000)))
        #expect(literal("--5") == .int(5))
        #expect(shape("2 - -3") == "(- 2 -3)")
        #expect(shape("-x") == "(neg x)")
        #expect(shape("-(1)") == "-1" || shape("-(1)") == "(neg 1)")
        #expect(shape("!true") == "(! true)")
    }

    @Test("literals")
    func literals() {
        #expect(literal("true") == .bool(true))
        #expect(literal("false") == .bool(false))
        #expect(literal("unlimited") == .unlimited)
        #expect(literal("\"s\"") == .string("s"))
        #expect(shape("super") == "super")
        #expect(shape("super + [\"x\"]") == "(+ super [\"x\"])")
        #expect(shape("super * 2") == "(* super 2)")
    }

    @Test("references, members, wildcards")
    func references() {
        #expect(shape("tenant.id") == "(. tenant id)")
        #expect(shape("tenant.tier") == "(. tenant tier)")
        #expect(shape("tenant.environment") == "(. tenant environment)")
        #expect(shape("tier") == "tier")
        #expect(shape("a.b.c.d") == "(. (. (. a b) c) d)")
        #expect(shape("a.*.b") == "(. (.* a) b)")
        #expect(shape("f(x).y") == "(. (call f x) y)")
        #expect(shape("[1, 2].*") == "(.* [1 2])")
        #expect(codes(parseExpr("a.").diagnostics) == ["E0101"])
        #expect(codes(parseExpr("a.5").diagnostics) == ["E0101"])
    }

    @Test("calls")
    func calls() {
        #expect(shape("sum([1, 2])") == "(call sum [1 2])")
        #expect(shape("max(a, b)") == "(call max a b)")
        #expect(shape("keys(x)") == "(call keys x)")
        #expect(shape("len(x) > 0") == "(> (call len x) 0)")
        #expect(shape("f()") == "(call f)")
        #expect(shape("all([x > 0 for x in xs])") == "(call all (for (> x 0) x xs))")
        #expect(shape("sum([db.resources.cpu for db in databases.* if db.enabled]) <= limits.cpu")
            == "(<= (call sum (for (. (. db resources) cpu) db (.* databases) if (. db enabled))) (. limits cpu))")
        #expect(codes(parseExpr("f(1, 2").diagnostics) == ["E0101"] || codes(parseExpr("f(1, 2").diagnostics) == ["E0102"])
    }

    @Test("lists")
    func lists() {
        #expect(shape("[]") == "[]")
        #expect(shape("[1]") == "[1]")
        #expect(shape("[1, 2, 3]") == "[1 2 3]")
        #expect(shape("[1, 2, 3,]") == "[1 2 3]")
        #expect(shape("[\"a\",\n \"b\",\n]") == "[\"a\" \"b\"]")
        #expect(shape("[[1], [2, [3]]]") == "[[1] [2 [3]]]")
        #expect(!parseExpr("[1 2]").diagnostics.isEmpty)
        #expect(!parseExpr("[,]").diagnostics.isEmpty)
    }

    @Test("comprehensions with and without `if`")
    func comprehensions() {
        #expect(shape("[x * 2 for x in xs]") == "(for (* x 2) x xs)")
        #expect(shape("[d.cpu for d in dbs.* if d.enabled]") == "(for (. d cpu) d (.* dbs) if (. d enabled))")
        #expect(shape("[x for x in a + b if x > 1 && x < 5]") == "(for x x (+ a b) if (&& (> x 1) (< x 5)))")
        #expect(shape("[x in ys for x in xs]") == "(for (in x ys) x xs)")
        #expect(shape("[r for r in [1, 2]]") == "(for r r [1 2])")
        #expect(!parseExpr("[x for in xs]").diagnostics.isEmpty)
        #expect(!parseExpr("[x for x xs]").diagnostics.isEmpty)
        let (e, d) = parseExpr("[x for x in xs if x]")
        #expect(d.isEmpty)
        guard case .comprehension(_, let v, _, let c) = e.kind else {
            Issue.record("not a comprehension")
            return
        }
        #expect(v.text == "x")
        #expect(c != nil)
    }

    @Test("record literals with every separator")
    func records() {
        #expect(shape("{}") == "{}")
        #expect(shape("{ a = 1, b = 2 }") == "{a=1 b=2}")
        #expect(shape("{ a = 1; b = 2 }") == "{a=1 b=2}")
        #expect(shape("{\n  a = 1\n  b = 2\n}") == "{a=1 b=2}")
        #expect(shape("{ a = 1  b = 2 }") == "{a=1 b=2}")
        #expect(shape("{ a = 1, }") == "{a=1}")
        #expect(shape("{ ,a = 1,, b = 2; }") == "{a=1 b=2}")
        #expect(shape("{ a.b.c = 1, d = \"x\" }") == "{a.b.c=1 d=\"x\"}")
        #expect(shape("{ a = { b = 1 } c = [1,\n 2] }") == "{a={b=1} c=[1 2]}")
        #expect(shape("{\n  a = 1 +\n    2\n  b = 3\n}") == "{a=(+ 1 2) b=3}")
        let (e, _) = parseExpr("{ a.b = 1 }")
        guard case .record(let entries) = e.kind else {
            Issue.record("not a record")
            return
        }
        #expect(entries.first?.path.map(\.text) == ["a", "b"])
    }

    @Test("inside ( ) a record literal separates entries by line breaks again")
    func recordInParens() {
        #expect(shape("({\n  a = 1\n  b = 2\n})") == "{a=1 b=2}")
        #expect(shape("[{\n  a = 1\n  b = 2\n}]") == "[{a=1 b=2}]")
    }

    @Test("a record entry needs `=`")
    func recordEntryWithoutAssign() {
        #expect(codes(parseExpr("{ a: 1 }").diagnostics) == ["E0101"])
        #expect(codes(parseExpr("{ a = 1 \"x\" }").diagnostics) == ["E0101"])
    }

    @Test("if … then … else …")
    func conditionals() {
        #expect(shape("if a then 1 else 2") == "(if a 1 2)")
        #expect(shape("if a then b else if c then d else e") == "(if a b (if c d e))")
        #expect(shape("if a > 1 then \"x\" else \"y\"") == "(if (> a 1) \"x\" \"y\")")
        #expect(shape("(if a then 1 else 2) + 3") == "(+ (if a 1 2) 3)")
        #expect(shape("if a\nthen 1\nelse 2") == "(if a 1 2)")
        #expect(!parseExpr("if a then 1").diagnostics.isEmpty)
        #expect(!parseExpr("if a 1 else 2").diagnostics.isEmpty)
    }

    @Test("parenthesised expressions keep their span")
    func parenSpan() {
        let (e, _) = parseExpr("(a + b)")
        #expect(e.span.start == 0)
        #expect(e.span.end == 7)
    }

    @Test("an incomplete or stray token is an error", arguments: ["1 +", "*", ")", "a b", "(1", "= 1", "1 + * 2"])
    func errors(source: String) {
        #expect(!parseExpr(source).diagnostics.isEmpty)
    }

    @Test("expression spans cover their operands")
    func spans() {
        let (e, _) = parseExpr("  a + b.c ")
        #expect(e.span.start == 2)
        #expect(e.span.end == 9)
        let (neg, _) = parseExpr("-5cores")
        #expect(neg.span.start == 0)
        #expect(neg.span.end == 7)
    }

    // MARK: Quantities written with a space

    /// `2 hours`: one error at the whole quantity, suggesting `2h`, and the quantity itself, so
    /// the statement and the next line are read as usual.
    @Test("a unit after a space is one error that suggests the quantity", arguments: [
        ("2 hours", "2h", "2h"), ("30 days", "30d", "30d"), ("8 GiB", "8GiB", "8GiB"), ("8 gb", "8GB", "8GB"),
        ("2 cores", "2cores", "2cores"), ("1 core", "1core", "1core"), ("500 ms", "500ms", "500ms"), ("1.5 hrs", "1.5h", "90m"),
    ])
    func spacedUnit(_ written: String, _ suggested: String, _ canonical: String) throws {
        let file = sourceFile("tier t {\n  x = \(written)\n  y = 1\n}\n")
        let unit = Parser.parse(file)
        #expect(codes(unit.diagnostics) == ["E0101"])
        let d = try #require(unit.diagnostics.first)
        #expect(d.message == "a unit is written right after its number: `\(suggested)`, not `\(written)`")
        #expect(d.span.map { file.text($0) } == written)
        #expect(d.label == "write `\(suggested)`")
        #expect(d.fixes.first?.replacement == suggested)
        let body = try #require(unit.declarations.first?.body)
        #expect(shapes(body) == ["x = \(canonical)", "y = 1"])
    }

    @Test("a number and a field name on one line are two statements, not a unit")
    func numberThenStatement() {
        let (body, diagnostics) = parseBody("a = 2  h = 1\nb = 3 s.x = 2\nc = 4 d { }")
        #expect(diagnostics.isEmpty, "\(codes(diagnostics))")
        #expect(shapes(body) == ["a = 2", "h = 1", "b = 3", "s.x = 2", "c = 4", "d {}"])
        // Words that are no unit are left alone.
        #expect(codes(parseBody("a = 2 apples").diagnostics) == ["E0101"])
        #expect(parseBody("a = 2 apples").diagnostics.first?.message.contains("a unit") == false)
    }
}
