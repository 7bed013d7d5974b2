import Foundation
@testable import TenantCompiler
import TenantDiagnostics
import Testing

/// The project (docs/language.md, "Projects"): the directory that holds `tiers/`, and every
/// `.tenant` file under it. A check sees every tier the project declares, and checking a tier
/// checks the tenants it affects.
@Suite struct ProjectTests {
    /// A project with the shipped tiers, a custom deal tier declared in a tenant's file, a
    /// second tenant of that deal in a sibling file, and a free tenant.
    static func makeProject() throws -> URL {
        let dir = try temporaryDirectory()
        let fm = FileManager.default
        try fm.copyItem(atPath: repoRoot + "/tiers", toPath: dir.path + "/tiers")
        try fm.createDirectory(at: dir.appendingPathComponent("tenants"), withIntermediateDirectories: true)
        try write(dir, "tenants/acme.tenant", """
            tier acme_deal extends premium {
              limits.cpu = 12cores
            }
            tenant acme extends acme_deal {
              tenant_info { tenant_name = "Acme"  contact_email = "ops@acme.example" }
            }

            """)
        try write(dir, "tenants/acme_eu.tenant", """
            tenant acme_eu extends acme_deal {
              tenant_info {
                tenant_name = "Acme EU"
                contact_email = "ops@acme.example"
              }
            }

            """)
        try write(dir, "tenants/small.tenant", """
            tenant small extends free {
              tenant_info { tenant_name = "Small"  contact_email = "ops@small.example" }
            }

            """)
        return dir
    }

    static func write(_ dir: URL, _ path: String, _ text: String) throws {
        let url = dir.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// A rule in `premium` that `acme_eu` breaks (and `acme` does not).
    static let breakingPremium = "check tenant_info.tenant_name != \"Acme EU\" else \"Acme EU is not welcome\"\n"

    static func premiumBrokenFor(_ dir: URL) throws -> String {
        let text = try String(contentsOfFile: dir.path + "/tiers/premium.tenant", encoding: .utf8)
        let header = "tier premium extends standard {\n"
        #expect(text.contains(header))
        return text.replacingOccurrences(of: header, with: header + "  " + breakingPremium)
    }

    @Test func aTenantSeesATierDeclaredInASiblingTenantFile() throws {
        let dir = try Self.makeProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let onDisk = try TenantcCLI.run(["check", "tenants/acme_eu.tenant", "--color", "never"], in: dir)
        #expect(onDisk.status == 0, "\(onDisk.stderr)")
        #expect(!onDisk.stderr.contains("E0203"))
        let text = try String(contentsOfFile: dir.path + "/tenants/acme_eu.tenant", encoding: .utf8)
        let buffer = try TenantcCLI.run(["check", "--stdin-filename", "tenants/acme_eu.tenant", "-", "--color", "never"], stdin: text, in: dir)
        #expect(buffer.status == 0, "\(buffer.stderr)")
        // From another directory, with the project's tier directory named.
        let outside = try TenantcCLI.run(["check", dir.path + "/tenants/acme_eu.tenant", "--tiers", dir.path + "/tiers"], in: dir.deletingLastPathComponent())
        #expect(outside.status == 0, "\(outside.stderr)")
    }

    @Test func checkingATierFileChecksTheTenantsItAffects() throws {
        let dir = try Self.makeProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.premiumBrokenFor(dir).write(toFile: dir.path + "/tiers/premium.tenant", atomically: true, encoding: .utf8)
        let r = try TenantcCLI.run(["check", "tiers/premium.tenant", "--color", "never"], in: dir)
        #expect(r.status == 1)
        // At the tenant's own line, with the note that names the tier change.
        #expect(r.stderr.contains("--> tenants/acme_eu.tenant:3:"), "\(r.stderr)")
        #expect(r.stderr.contains("note: `acme_eu` is checked because its tier `acme_deal` extends tier `premium`, which tiers/premium.tenant being checked declares"),
                "\(r.stderr)")
        #expect(r.stderr.contains("1 error"), "\(r.stderr)")
        // A tier the change does not touch brings in nothing.
        let free = try TenantcCLI.run(["check", "tiers/free.tenant", "tiers/enterprise.tenant", "--color", "never"], in: dir)
        #expect(free.status == 1, "free is below premium: every tenant is checked")
        let enterprise = try TenantcCLI.run(["check", "tiers/enterprise.tenant", "--color", "never"], in: dir)
        #expect(enterprise.status == 0, "\(enterprise.stderr)")
        #expect(enterprise.stderr.isEmpty)
    }

