import TenantBackends
import TenantDiagnostics
import TenantModel
import TenantSemantics

/// The schema keywords of one field type, as the JSON backend writes its values in `units`
/// (README, "Output encoding"; TenantBackends/Scalar.swift).
struct LeafSchema {
    let units: UnitsMode

    /// Canonical quantity text: digits (a fraction only for percents) and the units tenantc
    /// prints. `-` only where a negative lower bound lets a value below zero in.
    static func canonicalPattern(_ kind: FieldType, negative: Bool) -> String {
        let sign = negative ? "-?" : ""
        return switch kind {
        case .size: "^\(sign)[0-9]+(B|KB|MB|GB|TB|PB|KiB|MiB|GiB|TiB|PiB)$"
        case .duration: "^\(sign)[0-9]+(ms|s|m|h|d|w|y)$"
        default: "^\(sign)[0-9]+(\\.[0-9]+)?%$"
        }
    }

    /// Necessary conditions only, looser than tenantc's checks (FormatValidation): a pattern
    /// must never refuse a value tenantc accepts. Five fields split on spaces; an address, `/`
    /// and a prefix length (`Int` reads a sign); one `@` and a dotted domain.
    static let cronPattern = "^ *[^ ]+( +[^ ]+){4} *$"
    static let cidrPattern = "^[^/]+/[+-]?[0-9]+$"
    static let emailPattern = "^[^@ ]+@[^@.]+(\\.[^@.]+)+$"

    func members(_ type: FieldType) -> [(String, JSONValue)] {
        switch type {
        case .any: return []
        case .optional(let t): return members(t)
        case .orUnlimited(let t): return orUnlimited(members(t))
        case .bounded(let t, let lo, let hi): return bounded(t, lower: lo, upper: hi)
        case .bool: return kind("boolean")
        case .int: return kind("integer")
        case .float: return kind("number")
        case .string: return kind("string")
        // `<redacted>`, the encrypted token or the plaintext (--sensitive): a string each time.
        case .secret: return kind("string")
        case .size, .duration, .cpu, .percent: return quantity(type, lower: nil, upper: nil)
        case .cron: return kind("string") + [("pattern", .string(Self.cronPattern))]
        case .cidr: return kind("string") + [("pattern", .string(Self.cidrPattern))]
        case .email: return kind("string") + [("pattern", .string(Self.emailPattern))]
        case .enumeration(let m): return [("enum", .array(m.map(JSONValue.string)))]
        case .list(let element):
            let items = members(element)
            return kind("array") + (items.isEmpty ? [] : [("items", .compactObject(items))])
        case .record(let shape): return record(shape)
        }
    }

    private func kind(_ name: String) -> [(String, JSONValue)] { [("type", .string(name))] }

    private func orUnlimited(_ inner: [(String, JSONValue)]) -> [(String, JSONValue)] {
        [("anyOf", .array([.compactObject(inner), .compactObject([("const", .string("unlimited"))])]))]
    }

    /// A record held in a list: every field is written (defaults filled in) but unset
    /// optional ones, and nothing else.
    private func record(_ shape: RecordShape) -> [(String, JSONValue)] {
        let properties = shape.fields.map { ($0.name, JSONValue.compactObject(members($0.type))) }
        let required = shape.fields.filter { !$0.type.isOptional }.map { JSONValue.string($0.name) }
        return kind("object") + [("properties", .object(properties))] + (required.isEmpty ? [] : [("required", .array(required))])
            + [("additionalProperties", .bool(false))]
    }

    /// `T(lo..hi)`: `minimum`/`maximum` where values are numbers; on canonical strings the
    /// bounds cannot be expressed and are stated in `$comment` instead.
    private func bounded(_ type: FieldType, lower: Value?, upper: Value?) -> [(String, JSONValue)] {
        switch type {
        case .orUnlimited(let t):
            let inner = bounded(t, lower: lower, upper: upper)
            // `unlimited` is above every bound but an `unlimited` one.
            if let upper, !isUnlimited(upper) { return inner }
            return orUnlimited(inner)
        case .optional(let t):
            return bounded(t, lower: lower, upper: upper)
        case .size, .duration, .cpu, .percent:
            return quantity(type, lower: lower, upper: upper)
        case .int, .float:
            return members(type) + limits(lower: lower, upper: upper, floor: nil)
        default:
            return members(type) + [("$comment", .string("bounds \(FieldType.bounded(type, lower: lower, upper: upper).description) not expressed"))]
        }
    }

    /// A quantity: a number (cpu always; the rest with `--units base`) with its bounds, floor 0
    /// unless a lower bound says otherwise; else a canonical string.
    private func quantity(_ type: FieldType, lower: Value?, upper: Value?) -> [(String, JSONValue)] {
        if type == .cpu || units == .base {
            let zero: JSONValue = .int(0)
            return kind(type == .size ? "integer" : "number") + limits(lower: lower, upper: upper, floor: zero)
        }
        let negative = lower.map(Self.isBelowZero) ?? false
        var out = kind("string") + [("pattern", .string(Self.canonicalPattern(type, negative: negative)))]
        if lower != nil || upper != nil {
            out.append(("$comment", .string("bounds \(FieldType.bounded(type, lower: lower, upper: upper).description) not expressible on canonical strings; see --units base")))
        }
        return out
    }

    private func limits(lower: Value?, upper: Value?, floor: JSONValue?) -> [(String, JSONValue)] {
        var out: [(String, JSONValue)] = []
        if let lower, !isUnlimited(lower) { out.append(("minimum", number(lower))) } else if let floor { out.append(("minimum", floor)) }
        if let upper, !isUnlimited(upper) { out.append(("maximum", number(upper))) }
        return out
    }

    /// A bound written exactly as the JSON backend writes a value of the field (bytes,
    /// seconds, fractions, cores), so that a value equal to its bound compares equal.
    private func number(_ v: Value) -> JSONValue {
        .raw(jsonText(of: v, options: RenderOptions(units: .base)))
    }

    private static func isBelowZero(_ v: Value) -> Bool {
        switch v {
        case .size(let s): s.bytes < 0
        case .duration(let d): d.milliseconds < 0
        case .cpu(let c): c.millicores < 0
        case .percent(let p): p.micros < 0
        default: false
        }
    }

    private func isUnlimited(_ v: Value) -> Bool {
        if case .unlimited = v { return true }
        return false
    }
}
