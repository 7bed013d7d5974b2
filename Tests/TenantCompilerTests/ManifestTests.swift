import Foundation
import TenantBackends
@testable import TenantCompiler
import TenantDiagnostics
import Testing

/// `DIR/.tenantc-manifest`: the artifacts a build wrote. The artifacts of tenants that are no
/// longer among the inputs are reported, and `--prune` removes them — only files tenantc wrote
/// and that still hold what it wrote, and only when the build commits.
@Suite struct ManifestTests {
    static let ids = ["alpha", "beta", "gamma"]

    /// A project whose three tenants were built into `out/`; then `gamma.tenant` is deleted.
    static func builtThenGammaRemoved(environments: [String] = [], backends: [any Backend] = [YAMLBackend()]) throws -> Project {
        let p = try Project(tenants: Dictionary(uniqueKeysWithValues: ids.map { ($0, goodTenant($0)) }))
        let first = p.build(ids, environments: environments, backends: backends)
        try #require(first.exitCode == 0, "\(humanText(first))")
        try FileManager.default.removeItem(atPath: p.path("tenants/gamma.tenant"))
        return p
    }

    static func read(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    /// The manifest's lines after its header, as (path, tenant).
    static func listed(_ p: Project, _ dir: String = "out") throws -> [String] {
        let text = try String(contentsOfFile: p.path(dir + "/.tenantc-manifest"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
    }

    static func warnings(_ outcome: CompileOutcome, _ code: DiagnosticCode) -> [Diagnostic] {
        outcome.diagnostics.filter { $0.code == code }
    }

    // MARK: Reported

    @Test func aRemovedTenantsArtifactIsReportedAtEveryBuildAndKept() throws {
        let p = try Self.builtThenGammaRemoved()
        defer { p.remove() }
        #expect(try Self.listed(p) == ["alpha.yaml alpha", "beta.yaml beta", "gamma.yaml gamma"])
        for _ in 0..<2 {
            let outcome = p.build(["alpha", "beta"])
            #expect(outcome.exitCode == 0, "\(humanText(outcome))")
            #expect(outcome.unchanged == 2)
            #expect(outcome.removed.isEmpty)
            let w = try #require(Self.warnings(outcome, .staleArtifact).first)
            #expect(w.severity == .warning)
            #expect(w.message == "1 artifact in out/ belongs to a tenant that is not among the inputs")
            #expect(w.notes == ["out/gamma.yaml (tenant `gamma`)"])
            #expect(w.help.contains { $0.contains("--prune") })
            #expect(Self.exists(p.path("out/gamma.yaml")))
            // Still listed: the warning repeats until the user acts.
            #expect(try Self.listed(p) == ["alpha.yaml alpha", "beta.yaml beta", "gamma.yaml gamma"])
        }
    }

    @Test func pruneRemovesTheArtifactsOfRemovedTenants() throws {
        let p = try Self.builtThenGammaRemoved()
        defer { p.remove() }
        let outcome = p.build(["alpha", "beta"], prune: true)
        #expect(outcome.exitCode == 0, "\(humanText(outcome))")
        #expect(outcome.removed == ["out/gamma.yaml"])
        #expect(outcome.diagnostics.isEmpty, "\(humanText(outcome))")
        #expect(!Self.exists(p.path("out/gamma.yaml")))
        #expect(Self.exists(p.path("out/alpha.yaml")) && Self.exists(p.path("out/beta.yaml")))
        #expect(try Self.listed(p) == ["alpha.yaml alpha", "beta.yaml beta"])
        // Nothing is left to report.
        let again = p.build(["alpha", "beta"], prune: true)
        #expect(again.removed.isEmpty && again.diagnostics.isEmpty, "\(humanText(again))")
    }

    /// A file that disappeared is dropped from the manifest without a word.
    @Test func anArtifactThatVanishedIsDroppedSilently() throws {
        let p = try Self.builtThenGammaRemoved()
        defer { p.remove() }
        try FileManager.default.removeItem(atPath: p.path("out/gamma.yaml"))
        let outcome = p.build(["alpha", "beta"])
        #expect(outcome.exitCode == 0 && outcome.diagnostics.isEmpty, "\(humanText(outcome))")
        #expect(try Self.listed(p) == ["alpha.yaml alpha", "beta.yaml beta"])
    }

    // MARK: Never a file tenantc did not write

    /// Someone replaced the artifact since: the same name, the same size, other bytes. It is
    /// not removed, it is reported, and tenantc stops tracking it.
    @Test func aForeignFileOfTheSameNameSurvivesPrune() throws {
        let p = try Self.builtThenGammaRemoved()
        defer { p.remove() }
        var bytes = try Self.read(p.path("out/gamma.yaml"))
        bytes[bytes.count - 2] ^= 0x01  // same size: only the fingerprint tells
        try bytes.write(to: URL(fileURLWithPath: p.path("out/gamma.yaml")))
        let outcome = p.build(["alpha", "beta"], prune: true)
        #expect(outcome.exitCode == 0, "\(humanText(outcome))")
        #expect(outcome.removed.isEmpty)
        #expect(try Self.read(p.path("out/gamma.yaml")) == bytes)
        let w = try #require(Self.warnings(outcome, .changedArtifact).first, "\(humanText(outcome))")
        #expect(w.message.contains("not removed"))
        #expect(w.notes == ["out/gamma.yaml (tenant `gamma`): its bytes changed since tenantc wrote it"])
        #expect(Self.warnings(outcome, .staleArtifact).isEmpty)
        // No longer tenantc's: not listed, not reported again, still there.
        #expect(try Self.listed(p) == ["alpha.yaml alpha", "beta.yaml beta"])
        let again = p.build(["alpha", "beta"], prune: true)
        #expect(again.diagnostics.isEmpty && again.removed.isEmpty, "\(humanText(again))")
        #expect(try Self.read(p.path("out/gamma.yaml")) == bytes)
    }

    /// A symbolic link put at the artifact's name, to a file with the very bytes tenantc wrote:
    /// not followed, not removed.
    @Test func aLinkAtAStaleArtifactsNameIsNeitherFollowedNorRemoved() throws {
        let p = try Self.builtThenGammaRemoved()
        defer { p.remove() }
        let bytes = try Self.read(p.path("out/gamma.yaml"))
        try bytes.write(to: URL(fileURLWithPath: p.path("precious.yaml")))
        try FileManager.default.removeItem(atPath: p.path("out/gamma.yaml"))
        try FileManager.default.createSymbolicLink(atPath: p.path("out/gamma.yaml"), withDestinationPath: p.path("precious.yaml"))
        let outcome = p.build(["alpha", "beta"], prune: true)
        #expect(outcome.exitCode == 0 && outcome.removed.isEmpty, "\(humanText(outcome))")
        #expect(Self.warnings(outcome, .changedArtifact).first?.notes == ["out/gamma.yaml (tenant `gamma`): it is a symbolic link now"])
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: p.path("out/gamma.yaml")) == p.path("precious.yaml"))
        #expect(try Self.read(p.path("precious.yaml")) == bytes)
    }

    /// Files tenantc never wrote — one named like a tenant's artifact, notes, hidden files —
    /// are never touched, whatever `--prune` finds.
    @Test func aFileTenantcNeverWroteSurvives() throws {
        let p = try Self.builtThenGammaRemoved()
        defer { p.remove() }
        let strangers = ["out/delta.yaml", "out/notes.txt", "out/.keep", "out/gamma.json"]
        for f in strangers { try "the user's\n".write(toFile: p.path(f), atomically: true, encoding: .utf8) }
        let outcome = p.build(["alpha", "beta"], prune: true)
        #expect(outcome.exitCode == 0, "\(humanText(outcome))")
        #expect(outcome.removed == ["out/gamma.yaml"])
        for f in strangers { #expect(try String(contentsOfFile: p.path(f), encoding: .utf8) == "the user's\n", "\(f)") }
    }

    // MARK: All or nothing

    @Test func aFailedBuildWithPruneRemovesNothing() throws {
        let p = try Self.builtThenGammaRemoved()
        defer { p.remove() }
        let manifest = try Self.read(p.path("out/.tenantc-manifest"))
        let gamma = try Self.read(p.path("out/gamma.yaml"))
        try p.write("beta", badTenant("beta"))
        let outcome = p.build(["alpha", "beta"], prune: true)
        #expect(outcome.exitCode == 1)
        #expect(outcome.removed.isEmpty && outcome.written == 0)
        #expect(try Self.read(p.path("out/gamma.yaml")) == gamma)
        #expect(try Self.read(p.path("out/.tenantc-manifest")) == manifest)
    }

    /// With `--keep-going`, the tenants that compiled are written, and nothing is removed: a
    /// tenant in a file with errors may not be among the ids the inputs were read for.
    @Test func aBuildWithErrorsThatKeepsGoingPrunesNothing() throws {
        let p = try Self.builtThenGammaRemoved()
        defer { p.remove() }
        try p.write("beta", badTenant("beta"))
        let outcome = p.build(["alpha", "beta"], keepGoing: true, prune: true)
        #expect(outcome.exitCode == 1)
        #expect(outcome.removed.isEmpty)
        #expect(Self.exists(p.path("out/gamma.yaml")))
        let w = try #require(Self.warnings(outcome, .staleArtifact).first, "\(humanText(outcome))")
        #expect(w.notes == ["out/gamma.yaml (tenant `gamma`)", "--prune removed nothing: the build has errors"])
        // beta failed but is among the inputs: its old artifact is neither stale nor dropped.
        #expect(try Self.listed(p) == ["alpha.yaml alpha", "beta.yaml beta", "gamma.yaml gamma"])
    }

    /// A build that stages nothing (its only tenant fails, with `--keep-going`) still reads the
    /// manifest of the existing directory.
    @Test func aBuildWithoutArtifactsStillReports() throws {
        let p = try Self.builtThenGammaRemoved()
        defer { p.remove() }
        try p.write("beta", badTenant("beta"))
        let outcome = p.build(["beta"], keepGoing: true)
        #expect(outcome.exitCode == 1)
        let w = try #require(Self.warnings(outcome, .staleArtifact).first, "\(humanText(outcome))")
        #expect(w.notes == ["out/alpha.yaml (tenant `alpha`)", "out/gamma.yaml (tenant `gamma`)"])
    }

    // MARK: Layouts

    @Test func severalEnvironmentsArePrunedInTheirDirectories() throws {
        let envs = ["development", "staging"]
        let p = try Self.builtThenGammaRemoved(environments: envs, backends: [YAMLBackend(), JSONBackend()])
        defer { p.remove() }
        #expect(try Self.listed(p).count == 12)
        #expect(try Self.listed(p).first == "development/alpha.json alpha")
        let reported = p.build(["alpha", "beta"], environments: envs, backends: [YAMLBackend(), JSONBackend()])
        let w = try #require(Self.warnings(reported, .staleArtifact).first, "\(humanText(reported))")
        #expect(w.notes == ["out/development/gamma.json (tenant `gamma`)", "out/development/gamma.yaml (tenant `gamma`)",
                            "out/staging/gamma.json (tenant `gamma`)", "out/staging/gamma.yaml (tenant `gamma`)"])
        let pruned = p.build(["alpha", "beta"], environments: envs, backends: [YAMLBackend(), JSONBackend()], prune: true)
        #expect(pruned.exitCode == 0 && pruned.diagnostics.isEmpty, "\(humanText(pruned))")
        #expect(pruned.removed == ["out/development/gamma.json", "out/development/gamma.yaml", "out/staging/gamma.json", "out/staging/gamma.yaml"])
        for env in envs {
            #expect(!Self.exists(p.path("out/\(env)/gamma.yaml")) && Self.exists(p.path("out/\(env)/alpha.yaml")))
        }
    }

