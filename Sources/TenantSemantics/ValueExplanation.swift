import TenantDiagnostics
import TenantModel

/// Why one tenant's fields have the values they have (`tenantc explain`, docs/explain.md): for
/// each field, its declaration, every layer that set or scaled it in the order they applied,
/// the formula that gave its value with the values it read, and the rules that read it.
public struct ValueExplanation: Sendable {
    public var tenant: String
    public var tier: String
    public var environment: String
    public var fields: [FieldExplanation]
    /// The tenant's own problems: an explanation is given even for a tenant that does not build.
    public var diagnostics: [Diagnostic]
}

/// One field of the explanation.
public struct FieldExplanation: Sendable {
    public var path: String
    /// The type as the tiers declare it (`int(1..100000)`, `"shared" | "dedicated"`, `record`).
    public var type: String
    public var isRecord: Bool
    /// Part of the tier table: tenants cannot set it.
    public var locked: Bool
    /// Under a field whose name starts with `_`: in the config, not in the artifact.
    public var hidden: Bool
    public var doc: String?
    /// The final value; nil for a record, an optional field nobody set, or a value that could
    /// not be computed (the tenant's diagnostics say why).
    public var value: Value?
    public var declaration: LayerStep
    /// The definitions that apply, lowest layer first: the last one that sets the field, and
    /// every `scale` above it, decide the value.
    public var steps: [LayerStep]
    /// How the deciding definition computed its value, when it is a formula.
    public var formula: FormulaTrace?
    /// For a record: each child, with the layer that last set it.
    public var children: [ChildSource]
    /// The rules (of the tiers and the tenant, in this environment) whose condition read the
    /// field, or a field under it.
    public var rules: [RuleOutcome]
}

/// One layer's part in a field's value.
public struct LayerStep: Sendable {
    public enum Action: String, Sendable {
        /// `replaced`: set by a record literal that replaced the record holding the field whole.
        case declared, set, replaced, scaled
    }

    public var action: Action
    public var origin: LayerOrigin
    /// The statement.
    public var span: Span
    /// What it wrote, as written (values of secret fields masked): the value or formula, or
    /// the `scale` factor; nil for a declaration.
    public var written: String?
    /// The field's value once this layer applied (nil when it cannot be computed on its own).
    public var value: Value?
}

/// A formula and the values it read: `limits.cpu * databases.postgresql.resources.cpu_share`
/// = `2cores * 40%` = `0.8cores`.
public struct FormulaTrace: Sendable {
    public var expression: String
    /// The expression with each field it reads (and `super`) replaced by that field's value;
    /// nil when nothing in it could be replaced.
    public var substituted: String?
    public var value: Value?
    public var references: [FormulaReference]
}

/// A field a formula reads, with where its value comes from, and its own formula (to a bounded depth).
public struct FormulaReference: Sendable {
    public var path: String
    public var value: Value?
    public var origin: LayerOrigin?
    public var span: Span?
    public var formula: FormulaTrace?
}

/// A child of a record, and the layer that last set it.
public struct ChildSource: Sendable {
    public var name: String
    public var isRecord: Bool
    public var value: Value?
    public var origin: LayerOrigin?
    public var span: Span?
}

/// A rule that read the field, and how it went.
public struct RuleOutcome: Sendable {
    public var isWarning: Bool
    /// The condition as written.
    public var text: String
    public var span: Span
    public var origin: LayerOrigin
    /// nil when the condition could not be computed.
    public var passed: Bool?
}

/// Why no explanation could be given.
public enum ExplainFailure: Error, Sendable {
    /// The tenant's tier is missing or unknown: its diagnostics.
    case unresolvable([Diagnostic])
    /// No field has that path: the nearest path, if one is near.
    case noSuchField(String, suggestion: String?)
}
