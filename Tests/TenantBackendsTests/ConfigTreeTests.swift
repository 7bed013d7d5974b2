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
