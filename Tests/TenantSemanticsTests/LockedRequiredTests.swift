import Testing
import TenantDiagnostics
import TenantModel
@testable import TenantSemantics

@Suite("Locked, required and optional fields")
struct LockedRequiredTests {
    static let tiers = """
    tier base {
      locked limits {
        cpu = 1cores
        users = 10
      }
      locked entitlements.hsm = false
      name: string
      contact: email?
      note: string? = "none"
      nickname: string?
    }
    tier big extends base {
      limits.cpu = 4cores
      limits { users = 100 }
      entitlements.hsm = true
    }
    """

    @Test func derivedTiersMaySetLockedFields() {
        let c = compile(Self.tiers + "\ntenant t extends big { name = \"T\" }")
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c["limits.cpu"] == cpu(4000))
        #expect(c["limits.users"] == .int(100))
        #expect(c["entitlements.hsm"] == .bool(true))
    }

    @Test func tenantSettingALockedField() {
        let c = compile(files: [("tiers.tenant", Self.tiers), ("t.tenant", """
        tenant greedy extends big {
          name = "Greedy"
          limits.cpu = 16cores
        }
        """)])
        let d = c.first("E0303")
        #expect(d?.message == "`limits.cpu` is locked by its tier; a tenant cannot set it")
        #expect(d?.label == "set here")
        #expect(c.location(d?.span) == "t.tenant:3")
        #expect(d?.related.first?.message == "locked in tier `base`")
        #expect(c.source(d?.related.first?.span) == "limits")
        #expect(c.location(d?.related.first?.span) == "tiers.tenant:2")
        #expect(c.tenant == nil)
    }

    @Test func tenantSettingALockedFieldThroughABlockOrALiteral() {
        let block = compile(Self.tiers + "\ntenant t extends big { name = \"T\"\n limits { users = 1000 } }")
        #expect(block.first("E0303")?.message == "`limits.users` is locked by its tier; a tenant cannot set it")
        let literal = compile(Self.tiers + "\ntenant t extends big { name = \"T\"\n limits = { cpu = 1cores, users = 1 } }")
        #expect(literal.first("E0303") != nil, "\(summary(literal.diagnostics))")
        #expect(literal.tenant == nil)
        let single = compile(Self.tiers + "\ntenant t extends big { name = \"T\"\n entitlements.hsm = true }")
        #expect(single.first("E0303")?.message == "`entitlements.hsm` is locked by its tier; a tenant cannot set it")
        #expect(single.source(single.first("E0303")?.related.first?.span) == "hsm")
    }

    @Test func lockedInATenantIsMisplaced() {
        let c = compile(Self.tiers + "\ntenant t extends big { name = \"T\"\n locked extra: int = 1 }")
        let d = c.first("E0313")
        #expect(d?.message == "only tiers can lock fields")
        #expect(c.source(d?.span) == "locked")
        #expect(c.tenant == nil)
    }

    @Test func lockedInsideEnvIsMisplaced() {
        let c = compile("tier base { x = 1\n env production { locked x = 2 } }")
        #expect(c.first("E0313")?.message == "`locked` is not allowed inside `env`")
    }

    @Test func derivedTierMayLockMore() {
        let c = compile("""
        tier base { quota = 5 }
        tier fixed extends base { locked quota = 7 }
        tenant ok extends base { quota = 6 }
        tenant no extends fixed { quota = 8 }
        """)
        #expect(c["ok", "quota"] == .int(6))
        #expect(c.result("no")?.diagnostics.first?.code.id == "E0303")
    }

    @Test func requiredFieldUnsetByTheTenant() {
        let c = compile(files: [("tiers.tenant", Self.tiers), ("t.tenant", "tenant nameless extends big {}\n")])
        let ds = c.all("E0304")
        #expect(ds.count == 1, "\(summary(c.diagnostics))")
        let d = ds.first
        #expect(d?.message == "tenant `nameless` does not set the required field `name`")
        #expect(d?.label == "missing `name`")
        #expect(c.source(d?.span) == "tenant nameless extends big")
        #expect(d?.related.first?.message == "declared without a default in tier `base`")
        #expect(c.location(d?.related.first?.span) == "tiers.tenant:7")
        #expect(d?.help.contains("add `name = …` (string like \"text\") to the tenant") == true)
        #expect(c.tenant == nil)
    }

    @Test func requiredFieldSetByADerivedTier() {
        let c = compile(Self.tiers + "\ntier named extends big { name = \"from tier\" }\ntenant t extends named {}")
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c["name"] == .string("from tier"))
    }

    @Test func optionalFieldsUnsetAreOmittedAndSetOnesAppear() {
        let unset = compile(Self.tiers + "\ntenant t extends big { name = \"T\" }")
        #expect(unset.diagnostics.isEmpty, "\(summary(unset.diagnostics))")
        #expect(unset["contact"] == nil)
        #expect(unset["nickname"] == nil)
        #expect(unset["note"] == .string("none"))
        #expect(keys(unset) == ["limits", "entitlements", "name", "note"])
        let set = compile(Self.tiers + "\ntenant t extends big { name = \"T\"\n contact = \"ops@example.com\"\n nickname = \"tt\" }")
        #expect(set.diagnostics.isEmpty, "\(summary(set.diagnostics))")
        #expect(set["contact"] == .string("ops@example.com"))
        #expect(keys(set) == ["limits", "entitlements", "name", "contact", "note", "nickname"])
    }

    @Test func readingAnUnsetOptionalField() {
        let c = compile("tier base { nick: string?\n greeting = \"hi ${nick}\" }\ntenant t extends base {}")
        let d = c.result?.diagnostics.first { $0.code.id == "E0304" }
        #expect(d?.message == "`nick` is optional and has no value here")
    }

    @Test func tierSelfCheckSkipsRulesReadingUnsetRequiredFields() {
        let c = compile("""
        tier base {
          name: string
          seats: int
          label = "${name}!"
          check len(name) > 0 else "name is empty"
          check seats <= 10 else "${seats} seats for ${name}"
          warn label != "x!" else "odd label"
        }
        tier derived extends base { seats = 5 }
        tenant good extends derived { name = "ok" }
        tenant bad extends derived { name = "" }
        """)
        #expect(c.tierDiagnostics.isEmpty, "\(summary(c.tierDiagnostics))")
        #expect(c.result("good")?.diagnostics.isEmpty == true)
        #expect(c["good", "label"] == .string("ok!"))
        #expect(c.result("bad")?.diagnostics.map(\.code.id) == ["E0310"])
        #expect(c.result("bad")?.diagnostics.first?.message == "name is empty")
    }
}
