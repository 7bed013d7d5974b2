import Foundation
@testable import TenantLanguageServer
import TenantDiagnostics
import TenantFormat
import Testing

/// Hover, definition, completion, symbols, code actions and formatting, on the shipped tiers
/// and examples.
@Suite struct FeatureTests {
    static func hoverText(_ answer: JSONValue) -> String { answer["result"]?["contents"]?["value"]?.stringValue ?? "" }

    static func target(_ answer: JSONValue) -> String {
        let uri = answer["result"]?["uri"]?.stringValue ?? ""
        return "\(uri.split(separator: "/").suffix(2).joined(separator: "/")):\(answer["result"]?["range"]?["start"]?["line"]?.intValue ?? -1)"
    }

    @Test func hoverShowsTypeDocValueAndTheLineThatSetIt() throws {
        let project = try ProjectCopy()
        defer { project.remove() }
        let client = TestClient()
        let path = project.path("examples/custom_tenant_001.tenant")
        client.open(path)
        let text = Self.hoverText(client.request("textDocument/hover", client.at(path, line: 5, character: 6)))
        #expect(text.hasPrefix("**`databases.postgresql.performance.max_connections`**: `int"), "\(text)")
        #expect(text.contains("Value in `production`: `200`"), "\(text)")
        #expect(text.contains("Set at examples/custom_tenant_001.tenant:6 (tenant `custom_tenant_001`)"), "\(text)")
        // A value the tiers compute: the formula, and the tier line that set it.
        let tenant = project.path("examples/startup_001.tenant")
        client.open(tenant, text: "tenant startup_001 extends free { tenant_info.tenant_name = \"é😀\"; databases.postgresql.resources.cpu_share = 50% }\n")
        let prefix = "tenant startup_001 extends free { tenant_info.tenant_name = \"é😀\"; databases.postgresql.resources."
        let share = Self.hoverText(client.request("textDocument/hover", client.at(tenant, line: 0, character: prefix.utf16.count + 2)))
        #expect(share.contains("`databases.postgresql.resources.cpu_share`") && share.contains("Value in `production`: `50%`"), "\(share)")
        #expect(share.contains("Set at examples/startup_001.tenant:1 (tenant `startup_001`)"), "\(share)")
        // On `extends premium`: the tier.
        let tier = Self.hoverText(client.request("textDocument/hover", client.at(path, line: 1, character: 38)))
        #expect(tier.hasPrefix("**tier `premium`** extends `standard`") && tier.contains("Declared at tiers/premium.tenant:4"), "\(tier)")
    }

    @Test func hoverInATierShowsTheDeclaration() throws {
        let project = try ProjectCopy()
        defer { project.remove() }
        let client = TestClient()
        let tier = project.path("tiers/free.tenant")
        client.open(tier)
        // `cpu = limits.cpu * databases.postgresql.resources.cpu_share`, on `limits.cpu`.
        let text = Self.hoverText(client.request("textDocument/hover", client.at(tier, line: 56, character: 22)))
        #expect(text.hasPrefix("**`limits.cpu`**: `cpu`") && text.contains("locked") && text.contains("Declared at tiers/free.tenant:22"), "\(text)")
    }

    @Test func definitionGoesToTheDeclarationAndToTiers() throws {
        let project = try ProjectCopy()
        defer { project.remove() }
        let client = TestClient()
        let path = project.path("examples/custom_tenant_001.tenant")
        client.open(path)
        #expect(Self.target(client.request("textDocument/definition", client.at(path, line: 4, character: 25))) == "tiers/free.tenant:66")
        #expect(Self.target(client.request("textDocument/definition", client.at(path, line: 1, character: 38))) == "tiers/premium.tenant:3")
        let tier = project.path("tiers/free.tenant")
        client.open(tier)
        // A reference in a formula: `databases.postgresql.resources.cpu_share` → its declaration.
        #expect(Self.target(client.request("textDocument/definition", client.at(tier, line: 56, character: 60))) == "tiers/free.tenant:53")
        // A tier's name anywhere, here in the header of `standard`.
        let standard = project.path("tiers/standard.tenant")
        client.open(standard)
        #expect(Self.target(client.request("textDocument/definition", client.at(standard, line: 3, character: 24))) == "tiers/free.tenant:6")
    }

    static func labels(_ answer: JSONValue) -> [String] { (answer["result"]?.arrayValue ?? []).compactMap { $0["label"]?.stringValue } }

    @Test func completionOffersWhatMayBeWrittenAtTheCursor() throws {
        let project = try ProjectCopy()
        defer { project.remove() }
        let client = TestClient()
        let path = project.path("examples/startup_001.tenant")
        let text = """
            tenant startup_001 extends free {
              databases.postgresql.
              databases.postgresql.mode = 
              env 
            }
            tenant other extends 
            """
        client.open(path, text: text)
        let fields = client.request("textDocument/completion", client.at(path, line: 1, character: 23))
        #expect(Self.labels(fields).contains("mode") && Self.labels(fields).contains("performance"), "\(fields)")
        let mode = (fields["result"]?.arrayValue ?? []).first { $0["label"]?.stringValue == "mode" }
        #expect(mode?["detail"]?.stringValue == #""shared" | "dedicated" | "cluster""#)
        let root = Self.labels(client.request("textDocument/completion", client.at(path, line: 1, character: 2)))
        #expect(root.contains("databases") && root.contains("tenant_info") && !root.contains("limits"), "\(root)")
        #expect(Self.labels(client.request("textDocument/completion", client.at(path, line: 2, character: 30))) == [#""shared""#, #""dedicated""#, #""cluster""#])
        #expect(Self.labels(client.request("textDocument/completion", client.at(path, line: 3, character: 6))) == ["development", "production", "staging"])
        #expect(Self.labels(client.request("textDocument/completion", client.at(path, line: 5, character: 21))).sorted() == ["enterprise", "free", "premium", "standard"])
        // In a tier, the locked fields may be set.
        let tier = project.path("tiers/standard.tenant")
        client.open(tier, text: "tier standard extends free {\n  \n}\n")
        #expect(Self.labels(client.request("textDocument/completion", client.at(tier, line: 1, character: 2))).contains("limits"))
    }

