import Foundation
@testable import TenantLanguageServer
import TenantCompiler
import TenantDiagnostics
import TenantSecrets
import Testing

/// Buffers see each other: a tier edit re-checks the open tenants it affects and reports the
/// project's tenants on disk it breaks; closing a buffer falls back to the file.
@Suite struct WorkspaceTests {
    static func loweredCPU(_ text: String) -> String { text.replacingOccurrences(of: "cpu = 2cores", with: "cpu = 0.1cores") }

    @Test func anUnsavedTierEditRepublishesTheOpenTenantsItAffects() throws {
        let project = try ProjectCopy()
        defer { project.remove() }
        let client = TestClient()
        let tenant = project.path("examples/existing_tenant.tenant")
        let tier = project.path("tiers/standard.tenant")
        #expect(client.open(tenant)[client.uri(tenant)]?.isEmpty == true)
        let tierText = try String(contentsOfFile: tier, encoding: .utf8)
        client.open(tier)
        let edited = client.change(tier, text: Self.loweredCPU(tierText), version: 2)
        // The open tenant is published again, with the limit of the unsaved buffer.
        let tenantDiagnostics = try #require(edited[client.uri(tenant)])
        #expect(tenantDiagnostics.codes.contains("E0310"), "\(tenantDiagnostics)")
        #expect(tenantDiagnostics.contains { $0["message"]?.stringValue?.contains("(0.2cores)") == true })
        // Closing the tier buffer falls back to the file on disk: the tenant is clean again.
        let closed = client.close(tier)
        #expect(closed[client.uri(tenant)]?.isEmpty == true, "\(closed)")
        #expect(closed[client.uri(tier)]?.isEmpty == true)
    }

    @Test func aTierEditReportsTheProjectTenantsOnDiskItBreaks() throws {
        let project = try ProjectCopy()
        defer { project.remove() }
        let client = TestClient()
        let tier = project.path("tiers/standard.tenant")
        let onDisk = project.path("examples/existing_tenant.tenant")
        let tierText = try String(contentsOfFile: tier, encoding: .utf8)
        client.open(tier)
        let broken = client.change(tier, text: Self.loweredCPU(tierText), version: 2)
        let reported = try #require(broken[client.uri(onDisk)], "\(broken.keys.sorted())")
        #expect(reported.codes.contains("E0310"))
        #expect(reported.contains { $0["message"]?.stringValue?.contains("is checked because it extends tier `standard`") == true })
        // Put back: the tenant on disk is cleared.
        let fixed = client.change(tier, text: tierText, version: 3)
        #expect(fixed[client.uri(onDisk)]?.isEmpty == true, "\(fixed.keys.sorted())")
    }

    @Test func aTenantBufferIsCheckedAsTheEditorHoldsItNotAsSaved() throws {
        let project = try ProjectCopy()
        defer { project.remove() }
        let client = TestClient()
        let path = project.path("examples/startup_001.tenant")
        let unsaved = "tenant startup_001 extends free {\n  tenant_info.tenant_name = \"S\"\n  databses.postgresql.mode = \"shared\"\n}\n"
        let published = try #require(client.open(path, text: unsaved)[client.uri(path)])
        #expect(published.codes == ["E0301"] && published.lines == [2], "\(published)")
        let again = try #require(client.change(path, text: unsaved.replacingOccurrences(of: "databses", with: "databases"), version: 2)[client.uri(path)])
        #expect(again.isEmpty)
    }

