import TenantModel

/// The declared or inferred type of a field.
public indirect enum FieldType: Sendable, Equatable {
    /// Accepts anything (an empty list's elements, a value whose type could not be inferred).
    case any
    case bool, int, float, string
    case size, duration, cpu, percent
    case cron, cidr, email, secret
    /// One of the listed strings.
    case enumeration([String])
    case list(FieldType)
    /// A record value held inside a list (records in the config tree are schema slots instead).
    case record(RecordShape)
    /// May be left unset; unset fields are omitted from output.
    case optional(FieldType)
    /// `T | unlimited`.
    case orUnlimited(FieldType)
    /// `T(lo..hi)`, inclusive.
    case bounded(FieldType, lower: Value?, upper: Value?)

    /// The type without `?`.
    public var nonOptional: FieldType {
        if case .optional(let t) = self { return t.nonOptional }
        return self
    }

    public var isOptional: Bool {
        if case .optional = self { return true }
        return false
    }

    /// The type under bounds, `?` and `| unlimited`.
    public var core: FieldType {
        switch self {
        case .optional(let t), .orUnlimited(let t): t.core
        case .bounded(let t, _, _): t.core
        default: self
        }
    }

    /// Whether a value of this type holds a secret somewhere (`secret?`, `[secret]`, a list of
    /// records with a secret field).
    public var containsSecret: Bool {
        switch self {
        case .secret: true
        case .list(let t), .optional(let t), .orUnlimited(let t), .bounded(let t, _, _): t.containsSecret
        case .record(let shape): shape.fields.contains { $0.type.containsSecret }
        default: false
        }
    }

    /// The quantity kind that `scale` multiplies, if any.
    public var isScalable: Bool {
        switch core {
        case .cpu, .size: true
        default: false
        }
    }

    /// How the type reads in messages and docs.
    public var description: String {
        switch self {
        case .any: "any"
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
        case .secret: "secret"
        case .enumeration(let members): members.map { quoteForSource($0) }.joined(separator: " | ")
        case .list(let t): "[\(t.description)]"
        case .record(let shape): shape.description
        case .optional(let t):
            if case .enumeration = t { "(\(t.description))?" } else if case .orUnlimited = t { "(\(t.description))?" } else { "\(t.description)?" }
        case .orUnlimited(let t): "\(t.description) | unlimited"
        case .bounded(let t, let lo, let hi): "\(t.description)(\(lo?.sourceText ?? "")..\(hi?.sourceText ?? ""))"
        }
    }

    /// The type with an example value, for "expected …" messages: `size like 8GiB`.
    public var example: String {
        switch core {
        case .bool: "bool like true"
        case .int: "int like 42"
        case .float: "float like 0.5"
        case .string: "string like \"text\""
        case .size: "size like 8GiB"
        case .duration: "duration like 30d"
        case .cpu: "cpu like 2cores"
        case .percent: "percent like 70%"
        case .cron: "cron expression like \"0 2 * * 0\""
        case .cidr: "CIDR like \"10.0.0.0/8\""
        case .email: "email like \"ops@example.com\""
        case .secret: "secret like secret(\"tenantc:v1:…\")"
        case .enumeration(let m): "one of \(m.map { quoteForSource($0) }.joined(separator: ", "))"
        case .list(let t): "list of \(t.description)"
        case .record(let s): "record \(s.description)"
        default: description
        }
    }
}

/// The fields of a record held in a list, e.g. `[{ name: string  retention: duration }]`.
public final class RecordShape: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        public let name: String
        public let type: FieldType
        /// A constant default; nil for required (or optional) fields.
        public let defaultValue: Value?
    }

    public let fields: [Field]

    public init(fields: [Field]) { self.fields = fields }

    public static func == (a: RecordShape, b: RecordShape) -> Bool { a === b || a.fields == b.fields }

    public var description: String {
        "{ " + fields.map { "\($0.name): \($0.type.description)" }.joined(separator: ", ") + " }"
    }

    public func field(_ name: String) -> Field? { fields.first { $0.name == name } }
}