    @Test func documentAndWorkspaceSymbols() throws {
        let project = try ProjectCopy()
        defer { project.remove() }
        let client = TestClient()
        let tier = project.path("tiers/free.tenant")
        client.open(tier)
        let symbols = client.request("textDocument/documentSymbol", .object([("textDocument", .object([("uri", .string(client.uri(tier)))]))]))
        let top = try #require(symbols["result"]?.arrayValue?.first)
        #expect(top["name"]?.stringValue == "free" && top["kind"]?.intValue == 5)
        let children = (top["children"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        #expect(children.contains("tenant_info") && children.contains("limits") && children.contains("env staging"), "\(children)")
        let all = client.request("workspace/symbol", .object([("query", .string(""))]))["result"]?.arrayValue ?? []
        let names = Set(all.compactMap { $0["name"]?.stringValue })
        #expect(names.isSuperset(of: ["free", "standard", "premium", "enterprise", "custom_tenant_001", "startup_001"]), "\(names)")
        let some = client.request("workspace/symbol", .object([("query", .string("STAND"))]))["result"]?.arrayValue ?? []
        #expect(some.compactMap { $0["name"]?.stringValue } == ["standard"])
        // Before any buffer is open, the workspace folder's project.
        let fresh = TestClient(initialize: false)
        _ = fresh.request("initialize", .object([("capabilities", .object([])), ("rootUri", .string(fresh.uri(project.root)))]))
        let tiers = fresh.request("workspace/symbol", .object([("query", .string("prem"))]))["result"]?.arrayValue ?? []
        #expect(tiers.compactMap { $0["name"]?.stringValue } == ["premium"])
    }

    @Test func quickFixesApplyTheDiagnosticsFixIts() throws {
        let project = try ProjectCopy()
        defer { project.remove() }
        let client = TestClient()
        for relative in ["examples/invalid/typo_field.tenant", "examples/invalid/yaml_colon.tenant"] {
            let path = project.path(relative)
            var text = try String(contentsOfFile: path, encoding: .utf8)
            let published = try #require(client.open(path)[client.uri(path)])
            #expect(!published.isEmpty)
            let whole = JSONValue.object([("start", .object([("line", .int(0)), ("character", .int(0))])),
                                          ("end", .object([("line", .int(100)), ("character", .int(0))]))])
            let actions = client.request("textDocument/codeAction", .object([
                ("textDocument", .object([("uri", .string(client.uri(path)))])), ("range", whole),
                ("context", .object([("diagnostics", .array(published))])),
            ]))["result"]?.arrayValue ?? []
            #expect(!actions.isEmpty && actions.allSatisfy { $0["kind"]?.stringValue == "quickfix" }, "\(relative)")
            // Every edit applied, back to front: the file checks clean.
            var edits: [(LSPRange, String)] = []
            for action in actions {
                for edit in action["edit"]?["changes"]?[client.uri(path)]?.arrayValue ?? [] {
                    edits.append((try #require(LSPRange(edit["range"])), edit["newText"]?.stringValue ?? ""))
                }
            }
            let lines = LineMap(Array(text.utf8), encoding: .utf16)
            var bytes = Array(text.utf8)
            for (range, newText) in edits.sorted(by: { lines.offset(of: $0.0.start) > lines.offset(of: $1.0.start) }) {
                bytes.replaceSubrange(lines.offset(of: range.start)..<lines.offset(of: range.end), with: Array(newText.utf8))
            }
            text = String(decoding: bytes, as: UTF8.self)
            #expect(client.change(path, text: text, version: 2)[client.uri(path)]?.isEmpty == true, "\(relative):\n\(text)")
        }
    }

    @Test func formattingGivesWhatFmtWrites() throws {
        let project = try ProjectCopy()
        defer { project.remove() }
        let client = TestClient()
        let path = project.path("examples/startup_001.tenant")
        let messy = "tenant startup_001 extends free {\ntenant_info{ tenant_name=\"S\";region = \"eu\" }\n}"
        client.open(path, text: messy)
        let params = JSONValue.object([("textDocument", .object([("uri", .string(client.uri(path)))])), ("options", .object([]))])
        let edits = client.request("textDocument/formatting", params)["result"]?.arrayValue ?? []
        guard case .formatted(let canonical) = Formatter.format(SourceFile(id: FileID(raw: 0), path: path, bytes: Array(messy.utf8))) else {
            Issue.record("the formatter refused the buffer")
            return
        }
        #expect(edits.count == 1 && edits[0]["newText"]?.stringValue == String(decoding: canonical, as: UTF8.self))
        #expect(edits.first?["range"]?["end"]?["line"]?.intValue == 2)
        client.change(path, text: String(decoding: canonical, as: UTF8.self), version: 2)
        #expect(client.request("textDocument/formatting", params)["result"]?.arrayValue?.isEmpty == true)
        client.change(path, text: "tenant x extends {", version: 3)
        #expect(client.request("textDocument/formatting", params)["error"]?["code"]?.intValue == -32803)
    }
}
