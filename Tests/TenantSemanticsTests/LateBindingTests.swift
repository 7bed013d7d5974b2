import Testing
import TenantDiagnostics
import TenantModel
@testable import TenantSemantics

@Suite("Late binding and super")
struct LateBindingTests {
    static let tiers = """
    tier base {
      tenant_info {
        environment: "development" | "staging" | "production" = "production"
      }
      limits { cpu = 1cores }
      db { cpu = limits.cpu * 50% }
      env staging { limits.cpu = 10cores }
    }
    tier big extends base { limits.cpu = 4cores }
    """

    @Test func rootFormulaSeesTheDerivedTiersValue() {
        let c = compile(Self.tiers + "\ntenant a extends big {}\ntenant b extends base {}")
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c["a", "db.cpu"] == cpu(2000))
        #expect(c["b", "db.cpu"] == cpu(500))
    }

    @Test func rootFormulaSeesTheTenantsValue() {
        let c = compile(Self.tiers + "\ntenant a extends big { limits.cpu = 3cores }")
        #expect(c["db.cpu"] == cpu(1500))
    }

    @Test func rootFormulaSeesTheEnvironmentOverlaysValue() {
        let c = compile(Self.tiers + "\ntenant a extends big { limits.cpu = 3cores\n tenant_info.environment = \"staging\" }")
        #expect(c.result?.environment == "staging")
        #expect(c["limits.cpu"] == cpu(10_000))
        #expect(c["db.cpu"] == cpu(5000))
    }

    @Test func tierSelfCheckUsesTheTiersOwnValues() {
        let c = compile(Self.tiers + """

        tier tight extends base {
          limits.cpu = 0.5cores
          check db.cpu <= 0.2cores else "db gets ${db.cpu}"
        }
        """)
        let d = c.tierDiagnostics.first { $0.code.id == "E0310" }
        #expect(d?.message == "db gets 0.25cores")
    }

    @Test func referencesToFieldsDeclaredLaterInTheFile() {
        let c = compile("""
        tier base {
          total = part_a + part_b
          label = "${name}-${total}"
          part_a = 1
          part_b = 2
          name = "n"
        }
        tenant t extends base { part_b = 40 }
        """)
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c["total"] == .int(41))
        #expect(c["label"] == .string("n-41"))
    }

    @Test func builtins() {
        let src = """
        tier base {
          tenant_info {
            environment: "development" | "staging" | "production" = "production"
          }
          info {
            id = tenant.id
            tier = tenant.tier
            env = tenant.environment
            label = "${tenant.id}@${tenant.tier}/${tenant.environment}"
          }
        }
        tier standard extends base {}
        tenant acme_prod extends standard { tenant_info.environment = "staging" }
        """
        let c = compile(src)
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c["info.id"] == .string("acme_prod"))
        #expect(c["info.tier"] == .string("standard"))
        #expect(c["info.env"] == .string("staging"))
        #expect(c["info.label"] == .string("acme_prod@standard/staging"))
        let dev = compile(src, env: "development")
        #expect(dev["info.env"] == .string("development"))
        #expect(dev["tenant_info.environment"] == .string("development"))
    }

    @Test func environmentBuiltinDefaultsToProduction() {
        let c = compile("tier base { env_name = tenant.environment }\ntenant t extends base {}")
        #expect(c["env_name"] == .string("production"))
    }

    @Test func unknownBuiltin() {
        let c = compile("tier base { x = tenant.name }")
        let d = c.first("E0316")
        #expect(d?.message == "`tenant.name` is not a built-in")
    }

    @Test func unknownReferenceSuggestsAName() {
        let c = compile("tier base { limits.cpu = 1cores\n x = limit.cpu }")
        let d = c.first("E0316")
        #expect(d?.message == "unknown name `limit`")
        #expect(d?.help.contains("did you mean `limits`?") == true)
        #expect(d?.fixes.first?.replacement == "limits")
    }

    @Test func interpolation() {
        let c = compile("""
        tier base {
          limits { cpu = 2cores  memory = 512MiB  users = 10 }
          schema = "${tenant.id}_data"
          text = "cpu ${limits.cpu}, mem ${limits.memory}, users ${limits.users}, ok ${limits.users > 5}"
          escaped = "cost: \\${x} \\$5"
          list = "${[1, 2]}"
        }
        tenant acme extends base {}
        """)
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c["schema"] == .string("acme_data"))
        #expect(c["text"] == .string("cpu 2cores, mem 512MiB, users 10, ok true"))
        #expect(c["escaped"] == .string("cost: ${x} $5"))
        #expect(c["list"] == .string("[1, 2]"))
    }

    // MARK: - super

    static let superChain = """
    tier base {
      metrics = ["a"]
      retention = 30d
      cpu = 1.5cores
      greeting = "hi"
    }
    tier mid extends base {
      metrics = super + ["b"]
      retention = super * 2
    }
    tier top extends mid {
      metrics = super + ["c"]
      cpu = super * 2
    }
    """

    @Test func superOnListsQuantitiesAndChains() {
        let c = compile(Self.superChain + """

        tenant t extends top {
          metrics = super + ["d"]
          retention = super * 2
          greeting = super + ", " + tenant.id
        }
        """)
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c["metrics"] == strings("a", "b", "c", "d"))
        #expect(c["retention"] == duration(120 * 86_400_000))
        #expect(c.text("retention") == "120d")
        #expect(c["cpu"] == cpu(3000))
        #expect(c["greeting"] == .string("hi, t"))
    }

    @Test func superInsideAnEnvironmentOverlay() {
        let c = compile(Self.superChain + """

        tier dev extends top {
          env production { metrics = super + ["prod"] }
        }
        tenant t extends dev { metrics = super + ["own"] }
        """)
        #expect(c["metrics"] == strings("a", "b", "c", "own", "prod"))
    }

    @Test func superWithNothingBelowInRootTier() {
        let c = compile("tier base { x = super + 1 }\ntenant t extends base {}")
        let d = c.first("E0315")
        #expect(d?.message == "`super` has no value here: nothing below this layer sets `x`")
        #expect(c.source(d?.span) == "super")
        #expect(c.tenant == nil)
    }

    @Test func superWithNothingBelowInANewTenantField() {
        let c = compile("tier base { x = 1 }\ntenant t extends base { y: int = super }")
        let d = c.result?.diagnostics.first { $0.code.id == "E0315" }
        #expect(d?.message == "`super` has no value here: nothing below this layer sets `y`")
    }

    @Test func superAfterARequiredDeclaration() {
        let c = compile("tier base { x: int }\ntenant t extends base { x = super + 1 }")
        #expect(c.first("E0315")?.message == "`super` has no value here: nothing below this layer sets `x`")
    }

    @Test func superInARule() {
        let c = compile("tier base { x = 1\n check super == 1 else \"no\" }\ntenant t extends base {}")
        #expect(c.first("E0315")?.message == "`super` is only meaningful in a field's value")
    }


    @Test func superOfALateBoundFormula() {
        let c = compile("""
        tier base {
          limits.cpu = 1cores
          db.cpu = limits.cpu * 50%
        }
        tier doubled extends base { db.cpu = super * 2 }
        tenant t extends doubled { limits.cpu = 3cores }
        """)
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        // `super` is the formula below, evaluated with the tenant's final values.
        #expect(c["db.cpu"] == cpu(3000))
    }

    // A field evaluated from inside another field's comprehension sees its own variables only.
    @Test func aFieldReadInsideAComprehensionDoesNotSeeItsVariables() {
        let c = compile("""
        tier base {
          names = [m for m in ["a"] if len(_a) > 0]
          _a = [y for y in [1, 2] if y != 0]
        }
        tenant t extends base {}
        """)
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c["names"] == .list([.string("a")]))
    }

    @Test func superReadInsideAComprehensionDoesNotSeeItsVariables() {
        let c = compile("""
        tier base { v = [y * 2 for y in [1, 2]] }
        tier big extends base { v = [len(super) for z in ["q"]] }
        tenant t extends big {}
        """)
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c["v"] == .list([.int(2)]))
    }
}
