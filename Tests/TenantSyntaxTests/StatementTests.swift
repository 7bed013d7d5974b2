import Testing
import TenantDiagnostics
import TenantModel
@testable import TenantSyntax

@Suite("Parser: statements, paths and types")
struct StatementTests {
    /// Parses `body` inside a tier and expects no diagnostics.
    func clean(_ body: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        let (statements, diagnostics) = parseBody(body)
        #expect(diagnostics.isEmpty, "\(diagnostics.map { "\($0.code.id) \($0.message)" })", sourceLocation: sourceLocation)
        return shapes(statements)
    }

    // MARK: Statement forms

    @Test("set, declare, declare with default, block, new record")
    func fieldForms() {
        #expect(clean("x = 1") == ["x = 1"])
        #expect(clean("x: int") == ["x: int"])
        #expect(clean("x: int = 1") == ["x: int = 1"])
        #expect(clean("x { y = 1 }") == ["x {y = 1}"])
        #expect(clean("x {}") == ["x {}"])
        #expect(clean("x: { y: int  z: string = \"a\" }") == [#"x: {y: int; z: string = "a"}"#])
        #expect(clean("x: {\n  y: int\n}") == ["x: {y: int}"])
    }

    @Test("statement kinds carry their parts")
    func statementKinds() throws {
        let (body, diagnostics) = parseBody("a.b = 1\nc: int = 2\nd { e = 3 }")
        #expect(diagnostics.isEmpty)
        try #require(body.count == 3)
        guard case .assign(let p, let v) = body[0].kind else { Issue.record("not an assignment"); return }
        #expect(p.segments.map(\.text) == ["a", "b"])
        #expect(p.names?.map(\.text) == ["a", "b"])
        guard case .literal(.int(1)) = v.kind else { Issue.record("value"); return }
        guard case .declare(let dp, let t, let dv) = body[1].kind else { Issue.record("not a declaration"); return }
        #expect(dp.text == "c")
        guard case .named(let n) = t.kind else { Issue.record("type"); return }
        #expect(n.text == "int")
        #expect(dv != nil)
        guard case .block(let bp, let inner) = body[2].kind else { Issue.record("not a block"); return }
        #expect(bp.text == "d")
        #expect(inner.count == 1)
    }

    @Test("locked prefixes fields")
    func locked() throws {
        #expect(clean("locked x = 1") == ["locked x = 1"])
        #expect(clean("locked x: int = 3") == ["locked x: int = 3"])
        #expect(clean("locked limits {\n  cpu = 1core\n}") == ["locked limits {cpu = 1core}"])
        #expect(clean("locked a.b: string") == ["locked a.b: string"])
        let (body, _) = parseBody("locked x = 1")
        let s = try #require(body.first)
        #expect(s.locked)
        #expect(s.lockedSpan != nil)
        let (plain, _) = parseBody("x = 1")
        #expect(plain.first?.locked == false)
        #expect(plain.first?.lockedSpan == nil)
    }

    @Test("`locked` on a rule, env or scale is an error")
    func lockedMisplaced() {
        #expect(!parseBody("locked check x").diagnostics.isEmpty)
        #expect(!parseBody("locked env dev { }").diagnostics.isEmpty)
    }

    @Test("check and warn, with and without else")
    func rules() {
        #expect(clean("check a > 1 else \"too small\"") == [#"check (> a 1) else "too small""#])
        #expect(clean("warn a > 1 else \"m\"") == [#"warn (> a 1) else "m""#])
        #expect(clean("check a") == ["check a"])
        #expect(clean("check x > 1\n  else \"m ${x}\"") == [#"check (> x 1) else (str "m " ${x})"#])
        #expect(clean("check x > 1\n\n  else \"m\"") == [#"check (> x 1) else "m""#])
        #expect(clean("check a &&\n  b\n  else \"m\"\ny = 1") == [#"check (&& a b) else "m""#, "y = 1"])
    }

    @Test("rule severities")
    func ruleSeverity() {
        let (body, _) = parseBody("check a\nwarn b")
        guard body.count == 2, case .rule(let s1, _, let m1) = body[0].kind, case .rule(let s2, _, _) = body[1].kind else {
            Issue.record("expected two rules")
            return
        }
        #expect(s1 == .check)
        #expect(s2 == .warn)
        #expect(m1 == nil)
    }

