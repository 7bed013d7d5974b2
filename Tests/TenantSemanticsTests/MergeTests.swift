import Testing
import TenantDiagnostics
import TenantModel
@testable import TenantSemantics

@Suite("Merging and replacing records")
struct MergeTests {
    static let base = """
    tier base {
      x {
        a = 1
        b = 2
        c: int? = 3
        inner { p = "p"  q = "q" }
      }
    }
    """

    @Test func blockMergesIntoTheRecord() {
        let c = compile(Self.base + "\ntenant t extends base { x { a = 10  inner { q = \"Q\" } } }")
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c["x.a"] == .int(10))
        #expect(c["x.b"] == .int(2))
        #expect(c["x.c"] == .int(3))
        #expect(c["x.inner.p"] == .string("p"))
        #expect(c["x.inner.q"] == .string("Q"))
    }

    @Test func dottedPathIsTheSameAsNestedBlocks() {
        let dotted = compile(Self.base + "\ntenant t extends base { x.inner.q = \"Q\" }")
        let nested = compile(Self.base + "\ntenant t extends base { x { inner { q = \"Q\" } } }")
        #expect(dotted.config == nested.config)
        #expect(dotted["x.inner.q"] == .string("Q"))
    }

    @Test func recordLiteralReplacesTheWholeRecord() {
        let c = compile(Self.base + """

        tenant t extends base {
          x = { a = 10, b = 20, inner = { p = "P", q = "Q" } }
        }
        """)
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c["x.a"] == .int(10))
        #expect(c["x.b"] == .int(20))
        // The optional `c` lost the tier's default: it is omitted.
        #expect(c["x.c"] == nil)
        #expect(keys(c, "x") == ["a", "b", "inner"])
        #expect(c["x.inner.p"] == .string("P"))
    }

    @Test func recordLiteralOmittingARequiredFieldLosesItsValue() {
        let c = compile(Self.base + """

        tenant t extends base {
          x = { a = 10, inner = { p = "P", q = "Q" } }
        }
        """)
        let d = c.first("E0304")
        #expect(d?.message == "tenant `t` does not set the required field `x.b`", "\(summary(c.diagnostics))")
        #expect(c.tenant == nil)
    }

    @Test func recordLiteralReplacementInDerivedTier() {
        let c = compile(Self.base + """

        tier mid extends base {
          x.inner = { p = "mid" }
        }
        tenant t extends mid {}
        """)
        // `x.inner.q` has no value any more: the tier self-check skips it, the tenant reports it.
        #expect(c.tierDiagnostics.isEmpty, "\(summary(c.tierDiagnostics))")
        #expect(c.first("E0304")?.message == "tenant `t` does not set the required field `x.inner.q`")
    }

    @Test func mergeAfterReplaceKeepsTheReplacement() {
        let c = compile(Self.base + """

        tier mid extends base {
          x = { a = 5, b = 6, inner = { p = "m", q = "n" } }
        }
        tenant t extends mid { x { b = 60 } }
        """)
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c["x.a"] == .int(5))
        #expect(c["x.b"] == .int(60))
        #expect(c["x.c"] == nil)
        #expect(c["x.inner.p"] == .string("m"))
    }

    @Test func recordLiteralWithUnknownKey() {
        let c = compile(Self.base + """

        tenant t extends base {
          x = { a = 10, b = 20, zz = 3 }
        }
        """)
        let d = c.first("E0301")
        #expect(d?.message == "unknown field `zz` in `x`", "\(summary(c.diagnostics))")
        #expect(c.source(d?.span) == "zz")
        #expect(c.tenant == nil)
    }

    @Test func recordLiteralWithWrongTypedEntry() {
        let c = compile(Self.base + """

        tenant t extends base {
          x = { a = "ten", b = 20, inner = { p = "P", q = "Q" } }
        }
        """)
        #expect(c.first("E0305")?.message == "`x.a`: expected int like 42, found string \"ten\"")
    }

    @Test func wildcardTargets() {
        let c = compile("""
        tier base {
          databases {
            postgresql { enabled = true  port = 5432 }
            mongodb { enabled = true  port = 27017 }
            redis { enabled = true  port = 6379 }
          }
        }
        tenant t extends base {
          databases.*.enabled = false
          databases.redis.enabled = true
        }
        """)
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c["databases.postgresql.enabled"] == .bool(false))
        #expect(c["databases.mongodb.enabled"] == .bool(false))
        #expect(c["databases.redis.enabled"] == .bool(true))
        #expect(c["databases.mongodb.port"] == .int(27017))
    }

    @Test func wildcardBlock() {
        let c = compile("""
        tier base {
          databases {
            postgresql { replicas = 0  port = 5432 }
            mongodb { replicas = 0  port = 27017 }
          }
        }
        tier ha extends base { databases.* { replicas = 2 } }
        tenant t extends ha {}
        """)
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c["databases.postgresql.replicas"] == .int(2))
        #expect(c["databases.mongodb.replicas"] == .int(2))
        #expect(c["databases.postgresql.port"] == .int(5432))
    }

    @Test func wildcardMatchingNothing() {
        let c = compile("""
        tier base {
          databases {
            postgresql { port = 5432 }
            mongodb { port = 27017 }
          }
        }
        tenant t extends base { databases.*.enabled = false }
        """)
        #expect(c.first("E0301")?.message == "`databases.*.enabled` matches no field")
    }


    @Test func recordLiteralKeepsDeclarationOrder() {
        let c = compile(Self.base + """

        tenant t extends base {
          x = { inner = { q = "Q", p = "P" }, b = 20, a = 10 }
        }
        """)
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(keys(c, "x") == ["a", "b", "inner"])
        #expect(keys(c, "x.inner") == ["p", "q"])
    }

    @Test func duplicateKeyInARecordLiteral() {
        // In a root tier, the literal declares: the second `p` is a duplicate declaration.
        let root = compile("tier base { x = { p = \"1\", p = \"2\" } }")
        #expect(root.first("E0302")?.message == "`x.p` is declared twice", "\(summary(root.diagnostics))")
        // Replacing a record, the same literal must not silently keep the last value.
        let c = compile(Self.base + "\ntenant t extends base { x.inner = { p = \"1\", p = \"2\", q = \"3\" } }")
        let d = c.first("E0302")
        #expect(d != nil, "no diagnostic; x.inner.p = \(c.text("x.inner.p") ?? "nil")")
        #expect(d?.message.contains("p") == true)
        #expect(c.tenant == nil)
    }

    @Test func wildcardInADeclaration() {
        let c = compile("tier base { databases { a { x = 1 } }\n databases.*.y: int = 2 }")
        #expect(c.first("E0313")?.message == "a declaration cannot use `*`")
    }
}
