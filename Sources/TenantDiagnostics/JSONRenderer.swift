/// Renders the versioned JSON envelope documented in `docs/diagnostics.md`, a public contract
/// for editors and CI scripts: fields are only ever added, and `format_version` says when.
///
/// `counts` should be the true totals (`DiagnosticList.counts`); when nil they are counted from
/// `diagnostics`. Ranges are printed on one line each so the output stays scannable by eye;
/// whitespace is not part of the contract.
public func renderJSON(_ diagnostics: [Diagnostic], sourceMap: SourceMap, counts: DiagnosticCounts? = nil) -> String {
    let counts = counts ?? DiagnosticCounts(counting: diagnostics)
    let list = diagnostics.map { jsonObject($0, sourceMap: sourceMap) }  // each redacted there
    let envelope = JSONValue.object([
        ("format_version", .string(DiagnosticFormat.jsonFormatVersion)),
        ("valid", .bool(counts.isValid)),
        ("error_count", .int(counts.errors)),
        ("warning_count", .int(counts.warnings)),
        ("diagnostics", .array(list)),
    ])
    var out = ""
    envelope.write(to: &out, indent: 0)
    out += "\n"
    return out
}

/// One diagnostic as the envelope's `diagnostics` array holds it; other JSON documents
/// (migration plans) embed the same objects.
public func jsonObject(_ diagnostic: Diagnostic, sourceMap: SourceMap) -> JSONValue {
    let diagnostic = diagnostic.redactingSecretValues(sourceMap)
    return .object([
        ("severity", .string(diagnostic.severity.rawValue)),
        ("code", .string(diagnostic.code.id)),
        ("message", .string(diagnostic.message)),
        ("range", jsonRange(diagnostic.span, sourceMap)),
        ("label", .string(diagnostic.label)),
        ("related", .array(diagnostic.related.map { related in
            .compactObject([("message", .string(related.message)), ("range", jsonRange(related.span, sourceMap))])
        })),
        ("notes", .array(diagnostic.notes.map { .string($0) })),
        ("help", .array(diagnostic.help.map { .string($0) })),
        ("fixes", .array(diagnostic.fixes.map { fix in
            .compactObject([("range", jsonRange(fix.span, sourceMap)), ("replacement", .string(fix.replacement))])
        })),
    ])
}

extension DiagnosticFormat {
    /// The version of the JSON envelope: the minor part grows when fields are added, the major
    /// part on any incompatible change.
    public static let jsonFormatVersion = "1.0"
}

private func jsonRange(_ span: Span?, _ sourceMap: SourceMap) -> JSONValue {
    guard let span, let located = sourceMap.position(span) else { return .null }
    func position(_ p: SourcePosition) -> JSONValue {
        .compactObject([("line", .int(p.line)), ("column", .int(p.column)), ("byte", .int(p.byte))])
    }
    return .compactObject([
        ("file", .string(located.file.path)), ("start", position(located.start)), ("end", position(located.end)),
    ])
}

/// A JSON document with its layout: keys keep their order, and `compactObject` prints on one line.
/// Enough for the envelope, SARIF and migration plans without pulling in Foundation.
public indirect enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])
    case compactObject([(String, JSONValue)])
    /// JSON text made elsewhere (a value written by the JSON backend), inserted as it is.
    case raw(String)

    /// The document, pretty-printed, with a final newline.
    public var text: String {
        var out = ""
        write(to: &out, indent: 0)
        return out + "\n"
    }

    func write(to out: inout String, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .string(let value): writeJSONString(value, to: &out)
        case .raw(let text): out += text
        case .array(let items):
            if items.isEmpty {
                out += "[]"
                return
            }
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += spaces(indent + 2)
                item.write(to: &out, indent: indent + 2)
                out += index + 1 < items.count ? ",\n" : "\n"
            }
            out += spaces(indent) + "]"
        case .object(let members):
            if members.isEmpty {
                out += "{}"
                return
            }
            out += "{\n"
            for (index, (key, value)) in members.enumerated() {
                out += spaces(indent + 2)
                writeJSONString(key, to: &out)
                out += ": "
                value.write(to: &out, indent: indent + 2)
                out += index + 1 < members.count ? ",\n" : "\n"
            }
            out += spaces(indent) + "}"
        case .compactObject:
            writeCompact(to: &out)
        }
    }

    /// The document on one line (a protocol message).
    public var compactText: String {
        var out = ""
        writeCompact(to: &out)
        return out
    }

    func writeCompact(to out: inout String) {
        switch self {
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += ", " }
                item.writeCompact(to: &out)
            }
            out += "]"
        case .object(let members), .compactObject(let members):
            out += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out += ", " }
                writeJSONString(key, to: &out)
                out += ": "
                value.writeCompact(to: &out)
            }
            out += "}"
        default:
            write(to: &out, indent: 0)
        }
    }
}

/// RFC 8259 string escaping. Beyond the required escapes, DEL and U+2028/U+2029 are escaped
/// too, so the output is also safe to embed in JavaScript and to show in a terminal.
func writeJSONString(_ text: String, to out: inout String) {
    out += "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        default:
            let v = scalar.value
            if v < 0x20 || v == 0x7F || v == 0x2028 || v == 0x2029 {
                out += "\\u"
                let hex = String(v, radix: 16)
                out += String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    out += "\""
}
