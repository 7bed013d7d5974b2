import TenantModel
import TenantSemantics

/// The tier table (`tenantc tiers`, docs/tiers.md): one column per tier in chain order, one row
/// per locked field, each cell the tier's own value of the field.
public struct TierTable: Sendable {
    public struct Tier: Sendable, Equatable {
        public var name: String
        /// The tier it extends; nil for a root tier.
        public var extends: String?
        /// Its `///` doc comment, lines joined by newlines; nil without one.
        public var doc: String?

        /// The doc comment's first paragraph on one line: what the text and Markdown forms show
        /// (the rest of a tier's doc comment is usually examples and details, too long for a table).
        public var summary: String? {
            guard let doc else { return nil }
            let lines = doc.split(separator: "\n", omittingEmptySubsequences: false)
                .map(trimmingSpaces)
                .drop { $0.isEmpty }
                .prefix { !$0.isEmpty }
            return lines.isEmpty ? nil : lines.joined(separator: " ")
        }
    }

    public enum Cell: Sendable, Equatable {
        case value(Value)
        /// An optional field the tier leaves unset.
        case unset
        /// The value depends on what each tenant sets (a formula that reads a required field).
        case unknown
        /// The tier has no such field: a tier of another branch declares it.
        case absent
    }

    public struct Row: Sendable {
        /// The dotted path of the field (`limits.cpu`).
        public var path: String
        /// Its type as written in source (`int | unlimited`).
        public var type: String
        /// The field's own doc comment, from the tier that declares it.
        public var doc: String?
        /// One cell per tier, in the order of `tiers`.
        public var cells: [Cell]
    }

    /// In chain order: each root (by name), then depth-first the tiers that extend it, siblings
    /// by name, so every tier comes after the one it extends and the order never depends on files.
    public let tiers: [Tier]
    public let rows: [Row]

    /// The table of a tier set. Tiers whose chain is broken (reported as errors) are left out.
    public init(_ set: TierSet) {
        let columns = TierTable.chainOrder(set)
        tiers = columns.map { layout in
            let tier = set.graph.tiers[layout.index]
            return Tier(name: tier.name, extends: tier.declaration.parent?.text, doc: tier.declaration.doc)
        }
        rows = TierTable.rows(set, columns)
    }

    /// The valid tiers, depth-first from the roots, roots and siblings by name.
    static func chainOrder(_ set: TierSet) -> [TierLayout] {
        let graph = set.graph
        var children: [Int: [Int]] = [:]
        var roots: [Int] = []
        for (i, tier) in graph.tiers.enumerated() where set.layouts[i] != nil {
            if let p = tier.parent { children[p, default: []].append(i) } else { roots.append(i) }
        }
        func byName(_ list: [Int]) -> [Int] { list.sorted { graph.tiers[$0].name < graph.tiers[$1].name } }
        var order: [TierLayout] = []
        var stack = Array(byName(roots).reversed())
        while let i = stack.popLast() {
            if let layout = set.layouts[i] { order.append(layout) }
            stack += byName(children[i] ?? []).reversed()
        }
        return order
    }

    /// Every field locked in some tier, ordered by where it is first declared: the root's
    /// fields in declaration order, then those a descendant tier adds, in column order.
    static func rows(_ set: TierSet, _ columns: [TierLayout]) -> [Row] {
        var first: [String: (column: Int, slot: Int32)] = [:]
        var locked: Set<String> = []
        var slotOfPath: [[String: Int32]] = []
        for (c, layout) in columns.enumerated() {
            var paths: [String: Int32] = [:]
            for (s, slot) in layout.schema.slots.enumerated() where !slot.isRecord {
                paths[slot.path] = Int32(s)
                if first[slot.path] == nil { first[slot.path] = (c, Int32(s)) }
                if slot.locked { locked.insert(slot.path) }
            }
            slotOfPath.append(paths)
        }
        let ordered = locked.sorted { a, b in
            let (x, y) = (first[a]!, first[b]!)  // every locked path was seen in some column
            return (x.column, x.slot) < (y.column, y.slot)
        }
        // One evaluation per tier of all its rows.
        let cellsByColumn: [[Cell]] = columns.enumerated().map { c, layout in
            let slots = ordered.map { slotOfPath[c][$0] }
            let values = set.ownValues(of: layout, slots: slots.compactMap { $0 })
            var next = values.makeIterator()
            return slots.map { slot in slot == nil ? .absent : Cell(next.next() ?? .unknown) }
        }
        return ordered.enumerated().map { r, path in
            let origin = first[path]!
            let slot = columns[origin.column].schema[origin.slot]
            return Row(path: path, type: slot.type.description, doc: slot.doc, cells: cellsByColumn.map { $0[r] })
        }
    }
}

extension TierTable.Cell {
    init(_ value: TierValue) {
        switch value {
        case .value(let v): self = .value(v)
        case .unset: self = .unset
        case .unknown: self = .unknown
        }
    }
}

/// `line` without leading and trailing spaces and tabs.
private func trimmingSpaces(_ line: Substring) -> Substring {
    var line = line
    while let c = line.first, c == " " || c == "\t" { line.removeFirst() }
    while let c = line.last, c == " " || c == "\t" { line.removeLast() }
    return line
}
