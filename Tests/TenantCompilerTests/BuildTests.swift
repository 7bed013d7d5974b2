import Foundation
import TenantBackends
import TenantCompiler
import TenantDiagnostics
import TenantTestSupport
import Testing

/// A scratch project: a copy of the shipped tiers and some tenants.
struct Project {
    let root: URL

    init(tenants: [String: String]) throws {
        root = try temporaryDirectory()
        try FileManager.default.copyItem(atPath: repoRoot + "/tiers", toPath: root.appendingPathComponent("tiers").path)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("tenants"), withIntermediateDirectories: true)
        for (id, body) in tenants { try write(id, body) }
    }

    func write(_ id: String, _ body: String) throws {
        try body.write(to: root.appendingPathComponent("tenants/\(id).tenant"), atomically: true, encoding: .utf8)
    }

    func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    func build(_ ids: [String], environments: [String] = [], backends: [any Backend] = [YAMLBackend()], output: OutputTarget = .directory("out"),
               keepGoing: Bool = false, jobs: Int = 2) -> CompileOutcome {
        Compiler.run(CompileRequest(inputs: ids.map { SourceInput(path: "tenants/\($0).tenant") }, environments: environments, jobs: jobs,
                                    emit: EmitPlan(backends: backends, output: output, keepGoing: keepGoing), workingDirectory: root.path))
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

func goodTenant(_ id: String, tier: String = "standard") -> String {
    "tenant \(id) extends \(tier) {\n  tenant_info.tenant_name = \"\(id)\"\n}\n"
}

func badTenant(_ id: String) -> String {
    "tenant \(id) extends standard {\n  tenant_info.tenant_name = \"\(id)\"\n  limits.cpu = 64cores\n}\n"
}

@Suite struct BuildTests {
    @Test func nothingIsWrittenWhenAnyTenantFails() throws {
        let p = try Project(tenants: ["good_one": goodTenant("good_one"), "bad_one": badTenant("bad_one")])
        defer { p.remove() }
        let outcome = p.build(["good_one", "bad_one"])
        #expect(outcome.exitCode == 1)
        #expect(outcome.written == 0)
        #expect(!FileManager.default.fileExists(atPath: p.path("out/good_one.yaml")))
        #expect((try? FileManager.default.contentsOfDirectory(atPath: p.path("out")))?.isEmpty ?? true)
    }

    @Test func keepGoingWritesTheTenantsThatCompiled() throws {
        let p = try Project(tenants: ["good_one": goodTenant("good_one"), "bad_one": badTenant("bad_one")])
        defer { p.remove() }
        let outcome = p.build(["good_one", "bad_one"], keepGoing: true)
        #expect(outcome.exitCode == 1)
        #expect(outcome.written == 1)
        #expect(FileManager.default.fileExists(atPath: p.path("out/good_one.yaml")))
        #expect(!FileManager.default.fileExists(atPath: p.path("out/bad_one.yaml")))
    }

    @Test func unchangedArtifactsAreNotRewritten() throws {
        let p = try Project(tenants: ["alpha": goodTenant("alpha"), "beta": goodTenant("beta")])
        defer { p.remove() }
        #expect(p.build(["alpha", "beta"]).written == 2)
        let before = try FileManager.default.attributesOfItem(atPath: p.path("out/alpha.yaml"))
        let betaBefore = try Data(contentsOf: URL(fileURLWithPath: p.path("out/beta.yaml")))
        try p.write("beta", goodTenant("beta", tier: "premium"))
        let second = p.build(["alpha", "beta"])
        #expect(second.written == 1)
        #expect(second.unchanged == 1)
        let after = try FileManager.default.attributesOfItem(atPath: p.path("out/alpha.yaml"))
        #expect(before[.systemFileNumber] as? Int == after[.systemFileNumber] as? Int, "alpha.yaml was replaced")
        #expect(before[.modificationDate] as? Date == after[.modificationDate] as? Date)
        #expect(try Data(contentsOf: URL(fileURLWithPath: p.path("out/beta.yaml"))) != betaBefore)
    }

    @Test func severalEnvironmentsGetOneDirectoryEach() throws {
        let p = try Project(tenants: ["alpha": goodTenant("alpha")])
        defer { p.remove() }
        let outcome = p.build(["alpha"], environments: ["development", "staging", "production"], backends: [YAMLBackend(), JSONBackend()])
        #expect(outcome.exitCode == 0)
        for env in ["development", "staging", "production"] {
            let json = try parseJSON(Array(try Data(contentsOf: URL(fileURLWithPath: p.path("out/\(env)/alpha.json")))))
            guard case .map(let m) = json, case .map(let info)? = m["tenant_info"] else {
                Issue.record("unexpected shape")
                continue
            }
            #expect(info["environment"] == .string(env))
            #expect(FileManager.default.fileExists(atPath: p.path("out/\(env)/alpha.yaml")))
        }
    }

    @Test func aSymlinkAtAnArtifactPathIsReplacedNotFollowed() throws {
        let p = try Project(tenants: ["alpha": goodTenant("alpha")])
        defer { p.remove() }
        try FileManager.default.createDirectory(atPath: p.path("out"), withIntermediateDirectories: true)
        try "precious\n".write(toFile: p.path("precious.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: p.path("out/alpha.yaml"), withDestinationPath: p.path("precious.txt"))
        #expect(p.build(["alpha"]).exitCode == 0)
        #expect(try String(contentsOfFile: p.path("precious.txt"), encoding: .utf8) == "precious\n")
        let type = try FileManager.default.attributesOfItem(atPath: p.path("out/alpha.yaml"))[.type] as? FileAttributeType
        #expect(type == .typeRegular)
    }

    @Test func standardOutputStreams() throws {
        let p = try Project(tenants: ["alpha": goodTenant("alpha"), "beta": goodTenant("beta", tier: "free")])
        defer { p.remove() }
        let yaml = p.build(["beta", "alpha"], output: .standardOutput)
        #expect(yaml.exitCode == 0)
        let docs = try readYAMLDocuments(yaml.standardOutput)
        #expect(docs.count == 2)
        let json = p.build(["alpha", "beta"], backends: [JSONBackend()], output: .standardOutput)
        let lines = String(decoding: json.standardOutput, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines { _ = try parseJSON(Array(line.utf8)) }
        #expect(!FileManager.default.fileExists(atPath: p.path("out")))
    }

    @Test func sortKeysOrdersEveryRecordAlphabetically() throws {
        let p = try Project(tenants: ["alpha": goodTenant("alpha")])
        defer { p.remove() }
        let declared = Compiler.run(CompileRequest(inputs: [SourceInput(path: "tenants/alpha.tenant")],
                                                   emit: EmitPlan(backends: [YAMLBackend()], output: .standardOutput), workingDirectory: p.root.path))
        let sorted = Compiler.run(CompileRequest(inputs: [SourceInput(path: "tenants/alpha.tenant")],
                                                 emit: EmitPlan(backends: [YAMLBackend()], output: .standardOutput, sortKeys: true),
                                                 workingDirectory: p.root.path))
        let d = try #require(try readYAMLDocuments(declared.standardOutput).first)
        let s = try #require(try readYAMLDocuments(sorted.standardOutput).first)
        #expect(orderedKeys(d).first == "tenant_info")
        #expect(orderedKeys(s) == orderedKeys(d).sorted())
        #expect(resolve(s, .core12) == resolve(d, .core12))
    }

    @Test func anUnwritableOutputIsAnIOErrorWithNoPartialFiles() throws {
        let p = try Project(tenants: ["alpha": goodTenant("alpha"), "beta": goodTenant("beta")])
        defer { p.remove() }
        try "not a directory\n".write(toFile: p.path("blocker"), atomically: true, encoding: .utf8)
        let outcome = p.build(["alpha", "beta"], output: .directory("blocker/out"))
        #expect(outcome.exitCode == 2)
        #expect(outcome.diagnostics.contains { $0.code == .unwritableOutput })
        #expect(try String(contentsOfFile: p.path("blocker"), encoding: .utf8) == "not a directory\n")
    }

    @Test func anArtifactThatCannotBeCreatedNamesTheSystemsReason() throws {
        let p = try Project(tenants: ["alpha": goodTenant("alpha")])
        defer { p.remove() }
        // The output directory exists, so the artifact goes through a temporary file; one of
        // that name (this process's first) is already there, as a directory.
        let temp = p.path("out/.alpha.yaml.tenantc-\(getpid())-1")
        try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true)
        let outcome = p.build(["alpha"])
        #expect(outcome.exitCode == 2)
        let d = try #require(outcome.diagnostics.first { $0.code == .unwritableOutput })
        #expect(d.message.contains("out/alpha.yaml"))
        #expect(d.message.contains(String(cString: strerror(EEXIST))))
        #expect(!FileManager.default.fileExists(atPath: p.path("out/alpha.yaml")))
    }

    @Test func unknownEnvironmentIsAUsageError() throws {
        let p = try Project(tenants: ["alpha": goodTenant("alpha")])
        defer { p.remove() }
        let outcome = p.build(["alpha"], environments: ["prodution"])
        #expect(outcome.exitCode == 2)
        #expect(outcome.diagnostics.contains { $0.code == .unknownEnvironment && $0.message.contains("did you mean `production`?") })
        #expect(!FileManager.default.fileExists(atPath: p.path("out")))
    }

    /// `--env prod` is one error, with the environment it abbreviates; no tenant is checked
    /// against an environment that does not exist.
    @Test func anAbbreviatedEnvironmentIsOneErrorWithItsFullName() throws {
        let p = try Project(tenants: ["alpha": goodTenant("alpha")])
        defer { p.remove() }
        let outcome = p.build(["alpha"], environments: ["prod"])
        #expect(outcome.exitCode == 2)
        #expect(outcome.diagnostics.count == 1, "\(outcome.diagnostics.map(\.message))")
        #expect(outcome.diagnostics.first?.message.hasSuffix("(did you mean `production`?)") == true)
    }

    @Test func aDirectoryStandsForEveryTenantFileUnderIt() throws {
        let p = try Project(tenants: ["alpha": goodTenant("alpha"), "beta": goodTenant("beta")])
        defer { p.remove() }
        try FileManager.default.createDirectory(atPath: p.path("tenants/eu"), withIntermediateDirectories: true)
        try goodTenant("gamma").write(toFile: p.path("tenants/eu/gamma.tenant"), atomically: true, encoding: .utf8)
        try "not a tenant".write(toFile: p.path("tenants/notes.txt"), atomically: true, encoding: .utf8)
        let outcome = Compiler.run(CompileRequest(inputs: [SourceInput(path: "tenants")],
                                                  emit: EmitPlan(backends: [YAMLBackend()], output: .directory("out")), workingDirectory: p.root.path))
        #expect(outcome.exitCode == 0, "\(humanText(outcome))")
        #expect(outcome.tenants.map(\.id) == ["alpha", "beta", "gamma"])
        #expect(FileManager.default.fileExists(atPath: p.path("out/gamma.yaml")))
    }

    /// A link back up the tree would make the walk endless: directory links are not followed,
    /// file links are read like files.
    @Test func aDirectoryWalkDoesNotFollowDirectoryLinks() throws {
        let p = try Project(tenants: ["alpha": goodTenant("alpha")])
        defer { p.remove() }
        try FileManager.default.createDirectory(atPath: p.path("tenants/eu"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: p.path("tenants/eu/loop"), withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: p.path("tenants/eu/again"), withDestinationPath: p.path("tenants"))
        try goodTenant("beta").write(toFile: p.path("beta.source"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: p.path("tenants/eu/beta.tenant"), withDestinationPath: p.path("beta.source"))
        let outcome = Compiler.run(CompileRequest(inputs: [SourceInput(path: "tenants")], workingDirectory: p.root.path))
        #expect(outcome.exitCode == 0, "\(humanText(outcome))")
        #expect(outcome.tenants.map(\.id) == ["alpha", "beta"])
    }

    /// A name ending in `.tenant` is read as a file; a directory by that name is an I/O error.
    @Test func aDirectoryNamedLikeATenantFileIsUnreadable() throws {
        let p = try Project(tenants: ["alpha": goodTenant("alpha")])
        defer { p.remove() }
        try FileManager.default.createDirectory(atPath: p.path("tenants/odd.tenant"), withIntermediateDirectories: true)
        let outcome = Compiler.run(CompileRequest(inputs: [SourceInput(path: "tenants/alpha.tenant"), SourceInput(path: "tenants/odd.tenant")],
                                                  workingDirectory: p.root.path))
        #expect(outcome.exitCode == 2)
        #expect(outcome.diagnostics.contains { $0.message == "cannot read tenants/odd.tenant: is a directory" }, "\(humanText(outcome))")
    }

    @Test func duplicateTenantIdsAcrossFiles() throws {
        let p = try Project(tenants: ["alpha": goodTenant("alpha"), "alpha_copy": goodTenant("alpha")])
        defer { p.remove() }
        let outcome = p.build(["alpha", "alpha_copy"])
        #expect(outcome.exitCode == 1)
        #expect(outcome.diagnostics.contains { $0.code == .duplicateTenant })
    }

    @Test func missingInputIsAnIOError() throws {
        let p = try Project(tenants: [:])
        defer { p.remove() }
        let outcome = p.build(["nowhere"])
        #expect(outcome.exitCode == 2)
        #expect(outcome.diagnostics.first?.message.contains("cannot read tenants/nowhere.tenant") == true)
    }

    /// `check --stdin-filename tenants/alpha.tenant -`: the buffer stands for the file; tiers are
    /// found from its path and diagnostics name it.
    @Test func anUnsavedBufferIsCheckedAsItsFile() throws {
        let p = try Project(tenants: ["alpha": goodTenant("alpha")])
        defer { p.remove() }
        let buffer = "tenant alpha extends standard {\n  tenant_info.tenant_name = \"alpha\"\n  tenant_info.regoin = \"x\"\n}\n"
        let outcome = Compiler.run(CompileRequest(inputs: [SourceInput(path: "tenants/alpha.tenant", contents: Array(buffer.utf8))],
                                                  workingDirectory: p.root.path))
        #expect(outcome.exitCode == 1)
        let d = try #require(outcome.diagnostics.first)
        #expect(d.code == .unknownField)
        #expect(d.help.contains("did you mean `region`?"))
        #expect(outcome.sources.file(d.span!.file)?.path == "tenants/alpha.tenant")
    }
}

/// Output does not depend on the order of the inputs or the number of threads.
@Suite struct DeterminismTests {
    static func generatedTenants(_ n: Int) -> [(name: String, text: String)] {
        let tiers = ["free", "standard", "premium", "enterprise"]
        let regions = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1"]
        let envs = ["development", "staging", "production"]
        return (0..<n).map { i in
            let tier = tiers[i % 4]
            var body = "  tenant_info { tenant_name = \"Tenant \(i)\"  region = \"\(regions[i % 4])\"  environment = \"\(envs[i % 3])\" }\n"
            if i % 5 == 0 { body += "  security.network.allowed_ips = super + [\"203.0.113.\(i % 250)/32\"]\n" }
            if i % 7 == 0 { body += "  compliance.regulations = [\"GDPR\"]\n" }
            if i % 11 == 0, tier != "free" { body += "  backup.retention = \(30 + i % 60)d\n" }
            if i % 13 == 0 { body += "  tenant_info.contact_email = \"ops\(i)@example.com\"\n" }
            let id = String(format: "t%05d", i)
            return (id, "tenant \(id) extends \(tier) {\n\(body)}\n")
        }
    }

    @Test func shuffledInputsAndThreadCountsGiveIdenticalBytes() throws {
        let tenants = Self.generatedTenants(240)
        var shuffled = tenants
        var rng = SplitMix(seed: 42)
        shuffled.shuffle(using: &rng)
        for backend in [YAMLBackend() as any Backend, JSONBackend()] {
            let one = compileSources(tenants, jobs: 1, emit: EmitPlan(backends: [backend], output: .standardOutput))
            let many = compileSources(shuffled, jobs: 8, emit: EmitPlan(backends: [backend], output: .standardOutput))
            #expect(one.exitCode == 0, "\(humanText(one))")
            #expect(!one.standardOutput.isEmpty)
            #expect(one.standardOutput == many.standardOutput)
        }
    }

    @Test func diagnosticsAreSortedAndIdenticalAcrossRuns() throws {
        var tenants = Self.generatedTenants(40)
        tenants.append(("broken_a", "tenant broken_a extends standard {\n  tenant_info.tenant_name = \"a\"\n  limits.cpu = 9cores\n  databses.x = 1\n}\n"))
        tenants.append(("broken_b", "tenant broken_b extends free {\n  tenant_info.tenant_name = \"b\"\n  databases.clickhouse.enabled = true\n}\n"))
        var shuffled = tenants
        var rng = SplitMix(seed: 7)
        shuffled.shuffle(using: &rng)
        let one = compileSources(tenants, jobs: 1)
        let many = compileSources(shuffled, jobs: 8)
        #expect(one.counts.errors == 3)
        #expect(humanText(one) == humanText(many))
    }
}

