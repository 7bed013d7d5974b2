import Foundation
import TenantCompiler
import Testing

/// `tenantc check --fix` as users run it: the diagnostics' fix-its applied to the files, then
/// what remains reported as `check` reports it.
@Suite struct CheckFixTests {
    /// A misspelt field (did you mean `tenant_name`?) and YAML's `key: value`.
    static let acme = """
        tenant acme extends free {
          tenant_info {
            tenant_nme = "Acme"
            contact_email: "ops@acme.example"
          }
        }

        """

    static let acmeFixed = """
        tenant acme extends free {
          tenant_info {
            tenant_name = "Acme"
            contact_email = "ops@acme.example"
          }
        }

        """

    static let clean = """
        tenant clean extends free {
          tenant_info { tenant_name = "Clean"  contact_email = "ops@clean.example" }
        }

        """

    /// An error that offers no fix (a locked field set by a tenant).
    static let unfixable = """
        tenant locked_cpu extends free {
          tenant_info { tenant_name = "L"  contact_email = "ops@l.example" }
          limits.cpu = 64cores
        }

        """

    /// Two fixes of one line that overlap: `2 hours` → `2h` inside `…: 2 hours` → `… = 2 hours`.
    static let overlapping = """
        tenant spaced extends free {
          tenant_info { tenant_name = "S"  contact_email = "ops@s.example" }
          support.response_time: 2 hours
        }

        """

    /// A plaintext written for a secret with `:`, whose fix would rewrite the value, and a
    /// misspelt field whose fix does not touch it.
    static let secret = """
        tenant pw extends free {
          tenant_info { tenant_name = "P"  contact_email = "ops@p.example" }
          databases.postgresql {
            password: "hunter2"
          }
          support.respons_time = 2d
        }

        """

    /// A project: the shipped tiers and `files` (relative path → text).
    static func project(_ files: [String: String]) throws -> URL {
        let dir = try FormatCommandTests.scratch(files)
        try FileManager.default.copyItem(atPath: repoRoot + "/tiers", toPath: dir.appendingPathComponent("tiers").path)
        return dir
    }

    @Test func fixesADidYouMeanAndAColonThenChecksClean() throws {
        let dir = try Self.project(["tenants/acme.tenant": Self.acme])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(chmod(dir.appendingPathComponent("tenants/acme.tenant").path, 0o640) == 0)
        let before = try TenantcCLI.run(["check", "tenants/acme.tenant", "--color", "never"], in: dir)
        #expect(before.status == 1)
        let r = try TenantcCLI.run(["check", "--fix", "tenants/acme.tenant", "--color", "never"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr == "tenantc: fixed 2 problems in tenants/acme.tenant\n")
        #expect(r.stdout.isEmpty)
        #expect(try FormatCommandTests.text(dir, "tenants/acme.tenant") == Self.acmeFixed)
        #expect(try FormatCommandTests.status(dir, "tenants/acme.tenant").mode & 0o7777 == 0o640)
        let after = try TenantcCLI.run(["check", "tenants/acme.tenant"], in: dir)
        #expect(after.status == 0 && after.stderr.isEmpty, "\(after.stderr)")
    }

    @Test func aFileWithNothingToFixIsNotTouched() throws {
        let dir = try Self.project(["tenants/acme.tenant": Self.acme, "tenants/clean.tenant": Self.clean, "tenants/locked.tenant": Self.unfixable])
        defer { try? FileManager.default.removeItem(at: dir) }
        let untouched = ["tenants/clean.tenant", "tenants/locked.tenant"]
        let before = try untouched.map { try FormatCommandTests.status(dir, $0) }
        let r = try TenantcCLI.run(["check", "--fix", "tenants/", "--color", "never"], in: dir)
        // The locked field remains: an error, reported as `check` reports it.
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("tenantc: fixed 2 problems in tenants/acme.tenant\nerror[E0303]"), "\(r.stderr)")
        #expect(r.stderr.contains("error: 1 error emitted"))
        #expect(try FormatCommandTests.text(dir, "tenants/acme.tenant") == Self.acmeFixed)
        for (path, old) in zip(untouched, before) {
            let now = try FormatCommandTests.status(dir, path)
            #expect(now.inode == old.inode, "\(path)")
            #expect(now.mtime.tv_sec == old.mtime.tv_sec && now.mtime.tv_nsec == old.mtime.tv_nsec, "\(path)")
        }
        #expect(try FormatCommandTests.text(dir, "tenants/clean.tenant") == Self.clean)
        #expect(try FormatCommandTests.text(dir, "tenants/locked.tenant") == Self.unfixable)
    }