/// Why a value does not fit a type: for a diagnostic.
public struct TypeMismatch: Error, Sendable {
    public enum Kind: Sendable { case type, bounds, enumMember, format, unknownField, missingField }
    public var kind: Kind
    public var message: String
    public var help: [String]
    /// For enum mismatches: the value and the members (did-you-mean).
    public var enumValue: String?
    public var enumMembers: [String] = []
    /// A value where a secret belongs: it may be a plaintext, so neither the message nor the
    /// diagnostic's source excerpt may show it.
    public var concernsSecret = false
}

extension FieldType {
    /// True when `value` already is of this plain type, as it is almost always: the evaluator
    /// skips the full check (and its result allocation) then.
    @inline(__always)
    func accepts(_ value: Value) -> Bool {
        switch (self, value) {
        case (.bool, .bool), (.int, .int), (.float, .float), (.string, .string), (.secret, .secret):
            return true
        case (.size, .size), (.duration, .duration), (.cpu, .cpu), (.percent, .percent):
            return !value.isNegativeQuantity
        case (.enumeration(let members), .string(let s)):
            return members.contains(s)
        case (.optional(let t), _):
            return t.accepts(value)
        case (.orUnlimited(let t), _):
            if case .unlimited = value { return true }
            return t.accepts(value)
        case (.list(let element), .list(let items)):
            if case .any = element { return true }
            return items.allSatisfy { element.accepts($0) }
        case (.record(let shape), .record(let r)):
            // Exactly the shape's fields, in its order: nothing to fill in or reorder.
            guard r.keys.count == shape.fields.count else { return false }
            for (k, f) in shape.fields.enumerated() where r.keys[k] != f.name || !f.type.accepts(r.values[k]) { return false }
            return true
        case (.bounded(let t, let lo, let hi), _):
            guard t.accepts(value) else { return false }
            if let lo, let c = compareForBounds(value, lo), c < 0 { return false }
            if let hi, let c = compareForBounds(value, hi), c > 0 { return false }
            return true
        default:
            return false
        }
    }

    /// Checks `value` against the type and returns it normalised (an int where a float is
    /// expected becomes a float; a whole float where an int is expected becomes an int;
    /// record defaults are filled in).
    public func conform(_ value: Value) -> Result<Value, TypeMismatch> {
        conform(value, negativesAllowed: false)
    }

