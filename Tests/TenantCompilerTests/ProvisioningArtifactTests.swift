import Foundation
import TenantCompiler
import Testing

/// The provisioning artifacts as files (docs/provisioning.md): what they hold, what they never
/// hold, and what they refuse. `ProvisioningServerTests` applies them to real servers.
@Suite struct ProvisioningArtifactTests {
    static let key = repoRoot + "/examples/demo.key"

    /// Every plaintext sealed in the examples, opened with their key.
    static func examplePlaintexts() throws -> [String] {
        var plaintexts: [String] = []
        for file in exampleFiles() {
            let text = try String(contentsOfFile: repoRoot + "/examples/" + file, encoding: .utf8)
            for match in text.matches(of: /secret\("[^"]+"\)/) {
                let run = try TenantcCLI.run(["decrypt", "--key-file", key], stdin: String(match.output), in: URL(fileURLWithPath: repoRoot))
                #expect(run.status == 0, "\(run.stderr)")
                plaintexts.append(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
        return plaintexts
    }

    static func build(_ arguments: [String], in dir: URL) throws -> (TenantcCLI.Run, [String: String]) {
        let out = dir.appendingPathComponent("out-\(UUID().uuidString)")
        let run = try TenantcCLI.run(["build"] + arguments + ["-o", out.path], in: URL(fileURLWithPath: repoRoot))
        var files: [String: String] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? [] where !name.hasPrefix(".") {
            files[name] = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
        }
        return (run, files)
    }

    @Test func noPasswordIsEverWrittenInClear() throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plaintexts = try Self.examplePlaintexts()
        #expect(plaintexts.count >= 4 && plaintexts.allSatisfy { $0.count >= 8 })
        let inputs = exampleFiles().map { "examples/" + $0 }
        for mode in ["redact", "encrypted", "plain"] {
            let (run, files) = try Self.build(inputs + ["--emit", "postgres,redis", "--key-file", Self.key, "--sensitive", mode], in: dir)
            #expect(run.status == 0, "\(mode): \(run.stderr)")
            #expect(files.count == 3 * inputs.count)
            for (name, text) in files {
                for plaintext in plaintexts { #expect(!text.contains(plaintext), "\(mode): \(name) holds a plaintext") }
            }
            // The examples' PostgreSQL passwords are there, as verifiers.
            #expect(files["corp_enterprise_001.sql"]?.contains("PASSWORD 'SCRAM-SHA-256$4096:") == true)
            #expect(files["global_corp_001.sql"]?.contains("PASSWORD 'SCRAM-SHA-256$4096:") == true)
        }
    }

    @Test func withoutAKeyTheAccountsHaveNoPasswordAndAWarningSaysSo() throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (run, files) = try Self.build(["examples/corp_enterprise_001.tenant", "--emit", "postgres"], in: dir)
        #expect(run.status == 0)
        #expect(run.stderr.contains("warning[W0510]: `databases.postgresql.password` of tenant `corp_enterprise_001` is a secret and no key was given"), "\(run.stderr)")
        let sql = try #require(files["corp_enterprise_001.sql"])
        #expect(!sql.contains("SCRAM") && sql.contains("PASSWORD NULL") && sql.contains("no key was given: the accounts have no password"))
    }

    @Test func buildsAreByteIdentical() throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inputs = exampleFiles().map { "examples/" + $0 } + ["--emit", "postgres,redis", "--key-file", Self.key]
        let (_, first) = try Self.build(inputs, in: dir)
        let (_, second) = try Self.build(inputs, in: dir)
        #expect(!first.isEmpty && first == second)
    }

    /// A project with the shipped tiers and one tenant written by the test.
    static func project(_ tenant: String) throws -> URL {
        let dir = try TenantcCLI.scratch()
        try FileManager.default.copyItem(atPath: repoRoot + "/tiers", toPath: dir.appendingPathComponent("tiers").path)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("tenants"), withIntermediateDirectories: true)
        try tenant.write(to: dir.appendingPathComponent("tenants/acme.tenant"), atomically: true, encoding: .utf8)
        return dir
    }

    static let quotedNames = """
        tenant acme extends free {
          tenant_info.tenant_name = "Acme"
          databases.postgresql.schemas.tenant_data = "acme_we\\"ird 'schema"
          access_control.service_accounts = [{ username = "acme_App-1", roles = ["tenant_app"] }]
        }

        """

    @Test func namesThatNeedQuotingAreQuoted() throws {
        let dir = try Self.project(Self.quotedNames)
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try TenantcCLI.run(["build", "tenants", "--emit", "postgres,redis", "-o", "out"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let sql = try String(contentsOf: dir.appendingPathComponent("out/acme.sql"), encoding: .utf8)
        #expect(sql.contains(#"CREATE SCHEMA IF NOT EXISTS "acme_we""ird 'schema";"#))
        #expect(sql.contains(#"ALTER ROLE "acme_App-1" WITH LOGIN"#))
        #expect(sql.contains(#"'acme_App-1']::text[]"#))
        let hba = try String(contentsOf: dir.appendingPathComponent("out/acme.pg_hba.conf"), encoding: .utf8)
        #expect(hba.contains("host\tall\t\"acme_admin\",\"acme_App-1\"\t10.0.0.0/8\tscram-sha-256\n"), "\(hba)")
    }

    @Test func aNameThatIsNotTheTenantsOwnIsRefused() throws {
        let dir = try Self.project("""
            tenant acme extends free {
              tenant_info.tenant_name = "Acme"
              access_control.service_accounts = [{ username = "app", roles = ["tenant_app"] }]
            }

            """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try TenantcCLI.run(["build", "tenants", "--emit", "postgres", "-o", "out"], in: dir)
        #expect(run.status == 1)
        #expect(run.stderr.contains("error[E0504]: backend `postgres` failed for tenant `acme`: `app` does not start with `acme_`"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/acme.sql").path))
    }

    @Test func planPrintsTheSQLThatMovesTheProvisioning() throws {
        let dir = URL(fileURLWithPath: repoRoot)
        let run = try TenantcCLI.run(["plan", "examples/demo_free_001.tenant", "--to", "standard", "--emit", "postgres"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("-- Moving the PostgreSQL provisioning of tenant demo_free_001 from tier free to tier standard"))
        #expect(run.stdout.contains("--   new role demo_free_001_readonly\n--   connection limit 2 → 50\n"))
        #expect(run.stdout.contains("EXECUTE 'DROP SCHEMA \"demo_free_001_data\" RESTRICT';"))
        let wrong = try TenantcCLI.run(["plan", "examples/demo_free_001.tenant", "--to", "standard", "--emit", "yaml"], in: dir)
        #expect(wrong.status == 2 && wrong.stderr.contains("for `postgres` only"))
    }
}
