import TenantModel
import TenantSemantics

/// What the tier being extended (`--extends PARENT`) declares, each field by its dotted path
/// (`databases.postgresql.mode`), as the caller reads it from the compiled tiers: a field the
/// parent declares is set with `=`, a new one is declared with its type, and a value equal to
/// the parent's own is left to inheritance.
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
    /// The field's type, as the tier declares it (a record's is `any`).
    public var type: FieldType
    public var isRecord: Bool
    /// The type as the tier writes it (`int | unlimited`), for notes.
    public var typeText: String
    /// The tier's own value when every tenant gets it as it is (a constant); `.unknown` else.
    public var ownValue: TierValue
    /// The expression the tier (or one it extends) last gives the field, as written
    /// (`"${tenant.id}_data"`): a template's formula written the same way is inherited.
    public var formula: String?

    public init(type: FieldType, isRecord: Bool = false, typeText: String, ownValue: TierValue = .unknown, formula: String? = nil) {
        self.type = type
        self.isRecord = isRecord
        self.typeText = typeText
        self.ownValue = ownValue
        self.formula = formula
    }

    /// A string or a type whose values are strings: a plain scalar goes there as a string.
    var isStringBacked: Bool {
        switch type.core {
        case .string, .enumeration, .cron, .cidr, .email: !isRecord
        default: false
        }
    }
}