    /// `conform`, where `negativesAllowed` says whether a quantity may be below zero: only under
    /// an explicit lower bound (`percent(-100%..100%)`), which then decides alone.
    func conform(_ value: Value, negativesAllowed: Bool) -> Result<Value, TypeMismatch> {
        switch self {
        case .any:
            return .success(value)
        case .optional(let t):
            return t.conform(value, negativesAllowed: negativesAllowed)
        case .orUnlimited(let t):
            if case .unlimited = value { return .success(value) }
            return t.conform(value, negativesAllowed: negativesAllowed)
        case .bounded(let t, let lo, let hi):
            switch t.conform(value, negativesAllowed: negativesAllowed || lo != nil) {
            case .failure(let m): return .failure(m)
            case .success(let v):
                if let lo, let c = compareForBounds(v, lo), c < 0 {
                    return .failure(TypeMismatch(kind: .bounds, message: "\(v.sourceText) is below the minimum \(lo.sourceText) of \(description)",
                                                 help: ["use a value of at least \(lo.sourceText)"]))
                }
                if let hi, let c = compareForBounds(v, hi), c > 0 {
                    return .failure(TypeMismatch(kind: .bounds, message: "\(v.sourceText) is above the maximum \(hi.sourceText) of \(description)",
                                                 help: ["use a value of at most \(hi.sourceText)"]))
                }
                return .success(v)
            }
        case .bool:
            if case .bool = value { return .success(value) }
        case .int:
            switch value {
            case .int: return .success(value)
            case .float(let d) where d.rounded() == d && abs(d) < 9.2e18: return .success(.int(Int64(d)))
            default: break
            }
        case .float:
            switch value {
            case .float: return .success(value)
            case .int(let i): return .success(.float(Double(i)))
            default: break
            }
        case .string:
            if case .string = value { return .success(value) }
        case .size, .duration, .cpu, .percent:
            if value.kindName == description {  // a quantity of this very kind
                if value.isNegativeQuantity, !negativesAllowed { return .failure(FieldType.negativeQuantity(value)) }
                return .success(value)
            }
        case .secret:
            if case .secret = value { return .success(value) }
            // Never the value itself: a plaintext password must not reach a log.
            let found = value.kindName == "string" ? "a plain string" : "a plain \(value.kindName)"
            return .failure(TypeMismatch(kind: .type, message: "expected an encrypted secret like secret(\"tenantc:v1:…\"), found \(found)",
                                         help: ["encrypt the value with `tenantc encrypt --key-file KEY` (it reads the value from its standard input) and paste the `secret(\"…\")` it prints"],
                                         concernsSecret: true))
        case .cron, .cidr, .email:
            if case .string(let s) = value {
                let problem: String?
                switch self {
                case .cron: problem = FormatValidation.cronProblem(s)
                case .cidr: problem = FormatValidation.cidrProblem(s)
                default: problem = FormatValidation.emailProblem(s)
                }
                if let problem {
                    return .failure(TypeMismatch(kind: .format, message: "\(quoteForSource(s)) is not a valid \(description): \(problem)",
                                                 help: ["expected \(example)"]))
                }
                return .success(value)
            }
        case .enumeration(let members):
            if case .string(let s) = value {
                if members.contains(s) { return .success(value) }
                return .failure(TypeMismatch(kind: .enumMember, message: "\(quoteForSource(s)) is not one of \(members.map { quoteForSource($0) }.joined(separator: ", "))",
                                             help: [], enumValue: s, enumMembers: members))
            }
        case .list(let element):
            if case .list(let items) = value {
                var out: [Value] = []
                out.reserveCapacity(items.count)
                var changed = false
                for (i, item) in items.enumerated() {
                    switch element.conform(item) {
                    case .success(let v):
                        if !changed, v != item || v.kindName != item.kindName { changed = true }
                        out.append(v)
                    case .failure(var m):
                        m.message = "item \(i + 1) of the list: " + m.message
                        return .failure(m)
                    }
                }
                return .success(changed ? .list(out) : value)
            }
        case .record(let shape):
            if case .record(let r) = value {
                var out = Record()
                for (k, _) in zip(r.keys, r.values) where shape.field(k) == nil {
                    return .failure(TypeMismatch(kind: .unknownField, message: "unknown field `\(k)` in a record of type \(shape.description)",
                                                 help: ["the fields are \(shape.fields.map { "`\($0.name)`" }.joined(separator: ", "))"]))
                }
                for f in shape.fields {
                    if let v = r[f.name] {
                        switch f.type.conform(v) {
                        case .success(let cv): out.append(f.name, cv)
                        case .failure(var m):
                            m.message = "field `\(f.name)`: " + m.message
                            return .failure(m)
                        }
                    } else if let d = f.defaultValue {
                        out.append(f.name, d)
                    } else if !f.type.isOptional {
                        return .failure(TypeMismatch(kind: .missingField, message: "missing field `\(f.name)` (\(f.type.description)) in a record of type \(shape.description)",
                                                     help: ["add `\(f.name) = …` to the record"]))
                    }
                }
                return .success(.record(out))
            }
        }
        return .failure(TypeMismatch(kind: .type, message: "expected \(example), found \(describe(value))",
                                     help: conversionHint(value)))
    }

    /// Why a quantity below zero is refused, and how a field opts in to negative values.
    static func negativeQuantity(_ value: Value) -> TypeMismatch {
        let kind = value.kindName
        let optIn = switch value {
        case .size: "size(-1GiB..1GiB)"
        case .duration: "duration(-1h..1h)"
        case .cpu: "cpu(-2cores..2cores)"
        default: "percent(-100%..100%)"
        }
        return TypeMismatch(kind: .bounds, message: "\(value.sourceText) is negative: a \(kind) must not be negative",
                            help: ["use a \(kind) of at least \(Value.zero(like: value).sourceText)",
                                   "a field that may hold negative amounts declares a lower bound, like `\(optIn)`"])
    }

