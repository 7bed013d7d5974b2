import TenantBackends
import TenantModel
import Testing

/// A config handed to the backends as a tree (walked, not built) must give the same bytes as
/// the same config built as a record: a build that only writes artifacts walks them.
@Suite struct ConfigTreeTests {
    /// A tree over a built record: what the evaluator's tree yields for the same config.
    final class RecordTree: ConfigTree, @unchecked Sendable {
        let config: Record
        /// Hand the first level's records over whole (as the evaluator does with a tier's
        /// shared subtrees) instead of walking them.
        let wholeRecords: Bool
        let id = "acme"
        let tier = "standard"
        let environment = "production"

        init(_ config: Record, wholeRecords: Bool) {
            self.config = config
            self.wholeRecords = wholeRecords
        }

        func walk(_ visitor: any ConfigVisitor) throws {
            guard wholeRecords else { return try config.walk(visitor) }
            try visitor.beginRecord()
            for (k, v) in zip(config.keys, config.values) {
                if case .record(let r) = v {
                    try visitor.recordKey(k)
                    try visitor.record(r)
                } else {
                    try visitor.field(k, v)
                }
            }
            try visitor.endRecord()
        }

        func resolved() throws -> ResolvedTenant {
            ResolvedTenant(id: id, tier: tier, environment: environment, config: config)
        }
    }

    static let configs: [Record] = [
        GoldenTests.config,
        Record(),
        Record(["empty": .record(Record()), "deep": .record(Record(["a": .record(Record(["b": .record(Record())]))]))]),
        Record(["list": .list([.record(Record()), .list([]), .record(Record(["k": .string("yes")]))]), "n": .int(1)]),
        Record(keys: trickyStrings.indices.map { "k\($0)" } + ["nested"],
               values: trickyStrings.map { .string($0) } + [.record(Record(["x": .string("on")]))]),
        Record(keys: trickyStrings.filter { !$0.isEmpty }, values: trickyStrings.filter { !$0.isEmpty }.map { .string($0) }),
    ]

    @Test(arguments: [false, true], [RenderOptions(), RenderOptions(units: .base, sensitive: .encrypted)])
    func yamlOfATreeIsYAMLOfItsRecord(wholeRecords: Bool, options: RenderOptions) throws {
        for config in Self.configs {
            let tree = RecordTree(config, wholeRecords: wholeRecords)
            var built: [UInt8] = []
            try YAMLBackend().render(tree.resolved(), options: options, layout: .file, into: &built)
            var walked: [UInt8] = Array("kept".utf8)
            try YAMLBackend().render(tree: tree, options: options, layout: .file, into: &walked)
            #expect(walked == Array("kept".utf8) + built, "\(String(decoding: built, as: UTF8.self))")
        }
    }

    /// A tree that, like a tenant's, names some entries as shared with its tier: the same entry
    /// (by path) has the same number in every walk, and the walks share one store.
    final class SharingTree: ConfigTree, @unchecked Sendable {
        final class Entries {
            var numbers: [String: Int32] = [:]
            func number(_ path: String) -> Int32 {
                if let n = numbers[path] { return n }
                numbers[path] = Int32(numbers.count)
                return Int32(numbers.count - 1)
            }
        }
        let config: Record
        let entries: Entries
        let shared: SharedRenderings?
        /// Whether the entry at a path is handed over as shared.
        let isShared: (String) -> Bool
        let id = "acme", tier = "standard", environment = "production"

        init(_ config: Record, entries: Entries, store: SharedRenderings, isShared: @escaping (String) -> Bool) {
            self.config = config
            self.entries = entries
            self.shared = store
            self.isShared = isShared
        }

        func walk(_ visitor: any ConfigVisitor) throws { try walk(config, at: "", visitor) }

        private func walk(_ record: Record, at path: String, _ visitor: any ConfigVisitor) throws {
            try visitor.beginRecord()
            for (k, v) in zip(record.keys, record.values) {
                let here = path + "/" + k
                let write = {
                    if case .record(let r) = v {
                        try visitor.recordKey(k)
                        try self.walk(r, at: here, visitor)
                    } else {
                        try visitor.field(k, v)
                    }
                }
                if isShared(here) {
                    try visitor.sharedEntry(entries.number(here), write)
                } else {
                    try write()
                }
            }
            try visitor.endRecord()
        }

        func resolved() throws -> ResolvedTenant {
            ResolvedTenant(id: id, tier: tier, environment: environment, config: config)
        }
    }

    /// Strings that end in a line break (written as `|` blocks, after which libyaml starts the
    /// next entry without one) at every position: first, second, later, last, and nested.
    static let blockEnds: Record = {
        let ends = Value.string("a\nb\n")
        let inner = Record(keys: ["p", "q", "r", "s"], values: [ends, .int(1), ends, .string("x")])
        return Record(
            keys: ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
            values: [ends, ends, .int(3), ends, .record(inner), .list([ends, .string("y"), ends]), .record(inner), .string("z"), ends])
    }()

