#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The definitions of every leaf of one config, lowest layer first: its tier's table, shared,
/// with this config's own changes on top. A tenant copies the few leaves it touches, not the
/// table: the table is as large as the tier, a tenant's layer usually a handful of lines.
struct DefinitionTable: Sendable {
    private let base: [[Definition]]
    /// Per slot: where its own definitions are in `own`, or -1 when they are the base's.
    private var index: [Int32]
    private var own: [[Definition]] = []

    /// A table for `count` slots on top of `base` (slots past its end have no definitions).
    init(base: [[Definition]], count: Int) {
        self.base = base
        // All bytes 0xFF is -1 in every entry: one `memset` (the generic fill goes element by element).
        let n = max(count, base.count)
        index = [Int32](unsafeUninitializedCapacity: n) { buffer, initialized in
            if let p = buffer.baseAddress { memset(p, 0xFF, n * MemoryLayout<Int32>.stride) }
            initialized = n
        }
    }

    var count: Int { index.count }

    subscript(slot: Int) -> [Definition] {
        let k = index[slot]
        if k >= 0 { return own[Int(k)] }
        return slot < base.count ? base[slot] : []
    }

    mutating func append(_ d: Definition, to slot: Int) {
        ownIndex(slot).map { own[$0].append(d) }
    }

    mutating func removeAll(at slot: Int) {
        ownIndex(slot).map { own[$0].removeAll() }
    }

    /// The slot's own entry, copied from the base on first change; nil past the end.
    private mutating func ownIndex(_ slot: Int) -> Int? {
        guard slot >= 0, slot < index.count else { return nil }
        if index[slot] < 0 {
            index[slot] = Int32(own.count)
            own.append(slot < base.count ? base[slot] : [])
        }
        return Int(index[slot])
    }

    /// Every slot's definitions as one table (a tier's, for the tiers below it and its tenants).
    func flattened() -> [[Definition]] {
        (0..<index.count).map { self[$0] }
    }

    /// Applies a layer's ops.
    mutating func execute(_ ops: [LayerOp], schema: Schema) {
        for op in ops {
            switch op {
            case .define(let s, let d):
                append(d, to: Int(s))
            case .clear(let s):
                for t in schema.subtree(s) where !schema[t].isRecord { removeAll(at: Int(t)) }
            case .scale(let slots, let d):
                for s in slots { append(d, to: Int(s)) }
            }
        }
    }
}
