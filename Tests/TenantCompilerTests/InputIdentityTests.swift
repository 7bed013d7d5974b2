import Foundation
import TenantCompiler
import TenantDiagnostics
import Testing

/// One file reached by two paths is one input: a symbolic link is not a second declaration.
@Suite struct InputIdentityTests {
    /// A directory with the shipped tiers and one example tenant.
    static func project() throws -> URL {
        let root = try temporaryDirectory()
        try FileManager.default.copyItem(atPath: repoRoot + "/tiers", toPath: root.appendingPathComponent("tiers").path)
        try FileManager.default.copyItem(atPath: repoRoot + "/examples/custom_tenant_001.tenant",
                                         toPath: root.appendingPathComponent("custom_tenant_001.tenant").path)
        return root
    }

    static func check(_ paths: [String], in root: URL) -> CompileOutcome {
        Compiler.run(CompileRequest(inputs: paths.map { SourceInput(path: $0) }, workingDirectory: root.path))
    }

    @Test func aLinkToATierFilePassedWithItIsOneFile() throws {
        let root = try Self.project()
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("link-to-free.tenant").path,
                                                   withDestinationPath: "tiers/free.tenant")
        let outcome = Self.check(["tiers/free.tenant", "link-to-free.tenant", "custom_tenant_001.tenant"], in: root)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics.map(\.message))")
        #expect(outcome.exitCode == 0)
    }

    @Test func aLinkInsideTheTierDirectoryIsOneFile() throws {
        let root = try Self.project()
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("tiers/link.tenant").path,
                                                   withDestinationPath: "free.tenant")
        let outcome = Self.check(["custom_tenant_001.tenant"], in: root)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics.map(\.message))")
        #expect(outcome.exitCode == 0)
    }

    @Test func twoCopiesAreStillTwoFiles() throws {
        let root = try Self.project()
        try FileManager.default.copyItem(atPath: root.appendingPathComponent("tiers/free.tenant").path,
                                         toPath: root.appendingPathComponent("tiers/copy.tenant").path)
        let outcome = Self.check(["custom_tenant_001.tenant"], in: root)
        #expect(outcome.diagnostics.contains { $0.code == .duplicateTier })
    }
}
