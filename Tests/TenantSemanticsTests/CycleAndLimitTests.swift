import Testing
import TenantDiagnostics
import TenantModel
@testable import TenantSemantics

@Suite("Reference cycles and evaluation limits")
struct CycleAndLimitTests {
    @Test func referenceCycleListsTheCycle() {
        let c = compile("""
        tier base {
          a = b + 1
          b = c + 1
          c = a + 1
        }
        tenant t extends base {}
        """)
        let ds = c.result?.diagnostics.filter { $0.code.id == "E0401" } ?? []
        #expect(ds.count == 1, "\(summary(c.diagnostics))")
        let d = ds.first
        #expect(d?.message == "reference cycle: `a` → `b` → `c` → `a`")
        #expect(d?.label == "`a` reads `b`")
        #expect(d?.related.map(\.message) == ["`b` reads `c`", "`c` reads `a`"])
        #expect(c.source(d?.span) == "b + 1")
        #expect(d?.help.first == "break the cycle: one of these fields must not depend on the others")
        #expect(c.tenant == nil)
    }

    @Test func cycleAcrossTenantOverrides() {
        let c = compile("""
        tier base {
          x { cpu = 1cores }
          y { cpu = 1cores }
        }
        tenant loop extends base {
          x.cpu = y.cpu
          y.cpu = x.cpu
        }
        """)
        let d = c.first("E0401")
        #expect(d?.message == "reference cycle: `x.cpu` → `y.cpu` → `x.cpu`")
        #expect(c.tierDiagnostics.isEmpty)
    }

    @Test func selfReferenceSuggestsSuper() {
        let c = compile("""
        tier base { retention = 30d }
        tenant t extends base { retention = retention * 2 }
        """)
        let d = c.first("E0401")
        #expect(d?.message == "reference cycle: `retention` → `retention`")
        #expect(d?.help.first == "to build on the value of the layer below, write `super` instead of `retention`")
        // And `super` is the fix.
        let fixed = compile("tier base { retention = 30d }\ntenant t extends base { retention = super * 2 }")
        #expect(fixed["retention"] == duration(60 * 86_400_000))
    }

    @Test func cycleThroughARule() {
        let c = compile("""
        tier base {
          a = b
          b = a
          check a == 1 else "x"
        }
        tenant t extends base {}
        """)
        #expect(c.result?.diagnostics.filter { $0.code.id == "E0401" }.count == 1, "\(summary(c.diagnostics))")
    }

    @Test(.timeLimit(.minutes(1)))
    func selfDoublingInterpolationsStopAtTheStringLimit() {
        var lines = ["tier base {", "  a0 = \"x\" + tag"]
        for i in 1..<64 { lines.append("  a\(i) = \"${a\(i - 1)}${a\(i - 1)}\"") }
        lines.append("  tag = \"y\"")
        lines.append("}")
        lines.append("tenant t extends base {}")
        let c = compile(lines.joined(separator: "\n"))
        let d = c.result?.diagnostics.first { $0.code.id == "E0406" }
        #expect(d?.message == "string longer than 1048576 bytes", "\(summary(c.diagnostics))")
        // Reported once, at the first field over the limit; dependants stay quiet.
        #expect(c.result?.diagnostics.filter { $0.code.id == "E0406" }.count == 1)
        #expect(c.tenant == nil)
    }

    @Test(.timeLimit(.minutes(1)))
    func selfDoublingLists() {
        var lines = ["tier base {", "  l0 = [n]", "  n = 1"]
        for i in 1..<64 { lines.append("  l\(i) = l\(i - 1) + l\(i - 1)") }
        lines.append("}")
        lines.append("tenant t extends base {}")
        let c = compile(lines.joined(separator: "\n"))
        #expect(c.result?.diagnostics.contains { $0.code.id == "E0406" } == true, "\(summary(c.diagnostics))")
        #expect(c.tenant == nil)
    }

    @Test(.timeLimit(.minutes(1)))
    func longChainReadingThePreviousField() {
        var lines = ["tier base {", "  f0 = 1"]
        for i in 1..<2000 { lines.append("  f\(i) = f\(i - 1) + 1") }
        lines.append("}")
        lines.append("tenant t extends base {}")
        let c = compile(lines.joined(separator: "\n"))
        // Deep or not, the answer is exact or a diagnostic — never a crash.
        if c.diagnostics.isEmpty {
            #expect(c["f1999"] == .int(2000))
        } else {
            #expect(c.diagnostics.contains { $0.code.id == "E0406" }, "\(summary(c.diagnostics))")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func longChainReadingTheNextField() {
        // Evaluating `f0` first has to follow 2,000 references.
        var lines = ["tier base {"]
        for i in 0..<1999 { lines.append("  f\(i) = f\(i + 1) + 1") }
        lines.append("  f1999 = 0")
        lines.append("}")
        lines.append("tenant t extends base {}")
        let c = compile(lines.joined(separator: "\n"))
        let d = c.result?.diagnostics.first { $0.code.id == "E0406" }
        // The reference-depth limit, or the stack guard on a thread with a smaller stack: a diagnostic either way.
        #expect(d?.message.hasPrefix("references nest ") == true, "\(summary(c.diagnostics))")
        #expect(c.tenant == nil)
    }

    @Test(.timeLimit(.minutes(1)))
    func longChainOfTenantOverrides() {
        // The tier declares the fields as constants; the tenant turns them into a chain.
        var tier = ["tier base {"]
        var tenant = ["tenant t extends base {"]
        for i in 0..<2000 { tier.append("  f\(i) = 0") }
        for i in 0..<1999 { tenant.append("  f\(i) = f\(i + 1) + 1") }
        tier.append("}")
        tenant.append("}")
        let c = compile((tier + tenant).joined(separator: "\n"))
        #expect(c.tierDiagnostics.isEmpty)
        #expect(c.result?.diagnostics.contains { $0.code.id == "E0406" } == true, "\(summary(c.diagnostics))")
    }

    @Test(.timeLimit(.minutes(1)))
    func chainOfTwoHundredReferencesResolvesExactly() {
        var lines = ["tier base {"]
        for i in 0..<200 { lines.append("  f\(i) = f\(i + 1) + 1") }
        lines.append("  f200 = 0")
        lines.append("}")
        lines.append("tenant t extends base {}")
        let c = compile(lines.joined(separator: "\n"))
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c["f0"] == .int(200))
    }
}