    /// An environment's directory replaced by a link to another directory holding the very
    /// bytes: tenantc follows no link below the output directory, so nothing there is removed.
    @Test func anEnvironmentDirectoryThatBecameALinkIsNotFollowed() throws {
        let envs = ["development", "staging"]
        let p = try Self.builtThenGammaRemoved(environments: envs)
        defer { p.remove() }
        try FileManager.default.moveItem(atPath: p.path("out/staging"), toPath: p.path("elsewhere"))
        try FileManager.default.createSymbolicLink(atPath: p.path("out/staging"), withDestinationPath: p.path("elsewhere"))
        let outcome = p.build(["alpha", "beta"], environments: ["development"], prune: true)
        #expect(outcome.exitCode == 0, "\(humanText(outcome))")
        #expect(outcome.removed == ["out/development/gamma.yaml"])
        #expect(Self.exists(p.path("elsewhere/gamma.yaml")))
        let w = try #require(Self.warnings(outcome, .changedArtifact).first, "\(humanText(outcome))")
        #expect(w.notes.first?.hasPrefix("out/staging/gamma.yaml (tenant `gamma`): its directory `staging` is a symbolic link now") == true)
    }

    /// Artifacts of tenants still among the inputs are not stale, even when this build does not
    /// write them (another backend, other environments): they stay listed, unreported.
    @Test func anotherLayoutIsNotARemoval() throws {
        let p = try Project(tenants: ["alpha": goodTenant("alpha")])
        defer { p.remove() }
        #expect(p.build(["alpha"], backends: [YAMLBackend(), JSONBackend()]).exitCode == 0)
        let yamlOnly = p.build(["alpha"], prune: true)
        #expect(yamlOnly.diagnostics.isEmpty && yamlOnly.removed.isEmpty, "\(humanText(yamlOnly))")
        #expect(Self.exists(p.path("out/alpha.json")))
        #expect(try Self.listed(p) == ["alpha.json alpha", "alpha.yaml alpha"])
    }

