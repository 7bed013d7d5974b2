import TenantTestSupport
import Foundation
import TenantBackends
import TenantModel
import Testing

/// `-o -`: tenants concatenated into one stream must stay separate documents.
@Suite struct StreamTests {
    static let tenants: [ResolvedTenant] = [
        tenant(Record(["id": .string("a"), "kept": .string("ends\n\n"), "n": .int(1)]), id: "a"),
        tenant(Record(), id: "empty"),
        tenant(stringsRecord(trickyStrings), id: "tricky"),
        tenant(Record(["last": .string("no trailing newline\nhere"), "sizes": .list([size(1 << 30, .binary)])]), id: "b"),
        tenant(everyKind, id: "every"),
    ]

    @Test(arguments: [UnitsMode.canonical, .base])
    func yamlStreamIsOneDocumentPerTenant(_ units: UnitsMode) throws {
        var out: [UInt8] = []
        for t in Self.tenants { try YAMLBackend().render(t, options: RenderOptions(units: units), layout: .stream, into: &out) }
        let docs = try readYAMLDocuments(out)
        try #require(docs.count == Self.tenants.count)
        for (doc, t) in zip(docs, Self.tenants) {
            expectEqual(resolve(doc, .core12), expectedNode(.record(t.config), units: units), t.id)
            expectEqual(resolve(doc, .yaml11), expectedNode(.record(t.config), units: units), t.id)
        }
    }

    @Test(arguments: [UnitsMode.canonical, .base])
    func jsonLinesIsOneObjectPerLine(_ units: UnitsMode) throws {
        var out: [UInt8] = []
        for t in Self.tenants { try JSONBackend().render(t, options: RenderOptions(units: units), layout: .stream, into: &out) }
        #expect(out.last == UInt8(ascii: "\n"))
        let lines = out.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast()
        try #require(lines.count == Self.tenants.count)
        for (line, t) in zip(lines, Self.tenants) {
            expectEqual(try parseJSON(line), expectedNode(.record(t.config), units: units), t.id)
        }
    }

    /// Each YAML document opens with `---` and never closes with `...`, whatever its last
    /// value: a keep-chomped `|+` block would make libyaml add one.
    @Test(arguments: trickyStrings + yamlOnlyStrings)
    func documentsStartAndEndTheSameWay(_ s: String) throws {
        for config in [Record(["k": .string(s)]), Record(["l": .list([.string(s)])]), Record([s: .string(s)])] {
            let yaml = text(try render(YAMLBackend(), tenant(config)))
            #expect(yaml.hasPrefix("---\n") || yaml.hasPrefix("--- "))
            #expect(yaml.hasSuffix("\n"))
            #expect(!yaml.hasSuffix("\n...\n"))
            #expect(!yaml.dropFirst(3).contains("\n---"), "one document start only")
        }
    }
}