    @Test func anUnsavedTierBufferIsCheckedAgainstTheTenants() throws {
        let dir = try Self.makeProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let edited = try Self.premiumBrokenFor(dir)
        let r = try TenantcCLI.run(["check", "--stdin-filename", "tiers/premium.tenant", "-", "--color", "never"], stdin: edited, in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("error[E0310]: Acme EU is not welcome"), "\(r.stderr)")
        #expect(r.stderr.contains("--> tenants/acme_eu.tenant:3:"), "\(r.stderr)")
        // The file on disk is unchanged: without the buffer, the project is clean.
        let saved = try TenantcCLI.run(["check", "tiers/premium.tenant"], in: dir)
        #expect(saved.status == 0, "\(saved.stderr)")
    }

    @Test func changingATierDeclaredInATenantFileChecksItsOtherTenants() throws {
        let dir = try Self.makeProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A rule added to the deal that `acme` keeps and `acme_eu` breaks.
        let text = try String(contentsOfFile: dir.path + "/tenants/acme.tenant", encoding: .utf8)
            .replacingOccurrences(of: "limits.cpu = 12cores", with: "check tenant_info.tenant_name != \"Acme EU\" else \"not on this deal\"")
        let r = try TenantcCLI.run(["check", "--stdin-filename", "tenants/acme.tenant", "-", "--color", "never"], stdin: text, in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("--> tenants/acme_eu.tenant:3:"), "\(r.stderr)")
        #expect(r.stderr.contains("`acme_eu` is checked because it extends tier `acme_deal`, which tenants/acme.tenant being checked declares"), "\(r.stderr)")
    }

    @Test func buildEmitsOnlyTheTenantsItIsGiven() throws {
        let dir = try Self.makeProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try TenantcCLI.run(["build", "tiers/premium.tenant", "tenants/acme_eu.tenant", "-o", "out"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let written = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/out").filter { !$0.hasPrefix(".") }
        #expect(written == ["acme_eu.yaml"])
    }

    /// The project's other files are read when an input needs a tier the tier directory does
    /// not declare (a broken tier declaration there then shows), not for a tenant of a shipped tier.
    @Test func theProjectIsReadWhenATierIsMissing() throws {
        let dir = try Self.makeProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.write(dir, "tenants/other_deal.tenant", "tier other_deal extends premium {\n  limits.cpu = \n}\n")
        let shipped = try TenantcCLI.run(["check", "tenants/small.tenant", "--color", "never"], in: dir)
        #expect(shipped.status == 0, "\(shipped.stderr)")
        #expect(shipped.stderr.isEmpty, "\(shipped.stderr)")
        let deal = try TenantcCLI.run(["check", "tenants/acme_eu.tenant", "--color", "never"], in: dir)
        #expect(deal.status == 1, "\(deal.stderr)")
        #expect(deal.stderr.contains("error[E0101]: expected a value after `limits.cpu =`\n  --> tenants/other_deal.tenant:3:1"), "\(deal.stderr)")
        #expect(!deal.stderr.contains("E0203"), "\(deal.stderr)")
    }

    @Test func hiddenDirectoriesAndNestedProjectsAreNotPartOfTheProject() throws {
        let dir = try Self.makeProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Both redeclare `acme_deal`: as part of the project, they would make it declared twice.
        let redeclared = "tier acme_deal extends free {}\ntenant other extends acme_deal { broken = 1 }\n"
        try Self.write(dir, ".backup/acme.tenant", redeclared)
        try Self.write(dir, "sandbox/tenants/acme.tenant", redeclared)
        try FileManager.default.copyItem(atPath: repoRoot + "/tiers", toPath: dir.path + "/sandbox/tiers")
        try Self.premiumBrokenFor(dir).write(toFile: dir.path + "/tiers/premium.tenant", atomically: true, encoding: .utf8)
        let r = try TenantcCLI.run(["check", "tiers/premium.tenant", "tenants/acme_eu.tenant", "--color", "never"], in: dir)
        #expect(!r.stderr.contains("declared twice") && !r.stderr.contains("broken"), "\(r.stderr)")
        #expect(r.stderr.contains("Acme EU is not welcome"), "\(r.stderr)")
    }
}

/// The quick test that spares most project files a lexer run.
@Suite struct TierWordTests {
    @Test(arguments: [
        ("tier deal extends premium {}", true), ("tenant a extends b {}\ntier x {}", true), ("x=1\ntier\tx {}", true),
        ("tenant a extends b { performance_tier.qos = 1 }", false), ("tiers = 1", false), ("tenant a extends b {}", false), ("tie", false),
    ])
    func theWordTierIsFoundAlone(_ text: String, _ found: Bool) {
        #expect(ProjectScan.mentionsTier(Array(text.utf8)) == found)
    }
}
