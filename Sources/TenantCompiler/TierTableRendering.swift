import TenantBackends
import TenantDiagnostics
import TenantModel

/// The forms of the tier table (docs/tiers.md).
public enum TierTableFormat: String, CaseIterable, Sendable {
    /// Columns aligned with spaces, for a terminal.
    case text
    /// A GitHub table, then the tiers as a list: the README's table.
    case markdown
    /// A versioned document for scripts.
    case json
}

extension TierTable {
    /// The version of the JSON form: the minor part grows when fields are added, the major part
    /// on any incompatible change.
    public static let jsonFormatVersion = "1.0"

    public func rendered(as format: TierTableFormat) -> String {
        switch format {
        case .text: text
        case .markdown: markdown
        case .json: json
        }
    }

    /// Columns padded to their widest cell (counted in Unicode scalars), two spaces apart; then
    /// one line per tier: its name, what it extends, its doc comment's first paragraph.
    public var text: String {
        let lines = [["field"] + tiers.map(\.name)] + rows.map { [$0.path] + $0.cells.map(\.text) }
        var widths = [Int](repeating: 0, count: tiers.count + 1)
        for line in lines {
            for (i, cell) in line.enumerated() { widths[i] = max(widths[i], cell.unicodeScalars.count) }
        }
        var out = ""
        for line in lines {
            var row = ""
            for (i, cell) in line.enumerated() {
                row += cell
                if i + 1 < line.count { row += String(repeating: " ", count: widths[i] - cell.unicodeScalars.count + 2) }
            }
            out += row + "\n"
        }
        out += "\n"
        for tier in tiers {
            out += tier.name + (tier.extends.map { " (extends \($0))" } ?? "") + (tier.summary.map { ": " + $0 } ?? "") + "\n"
        }
        return out
    }

    /// `| field | free | … |` with a `|---|` separator, fields as code, then one list item per
    /// tier. Exactly what the README shows under "The shipped tier table".
    public var markdown: String {
        var out = "| field | " + tiers.map(\.name).joined(separator: " | ") + " |\n"
        out += "|" + String(repeating: "---|", count: tiers.count + 1) + "\n"
        for row in rows {
            let cells = [markdownCode(row.path)] + row.cells.map(\.markdown)
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        out += "\n"
        for tier in tiers {
            out += "- **\(tier.name)**" + (tier.extends.map { " (extends \($0))" } ?? "") + (tier.summary.map { ": " + $0 } ?? "") + "\n"
        }
        return out
    }

    /// `{"format_version", "tiers": [{name, extends, doc, summary}], "fields": [{path, type, doc,
    /// values: {tier: value}}]}`: typed values, quantities as canonical strings with their unit.
    public var json: String {
        let tierList = tiers.map { t in
            JSONValue.object([
                ("name", .string(t.name)), ("extends", t.extends.map { .string($0) } ?? .null),
                ("doc", t.doc.map { .string($0) } ?? .null), ("summary", t.summary.map { .string($0) } ?? .null),
            ])
        }
        let fieldList = rows.map { row in
            var values: [(String, JSONValue)] = []
            for (tier, cell) in zip(tiers, row.cells) {
                switch cell {
                case .value(let v): values.append((tier.name, tierTableJSON(v)))
                case .unset: values.append((tier.name, .null))
                case .unknown, .absent: break  // documented: the tier is left out
                }
            }
            return JSONValue.object([
                ("path", .string(row.path)), ("type", .string(row.type)), ("doc", row.doc.map { .string($0) } ?? .null),
                ("values", .object(values)),
            ])
        }
        return JSONValue.object([
            ("format_version", .string(Self.jsonFormatVersion)), ("tiers", .array(tierList)), ("fields", .array(fieldList)),
        ]).text
    }
}

extension TierTable.Cell {
    /// As the text form shows it: the value in source spelling, ints grouped by thousands.
    var text: String {
        switch self {
        case .value(.int(let i)): groupedThousands(i)
        case .value(let v): v.sourceText
        case .unset: "unset"
        case .unknown: "?"
        case .absent: "-"
        }
    }

    /// As a Markdown cell: numbers, quantities and words as they are; strings, lists and
    /// records as code, so that no character of theirs is taken for Markdown.
    var markdown: String {
        switch self {
        case .value(.string), .value(.list), .value(.record), .value(.secret): markdownCode(text)
        default: text
        }
    }
}

/// `1,000`, `-10,000,000`: a table is read, not parsed (the JSON form has plain numbers).
func groupedThousands(_ value: Int64) -> String {
    let digits = Array(String(value.magnitude))
    var out = ""
    for (i, d) in digits.enumerated() {
        if i > 0, (digits.count - i) % 3 == 0 { out += "," }
        out.append(d)
    }
    return value < 0 ? "-" + out : out
}

/// A code span that holds `text` whatever backticks it contains, with `|` escaped as a table
/// cell needs (GitHub removes the backslash inside code spans of tables too).
func markdownCode(_ text: String) -> String {
    var longest = 0, run = 0
    for c in text {
        run = c == "`" ? run + 1 : 0
        longest = max(longest, run)
    }
    let fence = String(repeating: "`", count: longest + 1)
    let pad = text.hasPrefix("`") || text.hasSuffix("`") ? " " : ""
    var escaped = ""
    for c in text {
        if c == "|" { escaped += "\\" }
        escaped.append(c)
    }
    return fence + pad + escaped + pad + fence
}

/// A value in the JSON form: bools and numbers typed, quantities and `unlimited` as the
/// strings the source writes (`"0.25cores"`, `"8GiB"`), secrets redacted.
func tierTableJSON(_ value: Value) -> JSONValue {
    switch value {
    case .bool(let b): .bool(b)
    case .int(let i): .raw(String(i))
    case .float: .raw(jsonText(of: value))
    case .string(let s): .string(s)
    case .size, .duration, .cpu, .percent, .unlimited: .string(value.sourceText)
    case .secret: .string("<redacted>")
    case .list(let items): .array(items.map(tierTableJSON))
    case .record(let r): .object(zip(r.keys, r.values).map { ($0, tierTableJSON($1)) })
    }
}
