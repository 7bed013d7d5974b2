import TenantDiagnostics
import TenantModel

/// Where a definition or a declaration comes from: one layer of a tenant's config (docs/language.md, "Layers").
public enum LayerOrigin: Sendable, Equatable, Hashable {
    case tier(String)
    case tierEnv(tier: String, env: String)
    case tenant(String)
    case tenantEnv(tenant: String, env: String)
    /// `--env NAME` on the command line.
    case commandLine

    public var description: String {
        switch self {
        case .tier(let t): "tier `\(t)`"
        case .tierEnv(let t, let e): "`env \(e)` of tier `\(t)`"
        case .tenant(let t): "tenant `\(t)`"
        case .tenantEnv(let t, let e): "`env \(e)` of tenant `\(t)`"
        case .commandLine: "the command line"
        }
    }

    /// True for the tenant's own layers.
    public var isTenant: Bool {
        switch self {
        case .tenant, .tenantEnv: true
        default: false
        }
    }

    /// The tier this layer belongs to, if it is a tier's.
    public var tierName: String? {
        switch self {
        case .tier(let t), .tierEnv(let t, _): t
        default: nil
        }
    }
}

/// One field of the config tree: a record (with children) or a leaf (with a type).
public struct Slot: Sendable {
    public let name: String
    /// The dotted path from the root, for messages.
    public let path: String
    public let parent: Int32
    public let isRecord: Bool
    public var children: [Int32] = []
    public var childIndex: [String: Int32] = [:]
    public var type: FieldType
    public var locked: Bool
    public var doc: String?
    public let declaredAt: Span
    public let declaredBy: LayerOrigin
    /// Declared in a root tier by `=`: the type comes from the value.
    public var inferred: Bool
    /// How many records enclose the field (0 for the root).
    public var depth: Int = 0

    public var isOptional: Bool { type.isOptional }

    /// Hidden fields (names starting with `_`) are part of the config — formulas read them,
    /// layers set them — but never appear in artifacts, like KCL's and CUE's `_` fields.
    public internal(set) var isHidden: Bool = false
}

/// The shape of a config: every field, in declaration order. Slot 0 is the root record.
/// Slots are only ever appended, so an index stays valid in every schema derived from this one.
public struct Schema: Sendable {
    public internal(set) var slots: [Slot]

    public static let root: Int32 = 0

    /// Deepest nesting of records in a config (records are materialised recursively).
    public static let maxDepth = 128

    public init(rootSpan: Span, origin: LayerOrigin) {
        slots = [Slot(name: "", path: "", parent: -1, isRecord: true, type: .any, locked: false, doc: nil,
                      declaredAt: rootSpan, declaredBy: origin, inferred: false)]
    }

    public var count: Int { slots.count }

    /// Accessors that project into the slot, so `schema[s].isRecord` copies nothing.
    public subscript(_ i: Int32) -> Slot {
        _read { yield slots[Int(i)] }
        _modify { yield &slots[Int(i)] }
    }

    public func child(_ parent: Int32, _ name: String) -> Int32? { slots[Int(parent)].childIndex[name] }

    /// Appends a field under `parent` and returns its index.
    public mutating func add(name: String, parent: Int32, isRecord: Bool, type: FieldType, locked: Bool, doc: String?,
                             declaredAt: Span, declaredBy: LayerOrigin, inferred: Bool) -> Int32 {
        let index = Int32(slots.count)
        let parentPath = slots[Int(parent)].path
        let inheritedLock = locked || slots[Int(parent)].locked
        var slot = Slot(name: name, path: parentPath.isEmpty ? name : parentPath + "." + name, parent: parent,
                        isRecord: isRecord, type: type, locked: inheritedLock, doc: doc,
                        declaredAt: declaredAt, declaredBy: declaredBy, inferred: inferred)
        slot.depth = slots[Int(parent)].depth + 1
        slot.isHidden = name.utf8.first == UInt8(ascii: "_")
        slots.append(slot)
        slots[Int(parent)].children.append(index)
        slots[Int(parent)].childIndex[name] = index
        return index
    }

    /// Locks a field and everything under it.
    public mutating func lock(_ slot: Int32) {
        var stack = [slot]
        while let s = stack.popLast() {
            slots[Int(s)].locked = true
            stack.append(contentsOf: slots[Int(s)].children)
        }
    }

    /// `slot` and every field under it.
    public func subtree(_ slot: Int32) -> [Int32] {
        var out: [Int32] = []
        var stack = [slot]
        while let s = stack.popLast() {
            out.append(s)
            stack.append(contentsOf: slots[Int(s)].children.reversed())
        }
        return out
    }

    /// Looks up a dotted path from the root.
    public func lookup(_ names: [String]) -> Int32? {
        var s = Schema.root
        for n in names {
            guard let c = child(s, n) else { return nil }
            s = c
        }
        return s
    }
}

/// One value definition of a leaf field, from one layer.
public struct Definition: Sendable {
    public enum Kind: Sendable {
        /// `path = expr` (or a declaration's default).
        case value(BoundExpr)
        /// A `scale … by factor` overlay: the lower value times `factor`.
        case scale(BoundExpr)
    }

    public var kind: Kind
    /// The value expression (or the `scale` statement).
    public var span: Span
    /// The whole statement that set it (`path = expr`).
    public var statementSpan: Span
    public var origin: LayerOrigin
    /// A constant already checked against the field's type, and stored normalised.
    public var isCheckedConstant = false

    public init(kind: Kind, span: Span, statementSpan: Span, origin: LayerOrigin) {
        self.kind = kind
        self.span = span
        self.statementSpan = statementSpan
        self.origin = origin
    }
}

/// A `check` or `warn` rule, bound against the schema of the layer that wrote it.
public struct Rule: Sendable {
    public var severity: RuleSeverityLevel
    public var condition: BoundExpr
    public var message: BoundExpr?
    /// The whole rule statement, and its condition.
    public var span: Span
    public var conditionSpan: Span
    public var origin: LayerOrigin
    /// For environment overlays: only in this environment.
    public var environment: String?
    /// The condition as written, for the default message.
    public var text: String
    /// Sub-expressions whose values a failed rule shows (`limits.cpu = 2cores`).
    public var probes: [RuleProbe]
}

/// A sub-expression of a rule's condition, shown with its value when the rule fails.
public struct RuleProbe: Sendable {
    public var text: String
    public var expr: BoundExpr
}

public enum RuleSeverityLevel: Sendable {
    case error, warning
}
