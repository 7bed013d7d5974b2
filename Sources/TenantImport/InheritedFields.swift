import TenantModel

/// What the tier being extended (`--extends PARENT`) declares, each field by its dotted path
/// (`databases.postgresql.mode`). The caller reads it from the compiled tiers, so that this
/// module stays free of the semantic layer: a field the parent declares is set with `=`, a new
/// one is declared with its type, and a value equal to the parent's own is left to inheritance.
public struct InheritedFields: Sendable {
    public var tier: String
    public var fields: [String: InheritedField]

    public init(tier: String, fields: [String: InheritedField]) {
        self.tier = tier
        self.fields = fields
    }
}

/// One field of the tier being extended.
public struct InheritedField: Sendable {
    /// The field's type under `?`, bounds and `| unlimited`: what decides how a template's
    /// scalar is written into it.
    public enum Kind: Sendable, Equatable {
        case record
        case bool, int, float, string, size, duration, cpu, percent
        case enumeration, cron, cidr, email
        case list, any, other

        /// A string or a type whose values are strings: a plain scalar goes there as a string.
        public var isStringBacked: Bool {
            [.string, .enumeration, .cron, .cidr, .email].contains(self)
        }
    }

    /// The tier's own value, as `tenantc tiers` shows it.
    public enum OwnValue: Sendable, Equatable {
        case value(Value)
        case unset
        /// Depends on what each tenant sets, or is not a constant.
        case unknown
    }

    public var kind: Kind
    /// The type as the tier writes it (`int | unlimited`), for notes.
    public var typeText: String
    /// The tier's own value when every tenant gets it as it is (a constant); `.unknown` else.
    public var ownValue: OwnValue
    /// The expression the tier (or one it extends) last gives the field, as written
    /// (`"${tenant.id}_data"`): a template's formula written the same way is inherited.
    public var formula: String?

    public init(kind: Kind, typeText: String, ownValue: OwnValue = .unknown, formula: String? = nil) {
        self.kind = kind
        self.typeText = typeText
        self.ownValue = ownValue
        self.formula = formula
    }

    public var isRecord: Bool { kind == .record }
}
