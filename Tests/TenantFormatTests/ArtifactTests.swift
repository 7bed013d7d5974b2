import Foundation
import TenantBackends
import TenantCompiler
import TenantDiagnostics
import Testing

/// docs/format.md, "Guarantees": formatting never changes what a tenant builds to. Every tenant
/// is built, in every environment, to YAML and JSON before and after its files are formatted,
/// and the bytes are compared.
@Suite struct ArtifactTests {
    static let environments = ["development", "staging", "production"]

    @Test func generatedTenantsBuildToTheSameBytesOnceFormatted() throws {
        let tenants = GeneratedTenants.make(1_000)
        let tiers = try Self.tierFiles("tiers")
        let before = try Self.build(tiers: tiers, tenants: tenants.map { ($0.name, Array($0.text.utf8)) })
        let after = try Self.build(tiers: tiers, tenants: try tenants.map { ($0.name, try Self.formattedOrFail(Array($0.text.utf8), $0.name)) })
        #expect(before.errors == 0)
        #expect(before.artifacts.count == 6)
        #expect(before.artifacts.allSatisfy { $0.count > 1_000_000 })
        #expect(before.artifacts == after.artifacts)
        #expect(tenants.filter { formatted(Array($0.text.utf8)) != Array($0.text.utf8) }.count > 900)
    }

    @Test(arguments: ["tiers", "bench/tiers"])
    func examplesBuildToTheSameBytesWithEveryFileFormatted(_ tiersDirectory: String) throws {
        let tiers = try Self.tierFiles(tiersDirectory)
        let examples = tiersDirectory == "tiers"
            ? try files(in: "examples", suffix: ".tenant").map { ($0, try read($0)) } + GeneratedTenants.make(100).map { ($0.name, Array($0.text.utf8)) }
            : Self.peerTenants(40)
        // The benchmark's tiers name their environments `dev`, `staging` and `prod`.
        let environments = tiersDirectory == "tiers" ? Self.environments : ["dev", "staging", "prod"]
        let before = try Self.build(tiers: tiers, tenants: examples, environments: environments)
        let after = try Self.build(tiers: try tiers.map { ($0.0, try Self.formattedOrFail($0.1, $0.0)) },
                                   tenants: try examples.map { ($0.0, try Self.formattedOrFail($0.1, $0.0)) }, environments: environments)
        // Some examples break rules in `development` on purpose, and the generated tenants are
        // written for the shipped tiers: what does not build must fail the same way.
        #expect(after.errors == before.errors)
        #expect(before.artifacts.allSatisfy { $0.count > 10_000 })
        #expect(before.artifacts == after.artifacts)
    }

    /// Tenants of bench/tiers, as the benchmark's generator writes them.
    static func peerTenants(_ count: Int) -> [(String, [UInt8])] {
        let tiers = ["free", "standard", "premium", "enterprise"]
        return (0..<count).map { i in
            let text = """
                tenant p\(i) extends \(tiers[i % 4]) {
                  tenant_info { name = "Peer \(i)"  region = "eu-west-1"  environment = "prod"  cost_center = "cc-\(i)" }
                  _slot = \(i % 60)
                }

                """
            return ("p\(i)", Array(text.utf8))
        }
    }

    static func formattedOrFail(_ bytes: [UInt8], _ name: String) throws -> [UInt8] {
        try #require(formatted(bytes, path: name), "\(name) does not format")
    }

    static func tierFiles(_ directory: String) throws -> [(String, [UInt8])] {
        try files(in: directory, suffix: ".tenant").map { (URL(fileURLWithPath: $0).lastPathComponent, try read($0)) }
    }

    /// YAML then JSON in each environment, every tenant on standard output; and the errors.
    static func build(tiers: [(String, [UInt8])], tenants: [(String, [UInt8])],
                      environments: [String] = environments) throws -> (artifacts: [[UInt8]], errors: Int) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tenantc-fmt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("tiers"), withIntermediateDirectories: true)
        for (name, bytes) in tiers { try Data(bytes).write(to: dir.appendingPathComponent("tiers/" + name)) }
        let inputs = tenants.map { SourceInput(path: "tenants/" + URL(fileURLWithPath: $0.0).lastPathComponent, contents: $0.1) }
        var artifacts: [[UInt8]] = []
        var errors = 0
        for environment in environments {
            for backend in [YAMLBackend() as any Backend, JSONBackend()] {
                let outcome = Compiler.run(CompileRequest(inputs: inputs, environments: [environment],
                                                          emit: EmitPlan(backends: [backend], output: .standardOutput, keepGoing: true),
                                                          workingDirectory: dir.path))
                errors += outcome.counts.errors
                artifacts.append(outcome.standardOutput)
            }
        }
        return (artifacts, errors)
    }
}
