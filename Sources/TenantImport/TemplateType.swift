/// The type of an imported value, as a `.tenant` declaration writes it.
indirect enum TemplateType: Sendable, Equatable {
    case bool, int, float, string
    case size, duration, cpu, percent
    case cron, cidr, email
    case any
    /// The items of an empty list: joined with any type, it gives that type.
    case nothing
    /// `T | unlimited`; `unlimited` alone is `nothing | unlimited`, written `any | unlimited`.
    case orUnlimited(TemplateType)
    case optional(TemplateType)
    case list(TemplateType)
    /// A record inside a list, its fields in the order they first appear.
    case record([TemplateField])

    /// The type of a value read from a field the parent tier declares: its kind (an enum's
    /// values are strings), or `any` where the kind alone does not say the type (a list).
    init(inherited field: InheritedField) {
        guard !field.isRecord else {
            self = .any
            return
        }
        switch field.type.core {
        case .bool: self = .bool
        case .int: self = .int
        case .float: self = .float
        case .string, .enumeration: self = .string
        case .size: self = .size
        case .duration: self = .duration
        case .cpu: self = .cpu
        case .percent: self = .percent
        case .cron: self = .cron
        case .cidr: self = .cidr
        case .email: self = .email
        default: self = .any
        }
    }

    /// As a declaration writes it.
    var sourceText: String {
        switch self {
        case .bool: "bool"
        case .int: "int"
        case .float: "float"
        case .string: "string"
        case .size: "size"
        case .duration: "duration"
        case .cpu: "cpu"
        case .percent: "percent"
        case .cron: "cron"
        case .cidr: "cidr"
        case .email: "email"
        case .any, .nothing: "any"
        case .orUnlimited(let t): t.sourceText + " | unlimited"
        case .optional(.orUnlimited(let t)): "(" + TemplateType.orUnlimited(t).sourceText + ")?"
        case .optional(let t): t.sourceText + "?"
        case .list(let t): "[" + t.sourceText + "]"
        case .record(let fields) where fields.isEmpty: "{}"
        case .record(let fields): "{ " + fields.map { $0.name + ": " + $0.type.sourceText }.joined(separator: ", ") + " }"
        }
    }

    /// Whether a value of this type, written as a literal, would be inferred as another type
    /// by a root tier: the string-backed types read as `string` there, and a record field that
    /// is null in every item is in no literal at all; a field holding one (anywhere inside it)
    /// is declared with its type.
    var needsDeclaredType: Bool {
        switch self {
        case .cron, .cidr, .email, .optional(.nothing): true
        case .orUnlimited(let t), .optional(let t), .list(let t): t.needsDeclaredType
        case .record(let fields): fields.contains { $0.type.needsDeclaredType }
        default: false
        }
    }

    /// The type of a list holding values of both types: the narrowest that takes both, else `any`.
    func joined(with other: TemplateType) -> TemplateType {
        switch (self, other) {
        case _ where self == other: self
        case (.nothing, _): other
        case (_, .nothing): self
        case (.int, .float), (.float, .int): .float
        case (.optional(let a), .optional(let b)): .optional(a.joined(with: b))
        case (.optional(let a), let b), (let b, .optional(let a)): .optional(a.joined(with: b))
        case (.orUnlimited(let a), .orUnlimited(let b)): .orUnlimited(a.joined(with: b))
        case (.orUnlimited(let a), let b), (let b, .orUnlimited(let a)): .orUnlimited(a.joined(with: b))
        case (.list(let a), .list(let b)): .list(a.joined(with: b))
        case (.record(let a), .record(let b)): .record(TemplateField.merged(a, b))
        default: .any
        }
    }
}

/// One field of a record type.
struct TemplateField: Sendable, Equatable {
    var name: String
    var type: TemplateType

    /// The fields of two records' types: a field both have takes both types; one only one has
    /// is optional, since a record literal may leave an optional field out.
    static func merged(_ a: [TemplateField], _ b: [TemplateField]) -> [TemplateField] {
        var out = a.map { field in
            guard let other = b.first(where: { $0.name == field.name }) else { return field.optionalized }
            return TemplateField(name: field.name, type: field.type.joined(with: other.type))
        }
        for field in b where !a.contains(where: { $0.name == field.name }) { out.append(field.optionalized) }
        return out
    }

    private var optionalized: TemplateField {
        if case .optional = type { return self }
        return TemplateField(name: name, type: .optional(type))
    }
}
