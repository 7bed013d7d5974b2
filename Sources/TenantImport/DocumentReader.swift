import CYAML

/// Why a document could not be read, and where.
public struct DocumentError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// 1-based.
    public var line: Int
    public var column: Int

    public init(_ message: String, line: Int, column: Int) {
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column): \(message)" }
}

/// Reads a YAML stream (one or more documents) or a JSON document, which YAML's flow syntax
/// reads too, with libyaml's event parser. Anchors and aliases are expanded, within a budget of
/// nodes (`maxNodes`) so that a few lines cannot expand to billions; nesting deeper than
/// `maxDepth` is refused. A key is a scalar, once per mapping.
public enum DocumentReader {
    public static let maxNodes = 10_000_000
    public static let maxDepth = 512

    /// `fastPath`: the block-style documents tools write are read by `BlockYAMLReader`, the
    /// same trees in one pass; off, or for anything else, libyaml reads them.
    public static func read(_ bytes: [UInt8], fastPath: Bool = true) throws(DocumentError) -> [ImportedNode] {
        if fastPath, let documents = BlockYAMLReader.read(bytes) { return documents }
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else { throw DocumentError("the YAML parser could not start", line: 1, column: 1) }
        defer { yaml_parser_delete(parser) }
        var builder = TreeBuilder()
        let result: Result<[ImportedNode], DocumentError> = bytes.withUnsafeBufferPointer { buf in
            yaml_parser_set_input_string(parser, buf.baseAddress, buf.count)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(parser, &event) == 1 else {
                    let problem = parser.pointee.problem.map { String(cString: $0) } ?? "invalid YAML"
                    let context = parser.pointee.context.map { String(cString: $0) + ": " } ?? ""
                    let mark = parser.pointee.problem_mark
                    return .failure(DocumentError(context + problem, line: mark.line + 1, column: mark.column + 1))
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return .success(builder.documents) }
                do throws(DocumentError) { try builder.take(event) } catch { return .failure(error) }
            }
        }
        return try result.get()
    }
}

/// Builds the trees from the parser's events.
private struct TreeBuilder {
    private struct Open {
        var node: ImportedNode
        var anchor: String?
        var items: [ImportedNode] = []
        var keys: [(key: String, value: ImportedNode)] = []
        var keyLines: [Int] = []
        var pendingKey: ImportedNode?
        var isMapping: Bool
        /// The nodes inside, aliases expanded, and this one.
        var size = 1
    }

    var documents: [ImportedNode] = []
    private var stack: [Open] = []
    private var anchors: [String: (node: ImportedNode, size: Int)] = [:]
    private var nodes = 0

    mutating func take(_ event: yaml_event_t) throws(DocumentError) {
        let line = Int(event.start_mark.line) + 1
        let column = Int(event.start_mark.column) + 1
        switch event.type {
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
            let tag = s.tag.map { String(cString: $0) }
            let plain = try Self.isPlain(style: s.style, tag: tag, line: line, column: column)
            try count(1, line: line, column: column)
            try add(ImportedNode(.scalar(text, plain: plain), line: line, column: column), anchor: s.anchor.map { String(cString: $0) }, size: 1)
        case YAML_ALIAS_EVENT:
            let name = String(cString: event.data.alias.anchor)
            guard let target = anchors[name] else { throw DocumentError("the alias *\(name) names no anchor before it", line: line, column: column) }
            try count(target.size, line: line, column: column)
            try add(ImportedNode(target.node.kind, line: line, column: column), anchor: nil, size: target.size)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            guard stack.count < DocumentReader.maxDepth else {
                throw DocumentError("nested more than \(DocumentReader.maxDepth) levels deep", line: line, column: column)
            }
            try count(1, line: line, column: column)
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            let raw = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
            stack.append(Open(node: ImportedNode(.list([]), line: line, column: column), anchor: raw.map { String(cString: $0) }, isMapping: isMapping))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            let open = stack.removeLast()
            var node = open.node
            node.kind = open.isMapping ? .record(open.keys) : .list(open.items)
            node.keyLines = open.isMapping ? open.keyLines : []
            try add(node, anchor: open.anchor, size: open.size)
        default:
            break  // stream and document boundaries
        }
    }

    /// Whether a scalar is plain (its meaning left to the field it lands in); a tag other than
    /// the core schema's is refused.
    private static func isPlain(style: yaml_scalar_style_t, tag: String?, line: Int, column: Int) throws(DocumentError) -> Bool {
        switch tag {
        case nil: return style == YAML_PLAIN_SCALAR_STYLE
        case "tag:yaml.org,2002:str": return false
        case "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null": return true
        case let other?: throw DocumentError("the tag \(other) is not imported: only the core schema's tags (!!str, !!int, !!float, !!bool, !!null) are", line: line, column: column)
        }
    }

    /// Counts `size` more nodes against the budget.
    private mutating func count(_ size: Int, line: Int, column: Int) throws(DocumentError) {
        nodes += size
        guard nodes <= DocumentReader.maxNodes else {
            throw DocumentError("more than \(DocumentReader.maxNodes) nodes once its aliases are expanded", line: line, column: column)
        }
    }

    /// Adds a complete node (of `size` nodes) to the container being built, or as a document.
    private mutating func add(_ node: ImportedNode, anchor: String?, size: Int) throws(DocumentError) {
        if let anchor { anchors[anchor] = (node, size) }
        guard !stack.isEmpty else {
            documents.append(node)
            return
        }
        let top = stack.count - 1
        stack[top].size += size
        guard stack[top].isMapping else {
            stack[top].items.append(node)
            return
        }
        guard let key = stack[top].pendingKey else {
            guard case .scalar = node.kind else { throw DocumentError("a key must be a scalar", line: node.line, column: node.column) }
            stack[top].pendingKey = node
            return
        }
        let name = key.text ?? ""
        if let first = stack[top].keys.firstIndex(where: { $0.key == name }) {
            throw DocumentError("the key `\(name)` appears twice in one mapping (first at line \(stack[top].keyLines[first]))", line: key.line, column: key.column)
        }
        stack[top].keys.append((name, node))
        stack[top].keyLines.append(key.line)
        stack[top].pendingKey = nil
    }
}
