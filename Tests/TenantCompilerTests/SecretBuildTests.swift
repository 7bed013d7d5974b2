import Foundation
import TenantBackends
@testable import TenantCompiler
import TenantDiagnostics
import TenantModel
import TenantSecrets
import Testing

/// Secrets through the driver: `--sensitive redact|encrypted|plain`, a key that does not fit,
/// a ciphertext altered, key rotation — and the plaintext never anywhere but in plain
/// artifacts.
@Suite struct SecretBuildTests {
    /// What every secret of these tests decrypts to: it must never show up where it should not.
    static let marker = "LEAKED-7f3a9c-MARKER"

    /// A project with a tier declaring secrets and tenants setting them, all under `key`.
    struct Project {
        let root: URL
        let key: SecretKey

        init(key: SecretKey = .generate(), extraTenants: [String: String] = [:]) throws {
            self.key = key
            root = try temporaryDirectory()
            try FileManager.default.createDirectory(at: root.appendingPathComponent("tiers"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: root.appendingPathComponent("tenants"), withIntermediateDirectories: true)
            func lit(_ s: String) -> String { "secret(\"\(SecretBox.seal(Array(s.utf8), with: key).text)\")" }
            try """
                tier base {
                  tenant_info { environment: "production" | "staging" = "production" }
                  database {
                    user = "app"
                    /// Set by each tenant; the tier's own is for the self-check.
                    password: secret = \(lit(SecretBuildTests.marker + "-tier"))
                  }
                  api_keys: [secret] = []
                }

                """.write(to: root.appendingPathComponent("tiers/base.tenant"), atomically: true, encoding: .utf8)
            try """
                tenant acme extends base {
                  // the database password
                  database.password = \(lit(SecretBuildTests.marker + "-acme"))
                  api_keys = [\(lit(SecretBuildTests.marker + "-k1")), \(lit(SecretBuildTests.marker + "-k2"))]
                }

                """.write(to: root.appendingPathComponent("tenants/acme.tenant"), atomically: true, encoding: .utf8)
            try "tenant plainco extends base {}\n".write(to: root.appendingPathComponent("tenants/plainco.tenant"), atomically: true, encoding: .utf8)
            for (name, text) in extraTenants {
                try text.write(to: root.appendingPathComponent("tenants/\(name).tenant"), atomically: true, encoding: .utf8)
            }
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
        func path(_ p: String) -> String { root.appendingPathComponent(p).path }

        func build(_ mode: SensitiveMode, key: SecretKey?, output: String = "out", backends: [any Backend] = [YAMLBackend(), JSONBackend()],
                   tenants: [String]? = nil) -> CompileOutcome {
            var request = CompileRequest(inputs: (tenants ?? ["tenants"]).map { SourceInput(path: $0) },
                                         emit: EmitPlan(backends: backends, output: .directory(output), render: RenderOptions(sensitive: mode)),
                                         workingDirectory: root.path)
            request.secretKey = key
            return Compiler.run(request)
        }

        func check(key: SecretKey?) -> CompileOutcome {
            var request = CompileRequest(inputs: [SourceInput(path: "tenants")], workingDirectory: root.path)
            request.secretKey = key
            return Compiler.run(request)
        }

        func artifact(_ name: String, in dir: String = "out") throws -> String {
            try String(contentsOfFile: path("\(dir)/\(name)"), encoding: .utf8)
        }
    }

    @Test func redactedByDefault() throws {
        let p = try Project()
        defer { p.remove() }
        let outcome = p.build(.redact, key: nil)
        #expect(outcome.exitCode == 0, "\(humanText(outcome))")
        let yaml = try p.artifact("acme.yaml")
        #expect(yaml.contains("password: <redacted>"))
        #expect(!yaml.contains("tenantc:v1"))
        #expect(try p.artifact("acme.json").contains("\"password\": \"<redacted>\""))
    }

    @Test func encryptedArtifactsCarryTheTokens() throws {
        let p = try Project()
        defer { p.remove() }
        let outcome = p.build(.encrypted, key: nil)
        #expect(outcome.exitCode == 0, "\(humanText(outcome))")
        let yaml = try p.artifact("acme.yaml")
        let line = try #require(yaml.split(separator: "\n").first { $0.contains("password:") })
        let token = try #require(SecretToken(String(line.split(separator: " ").last ?? "")))
        #expect(try SecretBox.openText(token, with: p.key) == Self.marker + "-acme")
    }

    @Test func plainArtifactsCarryThePlaintexts() throws {
        let p = try Project()
        defer { p.remove() }
        let outcome = p.build(.plain, key: p.key)
        #expect(outcome.exitCode == 0, "\(humanText(outcome))")
        let yaml = try p.artifact("acme.yaml")
        #expect(yaml.contains("password: \(Self.marker)-acme"))
        #expect(yaml.contains("- \(Self.marker)-k1") && yaml.contains("- \(Self.marker)-k2"))
        #expect(try p.artifact("plainco.yaml").contains("password: \(Self.marker)-tier"))
        #expect(try p.artifact("acme.json").contains("\"\(Self.marker)-k2\""))
    }

    /// Plain artifacts are readable by their owner only; the others keep the mode files get.
    @Test func plainArtifactsAreOwnerOnly() throws {
        let p = try Project()
        defer { p.remove() }
        func mode(_ path: String) throws -> Int { try #require(FileManager.default.attributesOfItem(atPath: p.path(path))[.posixPermissions] as? Int) }
        #expect(p.build(.redact, key: nil, output: "public").exitCode == 0)
        // What a file created 0644 gets under this process's umask.
        let fd = open(p.path("reference"), O_WRONLY | O_CREAT | O_EXCL, 0o644)
        close(fd)
        for name in ["acme.yaml", "acme.json", "plainco.yaml"] { #expect(try mode("public/" + name) == mode("reference")) }
        #expect(p.build(.plain, key: p.key).exitCode == 0)
        for name in ["acme.yaml", "acme.json", "plainco.yaml"] { #expect(try mode("out/" + name) == 0o600, "\(name)") }
        // A plain artifact others could read is rewritten private, even when its bytes are the same.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: p.path("out/acme.yaml"))
        let again = p.build(.plain, key: p.key)
        #expect(again.written == 1 && again.unchanged == 3)
        #expect(try mode("out/acme.yaml") == 0o600)
    }

    @Test func plainNeedsTheKey() throws {
        let p = try Project()
        defer { p.remove() }
        let outcome = p.build(.plain, key: nil)
        #expect(outcome.exitCode == 2)
        #expect(outcome.diagnostics.contains { $0.code == .keyFile })
        #expect(!FileManager.default.fileExists(atPath: p.path("out")))
    }

    /// A key that is not the one the secrets were sealed with: an error naming the field and
    /// the file that set it; nothing is written.
    @Test func anotherKeyIsAnErrorNamingTheFieldAndTheFile() throws {
        let p = try Project()
        defer { p.remove() }
        let other = SecretKey.generate()
        let outcome = p.build(.plain, key: other)
        #expect(outcome.exitCode == 1)
        #expect(!FileManager.default.fileExists(atPath: p.path("out")))
        let d = try #require(outcome.diagnostics.first { $0.code == .undecryptableSecret && $0.message.contains("`database.password`") })
        #expect(d.message.contains("tenant `acme`"))
        #expect(d.message.contains(p.key.id) && d.message.contains(other.id))
        let location = try #require(d.span.flatMap { outcome.sources.position($0) })
        #expect(location.file.path == "tenants/acme.tenant")
        #expect(location.start.line == 3)
        #expect(outcome.diagnostics.contains { $0.code == .undecryptableSecret && $0.message.contains("`api_keys[1]`") })
        // The inherited secret is reported at the tier's line.
        let inherited = try #require(outcome.diagnostics.first { $0.message.contains("tenant `plainco`") })
        #expect(inherited.span.flatMap { outcome.sources.position($0)?.file.path } == "tiers/base.tenant")
    }

    @Test func anAlteredCiphertextIsAnError() throws {
        let key = SecretKey.generate()
        var sealed = SecretBox.seal(Array((Self.marker + "-x").utf8), with: key).sealed
        sealed[20] ^= 0x40
        let altered = SecretToken(keyID: key.id, sealed: sealed).text
        let p = try Project(key: key, extraTenants: ["broken": "tenant broken extends base {\n  database.password = secret(\"\(altered)\")\n}\n"])
        defer { p.remove() }
        let outcome = p.build(.plain, key: key)
        #expect(outcome.exitCode == 1)
        let d = try #require(outcome.diagnostics.first { $0.code == .undecryptableSecret })
        #expect(d.message.contains("tenant `broken`") && d.message.contains("altered"))
        #expect(outcome.diagnostics.filter { $0.code == .undecryptableSecret }.count == 1)
    }

    @Test func checkWithAKeyVerifiesEverySecret() throws {
        let p = try Project()
        defer { p.remove() }
        #expect(p.check(key: p.key).exitCode == 0)
        #expect(p.check(key: nil).exitCode == 0)
        let wrong = p.check(key: SecretKey.generate())
        #expect(wrong.exitCode == 1)
        #expect(wrong.diagnostics.contains { $0.code == .undecryptableSecret })
    }

    /// The marker is in plain artifacts and nowhere else: not in redacted or encrypted
    /// artifacts, not in any diagnostic of any format — with errors of every kind around.
    @Test func nothingLeaks() throws {
        let plaintextTenant = "tenant leaky extends base {\n  database.password = \"\(Self.marker)-source\"\n}\n"
        let p = try Project(extraTenants: ["leaky": plaintextTenant])
        defer { p.remove() }
        var outcomes: [CompileOutcome] = []
        for (k, mode) in SensitiveMode.allCases.enumerated() {
            let outcome = p.build(mode, key: mode == .plain ? p.key : nil, output: "out-\(mode)", tenants: ["tenants/acme.tenant", "tenants/plainco.tenant"])
            #expect(outcome.exitCode == 0, "\(humanText(outcome))")
            outcomes.append(outcome)
            for name in try FileManager.default.contentsOfDirectory(atPath: p.path("out-\(mode)")) {
                let text = try p.artifact(name, in: "out-\(mode)")
                // The manifest lists paths, ids, sizes and fingerprints: never a value.
                let isArtifact = name != ".tenantc-manifest"
                #expect(text.contains(Self.marker) == (mode == .plain && isArtifact), "\(mode) \(name)")
            }
            _ = k
        }
        // Failing builds: a plaintext in source (its own, different marker suffix is the only
        // thing that may show, and only as the user's own source — which we do not show
        // either), a wrong key, an altered ciphertext.
        outcomes.append(p.build(.plain, key: SecretKey.generate(), output: "out-wrong"))
        outcomes.append(p.build(.redact, key: nil, output: "out-leaky"))
        outcomes.append(p.check(key: SecretKey.generate()))
        for outcome in outcomes {
            for format in DiagnosticFormat.allCases {
                let text = render(outcome.diagnostics, as: format, sourceMap: outcome.sources, counts: outcome.counts, toolVersion: "test")
                #expect(!text.contains(Self.marker), "\(format): \(text)")
            }
        }
        #expect(outcomes[4].diagnostics.contains { $0.code == .plaintextSecret })
        #expect(outcomes[3].diagnostics.contains { $0.code == .undecryptableSecret })
    }

    @Test func rekeyRewritesOnlyTheLiterals() throws {
        let p = try Project()
        defer { p.remove() }
        let new = SecretKey.generate()
        let before = try p.artifact("acme.tenant", in: "tenants")
        let outcome = SecretRekey.run(["tenants", "tiers"], old: p.key, new: new, workingDirectory: p.root.path)
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        #expect(outcome.rekeyed == 4 && outcome.filesChanged == 2 && outcome.alreadyNew == 0)
        let after = try p.artifact("acme.tenant", in: "tenants")
        // Same text around the literals: comments and layout kept.
        let strip = { (s: String) in s.replacing(/tenantc:v1:[0-9a-f]{8}:[A-Za-z0-9+\/=]+/, with: "T") }
        #expect(strip(before) == strip(after))
        #expect(after.contains("// the database password"))
        #expect(!after.contains(p.key.id) && after.contains(new.id))
        // The new key opens everything; the old one nothing.
        let built = p.build(.plain, key: new)
        #expect(built.exitCode == 0, "\(humanText(built))")
        #expect(try p.artifact("acme.yaml").contains("password: \(Self.marker)-acme"))
        #expect(p.check(key: p.key).exitCode == 1)
        // A second run has nothing to do.
        let again = SecretRekey.run(["tenants", "tiers"], old: p.key, new: new, workingDirectory: p.root.path)
        #expect(again.rekeyed == 0 && again.alreadyNew == 4 && again.filesChanged == 0 && again.errors.isEmpty)
    }

    @Test func rekeyLeavesAFileWithAForeignSecretAlone() throws {
        let stranger = SecretKey.generate()
        let foreign = SecretBox.seal(Array("x".utf8), with: stranger).text
        let p = try Project(extraTenants: ["mixed": "tenant mixed extends base {\n  database.password = secret(\"\(foreign)\")\n}\n"])
        defer { p.remove() }
        let before = try p.artifact("mixed.tenant", in: "tenants")
        let outcome = SecretRekey.run(["tenants"], old: p.key, new: SecretKey.generate(), workingDirectory: p.root.path)
        #expect(outcome.errors.count == 1)
        #expect(outcome.errors.first?.contains("tenants/mixed.tenant:2") == true)
        #expect(outcome.errors.first?.contains(stranger.id) == true)
        #expect(try p.artifact("mixed.tenant", in: "tenants") == before)
        #expect(outcome.filesChanged == 1)  // acme.tenant
    }
}
