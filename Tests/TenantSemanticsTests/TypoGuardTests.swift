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

    // MARK: YAML's `key: value`

    /// `tenant_name: "Acme"` declares a field whose type is the string "Acme": a tenant meant
    /// `=`. One error, with the full path of the field it meant, and no "required field not set".
    @Test(arguments: [("tenant_name", "\"Acme\"", "tenant_info.tenant_name"), ("region", "\"eu-west-1\"", "tenant_info.region")])
    func colonWhereEqualsBelongsNamesTheFieldElsewhere(_ name: String, _ value: String, _ full: String) {
        let c = compileWithShippedTiers("""
        tenant acme extends standard {
          \(name == "tenant_name" ? "" : "tenant_info.tenant_name = \"Acme\"")
          \(name): \(value)
        }
        """)
        #expect(c.errors.count == 1, "\(summary(c.diagnostics))")
        #expect(c.all("E0304").isEmpty, "\(summary(c.diagnostics))")
        let d = c.first("E0101")
        #expect(d?.message == "a field is set with `=`, not `:`: write `\(full) = \(value)`")
        #expect(c.source(d?.span) == "\(name): \(value)")
        #expect(c.location(d?.span) == "tenants/t.tenant:3")
        #expect(d?.related.first?.message == "`\(full)` is declared here")
        #expect(c.location(d?.related.first?.span)?.hasPrefix("tiers/free.tenant:") == true)
        #expect(d?.fixes.first?.replacement == "\(full) = \(value)")
        #expect(c.source(d?.fixes.first?.span) == "\(name): \(value)")
    }

    @Test func colonWhereEqualsBelongsInsideTheFieldsRecord() {
        let c = compile(Self.base + """

        tenant acme extends base {
          databases.postgresql {
            mode: "dedicated"
            port: 6432
          }
          memory: 2GiB
          nme: "x"
        }
        """)
        let ds = c.all("E0101")
        #expect(c.errors.count == 4, "\(summary(c.diagnostics))")
        #expect(ds.map(\.message) == [
            "a field is set with `=`, not `:`: write `mode = \"dedicated\"`",
            "a field is set with `=`, not `:`: write `port = 6432`",
            "a field is set with `=`, not `:`: write `databases.postgresql.memory = 2GiB`",
            "a field is set with `=`, not `:`: write `nme = \"x\"`",
        ])
        // Values after `:` are pointed at by the `:`; a one-string type by the whole declaration.
        #expect(c.source(ds[0].span) == "mode: \"dedicated\"")
        #expect(ds[0].label == "this declares a new field `mode` whose type is the string \"dedicated\"")
        #expect(c.source(ds[1].span) == ":")
        #expect(ds[1].label == "`:` where `=` belongs")
        #expect(ds[0].fixes.first?.replacement == "mode = \"dedicated\"")
        // Nothing is declared by them.
        #expect(c.all("E0304").isEmpty)
    }

    @Test func anUnquotedValueNamedLikeATypeForAFieldThatExists() {
        let c = compileWithShippedTiers("""
        tenant acme extends standard {
          tenant_name: Acme
        }
        """)
        #expect(c.errors.count == 1, "\(summary(c.diagnostics))")
        let d = c.first("E0101")
        #expect(d?.message == "a field is set with `=`, not `:`: write `tenant_info.tenant_name = \"Acme\"`")
        #expect(d?.label == "this declares a new field `tenant_name` of type `Acme`")
        // A type nobody declared, for a name no field has: the unknown type it is.
        let other = compileWithShippedTiers("""
        tenant acme extends standard {
          tenant_info.tenant_name = "Acme"
          nickname: Acme
        }
        """)
        #expect(other.codes.contains("E0106"), "\(summary(other.diagnostics))")
        #expect(!other.codes.contains("E0101"))
    }

    @Test func colonInARootTierDeclaresAsEqualsWould() {
        let c = compile("""
        tier t {
          mode: "shared"
          replicas: 2
        }
        tenant x extends t {}
        """)
        #expect(c.all("E0101").map(\.message) == [
            "a field is set with `=`, not `:`: write `mode = \"shared\"`",
            "a field is set with `=`, not `:`: write `replicas = 2`",
        ])
        #expect(c.all("E0101").count == c.errors.count, "\(summary(c.diagnostics))")
        // A string with a default, or in a union, is a type as ever.
        let typed = compile("tier t {\n  mode: \"shared\" = \"shared\"\n  kind: \"a\" | \"b\"\n}\ntenant x extends t { kind = \"a\" }")
        #expect(typed.diagnostics.isEmpty, "\(summary(typed.diagnostics))")
        #expect(typed["mode"] == .string("shared"))
    }
}