    @Test("env blocks and scale")
    func envAndScale() {
        #expect(clean("env development {\n  security.ssl.enabled = false\n  scale databases.*.resources by 50%\n}")
            == ["env development {security.ssl.enabled = false; scale databases.*.resources by 50%}"])
        #expect(clean("env staging { scale a.*.b by 50% }") == ["env staging {scale a.*.b by 50%}"])
        #expect(clean("env dev {}") == ["env dev {}"])
        #expect(clean("scale a by 2") == ["scale a by 2"])
    }

    @Test("scale without `by` is an error")
    func scaleWithoutBy() {
        #expect(codes(parseBody("env d {\n  scale a.b 50%\n}").diagnostics) == ["E0101"])
    }

    @Test("dotted and wildcard paths")
    func paths() throws {
        #expect(clean("databases.postgresql.mode = \"x\"") == [#"databases.postgresql.mode = "x""#])
        #expect(clean("a.*.b = 1") == ["a.*.b = 1"])
        #expect(clean("databases.* { enabled = false }") == ["databases.* {enabled = false}"])
        let (body, _) = parseBody("a.*.b = 1")
        guard case .assign(let p, _) = try #require(body.first).kind else { Issue.record("assign"); return }
        #expect(p.segments.count == 3)
        guard case .wildcard = p.segments[1] else { Issue.record("wildcard segment"); return }
        #expect(p.names == nil)
    }

    @Test("a path ending in `.` is an error")
    func badPath() {
        #expect(codes(parseBody("a. = 1").diagnostics) == ["E0101"])
        #expect(codes(parseBody("a.1 = 1").diagnostics) == ["E0101"])
    }

    // MARK: Keywords as field names

    static let fieldKeywords = ["tier", "tenant", "extends", "locked", "check", "warn", "else", "env", "scale", "by", "for", "in", "if", "then", "implies"]

    @Test("at the start of a statement, a keyword before `=` `.` `:` `{` is a field name", arguments: fieldKeywords)
    func keywordFieldNames(keyword: String) {
        #expect(clean("\(keyword) = 1") == ["\(keyword) = 1"])
        #expect(clean("\(keyword).x = 1") == ["\(keyword).x = 1"])
        #expect(clean("\(keyword): int") == ["\(keyword): int"])
        #expect(clean("\(keyword) { x = 1 }") == ["\(keyword) {x = 1}"])
    }

    @Test("a keyword field name on the line after another statement", arguments: fieldKeywords)
    func keywordFieldNameAfterStatement(keyword: String) {
        #expect(clean("a = 0\n\(keyword) = 1") == ["a = 0", "\(keyword) = 1"])
        #expect(clean("a { }\n\(keyword).x = 1") == ["a {}", "\(keyword).x = 1"])
    }

    static let afterDot = fieldKeywords + ["import"]

    @Test("after `.`, a keyword is a field name, in paths and in expressions", arguments: afterDot)
    func keywordsAfterDot(keyword: String) {
        #expect(clean("a.\(keyword) = 1") == ["a.\(keyword) = 1"])
        #expect(clean("a.\(keyword).b: int") == ["a.\(keyword).b: int"])
        #expect(shape("a.\(keyword)") == "(. a \(keyword))")
    }

    @Test("keywords as field names in real positions")
    func keywordFieldsInContext() {
        #expect(clean("tenant_type = tenant.tier") == ["tenant_type = (. tenant tier)"])
        #expect(clean("tier = 1") == ["tier = 1"])
        #expect(clean("env {\n  name = \"x\"\n}") == [#"env {name = "x"}"#])
        #expect(clean("locked env { a = 1 }") == ["locked env {a = 1}"])
        #expect(clean("x = a.true || a.false") == ["x = (|| (. a true) (. a false))"])
    }

    // MARK: Types

    @Test("types", arguments: [
        ("x: int", "x: int"),
        ("x: \"a\" | \"b\"", #"x: ("a" | "b")"#),
        ("x: \"development\" | \"staging\" | \"production\" = \"production\"", #"x: ("development" | "staging" | "production") = "production""#),
        ("x: [string]", "x: [string]"),
        ("x: [[int]]", "x: [[int]]"),
        ("x: { name: string  retention: duration = 30d }", "x: {name: string; retention: duration = 30d}"),
        ("x: email?", "x: email?"),
        ("x: int | unlimited", "x: (int | unlimited)"),
        ("x: int(1..65535)", "x: int(1..65535)"),
        ("x: size(..10TiB)", "x: size(..10TiB)"),
        ("x: size(1GiB..)", "x: size(1GiB..)"),
        ("x: percent(0%..100%)", "x: percent(0%..100%)"),
        ("x: int(-5..5)", "x: int(-5..5)"),
        ("x: (int | unlimited)?", "x: (int | unlimited)?"),
        ("x: [{ a: int }]", "x: [{a: int}]"),
        ("x: size(..10TiB) | unlimited", "x: (size(..10TiB) | unlimited)"),
        ("x: [\"a\" | \"b\"]?", #"x: [("a" | "b")]?"#),
        ("x: cpu = 0.25cores", "x: cpu = 0.25cores"),
        ("x: (int)", "x: int"),
        ("x: int(..)", "x: int(..)"),
        ("x: any", "x: any"),
        ("x: unlimited | size", "x: (unlimited | size)"),
    ])
    func types(source: String, expected: String) {
        #expect(clean(source) == [expected])
    }

    @Test("type nodes")
    func typeNodes() throws {
        let (body, _) = parseBody("x: int(1..65535)?")
        guard case .declare(_, let t, .none) = try #require(body.first).kind,
              case .optional(let inner) = t.kind,
              case .bounded(let base, let lo?, let hi?) = inner.kind,
              case .named(let n) = base.kind,
              case .literal(.int(1)) = lo.kind,
              case .literal(.int(65535)) = hi.kind
        else {
            Issue.record("unexpected shape")
            return
        }
        #expect(n.text == "int")
        let (b2, _) = parseBody("x: size(..10TiB)")
        guard case .declare(_, let t2, _) = try #require(b2.first).kind, case .bounded(_, .none, .some) = t2.kind else {
            Issue.record("open lower bound expected")
            return
        }
    }

    @Test("a value where a type is expected is E0106")
    func notAType() {
        #expect(codes(parseBody("x: = 5").diagnostics) == ["E0106"])
        #expect(codes(parseBody("x: ]").diagnostics) == ["E0106"])
    }

    /// `replicas: 3` (YAML's `key: value`): no type starts with a number, `true`, `false` or
    /// `-`, so it is read as `replicas = 3` with the `:` kept; the semantic layer, which knows
    /// which field is meant, reports it (E0101).
    @Test("a value after `:` is an assignment written with a colon")
    func valueAfterColon() throws {
        for (source, value) in [("replicas: 3", "3"), ("enabled: true", "true"), ("on: false", "false"), ("offset: -2", "-2"), ("retention: 14d", "14d")] {
            let (body, diagnostics) = parseBody(source)
            #expect(diagnostics.isEmpty, "\(source): \(codes(diagnostics))")
            let stmt = try #require(body.first)
            guard case .assign(let path, _) = stmt.kind else {
                Issue.record("\(source): not an assignment")
                continue
            }
            #expect(path.text + ": " + value == source)
            #expect(stmt.colonSpan.map { $0.end - $0.start } == 1)
        }
        // A type still declares.
        let (typed, _) = parseBody("replicas: int")
        guard case .declare = try #require(typed.first).kind else {
            Issue.record("`replicas: int` is a declaration")
            return
        }
        #expect(try #require(typed.first).colonSpan == nil)
    }

    @Test("`?` and bounds must be on the type's line")
    func typeSuffixLine() {
        #expect(clean("x: string\ny: int") == ["x: string", "y: int"])
        #expect(!parseBody("x: int\n  ?").diagnostics.isEmpty)
    }

    @Test("a declaration's default is on its line or, after `=`, on the next")
    func declarationDefaultNextLine() {
        #expect(clean("x: int =\n  5") == ["x: int = 5"])
        #expect(clean("x =\n  5") == ["x = 5"])
    }

    // MARK: Statement separation

    @Test("space-separated statements on one line")
    func spaceSeparated() {
        #expect(clean("limits { cpu = 2cores  memory = 8GiB  storage = 100GiB }") == ["limits {cpu = 2cores; memory = 8GiB; storage = 100GiB}"])
        #expect(clean("a = 1 b = 2") == ["a = 1", "b = 2"])
        #expect(clean("x: int y: string") == ["x: int", "y: string"])
        #expect(clean("a = 1 check a > 0 warn a > 1 locked b = 2") == ["a = 1", "check (> a 0)", "warn (> a 1)", "locked b = 2"])
        #expect(clean("a = b c = d") == ["a = b", "c = d"])
        #expect(clean("a { b = 1 } c = 2") == ["a {b = 1}", "c = 2"])
    }

    @Test("`;` and `,` separate statements")
    func separators() {
        #expect(clean("a = 1; b = 2") == ["a = 1", "b = 2"])
        #expect(clean("a = 1, b = 2") == ["a = 1", "b = 2"])
        #expect(clean(";; a = 1;;\n;") == ["a = 1"])
        #expect(clean("x { a = 1; b = 2; }") == ["x {a = 1; b = 2}"])
    }

    @Test("a value followed on its line by something that cannot start a statement is an error")
    func junkAfterStatement() {
        #expect(codes(parseBody("a = 1 2").diagnostics) == ["E0101"])
        #expect(codes(parseBody("a = 1 \"s\"").diagnostics) == ["E0101"])
        #expect(codes(parseBody("a = 1 )").diagnostics) == ["E0101"])
    }

    @Test("an operator at the end of a line continues the expression")
    func operatorAtLineEnd() {
        #expect(clean("x = 1 +\n  2") == ["x = (+ 1 2)"])
        #expect(clean("x = a &&\n  b") == ["x = (&& a b)"])
        #expect(clean("x = a implies\n  b") == ["x = (implies a b)"])
        #expect(clean("x = a in\n  b") == ["x = (in a b)"])
        #expect(clean("x = a ==\n\n  b") == ["x = (== a b)"])
    }

    @Test("an operator at the start of the next line also continues it")
    func operatorAtLineStart() {
        #expect(clean("x = 1\n  + 2\ny = 3") == ["x = (+ 1 2)", "y = 3"])
        #expect(clean("check a\n  implies b") == ["check (implies a b)"])
        #expect(clean("x = a\n  || b\n  || c") == ["x = (|| (|| a b) c)"])
    }

    @Test("a `.` at the start of a line does not continue the previous line")
    func dotAtLineStart() {
        let (body, diagnostics) = parseBody("x = a\n.b = 1")
        #expect(shapes(body).first == "x = a")
        #expect(diagnostics.count == 1)
    }

    @Test("line breaks inside parentheses and brackets are ignored")
    func lineBreaksInBrackets() {
        #expect(clean("x = (1\n  + 2\n)") == ["x = (+ 1 2)"])
        #expect(clean("x = (a\n  .b)") == ["x = (. a b)"])
        #expect(clean("x = [\n  1,\n  2\n]") == ["x = [1 2]"])
        #expect(clean("x = [1\n  , 2]") == ["x = [1 2]"])
        #expect(clean("x = max(\n  a,\n  b\n)") == ["x = (call max a b)"])
        #expect(clean("x = [d\n  for d\n  in ds\n  if d.on\n]") == ["x = (for d d ds if (. d on))"])
    }

    @Test("if … then … else … across lines")
    func conditionalAcrossLines() {
        #expect(clean("x = if a\n  then 1\n  else 2\ny = 3") == ["x = (if a 1 2)", "y = 3"])
    }

    @Test("after `=`, a next line that starts a statement means the value is missing")
    func missingValue() throws {
        let (body, diagnostics) = parseBody("x =\n  y = 2")
        #expect(codes(diagnostics) == ["E0101"])
        #expect(shapes(body) == ["y = 2"])
        let (b2, d2) = parseBody("x: int =\n  y = 2")
        #expect(codes(d2) == ["E0101"])
        #expect(shapes(b2).last == "y = 2")
        #expect(codes(parseBody("x =").diagnostics) == ["E0101"])
        let (b3, d3) = parseBody("x =\n  check a > 1\ny =\n  locked z = 1")
        #expect(codes(d3) == ["E0101", "E0101"])
        #expect(shapes(b3) == ["check (> a 1)", "locked z = 1"])
    }

    // MARK: Top level

    @Test("tiers with and without extends, tenants")
    func declarations() throws {
        let unit = parse("tier free { }\ntier standard extends free {\n  x = 1\n}\ntenant acme_prod extends standard { y = 2 }\n")
        #expect(unit.diagnostics.isEmpty)
        try #require(unit.declarations.count == 3)
        #expect(unit.declarations.map(\.kind) == [.tier, .tier, .tenant])
        #expect(unit.declarations.map(\.name.text) == ["free", "standard", "acme_prod"])
        #expect(unit.declarations.map { $0.parent?.text } == [nil, "free", "standard"])
        #expect(shapes(unit.declarations[1].body) == ["x = 1"])
        #expect(shapes(unit.declarations[2].body) == ["y = 2"])
    }

    @Test("declarations may share a line and be separated by `;`")
    func declarationSeparators() {
        let unit = parse("tier a { } tier b { }; tier c { };\n;")
        #expect(unit.diagnostics.isEmpty)
        #expect(unit.declarations.map(\.name.text) == ["a", "b", "c"])
        #expect(parse("").declarations.isEmpty)
        #expect(parse("// only a comment\n").diagnostics.isEmpty)
    }

    @Test("a tenant without extends is an error with help")
    func tenantWithoutExtends() throws {
        let unit = parse("tenant acme {\n  x = 1\n}\ntier t { }")
        #expect(codes(unit.diagnostics) == ["E0101"])
        let d = try #require(unit.diagnostics.first)
        #expect(!d.help.isEmpty)
        #expect(d.message.contains("extends"))
        #expect(unit.declarations.map(\.name.text).last == "t")
    }

    /// `tenant Wonka-Co extends standard`: the id is taken whole (E0206 comes from the semantic
    /// layer, with the rule), and the declaration and its body are read as usual.
    @Test("a tenant id with other characters is taken whole")
    func tenantIDTakenWhole() throws {
        let unit = parse("tenant Wonka-Co extends standard {\n  x = 1\n}\ntenant acme.eu+1 extends free { y = 2 }\ntier t-1 { }")
        #expect(unit.declarations.map(\.name.text) == ["Wonka-Co", "acme.eu+1"])
        #expect(unit.declarations.map { $0.parent?.text } == ["standard", "free"])
        #expect(shapes(unit.declarations[0].body) == ["x = 1"])
        #expect(shapes(unit.declarations[1].body) == ["y = 2"])
        let file = sourceFile("tenant Wonka-Co extends standard { }")
        let span = try #require(Parser.parse(file).declarations.first?.name.span)
        #expect(file.text(span) == "Wonka-Co")
        // Only the tenant's id: a tier's name is an identifier, as before.
        #expect(codes(unit.diagnostics) == ["E0101"])
        // A space ends the id: `Wonka Co` is the id `Wonka` and a missing `extends`.
        #expect(codes(parse("tenant Wonka Co extends standard { }").diagnostics) == ["E0101"])
    }

    @Test("`import` is reserved: E0105")
    func importReserved() {
        let unit = parse("import \"tiers/free.tenant\"\ntier t { x = 1 }")
        #expect(codes(unit.diagnostics) == ["E0105"])
        #expect(unit.declarations.map(\.name.text) == ["t"])
        #expect(codes(parseBody("x = import").diagnostics) == ["E0105"])
    }

    @Test("garbage at the top level is reported, declarations around it survive")
    func topLevelGarbage() {
        let unit = parse("hello world\ntier t { x = 1 }\n}}}\ntier u { }\n42")
        #expect(unit.declarations.map(\.name.text) == ["t", "u"])
        #expect(codes(unit.diagnostics) == ["E0101", "E0103", "E0101"])
        #expect(unit.diagnostics[1].message == "unexpected `}`: no `{` is open here")
        #expect(shapes(unit.declarations[0].body) == ["x = 1"])
    }

    @Test("malformed headers")
    func badHeaders() {
        #expect(codes(parse("tier { }").diagnostics) == ["E0101"])
        #expect(codes(parse("tier t extends { }").diagnostics) == ["E0101"])
        #expect(codes(parse("tier t x = 1").diagnostics) == ["E0101"])
        #expect(codes(parse("tier 5 { }").diagnostics) == ["E0101"])
    }

    // MARK: Doc comments

    @Test("doc comments on declarations and statements")
    func docComments() throws {
        let unit = parse("""
            /// Shared infrastructure,
            /// no backups.
            tier free {
              /// The tier table row.
              locked limits {
                /// CPU cap.
                cpu = 0.25cores
                memory = 512MiB
              }
              //// not a doc
              plain = 1
              /// Rule doc.
              check limits.cpu > 0
              /// Env doc.
              env dev { }
            }
            tier other { }
            """)
        #expect(unit.diagnostics.isEmpty)
        try #require(unit.declarations.count == 2)
        let free = unit.declarations[0]
        #expect(free.doc == "Shared infrastructure,\nno backups.")
        #expect(unit.declarations[1].doc == nil)
        try #require(free.body.count == 4)
        #expect(free.body[0].doc == "The tier table row.")
        #expect(free.body[1].doc == nil)
        #expect(free.body[2].doc == "Rule doc.")
        #expect(free.body[3].doc == "Env doc.")
        guard case .block(_, let inner) = free.body[0].kind else { Issue.record("block"); return }
        #expect(inner.map(\.doc) == ["CPU cap.", nil])
    }

    @Test("doc comments on declared fields of a record type")
    func docInRecordType() throws {
        let (body, _) = parseBody("x: {\n  /// The name.\n  name: string\n}")
        guard case .declare(_, let t, _) = try #require(body.first).kind, case .record(let fields) = t.kind else {
            Issue.record("record type")
            return
        }
        #expect(fields.first?.doc == "The name.")
    }
}
