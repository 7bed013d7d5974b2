import Foundation
import Synchronization
@testable import TenantBackends
import TenantModel
import Testing

/// Plugins are shell scripts in a fresh directory passed as `searchPath`, so tests never touch
/// the process environment. Serialized because a script being written while another test forks
/// makes its exec fail with ETXTBSY for a moment (the backend retries, but CI should not depend
/// on timing).
@Suite(.serialized) struct ExternalBackendTests {
    /// A temporary directory holding `tenantc-gen-NAME` scripts; removed on deinit.
    final class PluginDir {
        let url: URL

        init(_ scripts: [String: String], mode: Int = 0o755, shebang: String = "#!/bin/sh\n") throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("tenantc-plugins-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            for (name, body) in scripts {
                let path = url.appendingPathComponent("tenantc-gen-\(name)").path
                #expect(
                    FileManager.default.createFile(
                        atPath: path, contents: Data((shebang + body).utf8), attributes: [.posixPermissions: mode]))
            }
        }

        /// The directory first, then the system directories for `cat`, `tr`, ….
        var searchPath: String { url.path + ":/usr/bin:/bin" }

        deinit { try? FileManager.default.removeItem(at: url) }
    }

    let config = Record(["name": .string("Acme"), "memory": size(1 << 30, .binary), "replicas": .int(3)])

    @Test func pluginReadsTheTenantJSONAndItsOutputIsTheArtifact() throws {
        let dir = try PluginDir([
            "upper": "echo \"$TENANTC_TENANT_ID $TENANTC_TENANT_TIER $TENANTC_TENANT_ENV $TENANTC_UNITS\"\ntr a-z A-Z\n"
        ])
        let backend = ExternalBackend(name: "upper", searchPath: dir.searchPath)
        #expect(backend.name == "upper" && backend.fileExtension == "upper")
        #expect(backend.executableName == "tenantc-gen-upper")
        #expect(backend.locate() == dir.url.path + "/tenantc-gen-upper")

        var out = Array("before|".utf8)
        try backend.render(tenant(config), options: RenderOptions(units: .base), layout: .stream, into: &out)
        let json = text(try render(JSONBackend(), tenant(config), units: .base, layout: .file))
        #expect(text(out) == "before|acme gold prod base\n" + json.uppercased())
    }

    @Test func stdinIsTheFileLayoutJSON() throws {
        let dir = try PluginDir(["cat": "exec cat\n"])
        let got = try render(ExternalBackend(name: "cat", searchPath: dir.searchPath), tenant(everyKind), layout: .stream)
        #expect(got == (try render(JSONBackend(), tenant(everyKind), layout: .file)))
    }

    @Test func childPathIsTheSearchPath() throws {
        let dir = try PluginDir(["path": "echo \"$PATH\"\n"])
        let got = try render(ExternalBackend(name: "path", searchPath: dir.searchPath), tenant(config))
        #expect(text(got) == dir.searchPath + "\n")
    }

    @Test func missingPlugin() throws {
        let dir = try PluginDir(["other": "cat\n"])
        let error = try #require(throws: BackendError.self) {
            try render(ExternalBackend(name: "nope", searchPath: dir.searchPath), tenant(config))
        }
        #expect(error.message == "backend 'nope': plugin 'tenantc-gen-nope' was not found on PATH", "the search path is not printed")
    }

    @Test func nonExecutableFileIsNotAPlugin() throws {
        let dir = try PluginDir(["plain": "cat\n"], mode: 0o644)
        #expect(ExternalBackend(name: "plain", searchPath: dir.searchPath).locate() == nil)
    }

    /// A name with a `/` must not reach outside the search path.
    @Test func namesCannotBePaths() throws {
        let dir = try PluginDir(["x": "cat\n"])
        #expect(ExternalBackend(name: "../\(dir.url.lastPathComponent)/tenantc-gen-x", searchPath: dir.searchPath).locate() == nil)
        #expect(ExternalBackend(name: "", searchPath: dir.searchPath).locate() == nil)
    }

    @Test func pluginThatCannotStart() throws {
        let dir = try PluginDir(["broken": "#!/nonexistent/interpreter\n"], shebang: "")
        let error = try #require(throws: BackendError.self) {
            try render(ExternalBackend(name: "broken", searchPath: dir.searchPath), tenant(config))
        }
        #expect(error.message == "backend 'broken': cannot run plugin '\(dir.url.path)/tenantc-gen-broken': No such file or directory")
    }

    @Test func failingPluginReportsStatusAndStderr() throws {
        let dir = try PluginDir(["fail": "cat >/dev/null\necho 'partial output'\necho '  boom: bad input  ' >&2\nexit 3\n"])
        var out = Array("kept".utf8)
        let error = try #require(throws: BackendError.self) {
            try ExternalBackend(name: "fail", searchPath: dir.searchPath).render(
                tenant(config), options: RenderOptions(), layout: .file, into: &out)
        }
        #expect(error.message.contains("tenantc-gen-fail"))
        #expect(error.message.contains("status 3"))
        #expect(error.message.hasSuffix("\nboom: bad input"), "stderr, trimmed")
        #expect(text(out) == "kept", "nothing of a failed plugin's output is kept")
    }

    @Test func silentFailure() throws {
        let dir = try PluginDir(["quiet": "exit 2\n"])
        let error = try #require(throws: BackendError.self) {
            try render(ExternalBackend(name: "quiet", searchPath: dir.searchPath), tenant(config))
        }
        #expect(error.message.contains("tenantc-gen-quiet") && error.message.contains("status 2"))
        #expect(error.message.contains("nothing to stderr"))
    }

    @Test func pluginKilledBySignal() throws {
        let dir = try PluginDir(["crash": "echo 'about to crash' >&2\nkill -9 $$\n"])
        let error = try #require(throws: BackendError.self) {
            try render(ExternalBackend(name: "crash", searchPath: dir.searchPath), tenant(config))
        }
        #expect(error.message.contains("tenantc-gen-crash"))
        #expect(error.message.contains("signal 9"))
        #expect(error.message.contains("about to crash"))
    }

    /// Only the end of a long stderr is quoted: that is where the explanation usually is.
    @Test func longStderrIsCut() throws {
        let dir = try PluginDir([
            "noisy":
                "i=0\nwhile [ $i -lt 400 ]; do echo \"noise line $i ......................\" >&2; i=$((i+1)); done\necho 'the real error' >&2\nexit 1\n"
        ])
        let error = try #require(throws: BackendError.self) {
            try render(ExternalBackend(name: "noisy", searchPath: dir.searchPath), tenant(config))
        }
        #expect(error.message.hasSuffix("the real error"))
        #expect(error.message.utf8.count < 2300)
        #expect(error.message.contains("tenantc-gen-noisy"))
    }

    /// A plugin that exits without reading a large input must not kill the compiler with SIGPIPE,
    /// and large outputs must not deadlock on full pipes.
    @Test func largeInputAndOutput() throws {
        let big = Record(["blob": .list((0..<20_000).map { .string("value number \($0) " + String(repeating: "x", count: 40)) })])
        let dir = try PluginDir(["ignore": "echo ok\n", "cat": "exec cat\n", "both": "cat >&2\necho done\n"])
        #expect(text(try render(ExternalBackend(name: "ignore", searchPath: dir.searchPath), tenant(big))) == "ok\n")
        let json = try render(JSONBackend(), tenant(big))
        #expect(try render(ExternalBackend(name: "cat", searchPath: dir.searchPath), tenant(big)) == json)
        #expect(text(try render(ExternalBackend(name: "both", searchPath: dir.searchPath), tenant(big))) == "done\n")
    }

    /// The driver renders tenants in parallel: plugin processes must not inherit each other's
    /// pipes (a `cat` holding another `cat`'s stdin open would hang both).
    @Test func concurrentRenders() async throws {
        let dir = try PluginDir(["cat": "exec cat\n"])
        let backend = ExternalBackend(name: "cat", searchPath: dir.searchPath)
        let results = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            for i in 0..<16 {
                group.addTask {
                    let t = tenant(Record(["i": .int(Int64(i)), "pad": .string(String(repeating: "p", count: 100_000))]))
                    return (i, try render(backend, t))
                }
            }
            return try await group.reduce(into: [Int: [UInt8]]()) { $0[$1.0] = $1.1 }
        }
        for i in 0..<16 {
            let t = tenant(Record(["i": .int(Int64(i)), "pad": .string(String(repeating: "p", count: 100_000))]))
            #expect(results[i] == (try render(JSONBackend(), t)))
        }
    }

    /// exec fails with ETXTBSY while the plugin file is open for writing (being installed);
    /// the backend retries for a while, then reports the error.
    @Test func pluginStillBeingWritten() throws {
        let dir = try PluginDir(["cat": "exec cat\n"])
        let backend = ExternalBackend(name: "cat", searchPath: dir.searchPath)
        let path = dir.url.path + "/tenantc-gen-cat"

        let stuck = try #require(FileHandle(forWritingAtPath: path))
        let error = try #require(throws: BackendError.self) { try render(backend, tenant(config)) }
        #expect(error.message == "backend 'cat': cannot run plugin '\(path)': Text file busy")
        try stuck.close()

        // Busy at the first attempt, freed before the retry.
        let briefly = try #require(FileHandle(forWritingAtPath: path))
        final class Retries: Sendable { let count = Mutex(0) }
        let retries = Retries()
        var retrying = backend
        retrying.beforeRetry = {
            let first = retries.count.withLock { n in
                n += 1
                return n == 1
            }
            if first { try? briefly.close() }
        }
        #expect(try render(retrying, tenant(config)) == (try render(JSONBackend(), tenant(config))))
        #expect(retries.count.withLock { $0 } == 1)
    }

    /// What a plugin writes beyond the bound is not kept: it is stopped, and nothing of its output is used.
    @Test func outputBeyondTheBoundStopsThePlugin() throws {
        let dir = try PluginDir(["flood": "cat >/dev/null\nexec cat /dev/zero\n"])
        var out = Array("kept".utf8)
        let error = try #require(throws: BackendError.self) {
            try ExternalBackend(name: "flood", searchPath: dir.searchPath, maxOutputBytes: 100_000).render(
                tenant(config), options: RenderOptions(), layout: .file, into: &out)
        }
        #expect(error.message == "backend 'flood': plugin 'tenantc-gen-flood' wrote more than 100000 bytes to stdout and was stopped")
        #expect(text(out) == "kept")
        #expect(ExternalBackend(name: "x").maxOutputBytes == 64 << 20)
        #expect(ExternalBackend(name: "x").timeout == .seconds(60))
    }

    /// Output up to the bound is the artifact.
    @Test func outputAtTheBoundIsKept() throws {
        let dir = try PluginDir(["exact": "cat >/dev/null\nhead -c 100000 /dev/zero\n"])
        let got = try render(ExternalBackend(name: "exact", searchPath: dir.searchPath, maxOutputBytes: 100_000), tenant(config))
        #expect(got.count == 100_000)
    }

    /// A plugin given plaintexts may echo them on stderr: then its stderr is not quoted.
    @Test func stderrIsNotQuotedWhenThePluginGotPlaintexts() throws {
        let dir = try PluginDir(["echo": "cat >&2\nexit 1\n"])
        let secret = tenant(Record(["password": .string("Hunter2Pw")]))
        var out: [UInt8] = []
        let plain = try #require(throws: BackendError.self) {
            try ExternalBackend(name: "echo", searchPath: dir.searchPath).render(secret, options: RenderOptions(sensitive: .plain),
                                                                               layout: .file, into: &out)
        }
        #expect(!plain.message.contains("Hunter2Pw"))
        #expect(plain.message.contains("status 1") && plain.message.contains("its stderr is not shown"))
        let redacted = try #require(throws: BackendError.self) {
            try ExternalBackend(name: "echo", searchPath: dir.searchPath).render(secret, options: RenderOptions(), layout: .file, into: &out)
        }
        #expect(redacted.message.contains("Hunter2Pw"), "a plain string field, quoted as before")
    }

    @Test func registry() {
        #expect(BackendRegistry.names == ["yaml", "json"])
        #expect(BackendRegistry.backend(named: "yaml") is YAMLBackend)
        #expect(BackendRegistry.backend(named: "json") is JSONBackend)
        #expect(BackendRegistry.backend(named: "toml") == nil)
        #expect(BackendRegistry.builtins.map(\.fileExtension) == ["yaml", "json"])
    }
}
