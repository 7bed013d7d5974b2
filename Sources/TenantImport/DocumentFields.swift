import TenantDiagnostics
import TenantModel
import TenantSemantics

/// A resolved tenant document read along a tier's schema: each leaf it holds as a typed value
/// with its line, and what cannot be read — a key the schema does not have, a value of the
/// wrong type — each at its place in the document.
public struct DocumentFields: Sendable {
    public struct Field: Sendable {
        public var slot: Int32
        public var path: String
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

    public private(set) var fields: [Field] = []
    public private(set) var unknown: [Unknown] = []
    public private(set) var problems: [Problem] = []

    public init(_ document: ImportedNode, schema: Schema) {
        guard case .record(let entries) = document.kind else {
            problems.append(Problem(path: "", line: document.line, column: document.column, message: "the document is not a mapping of fields", help: []))
            return
        }
        read(entries, under: Schema.root, schema)
    }

    /// The field at `path`, if the document holds it.
    public func field(_ path: String) -> Field? { fields.first { $0.path == path } }

    private mutating func read(_ entries: [(key: String, value: ImportedNode)], under parent: Int32, _ schema: Schema) {
        let prefix = parent == Schema.root ? "" : schema.slots[Int(parent)].path + "."
        for (key, node) in entries {
            guard let slot = schema.child(parent, key), !key.hasPrefix("_") else {
                unknown.append(Unknown(path: prefix + key, node: node))
                continue
            }
            if schema.slots[Int(slot)].isRecord {
                guard case .record(let inner) = node.kind else {
                    problems.append(Problem(path: prefix + key, line: node.line, column: node.column,
                                            message: "`\(prefix + key)` is a record of the tier, and the document gives it a \(shape(of: node))", help: []))
                    continue
                }
                read(inner, under: slot, schema)
                continue
            }
            switch ScalarReading.value(of: node, as: schema.slots[Int(slot)].type) {
            case .success(let v): fields.append(Field(slot: slot, path: prefix + key, value: v, line: node.line))
            case .failure(let p):
                problems.append(Problem(path: prefix + key, line: node.line, column: node.column, message: "`\(prefix + key)`: \(p.message)", help: p.help))
            }
        }
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
