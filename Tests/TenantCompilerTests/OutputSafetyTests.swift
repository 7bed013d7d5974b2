import Foundation
import TenantBackends
@testable import TenantCompiler
import Testing

/// What a build may do to the file system: nothing outside its output directory, nothing to
/// files it did not create, nothing half-done when it reports an error, and nothing to the
/// files of another build of the same directory running at the same time.
@Suite struct OutputSafetyTests {
    static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    static func hidden(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".") }.sorted()
    }

    // MARK: Links

    @Test func aLinkBelowTheOutputDirectoryIsNeverFollowed() throws {
        let p = try Project(tenants: ["alpha": goodTenant("alpha")])
        defer { p.remove() }
        try FileManager.default.createDirectory(atPath: p.path("elsewhere"), withIntermediateDirectories: true)
        try "precious\n".write(toFile: p.path("elsewhere/alpha.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: p.path("out2"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: p.path("out2/production"), withDestinationPath: p.path("elsewhere"))
        let outcome = p.build(["alpha"], environments: ["production", "staging"], output: .directory("out2"))
        #expect(outcome.exitCode == 2)
        let d = try #require(outcome.diagnostics.first { $0.code == .unwritableOutput })
        #expect(d.message.contains("out2/production") && d.message.contains("symbolic link"), "\(d.message)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: p.path("elsewhere")) == ["alpha.yaml"])
        #expect(try String(contentsOfFile: p.path("elsewhere/alpha.yaml"), encoding: .utf8) == "precious\n")
        // Nothing was written anywhere else either, and the build left nothing behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: p.path("out2")) == ["production"])
    }

    @Test func anOutputDirectoryNamedByALinkIsWrittenThrough() throws {
        let p = try Project(tenants: ["alpha": goodTenant("alpha")])
        defer { p.remove() }
        try FileManager.default.createDirectory(atPath: p.path("real"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: p.path("link"), withDestinationPath: "real")
        let outcome = p.build(["alpha"], output: .directory("link"))
        #expect(outcome.exitCode == 0, "\(humanText(outcome))")
        #expect(outcome.written == 1)
        #expect(Self.exists(p.path("real/alpha.yaml")))
        let type = try FileManager.default.attributesOfItem(atPath: p.path("link"))[.type] as? FileAttributeType
        #expect(type == .typeSymbolicLink)
        #expect(try Self.hidden(p.path("real")) == [".tenantc-manifest"])
    }

    // MARK: All or nothing

    @Test func aTargetThatIsNotAFileFailsTheBuildBeforeAnythingIsRenamed() throws {
        let ids = ["alpha", "beta", "gamma"]
        let p = try Project(tenants: Dictionary(uniqueKeysWithValues: ids.map { ($0, goodTenant($0)) }))
        defer { p.remove() }
        #expect(p.build(ids, output: .directory("out3")).written == 3)
        let manifest = try Self.bytes(p.path("out3/.tenantc-manifest"))
        let alpha = try Self.bytes(p.path("out3/alpha.yaml"))
        let beta = try Self.bytes(p.path("out3/beta.yaml"))
        try FileManager.default.removeItem(atPath: p.path("out3/gamma.yaml"))
        try FileManager.default.createDirectory(atPath: p.path("out3/gamma.yaml"), withIntermediateDirectories: true)
        for id in ids { try p.write(id, goodTenant(id, tier: "premium")) }
        for jobs in [1, 2] {
            let outcome = p.build(ids, output: .directory("out3"), jobs: jobs)
            #expect(outcome.exitCode == 2)
            #expect(outcome.written == 0)
            let d = try #require(outcome.diagnostics.first { $0.code == .unwritableOutput })
            #expect(d.message.contains("out3/gamma.yaml") && d.message.contains("not a regular file"), "\(d.message)")
            #expect(try Self.bytes(p.path("out3/alpha.yaml")) == alpha)
            #expect(try Self.bytes(p.path("out3/beta.yaml")) == beta)
            #expect(try Self.hidden(p.path("out3")) == [".tenantc-manifest"])
            #expect(try Self.bytes(p.path("out3/.tenantc-manifest")) == manifest)
        }
    }

    @Test func aTemporaryFileThatVanishedIsAnErrorNotAWrite() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out").path
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try "old\n".write(toFile: out + "/alpha.yaml", atomically: true, encoding: .utf8)
        let writer = ArtifactWriter(root: out, base: dir.path)
        try writer.stage("alpha.yaml", Array("new\n".utf8))
        try writer.stage("beta.yaml", Array("new\n".utf8))
        // Something else removes a temporary file between the staging and the commit.
        for name in try Self.hidden(out) where name.hasPrefix(".beta.yaml.") { try FileManager.default.removeItem(atPath: out + "/" + name) }
        #expect(throws: IOFailure.self) { _ = try writer.commit() }
        #expect(try String(contentsOfFile: out + "/alpha.yaml", encoding: .utf8) == "old\n")
        #expect(!Self.exists(out + "/beta.yaml"))
        #expect(try Self.hidden(out).isEmpty)
    }

    // MARK: Cleaning up after killed builds

    @Test func cleanupRemovesOnlyTenantcsOwnTemporaryFiles() throws {
        let p = try Project(tenants: ["alpha": goodTenant("alpha"), "beta": goodTenant("beta")])
        defer { p.remove() }
        try FileManager.default.createDirectory(atPath: p.path("out"), withIntermediateDirectories: true)
        let users = ["out/.notes.tmp-999999-1", "out/.alpha.yaml.tmp-999999-1", "out/.notes.tenantc-old", ".out.tmp-999998/keep",
                     ".newout2.tmp-999998/keep"]
        for f in users {
            try FileManager.default.createDirectory(atPath: FileSystem.parent(p.path(f)), withIntermediateDirectories: true)
            try "the user's\n".write(toFile: p.path(f), atomically: true, encoding: .utf8)
        }
        // A temporary artifact of a killed build: tenantc's own name.
        try "half an artifact".write(toFile: p.path("out/.beta.yaml.tenantc-999999-3"), atomically: true, encoding: .utf8)
        #expect(p.build(["alpha", "beta"]).exitCode == 0)
        #expect(p.build(["alpha"], output: .directory("newout2")).exitCode == 0)
        for f in users { #expect(try String(contentsOfFile: p.path(f), encoding: .utf8) == "the user's\n", "\(f)") }
        #expect(!Self.exists(p.path("out/.beta.yaml.tenantc-999999-3")))
        #expect(try Self.hidden(p.path("out")) == [".alpha.yaml.tmp-999999-1", ".notes.tenantc-old", ".notes.tmp-999999-1", ".tenantc-manifest"])
    }

    // MARK: Builds of one directory at the same time

    /// What builds running on other threads report: waiting for a lock, or done.
    final class Events: @unchecked Sendable {
        private let lock = NSLock()
        private var log: [String] = []
        private var outcomes: [CompileOutcome] = []
        private let posted = DispatchSemaphore(value: 0)

        func post(_ event: String, _ outcome: CompileOutcome? = nil) {
            lock.withLock {
                log.append(event)
                if let outcome { outcomes.append(outcome) }
            }
            posted.signal()
        }

        /// Waits (without a deadline: each build posts once it waits and once it is done) for `n` more events.
        func next(_ n: Int) {
            for _ in 0..<n { posted.wait() }
        }

        var events: [String] { lock.withLock { log } }
        var done: [CompileOutcome] { lock.withLock { outcomes } }
    }

    /// Starts a build of `ids` into `output` on another thread.
    static func startBuild(_ p: Project, _ ids: [String], output: String, events: Events) {
        var plan = EmitPlan(backends: [YAMLBackend()], output: .directory(output))
        plan.waiting = { _ in events.post("waiting") }
        let request = CompileRequest(inputs: ids.map { SourceInput(path: "tenants/\($0).tenant") }, jobs: 2, emit: plan,
                                     workingDirectory: p.root.path)
        DispatchQueue.global().async { events.post("done", Compiler.run(request)) }
    }

    /// Holds the lock file at `path` as a running build does; closing the descriptor releases it.
    static func holdLock(_ path: String) throws -> Int32 {
        let fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0o644)
        try #require(fd >= 0 && flock(fd, LOCK_EX) == 0)
        return fd
    }

    @Test func aBuildWaitsForTheBuildInFlightAndLeavesItsFilesAlone() throws {
        let p = try Project(tenants: ["alpha": goodTenant("alpha"), "beta": goodTenant("beta")])
        defer { p.remove() }
        #expect(p.build(["alpha", "beta"]).written == 2)
        for id in ["alpha", "beta"] { try p.write(id, goodTenant(id, tier: "premium")) }
        // Another build (of another PID namespace, say) holds the lock and has a file in flight.
        let inFlight = p.path("out/.alpha.yaml.tenantc-999999-1")
        try "in flight".write(toFile: inFlight, atomically: false, encoding: .utf8)
        let held = try Self.holdLock(p.path("out/.tenantc-lock"))
        let events = Events()
        Self.startBuild(p, ["alpha", "beta"], output: "out", events: events)
        events.next(1)
        #expect(events.events == ["waiting"])
        #expect(Self.exists(inFlight), "the in-flight file of a running build was removed")
        close(held)
        if events.events == ["waiting"] { events.next(1) }
        let outcome = try #require(events.done.first)
        #expect(outcome.exitCode == 0, "\(humanText(outcome))")
        #expect(outcome.written == 2)
        // The lock was released with nobody left holding it: the dead build's file goes too.
        #expect(try Self.hidden(p.path("out")) == [".tenantc-manifest"])
    }

    @Test func twoFirstBuildsOfOneDirectoryBothSucceed() throws {
        let p = try Project(tenants: ["alpha": goodTenant("alpha"), "beta": goodTenant("beta")])
        defer { p.remove() }
        let held = try Self.holdLock(p.path(".out.tenantc-lock"))
        let events = Events()
        Self.startBuild(p, ["alpha", "beta"], output: "out", events: events)
        Self.startBuild(p, ["alpha", "beta"], output: "out", events: events)
        events.next(2)
        #expect(events.events == ["waiting", "waiting"])
        close(held)
        events.next(2 - events.done.count)
        let outcomes = events.done
        #expect(outcomes.count == 2)
        for o in outcomes { #expect(o.exitCode == 0, "\(humanText(o))") }
        // One built the directory, the other found it built.
        #expect(outcomes.map(\.written).sorted() == [0, 2])
        #expect(outcomes.map(\.unchanged).sorted() == [0, 2])
        #expect(try Self.hidden(p.path("out")) == [".tenantc-manifest"])
        #expect(try Self.hidden(p.root.path).isEmpty)
    }

    // MARK: Modes

    @Test func privateArtifactsAreCreatedPrivate() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out").path
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let writer = ArtifactWriter(root: out, base: dir.path, fileMode: 0o600)
        try writer.stage("alpha.yaml", Array("password: hunter2\n".utf8))
        // The temporary file holding the plaintext has had the private mode since its creation.
        let temp = try #require(try Self.hidden(out).first { $0.hasPrefix(".alpha.yaml.") })
        #expect(try FileManager.default.attributesOfItem(atPath: out + "/" + temp)[.posixPermissions] as? Int == 0o600)
        _ = try writer.commit()
        #expect(try FileManager.default.attributesOfItem(atPath: out + "/alpha.yaml")[.posixPermissions] as? Int == 0o600)
    }
}
