import Testing
import TenantDiagnostics
import TenantModel
@testable import TenantSemantics

@Suite("Rules")
struct RuleTests {
    static let tiers = """
    tier base {
      locked limits { cpu = 1cores }
      db { cpu = 0.5cores  enabled = true }
      check db.cpu <= limits.cpu
        else "db needs ${db.cpu}; tier ${tenant.tier} allows ${limits.cpu}"
    }
    tier standard extends base {
      limits { cpu = 2cores }
    }
    tier premium extends standard {
      limits.cpu = 8cores
    }
    """

    @Test func failedCheckReportsMessageValuesAndLocations() {
        let c = compile(files: [("tiers/t.tenant", Self.tiers), ("tenants/acme.tenant", """
        tenant acme extends standard {
          db.cpu = 4cores
        }
        """)])
        #expect(c.tierDiagnostics.isEmpty, "\(summary(c.tierDiagnostics))")
        let ds = c.result?.diagnostics ?? []
        #expect(ds.map(\.code.id) == ["E0310"])
        let d = ds.first
        #expect(d?.severity == .error)
        #expect(d?.message == "db needs 4cores; tier standard allows 2cores")
        // Power-assertion notes: the values compared.
        #expect(d?.notes.contains("db.cpu = 4cores") == true, "\(d?.notes ?? [])")
        #expect(d?.notes.contains("limits.cpu = 2cores") == true, "\(d?.notes ?? [])")
        // The primary span is the tenant's own line.
        #expect(c.source(d?.span) == "4cores")
        #expect(c.location(d?.span) == "tenants/acme.tenant:2")
        #expect(d?.label == "`db.cpu` set here")
        // The tier line that set the limit, and the rule.
        let limit = d?.related.first { $0.message == "limit of tier `standard`" }
        #expect(c.source(limit?.span) == "2cores")
        #expect(c.location(limit?.span) == "tiers/t.tenant:8")
        let rule = d?.related.first { $0.message == "rule defined in tier `base`" }
        #expect(c.location(rule?.span) == "tiers/t.tenant:4")
        // Which tier would allow it.
        #expect(d?.help.contains("raise the tenant to `premium` (limits.cpu = 8cores), or lower the value") == true, "\(d?.help ?? [])")
        #expect(c.tenant == nil)
    }

