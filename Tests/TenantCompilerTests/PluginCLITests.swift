import Foundation
import Testing

/// Plugin backends (`--emit NAME`) as users run them: bounded in time, given the key only with
/// plaintexts, and checked before anything is compiled.
@Suite(.serialized) struct PluginCLITests {
    /// A scratch directory with a tenant, and `bin/` holding the plugin scripts.
    static func project(_ plugins: [String: String]) throws -> URL {
        let dir = try TenantcCLI.scratch()
        let bin = dir.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        for (name, body) in plugins {
            let path = bin.appendingPathComponent("tenantc-gen-\(name)").path
            #expect(FileManager.default.createFile(atPath: path, contents: Data(("#!/bin/sh\n" + body).utf8),
                                                   attributes: [.posixPermissions: 0o755]))
        }
        for id in ["acme", "bolt"] {
            try "tenant \(id) extends standard {\n  tenant_info.tenant_name = \"\(id)\"\n}\n"
                .write(to: dir.appendingPathComponent("\(id).tenant"), atomically: true, encoding: .utf8)
        }
        return dir
    }

    static func build(_ arguments: [String], in dir: URL, environment: [String: String] = [:]) throws -> TenantcCLI.Run {
        let path = dir.appendingPathComponent("bin").path + ":/usr/bin:/bin"
        return try TenantcCLI.run(["build", "acme.tenant", "bolt.tenant", "--tiers", repoRoot + "/tiers"] + arguments,
                                  environment: environment.merging(["PATH": path]) { a, _ in a }, in: dir)
    }

    /// The one test that waits: a plugin that never ends is stopped after `--plugin-timeout`.
    @Test func aPluginThatHangsIsStoppedAndReported() throws {
        let dir = try Self.project(["hang": "exec sleep 1000000\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Self.build(["--emit", "hang", "--plugin-timeout", "1", "--format", "gcc", "--jobs", "2"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("error: backend `hang` failed for tenant `acme`: backend 'hang': plugin 'tenantc-gen-hang' did not finish within 1 s and was stopped"),
                "\(r.stderr)")
        #expect(r.stderr.contains("[E0504]"))
    }

    @Test func theKeyFileReachesAPluginOnlyWithPlaintexts() throws {
        let dir = try Self.project(["key": "cat >/dev/null\necho \"key=${TENANTC_KEY_FILE:-none} $TENANTC_SENSITIVE\"\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = repoRoot + "/examples/demo.key"
        for mode in ["redact", "encrypted"] {
            let r = try Self.build(["--emit", "key", "-o", "-", "--sensitive", mode], in: dir, environment: ["TENANTC_KEY_FILE": key])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout == "key=none \(mode)\nkey=none \(mode)\n")
        }
        let plain = try Self.build(["--emit", "key", "-o", "-", "--sensitive", "plain"], in: dir, environment: ["TENANTC_KEY_FILE": key])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout == "key=\(key) plain\nkey=\(key) plain\n")
    }

    @Test func aMissingPluginIsOneUsageErrorBeforeCompiling() throws {
        let dir = try Self.project([:])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Self.build(["--emit", "yaml,nope", "-o", "out"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.components(separatedBy: "tenantc-gen-nope").count == 2, "named once: \(r.stderr)")
        #expect(!r.stderr.contains(dir.path), "the search path is not printed: \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
    }

    @Test(arguments: ["", "yaml,", ",json", "yaml,,json"])
    func anEmptyBackendNameIsAUsageError(emit: String) throws {
        let dir = try Self.project([:])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Self.build(["--emit", emit, "-o", "out"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("an empty backend name"), "\(r.stderr)")
    }

    @Test(arguments: ["0", "-1", "nan", "abc"])
    func aTimeoutMustBePositive(seconds: String) throws {
        let dir = try Self.project([:])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try Self.build(["--plugin-timeout", seconds], in: dir).status == 2)
    }

    @Test func aMistypedBackendNameSuggestsTheBuiltInOne() throws {
        let dir = try Self.project([:])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Self.build(["--emit", "jsn"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("did you mean `json`?"), "\(r.stderr)")
        #expect(r.stderr.components(separatedBy: "--emit jsn").count == 2, "once: \(r.stderr)")
    }
}

/// What the command line says about itself.
@Suite struct CommandLineTests {
    @Test(arguments: [("lint", nil), ("chek", "check"), ("biuld", "build"), ("fnt", "fmt")] as [(String, String?)])
    func anUnknownCommandIsNamedWithTheNearestOne(_ command: String, _ near: String?) throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try TenantcCLI.run([command, "x.tenant"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("error: unknown command `\(command)`"), "\(r.stderr)")
        if let near { #expect(r.stderr.contains("did you mean `\(near)`?"), "\(r.stderr)") }
        #expect(r.stderr.contains("the commands are build, check"))
    }

    @Test func theJobsHelpGivesItsDefaultOnce() throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try TenantcCLI.run(["build", "--help"], in: dir)
        // The option's line and its continuation (a line that names no option).
        let lines = r.stdout.components(separatedBy: "\n")
        let k = try #require(lines.firstIndex { $0.contains("--jobs") })
        let jobs = lines[k] + (k + 1 < lines.count && !lines[k + 1].contains("--") ? lines[k + 1] : "")
        #expect(jobs.contains("(default: all cores)"), "\(jobs)")
        #expect(jobs.components(separatedBy: "default").count == 2, "\(jobs)")
    }
}
