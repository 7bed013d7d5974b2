import Foundation
import TenantBackends
@testable import TenantCompiler
import Testing

/// A build killed at any moment leaves every artifact in its old or its new complete state.
/// The build runs in a child process that dies (`_exit`, as if killed) in the middle of writing
/// an artifact, or in the middle of the commit; the parent then inspects the output directory.
@Suite struct InterruptedBuildTests {
    /// The scratch project of one interruption case; the child finds it from its parent's pid.
    static func projectPath(_ name: String, pid: Int32) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tenantc-interrupt-\(pid)-\(name)").path
    }

    /// Runs a build of alpha and beta in the project (used by the child processes).
    static func buildInChild(_ name: String) {
        let root = projectPath(name, pid: getppid())
        _ = Compiler.run(CompileRequest(inputs: [SourceInput(path: "tenants/alpha.tenant"), SourceInput(path: "tenants/beta.tenant")],
                                        jobs: 1, emit: EmitPlan(backends: [YAMLBackend(), JSONBackend()], output: .directory("out")),
                                        workingDirectory: root))
    }

    /// Sets up the project with old artifacts, changes the tenants, and returns the old and new
    /// bytes of every artifact.
    static func prepare(_ name: String) throws -> (root: String, old: [String: Data], new: [String: Data]) {
        let root = projectPath(name, pid: getpid())
        try? FileManager.default.removeItem(atPath: root)
        try FileManager.default.createDirectory(atPath: root + "/tenants", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: repoRoot + "/tiers", toPath: root + "/tiers")
        func write(_ tier: String) throws {
            for id in ["alpha", "beta"] {
                try "tenant \(id) extends \(tier) {\n  tenant_info.tenant_name = \"\(id)\"\n}\n"
                    .write(toFile: root + "/tenants/\(id).tenant", atomically: true, encoding: .utf8)
            }
        }
        func build(into dir: String) throws -> [String: Data] {
            let outcome = Compiler.run(CompileRequest(inputs: [SourceInput(path: "tenants/alpha.tenant"), SourceInput(path: "tenants/beta.tenant")],
                                                      emit: EmitPlan(backends: [YAMLBackend(), JSONBackend()], output: .directory(dir)),
                                                      workingDirectory: root))
            #expect(outcome.exitCode == 0)
            var files: [String: Data] = [:]
            for f in try FileManager.default.contentsOfDirectory(atPath: root + "/" + dir) where !f.hasPrefix(".") {
                files[f] = try Data(contentsOf: URL(fileURLWithPath: root + "/" + dir + "/" + f))
            }
            return files
        }
        try write("free")
        let old = try build(into: "out")
        try write("premium")
        let new = try build(into: "expected")
        #expect(old.count == 4 && new.count == 4 && old != new)
        return (root, old, new)
    }

    /// Every artifact is exactly its old or its new bytes; then a normal build completes the job
    /// and clears the dead build's temporary files.
    static func verify(_ p: (root: String, old: [String: Data], new: [String: Data]), expectSomeNew: Bool) throws {
        var sawNew = false
        for (name, oldBytes) in p.old {
            let now = try Data(contentsOf: URL(fileURLWithPath: p.root + "/out/" + name))
            #expect(now == oldBytes || now == p.new[name], "\(name) is neither its old nor its new content")
            if now == p.new[name] { sawNew = true }
        }
        #expect(sawNew == expectSomeNew)
        let outcome = Compiler.run(CompileRequest(inputs: [SourceInput(path: "tenants/alpha.tenant"), SourceInput(path: "tenants/beta.tenant")],
                                                  emit: EmitPlan(backends: [YAMLBackend(), JSONBackend()], output: .directory("out")),
                                                  workingDirectory: p.root))
        #expect(outcome.exitCode == 0)
        for (name, newBytes) in p.new {
            #expect(try Data(contentsOf: URL(fileURLWithPath: p.root + "/out/" + name)) == newBytes)
        }
        // Hidden: the manifest of the artifacts, and no temporary file (the manifest's included).
        let hidden = try FileManager.default.contentsOfDirectory(atPath: p.root + "/out").filter { $0.hasPrefix(".") }
        #expect(hidden == [".tenantc-manifest"], "temporary files left behind: \(hidden)")
        try FileManager.default.removeItem(atPath: p.root)
    }

    @Test func killedWhileWritingAnArtifact() async throws {
        let p = try Self.prepare("midwrite")
        await #expect(processExitsWith: .exitCode(137)) {
            ArtifactWriter.interruption = .midWrite(artifact: "beta.json")
            InterruptedBuildTests.buildInChild("midwrite")
        }
        // The build died before its commit: every artifact is still the old one.
        try Self.verify(p, expectSomeNew: false)
    }

    /// A fresh output directory is built aside and renamed at the end: a killed build leaves no
    /// output directory at all, and the next build removes what the dead one left.
    @Test func killedWhileBuildingAFreshOutputDirectory() async throws {
        let p = try Self.prepare("fresh")
        try FileManager.default.removeItem(atPath: p.root + "/out")
        await #expect(processExitsWith: .exitCode(137)) {
            ArtifactWriter.interruption = .midWrite(artifact: "beta.json")
            InterruptedBuildTests.buildInChild("fresh")
        }
        #expect(!FileManager.default.fileExists(atPath: p.root + "/out"))
        let leftBehind = try FileManager.default.contentsOfDirectory(atPath: p.root).filter { $0 == ".out.tenantc-new" }
        #expect(leftBehind.count == 1)
        let outcome = Compiler.run(CompileRequest(inputs: [SourceInput(path: "tenants/alpha.tenant"), SourceInput(path: "tenants/beta.tenant")],
                                                  emit: EmitPlan(backends: [YAMLBackend(), JSONBackend()], output: .directory("out")),
                                                  workingDirectory: p.root))
        #expect(outcome.exitCode == 0)
        #expect(outcome.written == 4)
        for (name, newBytes) in p.new {
            #expect(try Data(contentsOf: URL(fileURLWithPath: p.root + "/out/" + name)) == newBytes)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: p.root).filter { $0.hasPrefix(".out.tenantc-") }.isEmpty)
        try FileManager.default.removeItem(atPath: p.root)
    }

    @Test func killedDuringTheCommit() async throws {
        let p = try Self.prepare("midcommit")
        await #expect(processExitsWith: .exitCode(137)) {
            ArtifactWriter.interruption = .afterRenames(2)
            InterruptedBuildTests.buildInChild("midcommit")
        }
        // Two renames happened: those artifacts are new, the others old — none is partial.
        try Self.verify(p, expectSomeNew: true)
    }
}
