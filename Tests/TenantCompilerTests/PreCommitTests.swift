import Foundation
import TenantSecrets
import Testing

/// The pre-commit tool this test drives: `TENANTC_PRE_COMMIT` (which `.ci/run` sets to the
/// pre-commit it installs in `.build-venv/`), else `pre-commit` on `PATH`.
/// `TENANTC_REQUIRE_E2E=1` (set by `.ci/run`) makes the test required: without pre-commit it
/// fails instead of being skipped.
enum PreCommitTool {
    static let environment = ProcessInfo.processInfo.environment
    static let required = environment["TENANTC_REQUIRE_E2E"] == "1"
    static let executable: String? = {
        if let path = environment["TENANTC_PRE_COMMIT"], !path.isEmpty { return path }
        return executableOnPath("pre-commit")
    }()
    static let enabled = required || executable != nil
    static let howToGetIt = """
        needs the pre-commit tool: run .ci/run (it installs pre-commit in .build-venv/), \
        or `python3 -m venv .build-venv && .build-venv/bin/pip install pre-commit` and set \
        TENANTC_PRE_COMMIT=.build-venv/bin/pre-commit (an absolute path), or put pre-commit on PATH
        """
}

/// The hooks `.pre-commit-hooks.yaml` offers, driven by the real pre-commit tool and real
/// `git commit`s in a repository of its own, with this repository as the hook's `repo:` at
/// `rev:` its HEAD. pre-commit builds tenantc from that commit, not from the work tree: commit
/// before running this test. The build (release, a few minutes) is kept in
/// `.build-pre-commit/` at the package root, one per HEAD, and reused by later runs;
/// delete the folder to reclaim the space.
@Suite struct PreCommitTests {
    static let basicTier = """
        /// The root tier.
        tier basic {
          tenant_info {
            tenant_id = tenant.id
            tenant_name: string
          }
          locked limits {
            cpu = 2cores
          }
          resources.cpu = 1cores
          check resources.cpu <= limits.cpu
            else "the tenant needs ${resources.cpu}; tier ${tenant.tier} allows ${limits.cpu}"
        }

        """
    static let plusTier = """
        tier plus extends basic {
          limits.cpu = 4cores
        }

        """
    /// `plus` lowered to the limit of `basic`: `globex`, which needs 3 cores, no longer fits.
    static let loweredPlusTier = """
        tier plus extends basic {
          limits.cpu = 2cores
        }

        """
    static let acme = """
        tenant acme extends basic {
          tenant_info.tenant_name = "Acme"
        }

        """
    static let globex = """
        tenant globex extends plus {
          tenant_info.tenant_name = "Globex"
          resources.cpu = 3cores
        }

        """

    /// Variables that say how to reach a remote: pre-commit keeps the same ones for its clones,
    /// and the hook's build may need them to fetch tenantc's packages. Every other `GIT_`
    /// variable (a repository, an index, a configuration of the caller's) is dropped.
    static let keptGitVariables: Set<String> = [
        "GIT_EXEC_PATH", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_SSL_CAINFO", "GIT_SSL_NO_VERIFY",
        "GIT_HTTP_PROXY_AUTHMETHOD", "GIT_ALLOW_PROTOCOL", "GIT_ASKPASS",
    ]

    /// The environment of every git and pre-commit command: no global git configuration of the
    /// user's (a `core.hooksPath` or `commit.gpgsign` there would change what a commit does;
    /// the system's stays, as it may say how to reach the packages the hook's build resolves),
    /// a fixed identity, pre-commit's store in the package's `.build-pre-commit/`, and nothing
    /// that skips a hook (`SKIP`) or changes the key tenantc reads.
    static func environment(preCommitHome: String) -> [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { key, _ in
            (!key.hasPrefix("GIT_") || keptGitVariables.contains(key)) && !key.hasPrefix("PRE_COMMIT")
        }
        env.removeValue(forKey: "SKIP")
        env.removeValue(forKey: KeyFile.environmentVariable)
        env["GIT_CONFIG_GLOBAL"] = "/dev/null"
        env["GIT_AUTHOR_NAME"] = "tenantc tests"
        env["GIT_AUTHOR_EMAIL"] = "tests@tenantc.invalid"
        env["GIT_COMMITTER_NAME"] = "tenantc tests"
        env["GIT_COMMITTER_EMAIL"] = "tests@tenantc.invalid"
        env["PRE_COMMIT_HOME"] = preCommitHome
        env["PRE_COMMIT_COLOR"] = "never"
        return env
    }