    @Test func incrementalChangesAreAppliedInUTF16AndUTF8() throws {
        let project = try ProjectCopy()
        defer { project.remove() }
        for encoding in ["utf-16", "utf-8"] {
            let client = TestClient(encodings: encoding == "utf-8" ? ["utf-8"] : nil)
            let path = project.path("examples/startup_001.tenant")
            // Non-ASCII before the edit point: `é` is 2 bytes and 1 UTF-16 unit, `😀` 4 bytes and 2 units.
            let text = "tenant startup_001 extends free { tenant_info.tenant_name = \"é😀\"; tenant_info.regoin = \"x\" }\n"
            #expect(client.open(path, text: text)[client.uri(path)]?.codes == ["E0301"])
            let before = "tenant startup_001 extends free { tenant_info.tenant_name = \"é😀\"; tenant_info."
            let character = encoding == "utf-8" ? before.utf8.count : before.utf16.count
            let range = JSONValue.object([
                ("start", .object([("line", .int(0)), ("character", .int(character))])),
                ("end", .object([("line", .int(0)), ("character", .int(character + "regoin".count))])),
            ])
            let fixed = client.change(path, [.object([("range", range), ("text", .string("region"))])], version: 2)
            #expect(fixed[client.uri(path)]?.isEmpty == true, "\(encoding): \(fixed)")
            let document = try #require(client.server.documents[client.uri(path)])
            #expect(String(decoding: document.bytes, as: UTF8.self) == text.replacingOccurrences(of: "regoin", with: "region"))
        }
    }

    @Test func aPlaintextWhereASecretBelongsIsNeverSent() throws {
        let project = try ProjectCopy()
        defer { project.remove() }
        let client = TestClient()
        let path = project.path("examples/startup_001.tenant")
        let text = "tenant startup_001 extends free {\n  tenant_info.tenant_name = \"S\"\n  databases.postgresql.password = \"hunter2-plain\"\n}\n"
        let published = try #require(client.open(path, text: text)[client.uri(path)])
        #expect(!published.isEmpty)
        _ = client.request("textDocument/hover", client.at(path, line: 2, character: 24))
        _ = client.request("textDocument/codeAction", .object([
            ("textDocument", .object([("uri", .string(client.uri(path)))])),
            ("range", .object([("start", .object([("line", .int(0)), ("character", .int(0))])), ("end", .object([("line", .int(4)), ("character", .int(0))]))])),
            ("context", .object([("diagnostics", .array([]))])),
        ]))
        let everything = client.received.map(\.compactText).joined(separator: "\n")
        #expect(!everything.contains("hunter2"), "\(everything)")
    }

    @Test func aSessionNeverWritesAFile() throws {
        let project = try ProjectCopy()
        defer { project.remove() }
        let before = try project.snapshot()
        let client = TestClient()
        for relative in ["examples/invalid/typo_field.tenant", "examples/invalid/yaml_colon.tenant", "tiers/standard.tenant"] {
            let path = project.path(relative)
            client.open(path, text: (try String(contentsOfFile: path, encoding: .utf8)).replacingOccurrences(of: "  ", with: "    "))
            _ = client.request("textDocument/formatting", .object([("textDocument", .object([("uri", .string(client.uri(path)))])), ("options", .object([]))]))
            _ = client.request("textDocument/codeAction", .object([
                ("textDocument", .object([("uri", .string(client.uri(path)))])),
                ("range", .object([("start", .object([("line", .int(0)), ("character", .int(0))])), ("end", .object([("line", .int(99)), ("character", .int(0))]))])),
            ]))
            client.close(path)
        }
        #expect(try project.snapshot() == before)
    }
}

/// With a key configured, secrets are checked to decrypt, as `check --key-file` checks them;
/// without one, none is decrypted.
@Suite struct SecretKeyTests {
    @Test func secretsAreCheckedOnlyWithAKey() throws {
        let project = try ProjectCopy()
        defer { project.remove() }
        let key = try KeyFile.readContents(repoRoot + "/examples/demo.key").key
        let path = project.path("examples/corp_enterprise_001.tenant")
        // A ciphertext damaged in its last characters: it does not decrypt.
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "PNr\")", with: "PNq\")")
        let withKey = TestClient(secretKey: key)
        let withoutKey = TestClient()
        let checked = Compiler.run({
            var r = CompileRequest(inputs: [SourceInput(path: path, contents: Array(text.utf8))], jobs: 1, workingDirectory: project.root)
            r.secretKey = key
            return r
        }())
        let expected = checked.diagnostics.map(\.code.id)
        #expect(!expected.isEmpty)
        #expect(withKey.open(path, text: text)[withKey.uri(path)]?.codes == expected)
        #expect(withoutKey.open(path, text: text)[withoutKey.uri(path)]?.isEmpty == true)
    }
}