    private func conversionHint(_ value: Value) -> [String] {
        switch (core, value) {
        case (.size, .int(let i)): ["write a unit: \(i)GiB, \(i)MiB or \(i)B"]
        case (.duration, .int(let i)): ["write a unit: \(i)d, \(i)h, \(i)m or \(i)s"]
        case (.cpu, .int(let i)): ["write a unit: \(i)cores"]
        case (.cpu, .float(let d)): ["write a unit: \(formatFloat(d).replacingOccurrences(".0", ""))cores"]
        case (.percent, .int(let i)): ["write a unit: \(i)%"]
        case (.int, .string(let s)) where Int64(s) != nil: ["remove the quotes: \(s)"]
        case (.bool, .string(let s)) where s == "true" || s == "false": ["remove the quotes: \(s)"]
        default: []
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(_ a: String, _ b: String) -> String {
        guard hasSuffix(a) else { return self }
        return String(dropLast(a.count)) + b
    }
}

/// `int 8`, `string "x"`, `size 8GiB`: a value with its kind, for messages.
public func describe(_ value: Value) -> String {
    switch value {
    case .list(let items): items.isEmpty ? "an empty list" : "list \(value.sourceText)"
    case .record: "record \(value.sourceText)"
    case .unlimited: "unlimited"
    case .secret: "a secret"
    default: "\(value.kindName) \(value.sourceText)"
    }
}

/// Orders two values of the same kind for bounds and comparisons; nil when they do not compare.
public func compareForBounds(_ a: Value, _ b: Value) -> Int? {
    switch (a, b) {
    case (.unlimited, .unlimited): return 0
    case (.unlimited, _): return 1
    case (_, .unlimited): return -1
    case (.int(let x), .int(let y)): return x < y ? -1 : x > y ? 1 : 0
    case (.int(let x), .float(let y)): return Double(x) < y ? -1 : Double(x) > y ? 1 : 0
    case (.float(let x), .int(let y)): return x < Double(y) ? -1 : x > Double(y) ? 1 : 0
    case (.float(let x), .float(let y)): return x < y ? -1 : x > y ? 1 : 0
    case (.size(let x), .size(let y)): return x < y ? -1 : x > y ? 1 : 0
    case (.duration(let x), .duration(let y)): return x < y ? -1 : x > y ? 1 : 0
    case (.cpu(let x), .cpu(let y)): return x < y ? -1 : x > y ? 1 : 0
    case (.percent(let x), .percent(let y)): return x < y ? -1 : x > y ? 1 : 0
    case (.string(let x), .string(let y)): return x < y ? -1 : x > y ? 1 : 0
    default: return nil
    }
}

extension Value {
    /// True for a size, duration, cpu or percent below zero.
    var isNegativeQuantity: Bool {
        switch self {
        case .size(let s): s.bytes < 0
        case .duration(let d): d.milliseconds < 0
        case .cpu(let c): c.millicores < 0
        case .percent(let p): p.micros < 0
        default: false
        }
    }

    /// The first quantity below zero in this value: itself, or one inside its lists and records.
    var firstNegativeQuantity: Value? {
        switch self {
        case .list(let items): items.lazy.compactMap(\.firstNegativeQuantity).first
        case .record(let r): r.values.lazy.compactMap(\.firstNegativeQuantity).first
        default: isNegativeQuantity ? self : nil
        }
    }

    /// Zero of the same quantity kind and unit family (`0B`, `0d`, `0cores`, `0%`).
    static func zero(like value: Value) -> Value {
        switch value {
        case .size(var s): s.bytes = 0; return .size(s)
        case .duration(var d): d.milliseconds = 0; return .duration(d)
        case .cpu: return .cpu(CPU(millicores: 0))
        default: return .percent(Percent(micros: 0))
        }
    }
}
