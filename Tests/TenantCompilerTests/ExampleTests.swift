import Foundation
import TenantBackends
import TenantCompiler
import TenantDiagnostics
import TenantSecrets
import TenantTestSupport
import Testing

/// The shipped examples: they compile, and their YAML and JSON are the reviewed goldens.
@Suite struct ExampleTests {
    @Test func examplesExistAsTheSeedNamesThem() {
        #expect(exampleFiles() == [
            "corp_enterprise_001.tenant", "custom_tenant_001.tenant", "demo_free_001.tenant",
            "existing_tenant.tenant", "global_corp_001.tenant", "startup_001.tenant",
        ])
    }

    /// The shipped tiers, in a project of their own (no tenant to check with them).
    @Test func shippedTiersHaveNoDiagnostics() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(atPath: repoRoot + "/tiers", toPath: dir.path + "/tiers")
        let outcome = Compiler.run(CompileRequest(inputs: [SourceInput(path: "tiers")], workingDirectory: dir.path))
        #expect(outcome.diagnostics.isEmpty, "\(humanText(outcome))")
        #expect(outcome.exitCode == 0)
    }

    /// In this repository, the tiers' project holds the examples: checking the tiers checks
    /// every example of a shipped tier, and only the invalid ones have errors — each at its own line, with the
    /// note that says which tier brought it in.
    @Test func checkingTheShippedTiersChecksTheExamples() {
        let outcome = compile(["tiers/free.tenant", "tiers/standard.tenant", "tiers/premium.tenant", "tiers/enterprise.tenant"])
        let files = Set(outcome.diagnostics.compactMap { $0.span.flatMap { outcome.sources.file($0.file)?.path } })
        // All but the one whose tier does not exist: no shipped tier is in its chain.
        let affected = invalidExampleFiles().filter { $0 != "unknown_tier.tenant" }
        #expect(files == Set(affected.map { "examples/invalid/" + $0 }), "\(humanText(outcome))")
        let semantic = outcome.diagnostics.filter { $0.code != .syntax && $0.code != .unclosedDelimiter }
        #expect(!semantic.isEmpty && semantic.allSatisfy { $0.notes.contains { $0.contains("is checked because") } }, "\(humanText(outcome))")
        #expect(outcome.exitCode == 1)
    }

    /// The examples' secrets open with the demo key, and only plain artifacts show them.
    @Test func exampleSecretsOpenWithTheDemoKey() throws {
        let (key, _) = try KeyFile.read(repoRoot + "/examples/demo.key")
        var request = CompileRequest(inputs: exampleFiles().map { SourceInput(path: "examples/" + $0) },
                                     emit: EmitPlan(backends: [YAMLBackend()], output: .standardOutput, render: RenderOptions(sensitive: .plain)),
                                     workingDirectory: repoRoot)
        request.secretKey = key
        let plain = Compiler.run(request)
        #expect(plain.exitCode == 0, "\(humanText(plain))")
        let text = String(decoding: plain.standardOutput, as: UTF8.self)
        for value in ["demo-only-corp-postgres", "demo-only-corp-mongodb", "demo-only-global-postgres", "demo-only-global-partner-key"] {
            #expect(text.contains(value), "\(value)")
        }
        let redacted = compile(exampleFiles().map { "examples/" + $0 }, emit: EmitPlan(backends: [YAMLBackend()], output: .standardOutput))
        #expect(!String(decoding: redacted.standardOutput, as: UTF8.self).contains("demo-only"))
    }

    /// The README's commands on a fresh clone, where git gave the demo key mode 0644: not a
    /// warning, only the summary. The demo key declares itself public in its first line.
    @Test func theShippedExamplesBuildWithoutAWarningFromAFreshClone() throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(atPath: repoRoot + "/tiers", toPath: dir.appendingPathComponent("tiers").path)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("examples"), withIntermediateDirectories: true)
        for name in exampleFiles() + ["demo.key"] {
            try FileManager.default.copyItem(atPath: repoRoot + "/examples/" + name, toPath: dir.appendingPathComponent("examples/" + name).path)
        }
        let key = dir.appendingPathComponent("examples/demo.key").path
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key)
        #expect(try String(contentsOfFile: key, encoding: .utf8).hasPrefix(KeyFile.demoMarker))
        let files = exampleFiles().map { "examples/" + $0 }
        let redacted = try TenantcCLI.run(["build"] + files, in: dir)
        #expect(redacted.status == 0)
        #expect(redacted.stderr == "tenantc: 6 written, 0 unchanged in out/\n")
        let plain = try TenantcCLI.run(["build"] + files + ["--sensitive", "plain", "--key-file", "examples/demo.key", "-o", "out-plain"], in: dir)
        #expect(plain.status == 0)
        #expect(plain.stderr == "tenantc: 6 written, 0 unchanged in out-plain/\n")
        let check = try TenantcCLI.run(["check"] + files + ["--key-file", "examples/demo.key"], in: dir)
        #expect(check.status == 0 && check.stderr.isEmpty, "\(check.stderr)")
    }

    /// The fast paths a build takes, as the command line takes them (all), none of them (the
    /// clear path), and each one turned off alone.
    static let fastPathChoices: [FastPaths] = [
        .all, [], [.sharedRenderings, .walkedArtifacts], [.tierBaselines, .walkedArtifacts], [.tierBaselines, .sharedRenderings],
    ]

    /// A build as the command line runs it (nothing kept: the artifacts are walked when the fast
    /// path is on) gives the reviewed goldens, whichever fast paths it takes.
    @Test(arguments: exampleFiles(), fastPathChoices.indices)
    func exampleMatchesGoldens(_ file: String, fastPaths choice: Int) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var request = CompileRequest(inputs: [SourceInput(path: "examples/" + file)], jobs: 2,
                                     emit: EmitPlan(backends: [YAMLBackend(), JSONBackend()], output: .directory(dir.path)),
                                     workingDirectory: repoRoot)
        request.fastPaths = Self.fastPathChoices[choice]
        let outcome = Compiler.run(request)
        #expect(outcome.diagnostics.isEmpty, "\(humanText(outcome))")
        #expect(outcome.exitCode == 0)
        let id = String(file.dropLast(".tenant".count))
        let yaml = try String(contentsOf: dir.appendingPathComponent(id + ".yaml"), encoding: .utf8)
        let json = try String(contentsOf: dir.appendingPathComponent(id + ".json"), encoding: .utf8)
        try expectGolden(yaml, "Tests/TenantCompilerTests/Goldens/\(id).yaml")
        try expectGolden(json, "Tests/TenantCompilerTests/Goldens/\(id).json")
    }

    /// Every emitted YAML, read back with libyaml's parser under the YAML 1.2 core schema and
    /// under YAML 1.1's rules, holds exactly the JSON's data, keys in the same order.
    @Test(arguments: exampleFiles())
    func yamlReadsBackAsTheJSON(_ file: String) throws {
        let outcome = compile(["examples/" + file])
        let tenant = try #require(outcome.tenants.first?.resolved)
        var yaml: [UInt8] = []
        var json: [UInt8] = []
        try YAMLBackend().render(tenant, options: RenderOptions(), layout: .file, into: &yaml)
        try JSONBackend().render(tenant, options: RenderOptions(), layout: .file, into: &json)
        let doc = try #require(try readYAMLDocuments(yaml).first)
        let expected = try parseJSON(json)
        #expect(resolve(doc, .core12) == expected)
        #expect(resolve(doc, .yaml11) == expected)
        #expect(orderedKeys(doc) == tenant.config.keys)
    }

    @Test func environmentOverlaysAndUnitsInOneBuild() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let outcome = compile(["examples/existing_tenant.tenant"], environments: ["development", "production"],
                              emit: EmitPlan(backends: [JSONBackend()], output: .directory(dir.path), render: RenderOptions(units: .base)))
        #expect(outcome.exitCode == 0, "\(humanText(outcome))")
        let dev = try parseJSON(Array(try Data(contentsOf: dir.appendingPathComponent("development/existing_tenant.json"))))
        let prod = try parseJSON(Array(try Data(contentsOf: dir.appendingPathComponent("production/existing_tenant.json"))))
        guard case .map(let d) = dev, case .map(let p) = prod,
              case .map(let dDB)? = d["databases"], case .map(let pDB)? = p["databases"],
              case .map(let dPG)? = dDB["postgresql"], case .map(let pPG)? = pDB["postgresql"],
              case .map(let dRes)? = dPG["resources"], case .map(let pRes)? = pPG["resources"],
              case .map(let dSec)? = d["security"], case .map(let dSSL)? = dSec["ssl"]
        else {
            Issue.record("unexpected shape")
            return
        }
        // standard: 2cores * 40% = 0.8cores; development scales it by 50%.
        #expect(pRes["cpu"] == .float(0.8))
        #expect(dRes["cpu"] == .float(0.4))
        // --units base: sizes in bytes (8GiB * 50% = 4GiB, halved in development).
        #expect(pRes["memory"] == .int(4 << 30))
        #expect(dRes["memory"] == .int(2 << 30))
        #expect(dSSL["enabled"] == .bool(false))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("existing_tenant.json").path))
    }
}

/// `examples/invalid`: each file shows one kind of diagnostic; its human output is a golden.
@Suite struct InvalidExampleTests {
    @Test func thereAreAtLeastEightKinds() {
        let files = invalidExampleFiles()
        #expect(files.count >= 8)
        for kind in ["typo_field", "locked_limit", "cpu_over_limit", "wrong_type", "bad_enum", "missing_name", "reference_cycle", "syntax_error"] {
            #expect(files.contains(kind + ".tenant"), "missing examples/invalid/\(kind).tenant")
        }
    }

    @Test(arguments: invalidExampleFiles())
    func invalidExampleMatchesItsExpectedOutput(_ file: String) throws {
        let outcome = compile(["examples/invalid/" + file])
        #expect(outcome.exitCode == 1)
        #expect(outcome.counts.errors >= 1)
        let name = String(file.dropLast(".tenant".count))
        try expectGolden(humanText(outcome), "examples/invalid/\(name).expected")
    }
}
