import Foundation
import TenantBackends
import TenantCompiler
import TenantModel
import TenantTestSupport
import Testing

/// `build --annotate` (docs/explain.md): each field of a YAML artifact names the line that set
/// it, and the document reads back as exactly the same data.
@Suite struct AnnotateTests {
    static func build(_ files: [String], env: String, backend: any Backend, annotate: Bool) -> CompileOutcome {
        var plan = EmitPlan(backends: [backend], output: .standardOutput, keepGoing: true)
        plan.annotate = annotate
        return Compiler.run(CompileRequest(inputs: files.map { SourceInput(path: $0) }, environments: [env], emit: plan, keepResolved: true,
                                           workingDirectory: repoRoot))
    }

    /// The fields of a config as the artifact has them: lists are one field each.
    static func leafCount(_ r: Record) -> Int {
        r.values.reduce(0) { n, v in if case .record(let inner) = v { n + leafCount(inner) } else { n + 1 } }
    }

    @Test(arguments: ["development", "staging", "production"])
    func everyExampleReadsBackTheSameWithAFieldPerComment(_ env: String) throws {
        let files = exampleFiles().map { "examples/" + $0 }
        let plain = Self.build(files, env: env, backend: YAMLBackend(), annotate: false)
        let annotated = Self.build(files, env: env, backend: YAMLBackend(), annotate: true)
        #expect(!plain.standardOutput.isEmpty)
        #expect(annotated.standardOutput != plain.standardOutput)
        let before = try readYAMLDocuments(plain.standardOutput).map { resolve($0, .core12) }
        let after = try readYAMLDocuments(annotated.standardOutput).map { resolve($0, .core12) }
        #expect(before.count == plain.tenants.filter { !$0.failed }.count)
        #expect(after == before)
        let text = String(decoding: annotated.standardOutput, as: UTF8.self)
        let comments = text.split(separator: "\n").filter { $0.contains("  # ") }.count
        let fields = plain.tenants.compactMap(\.resolved).reduce(0) { $0 + Self.leafCount($1.config) }
        #expect(fields > 500)
        #expect(comments == fields)
    }

    @Test func aCommentNamesTheLayerAndLine() throws {
        let annotated = Self.build(["examples/custom_tenant_001.tenant"], env: "staging", backend: YAMLBackend(), annotate: true)
        let text = String(decoding: annotated.standardOutput, as: UTF8.self)
        #expect(text.contains("  tenant_name: Custom Tenant  # examples/custom_tenant_001.tenant:3 (tenant)\n"))
        #expect(text.contains("    cpu: 2.24  # tiers/free.tenant:453 (scaled, env staging of tier free)\n"))
        #expect(text.contains("  cpu: 8  # tiers/premium.tenant:6 (tier premium)\n"))
        #expect(text.contains("      tenant_data: custom_tenant_001_data  # tiers/free.tenant:63 (formula, tier free)\n"))
        #expect(text.contains("  metrics:  # tiers/premium.tenant:"))
    }

    @Test func jsonIsTheSameWithOrWithoutTheFlag() throws {
        let files = exampleFiles().map { "examples/" + $0 }
        let plain = Self.build(files, env: "production", backend: JSONBackend(), annotate: false)
        let annotated = Self.build(files, env: "production", backend: JSONBackend(), annotate: true)
        #expect(!plain.standardOutput.isEmpty)
        #expect(annotated.standardOutput == plain.standardOutput)
    }

    @Test func theCommandLineWritesAnnotatedFiles() throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try TenantcCLI.run(["build", repoRoot + "/examples/startup_001.tenant", "-o", dir.path + "/out", "--annotate",
                                      "--emit", "yaml,json"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let yaml = try String(contentsOf: dir.appendingPathComponent("out/startup_001.yaml"), encoding: .utf8)
        let json = try String(contentsOf: dir.appendingPathComponent("out/startup_001.json"), encoding: .utf8)
        #expect(yaml.contains("  tenant_name: Startup Demo  # "))
        #expect(!json.contains("#"))
    }
}