    /// Whichever entries are shared, and whichever were written first, the bytes are those of
    /// the built config: an entry's bytes do not depend on where it stands.
    @Test(arguments: [RenderOptions(), RenderOptions(units: .base, sensitive: .encrypted)])
    func sharedEntriesGiveTheBytesOfTheBuiltConfig(options: RenderOptions) throws {
        var seeded: UInt64 = 0x9E37_79B9_7F4A_7C15  // fixed: the same masks every run
        for config in Self.configs + [Self.blockEnds] {
            let entries = SharingTree.Entries()
            let store = SharedRenderings()
            var built: [UInt8] = []
            try YAMLBackend().render(try RecordTree(config, wholeRecords: false).resolved(), options: options, layout: .file, into: &built)
            let masks: [(String) -> Bool] = [
                { _ in true }, { _ in false }, { $0.count % 2 == 0 }, { $0.count % 2 == 1 }, { _ in true },
                { $0.filter { $0 == "/" }.count > 1 }, { $0.filter { $0 == "/" }.count == 1 },
            ]
            for k in 0..<(masks.count + 8) {
                seeded = seeded &* 6364136223846793005 &+ 1442695040888963407
                let bits = seeded
                let mask = k < masks.count ? masks[k] : { path in (bits >> UInt64(path.utf8.count % 64)) & 1 == 1 }
                var walked: [UInt8] = []
                try YAMLBackend().render(tree: SharingTree(config, entries: entries, store: store, isShared: mask),
                                         options: options, layout: .file, into: &walked)
                #expect(walked == built, "walk \(k):\n\(String(decoding: walked, as: UTF8.self))\nbuilt:\n\(String(decoding: built, as: UTF8.self))")
            }
        }
    }

    /// What is kept is what the next walks write: an entry named shared comes out as it was
    /// first written (a tier's tenants share it by construction), one not named comes out as is.
    @Test func keptEntriesAreWrittenAgain() throws {
        let entries = SharingTree.Entries()
        let store = SharedRenderings()
        let first = Record(keys: ["a", "b", "c", "d"], values: [.int(1), .int(2), .string("first"), .int(4)])
        let second = Record(keys: ["a", "b", "c", "d"], values: [.int(1), .int(2), .string("second"), .int(4)])
        func render(_ config: Record, shared: Bool) throws -> String {
            var out: [UInt8] = []
            try YAMLBackend().render(tree: SharingTree(config, entries: entries, store: store, isShared: { _ in shared }),
                                     options: RenderOptions(), layout: .file, into: &out)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(try render(first, shared: true) == "---\na: 1\nb: 2\nc: first\nd: 4\n")
        #expect(try render(second, shared: true) == "---\na: 1\nb: 2\nc: first\nd: 4\n")
        #expect(try render(second, shared: false) == "---\na: 1\nb: 2\nc: second\nd: 4\n")
        // The first entries of a mapping too, where libyaml holds events back.
        let changedFirst = Record(keys: ["a", "b", "c", "d"], values: [.int(9), .int(2), .string("first"), .int(4)])
        #expect(try render(changedFirst, shared: true) == "---\na: 1\nb: 2\nc: first\nd: 4\n")
    }

    /// Backends that need the whole config (JSON, plugins) get it built from the tree.
    @Test func otherBackendsRenderTheBuiltConfig() throws {
        let tree = RecordTree(GoldenTests.config, wholeRecords: true)
        var built: [UInt8] = []
        try JSONBackend().render(tree.resolved(), options: RenderOptions(), layout: .file, into: &built)
        var walked: [UInt8] = []
        try JSONBackend().render(tree: tree, options: RenderOptions(), layout: .file, into: &walked)
        #expect(!built.isEmpty && walked == built)
    }

    /// A visitor that fails stops the walk, and the buffer is left as it was.
    @Test func aFailedWalkLeavesTheBufferAsItWas() throws {
        final class FailingTree: ConfigTree, @unchecked Sendable {
            let id = "acme", tier = "standard", environment = "production"
            struct Stop: Error {}
            func walk(_ visitor: any ConfigVisitor) throws {
                try visitor.beginRecord()
                try visitor.field("a", .int(1))
                throw Stop()
            }
            func resolved() throws -> ResolvedTenant { throw Stop() }
        }
        var out: [UInt8] = Array("before".utf8)
        #expect(throws: FailingTree.Stop.self) {
            try YAMLBackend().render(tree: FailingTree(), options: RenderOptions(), layout: .file, into: &out)
        }
        #expect(out == Array("before".utf8))
    }
}
