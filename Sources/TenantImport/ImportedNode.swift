/// One node of a document being imported (YAML or JSON), where it was written, and its
/// scalars as written: what a plain scalar means depends on the field it lands in (`yes` is a
/// boolean for a `bool` field, a string for a `string` one), so it is resolved there
/// (`ScalarReading` for tenants, `TemplateScalar` for templates), not here.
public struct ImportedNode: Sendable {
    public enum Kind: Sendable {
        /// The text of a scalar; `plain` when it was written without quotes or block style.
        case scalar(String, plain: Bool)
        case list([ImportedNode])
        /// Keys in document order.
        case record([(key: String, value: ImportedNode)])
    }

    public var kind: Kind
    /// 1-based line and column of the node's first character.
    public var line: Int
    public var column: Int
    /// For a record read from a document, the 1-based line of each key, in the order of its
    /// entries: a key's value may start lines below it (a nested mapping), and what is said
    /// about the key (a comment) is placed by the key's line. Empty for a copy made by an alias.
    public var keyLines: [Int] = []

    public init(_ kind: Kind, line: Int, column: Int) {
        self.kind = kind
        self.line = line
        self.column = column
    }

    /// The value at `key` of a record node.
    public subscript(key: String) -> ImportedNode? {
        guard case .record(let entries) = kind else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// The text of a scalar node.
    public var text: String? {
        if case .scalar(let s, _) = kind { return s }
        return nil
    }

    /// A plain scalar that YAML reads as null (`~`, `null`, or nothing at all).
    public var isNull: Bool {
        guard case .scalar(let s, true) = kind else { return false }
        return s.isEmpty || s == "~" || s == "null" || s == "Null" || s == "NULL"
    }
}

extension ImportedNode: Equatable {
    /// The same tree, written at the same places: what the two readers of `DocumentReader` must agree on.
    public static func == (a: ImportedNode, b: ImportedNode) -> Bool {
        guard a.line == b.line, a.column == b.column, a.keyLines == b.keyLines else { return false }
        switch (a.kind, b.kind) {
        case (.scalar(let x, let xPlain), .scalar(let y, let yPlain)):
            return x == y && xPlain == yPlain
        case (.list(let xs), .list(let ys)):
            return xs == ys
        case (.record(let xs), .record(let ys)):
            return xs.count == ys.count && zip(xs, ys).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default:
            return false
        }
    }
}
