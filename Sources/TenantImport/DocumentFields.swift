import TenantDiagnostics
import TenantModel
import TenantSemantics

/// A resolved tenant document read along a tier's schema: each leaf it holds as a typed value
/// with its line, and what cannot be read — a key the schema does not have, a value of the
/// wrong type — each at its place in the document.
public struct DocumentFields: Sendable {
    public struct Field: Sendable {
        public var slot: Int32
        public var value: Value
        public var line: Int
    }

    /// A key the schema does not have, kept for `--declare-unknown`.
    public struct Unknown: Sendable {
        public var path: String
        public var node: ImportedNode
    }

    public struct Problem: Sendable {
        public var path: String
        public var line: Int
        public var column: Int
        public var message: String
        public var help: [String]
    }

    /// The leaves the document holds, in its order.
    public private(set) var fields: [Field] = []
    public private(set) var unknown: [Unknown] = []
    public private(set) var problems: [Problem] = []
    /// For each slot of the schema, the index of its field in `fields`, or -1.
    private var fieldIndex: [Int32]

    /// `memo`: the same worker's earlier readings along this schema, reused where a node is
    /// written as before.
    public init(_ document: ImportedNode, schema: Schema, memo: ReadingMemo? = nil) {
        fieldIndex = Array(repeating: -1, count: schema.count)
        guard case .record(let entries) = document.kind else {
            problems.append(Problem(path: "", line: document.line, column: document.column, message: "the document is not a mapping of fields", help: []))
            return
        }
        read(entries, under: Schema.root, schema, memo)
    }

    /// The field at `slot`, if the document holds it.
    public func field(at slot: Int32) -> Field? {
        guard Int(slot) < fieldIndex.count, fieldIndex[Int(slot)] >= 0 else { return nil }
        return fields[Int(fieldIndex[Int(slot)])]
    }

    private mutating func read(_ entries: [(key: String, value: ImportedNode)], under parent: Int32, _ schema: Schema, _ memo: ReadingMemo?) {
        let children = schema.slots[Int(parent)].children
        var next = 0
        for (key, node) in entries {
            // Documents mostly hold the fields in the schema's order: the next child is tried
            // before the name is looked up.
            let slot: Int32
            if next < children.count, schema.slots[Int(children[next])].name == key {
                slot = children[next]
            } else if let found = schema.child(parent, key) {
                slot = found
            } else {
                unknown.append(Unknown(path: Self.path(key, under: parent, schema), node: node))
                continue
            }
            next += 1
            if schema.slots[Int(slot)].isHidden {
                unknown.append(Unknown(path: schema.slots[Int(slot)].path, node: node))
                continue
            }
            if schema.slots[Int(slot)].isRecord {
                guard case .record(let inner) = node.kind else {
                    let path = schema.slots[Int(slot)].path
                    problems.append(Problem(path: path, line: node.line, column: node.column,
                                            message: "`\(path)` is a record of the tier, and the document gives it a \(shape(of: node))", help: []))
                    continue
                }
                read(inner, under: slot, schema, memo)
                continue
            }
            if let known = memo?.value(of: node, at: slot) {
                fieldIndex[Int(slot)] = Int32(fields.count)
                fields.append(Field(slot: slot, value: known, line: node.line))
                continue
            }
            switch ScalarReading.value(of: node, as: schema.slots[Int(slot)].type) {
            case .success(let v):
                memo?.remember(node, at: slot, v)
                fieldIndex[Int(slot)] = Int32(fields.count)
                fields.append(Field(slot: slot, value: v, line: node.line))
            case .failure(let p):
                let path = schema.slots[Int(slot)].path
                problems.append(Problem(path: path, line: node.line, column: node.column, message: "`\(path)`: \(p.message)", help: p.help))
            }
        }
    }

    private static func path(_ key: String, under parent: Int32, _ schema: Schema) -> String {
        parent == Schema.root ? key : schema.slots[Int(parent)].path + "." + key
    }

    /// The problems of the unknown keys, each with the field meant when one is close.
    public func unknownProblems(schema: Schema) -> [Problem] {
        unknown.map { u in
            let parts = u.path.split(separator: ".").map(String.init)
            let parent = parts.count > 1 ? schema.lookup(Array(parts.dropLast())) ?? Schema.root : Schema.root
            let siblings = schema[parent].children.map { schema[$0].name }
            var help: [String] = []
            if let s = suggestion(for: parts.last ?? "", among: siblings) {
                help.append("did you mean `\(parent == Schema.root ? s : schema[parent].path + "." + s)`?")
            }
            help.append((help.isEmpty ? "" : "or ") + "import with --declare-unknown to declare it in the tenant")
            return Problem(path: u.path, line: u.node.line, column: u.node.column, message: "the tier has no field `\(u.path)`", help: help)
        }
    }

    private func shape(of node: ImportedNode) -> String {
        switch node.kind {
        case .scalar: "scalar"
        case .list: "list"
        case .record: "mapping"
        }
    }
}
