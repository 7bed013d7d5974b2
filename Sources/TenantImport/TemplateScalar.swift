import TenantModel

/// A template's scalar read as `.tenant`: the literal that writes it, its type and its value.
struct TemplateScalar: Sendable, Equatable {
    var source: String
    var type: TemplateType
    var value: Value

    static func string(_ text: String, type: TemplateType = .string) -> TemplateScalar {
        TemplateScalar(source: quoteForSource(text), type: type, value: .string(text))
    }

    /// How a scalar reads. A plain scalar is read as YAML 1.1 reads it, as the seed's
    /// generator (PyYAML) did: booleans (`true`, `yes`, `off`, …), integers (decimal, `0x`),
    /// floats; and as the language reads a literal: `512MiB`, `30d`, `40%`, `0.25cores`,
    /// `unlimited`. A quoted or block scalar is a string to YAML, so only a quantity or
    /// `unlimited` is read from it: `"15"` stays the string it was quoted to be. Strings that
    /// are a cron, a CIDR or an e-mail get that type (`formats`); the rest are strings.
    static func read(_ text: String, plain: Bool, formats: StringFormats) -> TemplateScalar {
        if let value = plain ? plainValue(text) : quantityValue(text) {
            return TemplateScalar(source: literalSource(text, value), type: type(of: value), value: value)
        }
        return .string(text, type: formats.type(of: text) ?? .string)
    }

    /// How a scalar reads into a field the parent tier declares (`field`): a plain scalar
    /// becomes a string for a string-like field (`version: 15` into a `string`), a number
    /// becomes cores for a `cpu` (`cpu: 2` is `2cores`, which artifacts write as `2`).
    /// Anything else reads as it would alone, and the compiler checks it against the field.
    static func read(_ text: String, plain: Bool, into field: InheritedField?, formats: StringFormats) -> TemplateScalar {
        let alone = read(text, plain: plain, formats: formats)
        guard let field else { return alone }
        if field.isStringBacked {
            return .string(text, type: [.cron, .cidr, .email].contains(alone.type) ? alone.type : .string)
        }
        switch field.type.core {
        case .cpu where !field.isRecord && (alone.type == .int || alone.type == .float):
            guard let cores = LiteralText.value(of: alone.source + "cores") else { return alone }
            return TemplateScalar(source: alone.source + "cores", type: .cpu, value: cores)
        default:
            return alone
        }
    }

    /// The literal's text as written when the language reads it as written (`1_000`, `512MiB`),
    /// else the value's own (`yes` is `true`, `0x1F` is `31`).
    private static func literalSource(_ text: String, _ value: Value) -> String {
        LiteralText.value(of: text) == value ? text : value.sourceText
    }

    private static func quantityValue(_ text: String) -> Value? {
        switch LiteralText.value(of: text) {
        case let v? where v.isQuantity || v == .unlimited: v
        default: nil
        }
    }

    /// YAML 1.1's booleans, as PyYAML resolves them (not `y` and `n`).
    private static let booleans: [String: Bool] = [
        "yes": true, "Yes": true, "YES": true, "true": true, "True": true, "TRUE": true, "on": true, "On": true, "ON": true,
        "no": false, "No": false, "NO": false, "false": false, "False": false, "FALSE": false, "off": false, "Off": false, "OFF": false,
    ]

    private static func plainValue(_ text: String) -> Value? {
        if let value = LiteralText.value(of: text) { return value }
        if let b = booleans[text] { return .bool(b) }
        if text.hasPrefix("0x"), let i = Int64(text.dropFirst(2), radix: 16) { return .int(i) }
        if let i = Int64(text) { return .int(i) }  // `+5`
        return floatValue(text)
    }

    /// `.5`, `+1.5`, `1.` and the like, which the language writes otherwise; never inf or NaN.
    private static func floatValue(_ text: String) -> Value? {
        guard text.contains("."), text.utf8.allSatisfy({ "0123456789+-.eE_".utf8.contains($0) }),
              let d = Double(String(text.filter { $0 != "_" })), d.isFinite else { return nil }
        return .float(d)
    }

    private static func type(of value: Value) -> TemplateType {
        switch value {
        case .bool: .bool
        case .int: .int
        case .float: .float
        case .size: .size
        case .duration: .duration
        case .cpu: .cpu
        case .percent: .percent
        case .unlimited: .orUnlimited(.nothing)
        default: .string
        }
    }
}

extension Value {
    var isQuantity: Bool {
        switch self {
        case .size, .duration, .cpu, .percent: true
        default: false
        }
    }
}
