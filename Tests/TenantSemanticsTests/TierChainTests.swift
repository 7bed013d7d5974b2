import Testing
import TenantDiagnostics
import TenantModel
import TenantSyntax
@testable import TenantSemantics

@Suite("Tier chains")
struct TierChainTests {
    static let chain = """
    tier base {
      a = 1
      b { x = "bx"  y = 2 }
      c = true
    }
    tier mid extends base {
      b.y = 20
      b.z: int = 3
      d: string = "mid"
    }
    tier leaf extends mid {
      a = 100
      b { w: { k = 1 } }
    }
    tenant t1 extends leaf {
      b.v: string = "tenant"
      e: int = 5
      extra: { flag = true  n: int = 2 }
    }
    """

    @Test func fieldsFromTheRootAndOverridesFromDerivedTiers() {
        let c = compile(Self.chain)
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c["a"] == .int(100))
        #expect(c["b.x"] == .string("bx"))
        #expect(c["b.y"] == .int(20))
        #expect(c["b.z"] == .int(3))
        #expect(c["c"] == .bool(true))
        #expect(c["d"] == .string("mid"))
        #expect(c.tenant?.tier == "leaf")
        #expect(c.tenant?.id == "t1")
    }

    @Test func newFieldsInDerivedTiersAndTenants() {
        let c = compile(Self.chain)
        #expect(c["b.w.k"] == .int(1))
        #expect(c["b.v"] == .string("tenant"))
        #expect(c["e"] == .int(5))
        #expect(c["extra.flag"] == .bool(true))
        #expect(c["extra.n"] == .int(2))
    }

    @Test func outputOrderIsOrderOfFirstDeclaration() {
        let c = compile(Self.chain)
        #expect(keys(c) == ["a", "b", "c", "d", "e", "extra"])
        // `b.y` is overridden in `mid` but keeps its place; fields declared later come after their siblings.
        #expect(keys(c, "b") == ["x", "y", "z", "w", "v"])
        #expect(keys(c, "extra") == ["flag", "n"])
    }

    @Test func orderIsNeverAlphabetical() {
        let c = compile("""
        tier base {
          zeta = 1
          alpha = 2
          mid { z = 1  a = 2 }
        }
        tenant t extends base { mid.a = 3 }
        """)
        #expect(keys(c) == ["zeta", "alpha", "mid"])
        #expect(keys(c, "mid") == ["z", "a"])
    }

    @Test func declarationTwiceInRootTier() {
        let c = compile("""
        tier base {
          a = 1
          a = 2
        }
        """)
        let d = c.first("E0302")
        #expect(d?.message == "`a` is declared twice")
        #expect(d?.label == "declared again here")
        #expect(c.location(d?.span) == "test.tenant:3")
        #expect(d?.related.first?.message == "first declared here")
        #expect(c.location(d?.related.first?.span) == "test.tenant:2")
    }

    @Test func typedDeclarationOfAnInheritedField() {
        let c = compile("""
        tier base { a = 1 }
        tier mid extends base { a: int = 2 }
        tenant t extends base { a: string = "x" }
        """)
        let ds = c.all("E0302")
        #expect(ds.count == 2, "\(summary(c.diagnostics))")
        #expect(ds.allSatisfy { $0.message == "`a` is already declared" })
        #expect(ds.first?.help.first?.contains("already exists (from tier `base`)") == true)
        #expect(ds.first?.help.first?.contains("set it with `a = …`") == true)
        #expect(c.tenant == nil)
    }

    @Test func extendsUnknownTierSuggestsTheClosestName() {
        let c = compile("""
        tier standard { a = 1 }
        tier premium extends standrd { a = 2 }
        tenant t extends standrad {}
        """)
        let ds = c.all("E0203")
        #expect(ds.count == 2, "\(summary(c.diagnostics))")
        // The tier's problem is a tier diagnostic; the tenant's is the tenant's.
        let tierD = c.tierDiagnostics.first { $0.code.id == "E0203" }
        #expect(tierD?.message == "unknown tier `standrd`")
        #expect(tierD?.help.contains("did you mean `standard`?") == true)
        #expect(tierD?.fixes.first?.replacement == "standard")
        #expect(c.source(tierD?.fixes.first?.span) == "standrd")
        let tenantD = c.result?.diagnostics.first { $0.code.id == "E0203" }
        #expect(tenantD?.message == "unknown tier `standrad`")
        #expect(tenantD?.help.contains("did you mean `standard`?") == true)
        #expect(tenantD?.fixes.first?.replacement == "standard")
        #expect(c.source(tenantD?.span) == "standrad")
        #expect(c.tenant == nil)
    }

    @Test func extendsCycleListsTheCycle() {
        let c = compile("""
        tier a extends c { x = 1 }
        tier b extends a {}
        tier c extends b {}
        tenant t extends b {}
        """)
        let ds = c.all("E0204")
        #expect(ds.count == 1, "\(summary(c.diagnostics))")
        #expect(ds.first?.message == "cycle in `extends`: `a` extends `c` extends `b` extends `a`")
        #expect(ds.first?.related.count == 2)
        #expect(c.tenant == nil)
    }

    @Test func aLongCycleIsReportedOnceAsACycle() {
        // 5,000 tiers, each extending the next, the last the first: longer than any chain bound.
        var source = ""
        for i in 0..<5_000 { source += "tier t\(i) extends t\((i + 1) % 5_000) { }\n" }
        source += "tenant leaf extends t0 {}\n"
        let c = compile(source)
        #expect(c.tierDiagnostics.map(\.code.id) == ["E0204"], "\(summary(Array(c.diagnostics.prefix(3))))")
        let d = c.tierDiagnostics.first
        #expect(d?.message.hasPrefix("cycle in `extends`: `t0` extends `t1` extends") == true)
        #expect(d?.message.contains("(4985 more)") == true)
        #expect((d?.related.count ?? 0) <= 16)
        #expect(c.tenant == nil)
    }

    @Test func selfExtension() {
        let c = compile("tier a extends a { x = 1 }")
        #expect(c.first("E0204")?.message == "cycle in `extends`: `a` extends `a`")
    }

    @Test func duplicateTier() {
        let c = compile(files: [("one.tenant", "tier free { a = 1 }"), ("two.tenant", "tier free { a = 2 }")])
        let d = c.first("E0201")
        #expect(d?.message == "tier `free` is declared twice")
        #expect(c.location(d?.span) == "two.tenant:1")
        #expect(d?.related.first?.message == "first declared here")
        #expect(c.location(d?.related.first?.span) == "one.tenant:1")
    }

    @Test func tenantExtendingATenant() {
        // Driven as the brief describes: the tier set knows the tenant names.
        let c = compile("""
        tier free { tenant_name: string }
        tenant acme extends free { tenant_name = "Acme" }
        tenant acme_eu extends acme { tenant_name = "Acme EU" }
        """)
        let d = c.result("acme_eu")?.diagnostics.first
        #expect(d?.code.id == "E0205", "\(summary(c.diagnostics))")
        #expect(d?.message == "tenant `acme_eu` extends `acme`, which is a tenant")
        #expect(c.result("acme_eu")?.tenant == nil)
        #expect(c.result("acme")?.tenant != nil)
    }

    @Test func tenantExtendingATenantWithExplicitTenantNames() {
        let c = compile("""
        tier free { tenant_name: string }
        tenant acme extends free { tenant_name = "Acme" }
        """)
        var decl = c.declarations.first { $0.kind == .tenant }!
        decl.name = Name("acme_eu", decl.name.span)
        decl.parent = Name("acme", decl.parent!.span)
        let r = c.tierSet.resolve(decl)
        #expect(r.diagnostics.map(\.code.id) == ["E0205"])
        #expect(r.diagnostics.first?.message == "tenant `acme_eu` extends `acme`, which is a tenant")
    }

    @Test func tierExtendingATenant() {
        let c = compile("""
        tier free { a = 1 }
        tier custom extends acme {}
        tenant acme extends free {}
        """)
        let d = c.tierDiagnostics.first { $0.code.id == "E0205" }
        #expect(d?.message == "tier `custom` extends `acme`, which is a tenant")
    }

    @Test(arguments: ["Bad", "../x", "a b", String(repeating: "a", count: 64), "9lives", "", "acme-corp", "é"])
    func invalidTenantIDs(_ id: String) {
        let c = compile("""
        tier free { a = 1 }
        tenant placeholder extends free {}
        """)
        var decl = c.declarations.first { $0.kind == .tenant }!
        decl.name = Name(id, decl.name.span)
        let r = c.tierSet.resolve(decl)
        #expect(isValidTenantID(id) == false)
        let d = r.diagnostics.first { $0.code.id == "E0206" }
        #expect(d?.message == "tenant id `\(id)` is invalid")
        #expect(d?.fixes.count == 1)
        if let fix = d?.fixes.first?.replacement { #expect(isValidTenantID(fix), "fix `\(fix)` is itself invalid") }
        #expect(r.tenant == nil)
    }

    @Test func invalidTenantIDFromSource() {
        let c = compile("""
        tier free { a = 1 }
        tenant Bad extends free {}
        """)
        let d = c.first("E0206")
        #expect(d?.message == "tenant id `Bad` is invalid")
        #expect(d?.fixes.first?.replacement == "bad")
        #expect(c.source(d?.span) == "Bad")
        #expect(c.tenant == nil)
    }

    /// `tenant Wonka-Co extends …`: the id is reported whole, with the rule, and the body is
    /// checked as any tenant's.
    @Test func invalidTenantIDWrittenWithADashIsReportedWholeAndTheBodyChecked() {
        let c = compile("""
        tier free {
          name: string
          a = 1
        }
        tenant Wonka-Co extends free {
          name = "Wonka"
          b = 2
        }
        """)
        #expect(c.parseDiagnostics.isEmpty, "\(summary(c.parseDiagnostics))")
        let d = c.first("E0206")
        #expect(d?.message == "tenant id `Wonka-Co` is invalid")
        #expect(c.source(d?.span) == "Wonka-Co")
        #expect(d?.label == "ids are lower-case letters, digits and `_`, starting with a letter, at most 63 characters")
        #expect(d?.fixes.first?.replacement == "wonka_co")
        // The body: its unknown field is reported, its required field is set.
        #expect(c.first("E0301")?.message == "unknown field `b` in the config")
        #expect(c.all("E0304").isEmpty)
        #expect(c.errors.count == 2, "\(summary(c.diagnostics))")
        #expect(c.tenant == nil)
    }

    @Test(arguments: ["a", "acme_prod", "t1", "a" + String(repeating: "_", count: 62), "z" + String(repeating: "9", count: 62)])
    func validTenantIDs(_ id: String) {
        #expect(isValidTenantID(id))
        let c = compile("tier free { a = 1 }\ntenant \(id) extends free {}")
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c.tenant?.id == id)
    }

    @Test func severalRootTiers() {
        let c = compile("""
        tier saas { plan = "saas"  seats = 5 }
        tier onprem { plan = "onprem"  nodes = 3 }
        tier onprem_big extends onprem { nodes = 9 }
        tenant s extends saas {}
        tenant o extends onprem_big {}
        """)
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c.config("s")?.keys == ["plan", "seats"])
        #expect(c.config("o")?.keys == ["plan", "nodes"])
        #expect(c["o", "nodes"] == .int(9))
    }


    @Test func extendsChainTooDeep() {
        var lines = ["tier t0 { x = 0 }"]
        for i in 1...70 { lines.append("tier t\(i) extends t\(i - 1) { x = \(i) }") }
        lines.append("tenant leaf extends t70 {}")
        let c = compile(lines.joined(separator: "\n"))
        #expect(c.first("E0208")?.message.contains("is longer than 64 tiers") == true, "\(summary(c.diagnostics))")
        #expect(c.tenant == nil)
        // 64 tiers are fine.
        let ok = compile(Array(lines.prefix(64)).joined(separator: "\n") + "\ntenant leaf extends t63 {}")
        #expect(ok.diagnostics.isEmpty, "\(summary(ok.diagnostics))")
        #expect(ok["x"] == .int(63))
    }
}
