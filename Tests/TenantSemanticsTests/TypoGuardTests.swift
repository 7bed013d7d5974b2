import Testing
import TenantDiagnostics
import TenantModel
@testable import TenantSemantics

@Suite("Typo guard and inferred types")
struct TypoGuardTests {
    static let base = """
    tier base {
      databases.postgresql {
        mode = "shared"
        port = 5432
        memory = 1GiB
      }
      name = "base"
    }
    """

    @Test func unknownFieldInDerivedTier() {
        let c = compile(Self.base + """

        tier standard extends base {
          databses.postgresql.mode = "dedicated"
        }
        """)
        let d = c.tierDiagnostics.first { $0.code.id == "E0301" }
        #expect(d?.message == "unknown field `databses` in the config")
        #expect(d?.help.contains("did you mean `databases`?") == true)
        #expect(d?.fixes.first?.replacement == "databases")
        #expect(c.source(d?.fixes.first?.span) == "databses")
        #expect(c.source(d?.span) == "databses")
    }

    @Test func unknownFieldInTenant() {
        let c = compile(Self.base + """

        tenant acme extends base {
          databases.postgresql.mdoe = "dedicated"
        }
        """)
        #expect(c.tierDiagnostics.isEmpty)
        let d = c.first("E0301")
        #expect(d?.message == "unknown field `mdoe` in `databases.postgresql`")
        #expect(d?.help.contains("did you mean `mode`?") == true)
        #expect(d?.help.contains("to add a new field, declare it with a type: `databases.postgresql.mdoe: Type = …`") == true)
        #expect(d?.fixes.first?.replacement == "mode")
        #expect(c.source(d?.fixes.first?.span) == "mdoe")
        #expect(c.tenant == nil)
        // The typo did not create a key.
        #expect(c.tierSet.layout(named: "base")?.schema.lookup(["databases", "postgresql", "mdoe"]) == nil)
    }

    @Test func unknownRecordInTenantBlock() {
        let c = compile(Self.base + """

        tenant acme extends base {
          databases.postgress { mode = "dedicated" }
        }
        """)
        let d = c.first("E0301")
        #expect(d?.message == "unknown field `postgress` in `databases`")
        #expect(d?.help.contains("did you mean `postgresql`?") == true)
    }

    @Test func rootTierDeclaresWithInferredTypes() {
        let c = compile(Self.base + """

        tenant acme extends base {
          databases.postgresql.port = 6432
          databases.postgresql.memory = 2GiB
          name = "acme"
        }
        """)
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        let schema = c.tierSet.layout(named: "base")!.schema
        #expect(schema[schema.lookup(["databases", "postgresql", "port"])!].type == .int)
        #expect(schema[schema.lookup(["databases", "postgresql", "memory"])!].type == .size)
        #expect(schema[schema.lookup(["databases", "postgresql", "mode"])!].type == .string)
        #expect(c["databases.postgresql.port"] == .int(6432))
        #expect(c["databases.postgresql.memory"] == size(2 * GiB))
    }

    @Test func wrongTypeInTenantAgainstInferredType() {
        let c = compile(Self.base + """

        tenant acme extends base {
          databases.postgresql.memory = 8
        }
        """)
        let d = c.first("E0305")
        #expect(d?.message == "`databases.postgresql.memory`: expected size like 8GiB, found int 8")
        #expect(d?.help.contains("write a unit: 8GiB, 8MiB or 8B") == true)
        #expect(c.source(d?.span) == "8")
        #expect(d?.related.first?.message == "`databases.postgresql.memory` is declared as size here")
        #expect(c.tenant == nil)
    }

    @Test func wrongTypeInDerivedTier() {
        let c = compile(Self.base + """

        tier standard extends base {
          databases.postgresql.port = "6432"
        }
        """)
        let d = c.tierDiagnostics.first { $0.code.id == "E0305" }
        #expect(d?.message == "`databases.postgresql.port`: expected int like 42, found string \"6432\"")
        #expect(d?.help.contains("remove the quotes: 6432") == true)
    }

    @Test func formulaDeclaresItsInferredType() {
        let c = compile("""
        tier base {
          limits.cpu = 2cores
          db.cpu = limits.cpu * 50%
        }
        tenant ok extends base { db.cpu = 0.5cores }
        tenant bad extends base { db.cpu = 1 }
        """)
        #expect(c["ok", "db.cpu"] == cpu(500))
        let d = c.result("bad")?.diagnostics.first
        #expect(d?.code.id == "E0305")
        #expect(d?.message == "`db.cpu`: expected cpu like 2cores, found int 1")
        #expect(d?.help.contains("write a unit: 1cores") == true)
    }

    @Test func recordWhereAValueIsExpected() {
        let c = compile(Self.base + """

        tenant acme extends base {
          databases = 3
        }
        """)
        let d = c.first("E0306")
        #expect(d?.message.contains("`databases` is a record") == true)
    }

    @Test func blockOnALeaf() {
        let c = compile(Self.base + """

        tenant acme extends base {
          name { x = 1 }
        }
        """)
        let d = c.first("E0306")
        #expect(d?.message == "`name` is a string, not a record")
    }
}
