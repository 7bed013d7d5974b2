import TenantModel

/// What one worker last read for each field of one tier's schema. Documents of a tier mostly
/// repeat the tier's values, and reading a node is a function of its text (its items' texts for
/// a list), whether it is plain, and the field's type: a node written as the last one was is
/// not read again. Used by one thread at a time.
public final class ReadingMemo {
    private struct Entry {
        var kind: ImportedNode.Kind
        var value: Value
    }

    private var entries: [Entry?]

    public init(fields: Int) {
        entries = Array(repeating: nil, count: fields)
    }

    /// The value read last for `slot`, when `node` is written as that one was.
    func value(of node: ImportedNode, at slot: Int32) -> Value? {
        guard Int(slot) < entries.count, let entry = entries[Int(slot)], Self.sameText(entry.kind, node.kind) else { return nil }
        return entry.value
    }

    func remember(_ node: ImportedNode, at slot: Int32, _ value: Value) {
        guard Int(slot) < entries.count, Self.isMemoized(node.kind) else { return }
        entries[Int(slot)] = Entry(kind: node.kind, value: value)
    }

    /// Scalars and lists of scalars: what documents repeat.
    private static func isMemoized(_ kind: ImportedNode.Kind) -> Bool {
        switch kind {
        case .scalar: true
        case .list(let items): items.allSatisfy { if case .scalar = $0.kind { true } else { false } }
        case .record: false
        }
    }

    private static func sameText(_ a: ImportedNode.Kind, _ b: ImportedNode.Kind) -> Bool {
        switch (a, b) {
        case (.scalar(let x, let xPlain), .scalar(let y, let yPlain)):
            return xPlain == yPlain && x == y
        case (.list(let xs), .list(let ys)):
            guard xs.count == ys.count else { return false }
            for (x, y) in zip(xs, ys) where !sameText(x.kind, y.kind) { return false }
            return true
        default:
            return false
        }
    }
}
