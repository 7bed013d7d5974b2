import TenantModel

/// What one evaluation read: kept while a tier's self-check runs, so that its values can be
/// reused for the tenants of the tier.
final class DependencyRecorder {
    /// For each field, the fields whose evaluation read it.
    var dependents: [[Int32]]
    /// Fields whose own evaluation read `tenant.id`.
    var readsTenantID: [Bool]
    /// Collecting for a rule (nil outside rules).
    var ruleReads: [Int32]?
    var ruleReadsTenantID = false

    init(count: Int) {
        dependents = Array(repeating: [], count: count)
        readsTenantID = Array(repeating: false, count: count)
    }
}

/// A tier's config in one environment as if a tenant set nothing — its self-check — with what
/// each value depends on. A tenant of the tier reuses every value (and every passed rule, and
/// every artifact subtree) that its own layers cannot have changed, and evaluates only the
/// rest: each tenant costs what it sets, not what its tier holds.
final class Baseline: Sendable {
    struct RuleRecord: Sendable {
        var passed: Bool
        var readsTenantID: Bool
        var reads: [Int32]
    }

    let count: Int
    let values: [Value?]
    /// Computed without error and without depending on an unset required field.
    let available: [Bool]
    /// The fields that are not available: always evaluated again.
    let unavailable: [Int32]
    let dependents: [[Int32]]
    let readsTenantID: [Int32]
    let rules: [RuleRecord]
    /// The rules of the tier and its overlays for this environment (what `rules` describes).
    let inheritedRules: [Rule]
    /// Artifact subtrees (hidden fields left out) of the record fields.
    let records: [Record?]
    /// The keys of each record's artifact (see `Evaluator.artifactKeys`).
    let artifactKeys: [[String]]
    /// What backends wrote for the entries the tenants share with this baseline.
    let renderings = SharedRenderings()
    /// The size of the tier's artifact: a tenant's is this plus that of the fields it computes.
    let outputEstimate: OutputEstimate

    init(count: Int, values: [Value?], available: [Bool], recorder: DependencyRecorder, rules: [RuleRecord], inheritedRules: [Rule],
         records: [Record?], artifactKeys: [[String]], outputEstimate: OutputEstimate) {
        self.outputEstimate = outputEstimate
        self.inheritedRules = inheritedRules
        self.count = count
        self.values = values
        self.available = available
        unavailable = (0..<count).compactMap { available[$0] ? nil : Int32($0) }
        // Each edge once: reads repeat (a comprehension reads a field once per item).
        dependents = recorder.dependents.map { Array(Set($0)).sorted() }
        readsTenantID = (0..<count).compactMap { recorder.readsTenantID[$0] ? Int32($0) : nil }
        self.rules = rules
        self.records = records
        self.artifactKeys = artifactKeys
    }
}

/// The fields of one tenant whose values may differ from its tier's baseline.
struct DirtySet {
    private(set) var dirty: [Bool]
    /// Records with a dirty field somewhere under them.
    private(set) var subtreeDirty: [Bool]
    private var worklist: [Int32] = []
    private let schema: Schema

    init(schema: Schema) {
        self.schema = schema
        dirty = Array(repeating: false, count: schema.count)
        subtreeDirty = Array(repeating: false, count: schema.count)
    }

    mutating func mark(_ s: Int32) {
        guard !dirty[Int(s)] else { return }
        dirty[Int(s)] = true
        worklist.append(s)
        var p = schema[s].parent
        while p >= 0, !subtreeDirty[Int(p)] {
            subtreeDirty[Int(p)] = true
            p = schema[p].parent
        }
    }

    /// Marks everything that (transitively) read a dirty field.
    mutating func propagate(_ baseline: Baseline) {
        while let s = worklist.popLast() {
            guard Int(s) < baseline.count else { continue }
            for d in baseline.dependents[Int(s)] { mark(d) }
        }
    }

    /// The dirty fields, in slot order.
    var fields: [Int32] { dirty.indices.compactMap { dirty[$0] ? Int32($0) : nil } }
}