    @Test func standardOutputAndFailedBuildsWriteNoManifest() throws {
        let p = try Project(tenants: ["alpha": goodTenant("alpha"), "beta": badTenant("beta")])
        defer { p.remove() }
        #expect(p.build(["alpha"], output: .standardOutput).exitCode == 0)
        #expect(!Self.exists(p.path("out")))
        #expect(p.build(["alpha", "beta"]).exitCode == 1)
        #expect(!Self.exists(p.path("out/.tenantc-manifest")))
    }

    // MARK: A manifest that cannot be used

    /// Garbage, a line that points outside the output directory, a link: each is a warning,
    /// never a reason to remove a file, and the manifest is written anew.
    @Test(arguments: [
        "not a manifest\n",
        "# tenantc manifest 1: path, tenant, size in bytes, fingerprint of each artifact tenantc wrote here\n../precious.yaml precious 10 0123456789abcdef\n",
        "# tenantc manifest 1: path, tenant, size in bytes, fingerprint of each artifact tenantc wrote here\ngamma.yaml gamma 12",
        "# tenantc manifest 1: path, tenant, size in bytes, fingerprint of each artifact tenantc wrote here\na/b/gamma.yaml gamma 10 0123456789abcdef\n",
        "# tenantc manifest 1: path, tenant, size in bytes, fingerprint of each artifact tenantc wrote here\ngamma.yaml alpha 10 0123456789abcdef\n",
        "# tenantc manifest 1: path, tenant, size in bytes, fingerprint of each artifact tenantc wrote here\ngamma.yaml gamma 10 0123456789abcdef\ngamma.yaml gamma 10 0123456789abcdef\n",
        "LINK",
    ])
    func aCorruptManifestIsIgnoredNotBelieved(_ content: String) throws {
        let p = try Self.builtThenGammaRemoved()
        defer { p.remove() }
        try "precious\n".write(toFile: p.path("precious.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: p.path("out/.tenantc-manifest"))
        if content == "LINK" {
            try FileManager.default.createSymbolicLink(atPath: p.path("out/.tenantc-manifest"), withDestinationPath: p.path("precious.yaml"))
        } else {
            try content.write(toFile: p.path("out/.tenantc-manifest"), atomically: true, encoding: .utf8)
        }
        let outcome = p.build(["alpha", "beta"], prune: true)
        #expect(outcome.exitCode == 0, "\(humanText(outcome))")
        #expect(outcome.removed.isEmpty)
        #expect(Self.warnings(outcome, .unusableManifest).count == 1, "\(humanText(outcome))")
        #expect(Self.exists(p.path("out/gamma.yaml")))
        #expect(try String(contentsOfFile: p.path("precious.yaml"), encoding: .utf8) == "precious\n")
        // Replaced (a link too, never followed) by this build's.
        #expect(try Self.listed(p) == ["alpha.yaml alpha", "beta.yaml beta"])
    }

    // MARK: Format

    @Test func theManifestListsPathTenantSizeAndFingerprint() throws {
        let p = try Project(tenants: ["alpha": goodTenant("alpha"), "beta": goodTenant("beta")])
        defer { p.remove() }
        #expect(p.build(["beta", "alpha"], environments: ["staging", "production"]).exitCode == 0)
        let text = try String(contentsOfFile: p.path("out/.tenantc-manifest"), encoding: .utf8)
        var expected = "# tenantc manifest 1: path, tenant, size in bytes, fingerprint of each artifact tenantc wrote here\n"
        for path in ["production/alpha.yaml", "production/beta.yaml", "staging/alpha.yaml", "staging/beta.yaml"] {
            let bytes = try Self.read(p.path("out/" + path))
            let hash = Array(bytes).withUnsafeBytes { ArtifactFingerprint.of($0) }
            let tenant = path.split(separator: "/")[1].split(separator: ".")[0]
            expected += "\(path) \(tenant) \(bytes.count) \(String(format: "%016llx", hash))\n"
        }
        #expect(text == expected)
        // A rebuild that changes nothing does not rewrite it.
        let before = try FileManager.default.attributesOfItem(atPath: p.path("out/.tenantc-manifest"))
        #expect(p.build(["alpha", "beta"], environments: ["staging", "production"]).unchanged == 4)
        let after = try FileManager.default.attributesOfItem(atPath: p.path("out/.tenantc-manifest"))
        #expect(before[.systemFileNumber] as? Int == after[.systemFileNumber] as? Int)
    }

    /// The fingerprint is part of the manifest's format: the same bytes give the same value in
    /// every tenantc that writes format 1.
    @Test func theFingerprintIsStable() {
        func f(_ s: String) -> UInt64 { ArtifactFingerprint.of(Array(s.utf8)) }
        let vectors: [(String, UInt64)] = [
            ("", FingerprintVectors.empty),
            ("a", FingerprintVectors.a),
            ("tenant_info:\n  tenant_id: alpha\n", FingerprintVectors.short),
            (String(repeating: "0123456789abcdef", count: 5) + "x", FingerprintVectors.long),
            (String(repeating: "0123456789abcdef", count: 4), FingerprintVectors.oneBlock),
        ]
        for (input, value) in vectors { #expect(f(input) == value, "\(input.utf8.count) bytes: \(String(f(input), radix: 16))") }
        // Every byte counts, wherever it is, and so does the length.
        let base = Array(String(repeating: "k: v\n", count: 40).utf8)
        var seen: Set<UInt64> = [ArtifactFingerprint.of(base), ArtifactFingerprint.of(base + [0])]
        for i in base.indices {
            var b = base
            b[i] ^= 0x20
            seen.insert(ArtifactFingerprint.of(b))
        }
        #expect(seen.count == base.count + 2)
    }

    /// With plaintext secrets, the manifest is as private as the artifacts: a fingerprint of a
    /// plaintext artifact would let a reader test guesses of its secrets.
    @Test func thePrivateBuildsManifestIsPrivate() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out").path
        for existing in [false, true] {
            if existing { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) }
            let writer = ArtifactWriter(root: out, base: dir.path, fileMode: 0o600)
            try writer.stage("alpha.yaml", Array("password: hunter2\(existing)\n".utf8))
            _ = try writer.commit()
            #expect(try FileManager.default.attributesOfItem(atPath: out + "/.tenantc-manifest")[.posixPermissions] as? Int == 0o600)
            try FileManager.default.removeItem(atPath: out)
        }
    }

    // MARK: Command line

    @Test func theCommandLineWarnsPrunesAndSaysWhatItRemoved() throws {
        let p = try Project(tenants: Dictionary(uniqueKeysWithValues: Self.ids.map { ($0, goodTenant($0)) }))
        defer { p.remove() }
        try? FileManager.default.removeItem(at: try TenantcCLI.scratch())  // only its check that tenantc is built
        let first = try TenantcCLI.run(["build", "tenants", "--color", "never"], in: p.root)
        #expect(first.status == 0 && first.stderr == "tenantc: 3 written, 0 unchanged in out/\n", "\(first.stderr)")
        try FileManager.default.removeItem(atPath: p.path("tenants/gamma.tenant"))
        let warned = try TenantcCLI.run(["build", "tenants", "--color", "never"], in: p.root)
        #expect(warned.status == 0)
        #expect(warned.stderr == """
            warning[W0507]: 1 artifact in out/ belongs to a tenant that is not among the inputs
               |
               = note: out/gamma.yaml (tenant `gamma`)
               = help: if this tenant was removed, build with `--prune` to remove its artifact (only while it holds what tenantc wrote); \
            until then it is reported at every build

            warning: 1 warning emitted
            For more about W0507, run `tenantc explain-error W0507`.
            tenantc: 0 written, 2 unchanged in out/

            """, "\(warned.stderr)")
        let pruned = try TenantcCLI.run(["build", "tenants", "--prune", "--color", "never"], in: p.root)
        #expect(pruned.status == 0)
        #expect(pruned.stderr == "tenantc: removed out/gamma.yaml\ntenantc: 0 written, 2 unchanged, 1 removed in out/\n", "\(pruned.stderr)")
        let json = try TenantcCLI.run(["build", "tenants", "--prune", "-o", "-"], in: p.root)
        #expect(json.status == 2 && json.stderr.contains("--prune"), "\(json.stderr)")
    }
}

/// The fingerprints of `theFingerprintIsStable`, computed once by the format's first version.
enum FingerprintVectors {
    static let empty: UInt64 = 0xBD4B_360D_4597_6933
    static let a: UInt64 = 0xC2CE_81F9_F8B4_C382
    static let short: UInt64 = 0xBC6D_2FB3_7D7D_CAA9
    static let oneBlock: UInt64 = 0xD282_3705_7691_7962
    static let long: UInt64 = 0xC76E_10D4_B1C2_EDB6
}

extension Project {
    func build(_ ids: [String], environments: [String] = [], backends: [any Backend] = [YAMLBackend()], output: OutputTarget = .directory("out"),
               keepGoing: Bool = false, prune: Bool, jobs: Int = 2) -> CompileOutcome {
        var plan = EmitPlan(backends: backends, output: output, keepGoing: keepGoing)
        plan.prune = prune
        return Compiler.run(CompileRequest(inputs: ids.map { SourceInput(path: "tenants/\($0).tenant") }, environments: environments, jobs: jobs,
                                           emit: plan, workingDirectory: root.path))
    }
}
