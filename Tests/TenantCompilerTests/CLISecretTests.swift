import Foundation
import TenantModel
import TenantSecrets
import Testing

/// The secret commands as users run them: the `tenantc` executable built with the tests.
@Suite struct CLISecretTests {
    /// The `tenantc` binary beside the test bundle (`swift test` builds every product).
    static let tenantc: String = {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return here.appendingPathComponent("tenantc").path
    }()

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], stdin: String = "", environment: [String: String] = [:], in dir: URL) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tenantc)
        p.arguments = arguments
        p.currentDirectoryURL = dir
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: KeyFile.environmentVariable)
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let input = Pipe(), output = Pipe(), errors = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = errors
        try p.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }

    static func scratch() throws -> URL {
        try #require(FileManager.default.isExecutableFile(atPath: tenantc), "the tenantc executable is built with the tests")
        return try temporaryDirectory()
    }

    @Test func keygenWritesAPrivateKeyAndNeverOverwritesIt() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try Self.run(["keygen", "--key-file", "k"], in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        let path = dir.appendingPathComponent("k").path
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        let key = try String(contentsOfFile: path, encoding: .utf8)
        let second = try Self.run(["keygen", "--key-file", "k"], in: dir)
        #expect(second.status == 2)
        #expect(second.stderr.contains("never overwritten"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == key)
    }

    @Test func encryptAndDecryptRoundTripThroughStdin() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Self.run(["keygen", "--key-file", "k"], in: dir)
        let sealed = try Self.run(["encrypt", "--key-file", "k"], stdin: "s3cr3t value\n", in: dir)
        #expect(sealed.status == 0, "\(sealed.stderr)")
        #expect(sealed.stdout.hasPrefix("secret(\"tenantc:v1:") && sealed.stdout.hasSuffix("\")\n"))
        #expect(!sealed.stdout.contains("s3cr3t") && !sealed.stderr.contains("s3cr3t"))
        // The literal, or its bare token; the key from the environment.
        let opened = try Self.run(["decrypt"], stdin: sealed.stdout, environment: [KeyFile.environmentVariable: "k"], in: dir)
        #expect(opened.status == 0, "\(opened.stderr)")
        #expect(opened.stdout == "s3cr3t value\n")
        let token = sealed.stdout.dropFirst("secret(\"".count).dropLast("\")\n".count)
        #expect(try Self.run(["decrypt", "--key-file", "k"], stdin: String(token), in: dir).stdout == "s3cr3t value\n")
    }

    @Test func theValueIsNeverTakenFromTheCommandLine() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Self.run(["keygen", "--key-file", "k"], in: dir)
        let r = try Self.run(["encrypt", "--key-file", "k", "hunter2"], in: dir)
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
    }

    @Test func aKeyOthersCanReadGetsAWarning() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Self.run(["keygen", "--key-file", "k"], in: dir)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: dir.appendingPathComponent("k").path)
        let r = try Self.run(["encrypt", "--key-file", "k"], stdin: "x", in: dir)
        #expect(r.status == 0)
        #expect(r.stderr.contains("warning: key file k can be read by anyone"))
    }

    @Test func aMissingKeyIsAUsageError() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let none = try Self.run(["encrypt"], stdin: "x", in: dir)
        #expect(none.status == 2 && none.stderr.contains("TENANTC_KEY_FILE"))
        let missing = try Self.run(["decrypt", "--key-file", "nowhere"], stdin: "x", in: dir)
        #expect(missing.status == 2 && missing.stderr.contains("cannot read key file nowhere"))
    }

    @Test func buildPlainAndRekeyFromTheCommandLine() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Self.run(["keygen", "--key-file", "old.key"], in: dir)
        _ = try Self.run(["keygen", "--key-file", "new.key"], in: dir)
        let literal = try Self.run(["encrypt", "--key-file", "old.key"], stdin: "pg-pass-123", in: dir).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("tiers"), withIntermediateDirectories: true)
        try "tier base {\n  db { password: secret? }\n}\n".write(to: dir.appendingPathComponent("tiers/base.tenant"), atomically: true, encoding: .utf8)
        try "tenant acme extends base {\n  db.password = \(literal)  // rotated quarterly\n}\n"
            .write(to: dir.appendingPathComponent("acme.tenant"), atomically: true, encoding: .utf8)

        let redacted = try Self.run(["build", "acme.tenant", "-o", "-"], in: dir)
        #expect(redacted.status == 0, "\(redacted.stderr)")
        #expect(redacted.stdout.contains("password: <redacted>"))
        let needsKey = try Self.run(["build", "acme.tenant", "-o", "-", "--sensitive", "plain"], in: dir)
        #expect(needsKey.status == 2 && needsKey.stdout.isEmpty)
        let plain = try Self.run(["build", "acme.tenant", "-o", "-", "--sensitive", "plain"],
                                 environment: [KeyFile.environmentVariable: "old.key"], in: dir)
        #expect(plain.stdout.contains("password: pg-pass-123"), "\(plain.stderr)")

        let rekey = try Self.run(["rekey", "--old-key-file", "old.key", "--key-file", "new.key", "acme.tenant"], in: dir)
        #expect(rekey.status == 0, "\(rekey.stderr)")
        #expect(rekey.stderr.contains("1 secrets re-encrypted in 1 files"))
        let source = try String(contentsOf: dir.appendingPathComponent("acme.tenant"), encoding: .utf8)
        #expect(source.contains("// rotated quarterly") && !source.contains(literal))
        let wrong = try Self.run(["build", "acme.tenant", "-o", "-", "--sensitive", "plain", "--key-file", "old.key"], in: dir)
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("E0603") && !wrong.stderr.contains("pg-pass-123") && !wrong.stdout.contains("pg-pass-123"))
        let right = try Self.run(["check", "acme.tenant", "--key-file", "new.key"], in: dir)
        #expect(right.status == 0, "\(right.stderr)")
    }
}
