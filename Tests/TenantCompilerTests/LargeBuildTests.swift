import Foundation
import Synchronization
@testable import TenantCompiler
import TenantBackends
import TenantTestSupport
import Testing

/// A build of a couple of thousand tenant files, the way CI runs it: a directory of inputs,
/// streamed through the outline, the compile workers and the writer. Whatever the number of
/// threads, and whether inputs are kept in memory between phases or read again, the artifacts
/// are the same bytes, and each says what its tenant set.
@Suite struct LargeBuildTests {
    static let count = 2_000

    /// An input not kept in memory is read again when its tenants are compiled: when that
    /// second read fails, the build is an I/O error that names the file (exit 2), writes
    /// nothing, and never loses the file's tenants silently.
    @Test func aSecondReadThatFailsIsAnIOError() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(atPath: root.path + "/tenants", withIntermediateDirectories: true)
        for t in DeterminismTests.generatedTenants(3) {
            try t.text.write(toFile: root.path + "/tenants/\(t.name).tenant", atomically: false, encoding: .utf8)
        }
        let victim = try #require(try FileManager.default.contentsOfDirectory(atPath: root.path + "/tenants").sorted().last)
        var request = CompileRequest(inputs: [SourceInput(path: "tenants")], tiersDirectory: repoRoot + "/tiers", jobs: 2,
                                     emit: EmitPlan(backends: [YAMLBackend()], output: .directory("out")), workingDirectory: root.path)
        request.inputMemoryBudget = 0  // nothing kept: every input is read twice
        let reads = Mutex<[String: Int]>([:])
        request.readInput = { path throws(IOFailure) in
            let n = reads.withLock { counts in
                counts[path, default: 0] += 1
                return counts[path, default: 0]
            }
            if path.hasSuffix("/" + victim), n == 2 { throw IOFailure(path, errno: EIO) }
            return try FileSystem.readFile(path)
        }
        let outcome = Compiler.run(request)
        #expect(outcome.exitCode == 2)
        #expect(outcome.diagnostics.contains { $0.message.hasPrefix("cannot read tenants/\(victim): ") }, "\(humanText(outcome))")
        #expect(reads.withLock { $0.values.allSatisfy { $0 == 2 } && $0.count == 3 })
        let written = (try? FileManager.default.contentsOfDirectory(atPath: root.path + "/out")) ?? []
        #expect(written.allSatisfy { $0.hasPrefix(".") }, "\(written)")
    }

    @Test func twoThousandTenantsBuildTheSameWhateverTheThreadsAndMemory() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let tenants = DeterminismTests.generatedTenants(Self.count)
        try FileManager.default.createDirectory(atPath: root.path + "/tenants", withIntermediateDirectories: true)
        for t in tenants {
            try t.text.write(toFile: root.path + "/tenants/\(t.name).tenant", atomically: false, encoding: .utf8)
        }

        // (threads, bytes kept between phases): everything kept, nothing kept (every file is
        // read twice), and a budget that runs out part-way (tokens, then bytes, then nothing).
        let runs: [(jobs: Int, budget: Int)] = [(4, Compiler.keptBytesBudget), (1, 0), (3, 64 << 10)]
        var outputs: [[String: Data]] = []
        for (k, run) in runs.enumerated() {
            var request = CompileRequest(inputs: [SourceInput(path: "tenants")], tiersDirectory: repoRoot + "/tiers", jobs: run.jobs,
                                         emit: EmitPlan(backends: [YAMLBackend()], output: .directory("out-\(k)")),
                                         workingDirectory: root.path)
            request.inputMemoryBudget = run.budget
            let outcome = Compiler.run(request)
            try #require(outcome.exitCode == 0, "\(humanText(outcome))")
            #expect(outcome.written == Self.count)
            #expect(outcome.tenants.map(\.id) == tenants.map(\.name))
            let dir = root.path + "/out-\(k)"
            // Every artifact, and the manifest of them (the same whatever the threads and memory).
            let names = try FileManager.default.contentsOfDirectory(atPath: dir)
            #expect(names.count == Self.count + 1)
            #expect(names.contains(".tenantc-manifest"))
            var files: [String: Data] = [:]
            for n in names { files[n] = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + n)) }
            outputs.append(files)
        }
        #expect(outputs[1] == outputs[0], "one thread, inputs read twice")
        #expect(outputs[2] == outputs[0], "three threads, a budget that runs out")

        // Each artifact holds its own tenant's values (a streaming mix-up would swap them).
        let regions = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1"]
        let envs = ["development", "staging", "production"]
        for i in stride(from: 0, to: Self.count, by: 37) {
            let id = tenants[i].name
            let bytes = try #require(outputs[0]["\(id).yaml"])
            let doc = try #require(try readYAMLDocuments(Array(bytes)).first)
            guard case .map(let top) = resolve(doc, .core12), case .map(let info)? = top["tenant_info"] else {
                Issue.record("\(id): no tenant_info")
                continue
            }
            #expect(info["tenant_id"] == .string(id))
            #expect(info["tenant_name"] == .string("Tenant \(i)"))
            #expect(info["region"] == .string(regions[i % 4]))
            #expect(info["environment"] == .string(envs[i % 3]))
        }

        // And the same bytes as compiling that tenant on its own.
        for i in stride(from: 5, to: Self.count, by: 199) {
            let alone = compileSources([tenants[i]], emit: EmitPlan(backends: [YAMLBackend()], output: .standardOutput))
            #expect(Data(alone.standardOutput) == outputs[0]["\(tenants[i].name).yaml"], "\(tenants[i].name)")
        }
    }
}
