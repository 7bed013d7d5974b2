import TenantDiagnostics
import TenantModel
import TenantSemantics

/// A document's node read as a value of the field it lands in. What a scalar means depends on
/// that field: `512MiB` is a size for a `size` field, `0.25` is cores for a `cpu` one, and a
/// plain `yes` is a boolean only for a `bool` one. Quoted scalars are strings, except where
/// the field's type is a quantity, which artifacts may write either way. The value read is
/// then checked by the type itself (`FieldType.conform`), so that a wrong type or a bound is
/// reported as `check` reports it.
public enum ScalarReading {
    /// What went wrong with one node.
    public struct Problem: Error, Sendable {
        public var message: String
        public var help: [String]

        init(_ message: String, help: [String] = []) {
            self.message = message
            self.help = help
        }
    }

    /// What artifacts write for a secret that was not asked for (`--sensitive redact`).
    public static let redacted = "<redacted>"

    public static func value(of node: ImportedNode, as type: FieldType) -> Result<Value, Problem> {
        if node.isNull {
            return .failure(Problem("null: a field of type \(type.description) has no null; leave the key out when the tier's value is wanted"))
        }
        let read: Result<Value, Problem>
        switch node.kind {
        case .scalar(let text, let plain): read = scalar(text, plain: plain, type)
        case .list(let items): read = list(items, type)
        case .record(let entries): read = record(entries, type)
        }
        guard case .success(let value) = read else { return read }
        // A list's items were each checked against the item type; checking the list again is
        // checking them again.
        if case .list = node.kind, case .list = type.nonOptional { return read }
        switch type.conform(value) {
        case .success(let v): return .success(v)
        case .failure(let m): return .failure(Problem(m.message, help: m.help))
        }
    }

    private static func scalar(_ text: String, plain: Bool, _ type: FieldType) -> Result<Value, Problem> {
        switch type.core {
        case .size, .duration, .percent, .cpu:
            if text == "unlimited" { return .success(.unlimited) }
            let spelled = type.core == .cpu && plain && LiteralText.value(of: text).map(isNumber) == true ? text + "cores" : text
            if let v = LiteralText.value(of: spelled) { return .success(v) }
            return .failure(Problem("\(quoteForSource(text)) is not a \(type.core.description)", help: ["expected \(type.core.example)"]))
        case .secret:
            if text == redacted {
                return .failure(Problem("the document holds a redacted secret, whose value is not in it",
                                        help: ["import an artifact built with `--sensitive encrypted`, or set the secret in the tenant afterwards"]))
            }
            return .success(SecretToken(text) != nil ? .secret(text) : .string(text))
        default:
            if text == "unlimited", case .orUnlimited = type.nonOptional { return .success(.unlimited) }
            return .success(plain ? plainValue(text) : .string(text))
        }
    }

    private static func isNumber(_ v: Value) -> Bool {
        switch v {
        case .int, .float: true
        default: false
        }
    }

    /// A plain scalar as YAML's core schema reads it (booleans also in YAML 1.1's words, which
    /// tools such as PyYAML write): a boolean, an integer, a float, or a string.
    static func plainValue(_ text: String) -> Value {
        // Only these start a boolean, an infinity or a number.
        guard let first = text.utf8.first, isDigit(first) || "tTyYoOfFnN.+-".utf8.contains(first) else { return .string(text) }
        switch text {
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return .bool(true)
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return .bool(false)
        case ".inf", "+.inf", ".Inf", ".INF": return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
        default: break
        }
        let b = text.utf8
        var digitsOnly = true
        var hasDigit = false
        var numberBytes = true
        for (i, c) in b.enumerated() {
            if isDigit(c) {
                hasDigit = true
                continue
            }
            if !(i == 0 && (c == 0x2D || c == 0x2B) && b.count > 1) { digitsOnly = false }
            if !(c == 0x2E || c == 0x2D || c == 0x2B || c == 0x65 || c == 0x45) { numberBytes = false }
        }
        if digitsOnly, let i = Int64(text.hasPrefix("+") ? String(text.dropFirst()) : text) { return .int(i) }
        if numberBytes, hasDigit, let d = Double(text), d.isFinite { return .float(d) }
        return .string(text)
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    private static func list(_ items: [ImportedNode], _ type: FieldType) -> Result<Value, Problem> {
        let element: FieldType
        switch type.core {
        case .list(let t): element = t
        case .any: element = .any
        default: return .failure(Problem("a list, where a \(type.description) is expected"))
        }
        var values: [Value] = []
        for (i, item) in items.enumerated() {
            switch value(of: item, as: element) {
            case .success(let v): values.append(v)
            case .failure(let p): return .failure(Problem("item \(i + 1): \(p.message)", help: p.help))
            }
        }
        return .success(.list(values))
    }

    private static func record(_ entries: [(key: String, value: ImportedNode)], _ type: FieldType) -> Result<Value, Problem> {
        var out = Record()
        switch type.core {
        case .record(let shape):
            for (key, node) in entries {
                guard let field = shape.field(key) else {
                    let help = suggestion(for: key, among: shape.fields.map(\.name)).map { ["did you mean `\($0)`?"] } ?? []
                    return .failure(Problem("`\(key)` is not a field of \(shape.description)", help: help))
                }
                switch value(of: node, as: field.type) {
                case .success(let v): out.append(key, v)
                case .failure(let p): return .failure(Problem("`\(key)`: \(p.message)", help: p.help))
                }
            }
        case .any:
            for (key, node) in entries {
                guard case .success(let v) = value(of: node, as: .any) else { return .failure(Problem("`\(key)`: not a value")) }
                out.append(key, v)
            }
        default:
            return .failure(Problem("a mapping, where a \(type.description) is expected"))
        }
        return .success(.record(out))
    }
}