    @Test func tierSelfCheckPointsAtTheTiersOwnValue() {
        let c = compile(Self.tiers + """

        tier skinny extends base { db.cpu = 1.5cores }
        """)
        // The tier's own defaults break its rule: reported at the tier, by the self-check.
        let self_ = c.tierDiagnostics.filter { $0.code.id == "E0310" }
        #expect(self_.count == 1, "\(summary(c.tierDiagnostics))")
        #expect(self_.first?.message == "db needs 1.5cores; tier skinny allows 1core")
        #expect(c.source(self_.first?.span) == "1.5cores")
        #expect(self_.first?.notes.contains("tier `skinny` checked on its own (as if a tenant set nothing), in environment `production`") == true,
                "\(self_.first?.notes ?? [])")
    }

    @Test func failureCausedByTheTierOnly() {
        let c = compile("""
        tier base {
          locked limits { cpu = 1cores }
          db.cpu = 0.5cores
          check db.cpu <= limits.cpu else "over"
        }
        tier shrunk extends base { limits.cpu = 0.25cores }
        tenant t extends shrunk { extra: int = 1 }
        """)
        let d = c.result?.diagnostics.first
        #expect(d?.code.id == "E0310")
        // Nothing the tenant set explains it: the primary span is the tenant header.
        #expect(c.source(d?.span) == "tenant t extends shrunk")
        #expect(d?.label == "tenant `t` breaks this rule")
        #expect(d?.related.contains { $0.message == "limit of tier `shrunk`" } == true)
    }

    /// The tier computes the value the rule reads from one the tenant sets: the failure is the
    /// tenant's line, read through the tier's formula, not the tenant's header.
    @Test func failureDecidedByATenantValueThroughAFormulaIsAtTheTenantsLine() {
        let c = compile(files: [("tiers/t.tenant", """
        tier base {
          locked limits { cpu = 1cores }
          db {
            share: percent(0%..100%) = 50%
            cpu = limits.cpu * db.share
          }
          check db.cpu <= limits.cpu * 60% else "db needs ${db.cpu}"
        }
        """), ("tenants/acme.tenant", """
        tenant acme extends base {
          db.share = 80%
        }
        """)])
        #expect(c.tierDiagnostics.isEmpty, "\(summary(c.tierDiagnostics))")
        let d = c.first("E0310")
        #expect(d?.message == "db needs 0.8cores")
        #expect(c.source(d?.span) == "80%")
        #expect(c.location(d?.span) == "tenants/acme.tenant:2")
        #expect(d?.label == "`db.share` set here (read through `db.cpu`)")
        // The rule is the secondary label.
        let rule = d?.related.first { $0.message == "rule defined in tier `base`" }
        #expect(c.location(rule?.span) == "tiers/t.tenant:7")
        #expect(d?.related.contains { $0.message.contains("set by") } == false, "\(d?.related.map(\.message) ?? [])")
    }

    /// An overlay that scales the tenant's own value: still the tenant's line.
    @Test func failureDecidedByAScaledTenantValueIsAtTheTenantsLine() {
        let c = compile(files: [("tiers/t.tenant", """
        tier base {
          tenant_info.environment: "development" | "production" = "production"
          locked limits { cpu = 1cores }
          db.resources.cpu = 0.5cores
          check db.resources.cpu <= limits.cpu else "db needs ${db.resources.cpu}"
          env development { scale db.* by 50% }
        }
        """), ("tenants/acme.tenant", """
        tenant acme extends base {
          db.resources.cpu = 4cores
        }
        """)], env: "development")
        let d = c.first("E0310")
        #expect(d?.message == "db needs 2cores")
        #expect(c.source(d?.span) == "4cores")
        #expect(d?.label == "`db.resources.cpu` set here (scaled by `env development` of tier `base`)")
        #expect(d?.notes.contains("tenant `acme` in environment `development`") == true)
    }

    @Test func warnIsAWarningAndTheTenantStillBuilds() {
        let c = compile("""
        tier base {
          buffers = 256MiB
          memory = 512MiB
          warn buffers <= memory * 40% else "buffers (${buffers}) above 40% of memory (${memory})"
        }
        tenant t extends base { buffers = 300MiB }
        """)
        let d = c.result?.diagnostics.first
        #expect(d?.code.id == "W0311")
        #expect(d?.severity == .warning)
        #expect(d?.message == "buffers (300MiB) above 40% of memory (512MiB)")
        #expect(d?.notes.contains("memory * 40% = 214748365B") == true, "\(d?.notes ?? [])")
        #expect(c.tenant != nil)
        #expect(c["buffers"] == size(300 * MiB))
    }

    @Test func defaultMessageIsTheCondition() {
        let c = compile("tier base { n = 1\n check n > 5 }\ntenant t extends base {}")
        #expect(c.result?.diagnostics.first?.message == "rule failed: n > 5")
    }

    @Test func nonBoolCondition() {
        let c = compile("tier base { n = 1\n check n + 1 else \"x\" }\ntenant t extends base {}")
        let tierD = c.tierDiagnostics.first { $0.code.id == "E0312" }
        #expect(tierD?.message == "a rule's condition must be a bool, found int 2")
        #expect(c.source(tierD?.span) == "n + 1")
        #expect(c.result?.diagnostics.first?.code.id == "E0312")
        #expect(c.tenant == nil)
    }

    @Test func tierSelfCheckReportsBrokenDefaultsInEveryEnvironment() {
        let c = compile("""
        tier base {
          tenant_info.environment: "development" | "production" = "production"
          limits.cpu = 1cores
          db.cpu = 2cores
          check db.cpu <= limits.cpu else "db needs ${db.cpu}"
        }
        """)
        let ds = c.tierDiagnostics.filter { $0.code.id == "E0310" }
        #expect(ds.count == 1, "\(summary(c.tierDiagnostics))")
        #expect(ds.first?.message == "db needs 2cores")
        #expect(ds.first?.notes.contains("tier `base` checked on its own (as if a tenant set nothing), in environments `development`, `production`") == true,
                "\(ds.first?.notes ?? [])")
    }

    @Test func tierSelfCheckInOneEnvironmentOnly() {
        let c = compile("""
        tier base {
          tenant_info.environment: "development" | "production" = "production"
          limits.cpu = 1cores
          db.cpu = 1cores
          env development { db.cpu = 3cores }
          check db.cpu <= limits.cpu else "db needs ${db.cpu}"
        }
        """)
        let ds = c.tierDiagnostics.filter { $0.code.id == "E0310" }
        #expect(ds.count == 1)
        #expect(ds.first?.message == "db needs 3cores")
        #expect(ds.first?.notes.contains("tier `base` checked on its own (as if a tenant set nothing), in environment `development`") == true)
    }

    @Test func derivedTierBreakingAnInheritedRule() {
        let c = compile("""
        tier base {
          locked limits { cpu = 1cores }
          db.cpu = 0.5cores
          check db.cpu <= limits.cpu else "over"
        }
        tier bad extends base { db.cpu = 4cores }
        """)
        let ds = c.tierDiagnostics.filter { $0.code.id == "E0310" }
        #expect(ds.count == 1, "\(summary(c.tierDiagnostics))")
        #expect(c.source(ds.first?.span) == "4cores")
        #expect(ds.first?.notes.contains { $0.contains("tier `bad` checked on its own") } == true)
    }

    @Test func rulesInTenantsAndEnvironmentNotes() {
        let c = compile("""
        tier base {
          tenant_info.environment: "development" | "production" = "production"
          n = 1
        }
        tenant t extends base { check n > 1 else "tenant rule" }
        """, env: "development")
        let d = c.result?.diagnostics.first
        #expect(d?.message == "tenant rule")
        #expect(d?.notes.contains("tenant `t` in environment `development`") == true)
    }

    @Test func messageErrorsFallBackToTheCondition() {
        let c = compile("tier base { n = 1\n check n > 5 else \"${n / 0}\" }\ntenant t extends base {}")
        let d = c.result?.diagnostics.first { $0.code.id == "E0310" }
        #expect(d?.message == "rule failed: n > 5", "\(summary(c.diagnostics))")
    }


    @Test func tierSelfCheckReportsWarningsToo() {
        let c = compile("tier base { a = 2\n warn a < 1 else \"a is ${a}\" }")
        let d = c.tierDiagnostics.first
        #expect(d?.code.id == "W0311")
        #expect(d?.severity == .warning)
        #expect(d?.message == "a is 2")
        #expect(d?.notes.contains { $0.hasPrefix("tier `base` checked on its own") } == true)
        #expect(c.tierSet.layout(named: "base")?.hasErrors == false)
    }
}