    /// A YAML double-quoted scalar.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    @Test(.enabled(if: PreCommitTool.enabled, Comment(rawValue: PreCommitTool.howToGetIt)))
    func aCommitIsCheckedAgainstEveryTenantItAffects() async throws {
        let preCommit = try #require(PreCommitTool.executable, "TENANTC_REQUIRE_E2E=1, but \(PreCommitTool.howToGetIt)")
        try #require(FileManager.default.isExecutableFile(atPath: preCommit),
                     "pre-commit `\(preCommit)` is not an executable file; \(PreCommitTool.howToGetIt)")
        let git = try #require(executableOnPath("git"), "the test needs git on PATH")
        let env = Self.environment(preCommitHome: repoRoot + "/.build-pre-commit")

        let tenantcRepository = URL(fileURLWithPath: repoRoot)
        let head = try await runProgramOffThePool(git, ["rev-parse", "HEAD"], environment: env, in: tenantcRepository)
        try #require(head.status == 0, "the package root is a git checkout: \(head.output)")
        let rev = head.output.trimmingCharacters(in: .whitespacesAndNewlines)

        let project = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: project) }
        func write(_ text: String, _ path: String) throws {
            let url = project.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        func read(_ path: String) throws -> String {
            try String(contentsOf: project.appendingPathComponent(path), encoding: .utf8)
        }
        func run(_ arguments: [String]) async throws -> ProgramRun {
            try await runProgramOffThePool(git, arguments, environment: env, in: project)
        }
        /// A git command that must succeed; its output.
        @discardableResult
        func gitOK(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
            let r = try await run(arguments)
            try #require(r.status == 0, "git \(arguments.joined(separator: " ")): \(r.output)", sourceLocation: sourceLocation)
            return r.output
        }
        func commits() async throws -> Int {
            Int(try await gitOK(["rev-list", "--count", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        }
        func staged() async throws -> [String] {
            try await gitOK(["diff", "--cached", "--name-only"]).split(separator: "\n").map(String.init)
        }

        // The project: two tiers, two tenants, and the user's pre-commit configuration.
        try await gitOK(["-c", "init.defaultBranch=main", "init", "-q"])
        try write(Self.basicTier, "tiers/basic.tenant")
        try write(Self.plusTier, "tiers/plus.tenant")
        try write(Self.acme, "tenants/acme.tenant")
        try write(Self.globex, "tenants/globex.tenant")
        try write("""
            repos:
              - repo: \(Self.quoted(repoRoot))
                rev: \(rev)
                hooks:
                  - id: tenantc-check
                  - id: tenantc-fmt

            """, ".pre-commit-config.yaml")

        // Installs the git hook and builds tenantc from this repository (language: swift).
        let install = try await runProgramOffThePool(preCommit, ["install", "--install-hooks"], environment: env, in: project)
        try #require(install.status == 0, "pre-commit install --install-hooks: \(install.output)")

        // 1. The valid project is committed.
        try await gitOK(["add", "-A"])
        let initial = try await run(["commit", "-m", "The project"])
        #expect(initial.status == 0, "\(initial.output)")
        #expect(initial.output.contains("tenantc check") && initial.output.contains("Passed"), "\(initial.output)")
        #expect(initial.output.contains("tenantc fmt") && !initial.output.contains("Failed"), "\(initial.output)")
        #expect(try await commits() == 1)

        // 2. A broken tenant is blocked, with tenantc's error, and nothing is committed.
        try write(Self.acme.replacingOccurrences(of: "tenant_name =", with: "tenant_nmae ="), "tenants/acme.tenant")
        try await gitOK(["add", "tenants/acme.tenant"])
        let typo = try await run(["commit", "-m", "A typo"])
        #expect(typo.status != 0, "\(typo.output)")
        #expect(typo.output.contains("Failed") && typo.output.contains("- hook id: tenantc-check"), "\(typo.output)")
        #expect(typo.output.contains("error[E0301]: unknown field `tenant_nmae` in `tenant_info`"), "\(typo.output)")
        #expect(typo.output.contains("--> tenants/acme.tenant:2:15"), "\(typo.output)")
        #expect(try await commits() == 1)
        try await gitOK(["checkout", "HEAD", "--", "tenants/acme.tenant"])

        // 3. A tier edit that breaks a tenant the commit does not touch is blocked: only the
        // tier is staged, and the error is the untouched tenant's.
        try write(Self.loweredPlusTier, "tiers/plus.tenant")
        try await gitOK(["add", "tiers/plus.tenant"])
        #expect(try await staged() == ["tiers/plus.tenant"])
        let lowered = try await run(["commit", "-m", "Lower plus"])
        #expect(lowered.status != 0, "\(lowered.output)")
        #expect(lowered.output.contains("error[E0310]: the tenant needs 3cores; tier plus allows 2cores"), "\(lowered.output)")
        #expect(lowered.output.contains("--> tenants/globex.tenant:3:19"), "\(lowered.output)")
        #expect(try await commits() == 1)

        // 3b. What is checked is what would be committed: the same staged tier, with the work
        // tree's copy put back as it was (unstaged), is still blocked, and the work tree's copy
        // is left as it was.
        try write(Self.plusTier, "tiers/plus.tenant")
        let hidden = try await run(["commit", "-m", "Lower plus, the work tree says otherwise"])
        #expect(hidden.status != 0, "\(hidden.output)")
        #expect(hidden.output.contains("error[E0310]: the tenant needs 3cores; tier plus allows 2cores"), "\(hidden.output)")
        #expect(try await commits() == 1)
        #expect(try read("tiers/plus.tenant") == Self.plusTier)
        try await gitOK(["checkout", "HEAD", "--", "tiers/plus.tenant"])

        // 4. A commit that only deletes a tier (no file to pass to a hook) is checked too.
        try await gitOK(["rm", "-q", "tiers/plus.tenant"])
        let deleted = try await run(["commit", "-m", "Drop plus"])
        #expect(deleted.status != 0, "\(deleted.output)")
        #expect(deleted.output.contains("error[E0203]: unknown tier `plus`"), "\(deleted.output)")
        #expect(deleted.output.contains("--> tenants/globex.tenant:1:23"), "\(deleted.output)")
        #expect(try await commits() == 1)
        try await gitOK(["checkout", "HEAD", "--", "tiers/plus.tenant"])

        // 5. The fixed commit passes: the lowered tier with the tenant brought within it.
        try write(Self.loweredPlusTier, "tiers/plus.tenant")
        try write(Self.globex.replacingOccurrences(of: "resources.cpu = 3cores", with: "resources.cpu = 2cores"), "tenants/globex.tenant")
        try await gitOK(["add", "tiers/plus.tenant", "tenants/globex.tenant"])
        let fixed = try await run(["commit", "-m", "Lower plus; globex within it"])
        #expect(fixed.status == 0, "\(fixed.output)")
        #expect(fixed.output.contains("tenantc check") && fixed.output.contains("Passed"), "\(fixed.output)")
        #expect(try await commits() == 2)
        #expect(try await gitOK(["show", "HEAD:tiers/plus.tenant"]) == Self.loweredPlusTier)
        #expect(try await staged().isEmpty)

        // 6. A tenant that checks but is not in the canonical layout is refused by tenantc-fmt,
        // with the file and the diff; nothing is rewritten.
        let squeezed = "tenant acme extends basic { tenant_info.tenant_name = \"Acme Corp\" }\n"
        try write(squeezed, "tenants/acme.tenant")
        try await gitOK(["add", "tenants/acme.tenant"])
        let unformatted = try await run(["commit", "-m", "Rename acme"])
        #expect(unformatted.status != 0, "\(unformatted.output)")
        #expect(unformatted.output.contains("- hook id: tenantc-fmt"), "\(unformatted.output)")
        #expect(unformatted.output.contains("--- a/tenants/acme.tenant") && unformatted.output.contains("+++ b/tenants/acme.tenant"),
                "\(unformatted.output)")
        #expect(unformatted.output.contains("-" + squeezed) && unformatted.output.contains("+  tenant_info.tenant_name = \"Acme Corp\""),
                "\(unformatted.output)")
        #expect(!unformatted.output.contains("- hook id: tenantc-check"), "\(unformatted.output)")
        #expect(try await commits() == 2)
        #expect(try read("tenants/acme.tenant") == squeezed)

        // 7. Formatted with `tenantc fmt`, it is committed.
        let fmt = try await runProgramOffThePool(TenantcCLI.tenantc, ["fmt", "tenants/acme.tenant"], environment: env, in: project)
        #expect(fmt.status == 0, "\(fmt.output)")
        #expect(try read("tenants/acme.tenant") == "tenant acme extends basic {\n  tenant_info.tenant_name = \"Acme Corp\"\n}\n")
        try await gitOK(["add", "tenants/acme.tenant"])
        let formatted = try await run(["commit", "-m", "Rename acme, formatted"])
        #expect(formatted.status == 0, "\(formatted.output)")
        #expect(try await commits() == 3)
    }
}
