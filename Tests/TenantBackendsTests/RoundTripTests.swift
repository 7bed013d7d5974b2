import TenantTestSupport
import CYAML
import Foundation
import TenantBackends
import TenantModel
import Testing

/// Every YAML artifact is read back with libyaml's parser and resolved with the YAML 1.2 core
/// schema and the YAML 1.1 types; both must equal the JSON artifact read with Foundation and
/// the value model's own meaning.
@Suite struct RoundTripTests {
    static let records: [(String, Record)] = [
        ("every kind", everyKind),
        ("tricky strings", stringsRecord(trickyStrings)),
        ("tricky keys", Record(keys: trickyKeys, values: trickyKeys.map { .string($0) })),
        ("strings in a list", Record(["list": .list(trickyStrings.map(Value.string))])),
        ("strings in nested records", Record(["outer": .record(Record(["inner": .record(stringsRecord(trickyStrings))]))])),
        ("empty", Record()),
    ]

    @Test(arguments: records.indices, [UnitsMode.canonical, .base])
    func yamlReadsBackAsJSON(_ index: Int, _ units: UnitsMode) throws {
        let (label, record) = Self.records[index]
        let t = tenant(record)
        let yaml = try render(YAMLBackend(), t, units: units)
        let json = try render(JSONBackend(), t, units: units)
        let expected = expectedNode(.record(record), units: units)

        let docs = try readYAMLDocuments(yaml)
        try #require(docs.count == 1, "\(label)")
        #expect(orderedKeys(docs[0]) == record.keys, "\(label): key order")
        expectEqual(try parseJSON(json), expected, "\(label): JSON")
        for schema in [Schema.core12, .yaml11] {
            expectEqual(resolve(docs[0], schema), expected, "\(label): YAML read with \(schema)")
        }
    }

    /// A tenant per string, so a quoting mistake in one cannot hide behind another.
    @Test(arguments: trickyStrings + yamlOnlyStrings)
    func eachStringSurvives(_ s: String) throws {
        let record = Record(["v": .string(s), "l": .list([.string(s)])])
        let docs = try readYAMLDocuments(try render(YAMLBackend(), tenant(record)))
        for schema in [Schema.core12, .yaml11] {
            #expect(resolve(docs[0], schema) == .map(["v": .string(s), "l": .list([.string(s)])]), "\(schema)")
        }
    }

    /// Line breaks (and other non-ASCII) at every offset of a long string: the style scan reads
    /// eight bytes at a time and must notice them wherever they fall.
    @Test(arguments: ["\n", "\u{85}", "\u{2028}", "\u{2029}", "é", "\n\n"])
    func breaksAtEveryOffsetSurvive(_ inserted: String) throws {
        for offset in 0...24 {
            var s = String(repeating: "a", count: 24)
            s.insert(contentsOf: inserted, at: s.index(s.startIndex, offsetBy: offset))
            let docs = try readYAMLDocuments(try render(YAMLBackend(), tenant(Record(["v": .string(s)]))))
            for schema in [Schema.core12, .yaml11] {
                #expect(resolve(docs[0], schema) == .map(["v": .string(s)]), "offset \(offset), \(schema)")
            }
        }
    }

    @Test(arguments: trickyKeys + trickyStrings + yamlOnlyStrings)
    func eachKeySurvives(_ key: String) throws {
        let record = Record(["first": .int(1), key: .int(2)])
        guard record.keys[0] != record.keys[1] else { return }
        let docs = try readYAMLDocuments(try render(YAMLBackend(), tenant(record)))
        for schema in [Schema.core12, .yaml11] {
            #expect(resolve(docs[0], schema) == .map(["first": .int(1), key: .int(2)]), "\(schema)")
        }
    }
}

/// `#expect(a == b)`, reporting each differing field of a map rather than two huge trees.
func expectEqual(_ got: Node, _ expected: Node, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard got != expected else { return }
    if case .map(let g) = got, case .map(let e) = expected {
        for k in Set(g.keys).union(e.keys).sorted() where g[k] != e[k] {
            if let gv = g[k], let ev = e[k] {
                expectEqual(gv, ev, "\(label).\(k.debugDescription)", sourceLocation: sourceLocation)
            } else {
                Issue.record(
                    "\(label): key \(k.debugDescription) only in \(g[k] == nil ? "expected" : "result")", sourceLocation: sourceLocation)
            }
        }
    } else {
        Issue.record("\(label): expected \(expected), got \(got)", sourceLocation: sourceLocation)
    }
}
