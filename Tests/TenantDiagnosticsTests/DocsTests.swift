import Foundation
import Testing
import TenantDiagnostics

/// docs/diagnostics.md is the public description of the formats and codes; these tests keep
/// it in step with the code, so a new code or a layout change cannot ship undocumented.
@Suite("docs/diagnostics.md")
struct DocsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// The first fenced block after `heading`.
    static func codeBlock(after heading: String, in doc: String) throws -> String {
        let section = try #require(doc.range(of: "\n" + heading + "\n"))
        let rest = doc[section.upperBound...]
        let open = try #require(rest.range(of: "```"))
        let bodyStart = try #require(rest[open.upperBound...].firstIndex(of: "\n"))
        let close = try #require(rest[bodyStart...].range(of: "\n```\n"))
        return String(rest[rest.index(after: bodyStart)..<close.lowerBound]) + "\n"
    }

    @Test func codeTableListsEveryCodeInOrder() throws {
        // (code, title) pairs as declared in the source, e.g. `DiagnosticCode("E0001", "…")`.
        var declared: [String] = []
        for line in try Self.read("Sources/TenantDiagnostics/DiagnosticCode.swift").split(separator: "\n") {
            guard let call = line.range(of: "DiagnosticCode(\"") else { continue }
            let arguments = line[call.upperBound...].split(separator: "\"", omittingEmptySubsequences: false)
            declared.append("| \(arguments[0]) | \(arguments[2]) |")
        }
        #expect(declared.count >= 51)

        let doc = try Self.read("docs/diagnostics.md")
        let begin = try #require(doc.range(of: "<!-- codes:begin -->\n"))
        let end = try #require(doc.range(of: "<!-- codes:end -->"))
        let rows = doc[begin.upperBound..<end.lowerBound].split(separator: "\n").dropFirst(2)
        // Compare code and meaning; the area column is for readers.
        let documented = rows.map { row -> String in
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            return "| \(cells[0]) | \(cells[1]) |"
        }
        #expect(documented == declared, "regenerate the table in docs/diagnostics.md:\n\(declared.joined(separator: "\n"))")
    }

    @Test func humanExampleMatchesTheRenderer() throws {
        let doc = try Self.read("docs/diagnostics.md")
        let example = AcmeExample()
        let rendered = renderHuman([example.diagnostic], sourceMap: example.fixture.map)
            + renderSummary(errors: 1, warnings: 0, color: false)
        #expect(try Self.codeBlock(after: "## Human format", in: doc) == rendered)
    }

    @Test func jsonAndGCCExamplesMatchTheRenderers() throws {
        let doc = try Self.read("docs/diagnostics.md")
        let example = AcmeExample()
        let warning = Diagnostic.warning(
            .warnFailed, "tenant `acme` has no backup window",
            at: example.fixture.span("tenant acme", in: example.acme), label: "declared here", help: ["set `backup.window`"]
        )
        let list = DiagnosticList([example.diagnostic, warning])
        let shown = list.finalized(sourceMap: example.fixture.map)
        #expect(try Self.codeBlock(after: "## JSON format", in: doc)
            == renderJSON(shown, sourceMap: example.fixture.map, counts: list.counts))

        let unreadable = Diagnostic.error(.unreadableFile, "cannot read `tenants/x.tenant`: permission denied", at: nil)
        #expect(try Self.codeBlock(after: "## gcc format", in: doc)
            == renderGCC(shown + [unreadable], sourceMap: example.fixture.map))
    }
}
