import Foundation
import Testing
import TenantImport

/// docs/import.md shows a template and the tier the import writes from it: the two stay in step.
@Suite("docs/import.md")
struct TierTemplateDocsTests {
    static let doc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/import.md")

    /// The fenced blocks after `heading`, in order.
    static func codeBlocks(after heading: String, in text: String) throws -> [String] {
        let section = try #require(text.range(of: "\n" + heading + "\n"))
        var rest = text[section.upperBound...]
        var blocks: [String] = []
        while let open = rest.range(of: "\n```"), let bodyStart = rest[open.upperBound...].firstIndex(of: "\n"),
              let close = rest[bodyStart...].range(of: "\n```\n") {
            blocks.append(String(rest[rest.index(after: bodyStart)..<close.lowerBound]) + "\n")
            rest = rest[close.upperBound...]
        }
        return blocks
    }

    @Test func theExampleIsWhatTheImportWrites() throws {
        let blocks = try Self.codeBlocks(after: "## Tier templates (`--as-tier`)", in: String(contentsOf: Self.doc, encoding: .utf8))
        try #require(blocks.count >= 3)
        let result = try convert(blocks[1], name: "free")
        #expect(String(decoding: result.source, as: UTF8.self) == blocks[2])
        #expect(result.notes.map(\.message) == [
            "`${TENANT_NAME}` is the required field `tenant_info.tenant_name` (`string`): each tenant sets it",
            "`${POSTGRESQL_CPU_CORES}` is the required field `databases.postgresql.resources.cpu_cores` (`cpu`): each tenant sets it",
            "`${POSTGRESQL_MEMORY_GB}` is the required field `databases.postgresql.resources.memory_gb` (`float`): each tenant sets it",
            "`${OFFICE_CIDR}` is the required field `_placeholders.OFFICE_CIDR` (`cidr`): each tenant sets it",
        ])
    }
}