    @Test func overlappingFixesAreAppliedInTurn() throws {
        let dir = try Self.project(["tenants/spaced.tenant": Self.overlapping])
        defer { try? FileManager.default.removeItem(at: dir) }
        // One check: the later fix is taken, the one it overlaps is left out and counted.
        let request = CompileRequest(inputs: [SourceInput(path: "tenants/spaced.tenant")], jobs: 2, workingDirectory: dir.path)
        let round = FixApplication.round(Compiler.run(request), of: request)
        #expect(round.files.map(\.applied) == [1])
        #expect(round.files.first.map { String(decoding: $0.new, as: UTF8.self) }?.contains("support.response_time: 2h\n") == true)
        #expect(round.unapplied.map(\.path) == ["tenants/spaced.tenant"])
        #expect(round.unapplied.map(\.count) == [1])
        #expect(round.unapplied.map(\.reason) == [.overlapping])
        // The command goes on until no fix applies.
        let r = try TenantcCLI.run(["check", "--fix", "tenants/spaced.tenant", "--color", "never"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr == "tenantc: fixed 2 problems in tenants/spaced.tenant\n")
        let fixed = Self.overlapping.replacingOccurrences(of: "support.response_time: 2 hours", with: "support.response_time = 2h")
        #expect(try FormatCommandTests.text(dir, "tenants/spaced.tenant") == fixed)
    }

    /// A fix that brings back what it fixed must not loop: past the rounds, what still applies is named.
    @Test func theRoundsAreBounded() throws {
        let dir = try Self.project(["tenants/spaced.tenant": Self.overlapping])
        defer { try? FileManager.default.removeItem(at: dir) }
        let request = CompileRequest(inputs: [SourceInput(path: "tenants/spaced.tenant")], jobs: 2, workingDirectory: dir.path)
        let run = FixApplication.check(request, rounds: 1)
        #expect(run.fixed.map(\.path) == ["tenants/spaced.tenant"])
        #expect(run.fixed.map(\.count) == [1])
        #expect(run.unapplied.map(\.reason) == [.roundLimit])
        #expect(run.outcome.counts.errors == 1)
        #expect(try FormatCommandTests.text(dir, "tenants/spaced.tenant").contains("support.response_time: 2h\n"))
    }

    @Test func aFixTouchingASecretIsNotApplied() throws {
        let dir = try Self.project(["tenants/pw.tenant": Self.secret])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try TenantcCLI.run(["check", "--fix", "tenants/pw.tenant", "--color", "never"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("""
            tenantc: fixed 1 problem in tenants/pw.tenant
            tenantc: 1 fix in tenants/pw.tenant not applied: a fix never touches the value of a secret field

            """), "\(r.stderr)")
        #expect(!r.stderr.contains("hunter2"))
        #expect(try FormatCommandTests.text(dir, "tenants/pw.tenant") == Self.secret.replacingOccurrences(of: "respons_time", with: "response_time"))
    }

    @Test func standardInputIsRefused() throws {
        let dir = try Self.project(["tenants/acme.tenant": Self.acme])
        defer { try? FileManager.default.removeItem(at: dir) }
        let message = "--fix rewrites files: it cannot fix `-` (stdin); give the file itself"
        let alone = try TenantcCLI.run(["check", "--fix", "-"], stdin: Self.acme, in: dir)
        #expect(alone.status == 2)
        #expect(alone.stderr.contains(message), "\(alone.stderr)")
        let named = try TenantcCLI.run(["check", "--fix", "--stdin-filename", "tenants/acme.tenant", "-"], stdin: Self.acme, in: dir)
        #expect(named.status == 2)
        #expect(named.stderr.contains(message), "\(named.stderr)")
        // Past the files the argument parser sees (`FileArguments`), the command refuses it too.
        let many = (0..<80).map { "tenants/t\($0).tenant" }
        let crowded = try TenantcCLI.run(["check", "--fix"] + many + ["-"], stdin: Self.acme, in: dir)
        #expect(crowded.status == 2)
        #expect(crowded.stderr.contains(message), "\(crowded.stderr)")
        #expect(try FormatCommandTests.text(dir, "tenants/acme.tenant") == Self.acme)
    }

    @Test func aTierFileOfTheProjectIsFixed() throws {
        let dir = try Self.project(["tenants/clean.tenant": Self.clean, "tiers/custom.tenant": "tier custom extends premum {\n}\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try TenantcCLI.run(["check", "--fix", "tenants/clean.tenant", "--color", "never"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr == "tenantc: fixed 1 problem in tiers/custom.tenant\n")
        #expect(try FormatCommandTests.text(dir, "tiers/custom.tenant") == "tier custom extends premium {\n}\n")
    }

    /// A `tiers/` that is a link to a directory shared with other projects: its files are not
    /// the project's to rewrite.
    @Test func aFileOutsideTheInputsProjectsIsNotRewritten() throws {
        let root = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("shared"), withIntermediateDirectories: true)
        try fm.copyItem(atPath: repoRoot + "/tiers", toPath: root.appendingPathComponent("shared/tiers").path)
        let custom = "tier custom extends premum {\n}\n"
        try custom.write(to: root.appendingPathComponent("shared/tiers/custom.tenant"), atomically: false, encoding: .utf8)
        try fm.createDirectory(at: root.appendingPathComponent("project/tenants"), withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("project/tiers").path, withDestinationPath: "../shared/tiers")
        let project = root.appendingPathComponent("project")
        try Self.acme.write(to: project.appendingPathComponent("tenants/acme.tenant"), atomically: false, encoding: .utf8)
        let r = try TenantcCLI.run(["check", "--fix", "tenants/acme.tenant", "--color", "never"], in: project)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("""
            tenantc: fixed 2 problems in tenants/acme.tenant
            tenantc: 1 fix in tiers/custom.tenant not applied: only the inputs and the files of their projects are fixed
            error[E0203]: unknown tier `premum`
            """), "\(r.stderr)")
        #expect(try String(contentsOf: root.appendingPathComponent("shared/tiers/custom.tenant"), encoding: .utf8) == custom)
        #expect(try FormatCommandTests.text(project, "tenants/acme.tenant") == Self.acmeFixed)
    }

    @Test func jsonReportsWhatRemains() throws {
        let dir = try Self.project(["tenants/acme.tenant": Self.acme, "tenants/locked.tenant": Self.unfixable])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try TenantcCLI.run(["check", "--fix", "--format", "json", "tenants/acme.tenant", "tenants/locked.tenant"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr == "tenantc: fixed 2 problems in tenants/acme.tenant\n")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(document["error_count"] as? Int == 1)
        let diagnostics = try #require(document["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.map { $0["code"] as? String } == ["E0303"])
        #expect(try FormatCommandTests.text(dir, "tenants/acme.tenant") == Self.acmeFixed)
    }

    /// The fixes were made for the bytes the check read: a file saved meanwhile is left alone.
    @Test func aFileChangedSinceTheCheckIsNotWritten() throws {
        let dir = try Self.project(["tenants/acme.tenant": Self.acme])
        defer { try? FileManager.default.removeItem(at: dir) }
        let request = CompileRequest(inputs: [SourceInput(path: "tenants/acme.tenant")], jobs: 2, workingDirectory: dir.path)
        let round = FixApplication.round(Compiler.run(request), of: request)
        #expect(round.files.map(\.path) == ["tenants/acme.tenant"])
        let edited = Self.acme + "// saved meanwhile\n"
        try edited.write(to: dir.appendingPathComponent("tenants/acme.tenant"), atomically: false, encoding: .utf8)
        let failures = FixApplication.write(round)
        #expect(failures.map(\.path) == ["tenants/acme.tenant"])
        #expect(failures.map(\.reason) == ["changed since it was checked"])
        #expect(try FormatCommandTests.text(dir, "tenants/acme.tenant") == edited)
    }
}
