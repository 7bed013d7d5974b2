import Foundation
import TenantModel
import TenantSecrets
import Testing

/// The secret commands as users run them: the `tenantc` executable built with the tests.
@Suite struct CLISecretTests {
    @Test func keygenWritesAPrivateKeyAndNeverOverwritesIt() throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try TenantcCLI.run(["keygen", "--key-file", "k"], in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        let path = dir.appendingPathComponent("k").path
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        let key = try String(contentsOfFile: path, encoding: .utf8)
        let second = try TenantcCLI.run(["keygen", "--key-file", "k"], in: dir)
        #expect(second.status == 2)
        #expect(second.stderr.contains("never overwritten"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == key)
    }

    @Test func encryptAndDecryptRoundTripThroughStdin() throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try TenantcCLI.run(["keygen", "--key-file", "k"], in: dir)
        let sealed = try TenantcCLI.run(["encrypt", "--key-file", "k"], stdin: "s3cr3t value\n", in: dir)
        #expect(sealed.status == 0, "\(sealed.stderr)")
        #expect(sealed.stdout.hasPrefix("secret(\"tenantc:v1:") && sealed.stdout.hasSuffix("\")\n"))
        #expect(!sealed.stdout.contains("s3cr3t") && !sealed.stderr.contains("s3cr3t"))
        // The literal, or its bare token; the key from the environment.
        let opened = try TenantcCLI.run(["decrypt"], stdin: sealed.stdout, environment: [KeyFile.environmentVariable: "k"], in: dir)
        #expect(opened.status == 0, "\(opened.stderr)")
        #expect(opened.stdout == "s3cr3t value\n")
        let token = sealed.stdout.dropFirst("secret(\"".count).dropLast("\")\n".count)
        #expect(try TenantcCLI.run(["decrypt", "--key-file", "k"], stdin: String(token), in: dir).stdout == "s3cr3t value\n")
    }

    @Test func theValueIsNeverTakenFromTheCommandLine() throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try TenantcCLI.run(["keygen", "--key-file", "k"], in: dir)
        let r = try TenantcCLI.run(["encrypt", "--key-file", "k", "hunter2"], in: dir)
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
    }

    @Test func aKeyOthersCanReadGetsAWarning() throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try TenantcCLI.run(["keygen", "--key-file", "k"], in: dir)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: dir.appendingPathComponent("k").path)
        let r = try TenantcCLI.run(["encrypt", "--key-file", "k"], stdin: "x", in: dir)
        #expect(r.status == 0)
        #expect(r.stderr.contains("warning: key file k can be read by anyone"))
    }

    /// A demo key (its file's first line says so) is public: its file's mode is not checked,
    /// and sealing a value with it is a warning. A real key keeps the check.
    @Test func aDemoKeyIsReadWithoutTheModeCheckAndWarnsWhenItSeals() throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try TenantcCLI.run(["keygen", "--key-file", "real.key"], in: dir)
        let real = try String(contentsOf: dir.appendingPathComponent("real.key"), encoding: .utf8)
        try (KeyFile.demoMarker + ": for the examples only\n" + real).write(to: dir.appendingPathComponent("demo.key"), atomically: true, encoding: .utf8)
        for name in ["real.key", "demo.key"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: dir.appendingPathComponent(name).path)
        }
        let sealed = try TenantcCLI.run(["encrypt", "--key-file", "real.key"], stdin: "x", in: dir)
        #expect(sealed.status == 0 && sealed.stderr.contains("warning: key file real.key can be read by anyone"), "\(sealed.stderr)")
        // The same key, declared a demo key: it opens what the real one sealed, without a word.
        let opened = try TenantcCLI.run(["decrypt", "--key-file", "demo.key"], stdin: sealed.stdout, in: dir)
        #expect(opened.status == 0 && opened.stdout == "x\n" && opened.stderr.isEmpty, "\(opened.stderr)")
        let demoSealed = try TenantcCLI.run(["encrypt", "--key-file", "demo.key"], stdin: "y", in: dir)
        #expect(demoSealed.status == 0)
        #expect(demoSealed.stdout.hasPrefix("secret(\"tenantc:v1:"))
        #expect(demoSealed.stderr.contains("warning: key file demo.key holds a demo key"), "\(demoSealed.stderr)")
        #expect(!demoSealed.stderr.contains("can be read by"))
    }

    @Test func aMissingKeyIsAUsageError() throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let none = try TenantcCLI.run(["encrypt"], stdin: "x", in: dir)
        #expect(none.status == 2 && none.stderr.contains("TENANTC_KEY_FILE"))
        let missing = try TenantcCLI.run(["decrypt", "--key-file", "nowhere"], stdin: "x", in: dir)
        #expect(missing.status == 2 && missing.stderr.contains("cannot read key file nowhere"))
    }

    /// `check` and `build` report a key they cannot use as diagnostic E0604, in the format
    /// asked for (a JSON document on stderr when stdout carries the artifacts), exit 2.
    @Test func checkAndBuildReportAKeyProblemAsE0604() throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "tier t {\n  name: string\n}\ntenant acme extends t {\n  name = \"Acme\"\n}\n"
            .write(to: dir.appendingPathComponent("acme.tenant"), atomically: true, encoding: .utf8)
        let human = try TenantcCLI.run(["check", "acme.tenant", "--key-file", "nowhere"], in: dir)
        #expect(human.status == 2)
        #expect(human.stderr.hasPrefix("error[E0604]: cannot read key file nowhere: no such file or directory\n"), "\(human.stderr)")
        let json = try TenantcCLI.run(["build", "acme.tenant", "-o", "-", "--sensitive", "plain", "--format", "json"], in: dir)
        #expect(json.status == 2 && json.stdout.isEmpty)
        #expect(json.stderr.contains("\"code\": \"E0604\"") && json.stderr.contains("no key: give --key-file PATH"), "\(json.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
    }

    @Test func buildPlainAndRekeyFromTheCommandLine() throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try TenantcCLI.run(["keygen", "--key-file", "old.key"], in: dir)
        _ = try TenantcCLI.run(["keygen", "--key-file", "new.key"], in: dir)
        let literal = try TenantcCLI.run(["encrypt", "--key-file", "old.key"], stdin: "pg-pass-123", in: dir).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("tiers"), withIntermediateDirectories: true)
        try "tier base {\n  db { password: secret? }\n}\n".write(to: dir.appendingPathComponent("tiers/base.tenant"), atomically: true, encoding: .utf8)
        try "tenant acme extends base {\n  db.password = \(literal)  // rotated quarterly\n}\n"
            .write(to: dir.appendingPathComponent("acme.tenant"), atomically: true, encoding: .utf8)

        let redacted = try TenantcCLI.run(["build", "acme.tenant", "-o", "-"], in: dir)
        #expect(redacted.status == 0, "\(redacted.stderr)")
        #expect(redacted.stdout.contains("password: <redacted>"))
        let needsKey = try TenantcCLI.run(["build", "acme.tenant", "-o", "-", "--sensitive", "plain"], in: dir)
        #expect(needsKey.status == 2 && needsKey.stdout.isEmpty)
        let plain = try TenantcCLI.run(["build", "acme.tenant", "-o", "-", "--sensitive", "plain"],
                                 environment: [KeyFile.environmentVariable: "old.key"], in: dir)
        #expect(plain.stdout.contains("password: pg-pass-123"), "\(plain.stderr)")

        let rekey = try TenantcCLI.run(["rekey", "--old-key-file", "old.key", "--key-file", "new.key", "acme.tenant"], in: dir)
        #expect(rekey.status == 0, "\(rekey.stderr)")
        #expect(rekey.stderr.contains("1 secret re-encrypted in 1 file, 0 already under key"))
        let source = try String(contentsOf: dir.appendingPathComponent("acme.tenant"), encoding: .utf8)
        #expect(source.contains("// rotated quarterly") && !source.contains(literal))
        let wrong = try TenantcCLI.run(["build", "acme.tenant", "-o", "-", "--sensitive", "plain", "--key-file", "old.key"], in: dir)
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("E0603") && !wrong.stderr.contains("pg-pass-123") && !wrong.stdout.contains("pg-pass-123"))
        let right = try TenantcCLI.run(["check", "acme.tenant", "--key-file", "new.key"], in: dir)
        #expect(right.status == 0, "\(right.stderr)")
    }
}
