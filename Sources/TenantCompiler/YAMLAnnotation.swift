import TenantSemantics

/// `build --annotate`: a trailing comment on the line of each field of a YAML artifact, naming
/// where the layer that set it is. Only comments are added: the document reads back as the
/// same data.
///
/// The YAML is libyaml's block style, unfolded: each field starts a line `KEY: …` indented two
/// spaces per record; a list's items (`- …`, at its key's indentation or deeper) and a block
/// string's lines belong to the field above them. The comment goes on the field's first line,
/// after its value or its `|` header, where YAML allows one.
enum YAMLAnnotation {
    /// `yaml` annotated, into `out` (emptied first: a worker reuses its storage from tenant to tenant).
    static func annotate(_ yaml: [UInt8], _ annotations: FieldAnnotations, into out: inout [UInt8]) {
        var annotations = annotations
        out.removeAll(keepingCapacity: true)
        var walker = KeyPathWalker(annotations)
        var lineStart = 0
        while lineStart < yaml.count {
            var lineEnd = lineStart
            while lineEnd < yaml.count, yaml[lineEnd] != 0x0A { lineEnd += 1 }
            out.append(contentsOf: yaml[lineStart..<lineEnd])
            if let field = walker.field(on: yaml[lineStart..<lineEnd]), !annotations.isRecord(field) {
                let mark = out.count
                out.append(contentsOf: "  # ".utf8)
                if !annotations.appendNote(for: field, to: &out) { out.removeSubrange(mark...) }
            }
            if lineEnd < yaml.count { out.append(0x0A) }
            lineStart = lineEnd + 1
        }
    }
}

/// Follows the mapping keys of a block-style YAML document line by line.
private struct KeyPathWalker {
    private let fields: FieldAnnotations
    /// The open keys: their indentation and field (-1: not a field of the config).
    private var keys: [(indent: Int, field: Int32)] = []
    /// Lines more indented than this belong to the value of the field above (a list, a block string).
    private var valueIndent: Int?

    init(_ fields: FieldAnnotations) { self.fields = fields }

    /// The field that starts on `line`, if one does.
    mutating func field(on line: ArraySlice<UInt8>) -> Int32? {
        let indent = line.prefix { $0 == 0x20 }.count
        let content = line.dropFirst(indent)
        guard let first = content.first, content.first != 0x23 else { return nil }  // blank or a comment
        if content.starts(with: "---".utf8) || content.starts(with: "...".utf8), indent == 0 { return nil }
        if let v = valueIndent {
            if indent > v || (indent == v && first == UInt8(ascii: "-")) { return nil }
            valueIndent = nil
        }
        if first == UInt8(ascii: "-") {
            // A list at its key's indentation (libyaml does not indent a mapping's lists).
            valueIndent = indent
            return nil
        }
        guard let (name, rest) = Self.key(content) else { return nil }
        while let last = keys.last, last.indent >= indent { keys.removeLast() }
        let parent = keys.last?.field ?? FieldAnnotations.root
        let field = parent < 0 ? -1 : fields.field(name, under: parent) ?? -1
        keys.append((indent, field))
        // `KEY:` alone opens a record or a list; `KEY: |` a block string: what follows belongs to it.
        let value = rest.drop { $0 == 0x20 }
        if value.first == UInt8(ascii: "|") || value.first == UInt8(ascii: ">") { valueIndent = indent }
        return field < 0 ? nil : field
    }

    /// `name: rest` (the name unquoted), when the line is a mapping entry.
    private static func key(_ content: ArraySlice<UInt8>) -> (String, ArraySlice<UInt8>)? {
        var body = content
        var quote: UInt8?
        if let q = body.first, q == UInt8(ascii: "'") || q == UInt8(ascii: "\"") {
            quote = q
            body = body.dropFirst()
        }
        let stop = quote ?? UInt8(ascii: ":")
        guard let end = body.firstIndex(of: stop) else { return nil }
        let name = String(decoding: body[..<end], as: UTF8.self)
        var rest = body[end...].dropFirst(quote == nil ? 0 : 1)
        guard rest.first == UInt8(ascii: ":") else { return nil }
        rest = rest.dropFirst()
        guard rest.isEmpty || rest.first == 0x20 else { return nil }
        return (name, rest)
    }
}
