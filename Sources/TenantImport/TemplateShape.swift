/// What a template must be to become a tier, checked before anything is written: a mapping,
/// of keys that are field names, nested no deeper than a tier nests records, with no null
/// inside a list (a `.tenant` list holds values only).
enum TemplateShape {
    /// Records nest at most 128 levels in a config and blocks 256 in source: 100 leaves room
    /// for the tier's own braces.
    static let maxDepth = 100

    /// Notes on keys that `.tenant` reads differently (hidden `_` fields).
    static func check(_ root: ImportedNode) throws(TemplateError) -> [ImportNote] {
        guard case .record = root.kind else {
            throw TemplateError(.syntax, "the template is \(description(of: root)): a tier template is a mapping of fields", line: root.line, column: root.column,
                                help: ["a tier is written from keys and values (`limits:` then `cpu_cores: 2`)"])
        }
        var notes: [ImportNote] = []
        try check(root, depth: 0, notes: &notes)
        return notes
    }

    /// `depth`: the mappings and lists around `node`.
    private static func check(_ node: ImportedNode, depth: Int, notes: inout [ImportNote]) throws(TemplateError) {
        if case .scalar = node.kind { return }
        guard depth < maxDepth else {
            throw TemplateError(.tooDeep, "the template nests more than \(maxDepth) levels of mappings and lists", line: node.line, column: node.column,
                                help: ["a tier nests records at most \(maxDepth) levels when imported"])
        }
        switch node.kind {
        case .scalar:
            return
        case .list(let items):
            for item in items {
                if item.isNull { throw TemplateError(.syntax, "a null item in a list: a `.tenant` list holds values only", line: item.line, column: item.column) }
                try check(item, depth: depth + 1, notes: &notes)
            }
        case .record(let entries):
            for (i, entry) in entries.enumerated() {
                let line = i < node.keyLines.count ? node.keyLines[i] : entry.value.line
                try checkKey(entry.key, line: line, notes: &notes)
                try check(entry.value, depth: depth + 1, notes: &notes)
            }
        }
    }

    private static func checkKey(_ key: String, line: Int, notes: inout [ImportNote]) throws(TemplateError) {
        guard SourceNames.isFieldName(key) else {
            var help = ["a field name is a letter or `_` followed by letters, digits and `_` (not `true`, `false`, `unlimited` or `super`)"]
            if key == "<<" {
                help = ["YAML merge keys are not imported: write the merged keys out in the template"]
            } else if let fixed = suggestedName(key) {
                help.append("rename it in the template: `\(fixed)`")
            }
            throw TemplateError(.syntax, "the key `\(key)` is not a field name", line: line, column: 0, help: help)
        }
        if key.hasPrefix("_") {
            notes.append(ImportNote(line: line, "`\(key)` starts with `_`: a hidden field in `.tenant`, which formulas read and artifacts leave out"))
        }
    }

    /// `max-users` → `max_users`; nil when no such spelling is a field name.
    private static func suggestedName(_ key: String) -> String? {
        var name = String(key.unicodeScalars.map { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) ? Character($0) : "_" })
        if let first = name.first, first.isNumber { name = "_" + name }
        return SourceNames.isFieldName(name) && name != key ? name : nil
    }

    private static func description(of node: ImportedNode) -> String {
        switch node.kind {
        case .list: "a list"
        case .record: "a mapping"
        case .scalar: node.isNull ? "empty" : "a single value"
        }
    }
}
