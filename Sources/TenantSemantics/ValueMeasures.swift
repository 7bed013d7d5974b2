import TenantModel

/// The size of a value as a tree: what walking it (type checks, comparisons, rendering) costs.
struct ValueMeasure {
    /// Nesting of lists and records (a scalar is 0, `[1]` is 1), cut at the depth limit.
    var depth: Int
    /// Lists, records and scalars in the tree, each counted as often as it appears.
    var nodes: Int
    /// The tree's string bytes, plus `EvaluationLimits.valueBytes` per node.
    var bytes: Int
}

/// Measures the lists and records an evaluation builds, each storage once.
///
/// Values share structure: `[a, a, a]` holds one list three times, and a formula that wraps
/// such lists level after level builds a value whose tree is exponentially larger than its
/// storage. Walking the tree on every new list made evaluation exponential; here the measure of
/// each list or record storage is remembered by its buffer's address, so a new value costs one
/// look-up per item. The measured storages are kept alive, so that an address is never reused
/// by another buffer while it is in the table. Sums saturate: a tree can be astronomically
/// large.
struct ValueMeasures {
    private var known: [UnsafeRawPointer: ValueMeasure] = [:]
    private var kept: [[Value]] = []
    /// Items looked at, for the evaluation budget.
    private(set) var visited = 0

    /// Lists and records of scalars shorter than this are cheaper to look at than to remember.
    private static let smallestRemembered = 16

    /// `v`'s measure; its depth is `limit + 1` when it is deeper than `limit`.
    mutating func measure(_ v: Value, depthLimit limit: Int) -> ValueMeasure {
        switch v {
        case .list(let items): measure(items, limit: limit)
        case .record(let r): measure(r.values, limit: limit, keyBytes: r.keys.reduce(0) { $0 &+ $1.utf8.count })
        case .string(let s): ValueMeasure(depth: 0, nodes: 1, bytes: s.utf8.count &+ EvaluationLimits.valueBytes)
        default: ValueMeasure(depth: 0, nodes: 1, bytes: EvaluationLimits.valueBytes)
        }
    }

    private mutating func measure(_ items: [Value], limit: Int, keyBytes: Int = 0) -> ValueMeasure {
        var m = ValueMeasure(depth: 1, nodes: 1, bytes: EvaluationLimits.valueBytes &+ keyBytes)
        guard !items.isEmpty, limit > 0 else { return m }
        // A short list of scalars (most lists a formula builds) is summed without a look-up.
        if items.count < Self.smallestRemembered, let scalars = Self.scalarMeasure(items) {
            visited &+= items.count
            m.nodes &+= items.count
            m.bytes &+= scalars
            return m
        }
        let address = items.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        if let address, let known = known[address] { return known }
        var deepest = 0
        for item in items {
            visited &+= 1
            let i = measure(item, depthLimit: limit - 1)
            deepest = max(deepest, i.depth)
            m.nodes = Self.saturatingSum(m.nodes, i.nodes)
            m.bytes = Self.saturatingSum(m.bytes, i.bytes)
            if deepest >= limit { break }
        }
        m.depth = deepest + 1
        // A measure cut short at `limit` is a bound, not the measure: only exact ones are kept.
        if let address, deepest < limit, deepest > 0 || items.count >= Self.smallestRemembered {
            known[address] = m
            kept.append(items)
        }
        return m
    }

    /// The bytes of `items` when none of them is a list or a record; nil otherwise.
    private static func scalarMeasure(_ items: [Value]) -> Int? {
        var bytes = 0
        for item in items {
            switch item {
            case .list, .record: return nil
            case .string(let s): bytes &+= s.utf8.count &+ EvaluationLimits.valueBytes
            default: bytes &+= EvaluationLimits.valueBytes
            }
        }
        return bytes
    }

    private static func saturatingSum(_ a: Int, _ b: Int) -> Int {
        let (s, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : s
    }
}
