/// Writes the tier's statements as `.tenant` source, with the template's comments as `//`
/// comments where they were placed and its blank lines between keys; the formatter then gives
/// the text its canonical layout. A list or record literal is written on one line, unless a
/// comment goes with one of its items: then one item per line, each with its comments.
struct TierSourceWriter {
    let comments: PlacedComments
    /// Where each key and item starts in the template, and which template lines are blank.
    let anchorLines: [String: Int]
    let blankLines: Set<Int>
    private(set) var out = ""
    /// The paths written, whose comments are kept.
    private(set) var written: Set<String> = []

    init(comments: PlacedComments, anchors: [CommentAnchor], blankLines: Set<Int>) {
        self.comments = comments
        self.anchorLines = Dictionary(anchors.map { ($0.path, $0.line) }, uniquingKeysWith: { first, _ in first })
        self.blankLines = blankLines
    }

    mutating func tier(_ name: String, extends parent: String?, _ statements: [TierStatement]) {
        for comment in comments.header { out += Self.slashes(comment) + "\n" }
        if !comments.header.isEmpty { out += "\n" }
        out += "tier " + name + (parent.map { " extends " + $0 } ?? "") + " {\n"
        block(statements, depth: 1)
        out += "}\n"
    }

    /// The comments that go with paths this tier does not write.
    func unwritten(leftOut: [String: String]) -> [DroppedComment] {
        let paths = Set(comments.before.keys).union(comments.trailing.keys).subtracting(written)
        return paths.flatMap { path in
            let reason = leftOut[path] ?? "`\(path)` is not written in the tier"
            return ((comments.before[path] ?? []) + (comments.trailing[path] ?? [])).map { DroppedComment(comment: $0, reason: reason) }
        }.sorted { ($0.comment.line, $0.comment.column) < ($1.comment.line, $1.comment.column) }
    }

    private mutating func block(_ statements: [TierStatement], depth: Int) {
        for (i, s) in statements.enumerated() {
            if i > 0, followsBlankLine(s) { out += "\n" }
            statement(s, depth: depth)
        }
    }

    /// Whether the template has a blank line before the key (or before its comments); the
    /// placeholders' record, which the template has not, is set apart too.
    private func followsBlankLine(_ s: TierStatement) -> Bool {
        guard let line = comments.before[s.path]?.first?.line ?? anchorLines[s.path] else { return s.doc != nil }
        return blankLines.contains(line - 1)
    }

    private mutating func statement(_ s: TierStatement, depth: Int) {
        let indent = Self.indent(depth)
        for comment in comments.before[s.path] ?? [] { out += indent + Self.slashes(comment) + "\n" }
        if let doc = s.doc { out += indent + "/// " + doc + "\n" }
        written.insert(s.path)
        let trailing = trailingText(s.path)
        switch s.form {
        case .open(let body), .declareRecord(let body):
            let head = indent + s.name + (isDeclaration(s.form) ? ": {" : " {")
            guard !body.isEmpty else {
                out += head + "}" + trailing + "\n"
                return
            }
            out += head + trailing + "\n"
            block(body, depth: depth + 1)
            out += indent + "}\n"
        case .set(let value):
            write(indent + s.name + " = ", value, path: s.path, trailing: trailing, depth: depth)
        case .declare(let type, let value?):
            write(indent + s.name + ": " + type + " = ", value, path: s.path, trailing: trailing, depth: depth)
        case .declare(let type, nil):
            out += indent + s.name + ": " + type + trailing + "\n"
        }
    }

    private func isDeclaration(_ form: TierStatement.Form) -> Bool {
        if case .declareRecord = form { return true }
        return false
    }

    /// `head` then the value, the trailing comment on the first line.
    private mutating func write(_ head: String, _ value: TierExpression, path: String, trailing: String, depth: Int) {
        var lines = expression(value, path: path, depth: depth)
        lines[0] = head + lines[0] + trailing
        out += lines.joined(separator: "\n") + "\n"
    }

    /// The lines of a value: the first continues its statement, the others are indented.
    private mutating func expression(_ value: TierExpression, path: String, depth: Int) -> [String] {
        switch value {
        case .text(let text):
            return [text]
        case .list(let items):
            guard items.contains(where: { comments.isCommented($0.path) }) else { return [Self.inline(value)] }
            var lines = ["["]
            for item in items { lines += entry(item.path, prefix: "", item.value, suffix: ",", depth: depth + 1) }
            return lines + [Self.indent(depth) + "]"]
        case .record(let entries):
            guard entries.contains(where: { comments.isCommented($0.path) }) else { return [Self.inline(value)] }
            var lines = ["{"]
            for e in entries { lines += entry(e.path, prefix: e.name + " = ", e.value, suffix: "", depth: depth + 1) }
            return lines + [Self.indent(depth) + "}"]
        }
    }

    /// One item of a list or entry of a record on lines of its own, with its comments.
    private mutating func entry(_ path: String, prefix: String, _ value: TierExpression, suffix: String, depth: Int) -> [String] {
        let indent = Self.indent(depth)
        let lines = (comments.before[path] ?? []).map { indent + Self.slashes($0) }
        written.insert(path)
        var body = expression(value, path: path, depth: depth)
        body[0] = indent + prefix + body[0]
        if body.count == 1 {
            body[0] += suffix + trailingText(path)
        } else {
            body[0] += trailingText(path)
            body[body.count - 1] += suffix
        }
        return lines + body
    }

    private func trailingText(_ path: String) -> String {
        guard let trailing = comments.trailing[path], !trailing.isEmpty else { return "" }
        return " " + trailing.map(Self.slashes).joined(separator: " ")
    }

    static func inline(_ value: TierExpression) -> String {
        switch value {
        case .text(let text): text
        case .list(let items): "[" + items.map { inline($0.value) }.joined(separator: ", ") + "]"
        case .record(let entries) where entries.isEmpty: "{}"
        case .record(let entries): "{ " + entries.map { $0.name + " = " + inline($0.value) }.joined(separator: ", ") + " }"
        }
    }

    /// `# why` as `// why`; a text starting with `/` is set apart, or `///` would make it a
    /// doc comment.
    static func slashes(_ comment: YAMLComment) -> String {
        comment.text.hasPrefix("/") ? "// " + comment.text : "//" + comment.text
    }

    static func indent(_ depth: Int) -> String { String(repeating: "  ", count: depth) }
}
