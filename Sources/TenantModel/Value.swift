/// A fully evaluated configuration value: what the evaluator produces and the backends render.
///
/// Quantities are exact integers in their base unit (bytes, milliseconds, millicores,
/// micro-percent); floating point only appears for `float` values.
public enum Value: Sendable, Equatable {
    case bool(Bool)
    case int(Int64)
    case float(Double)
    case string(String)
    case size(Size)
    case duration(TimeSpan)
    case cpu(CPU)
    case percent(Percent)
    case unlimited
    case list([Value])
    case record(Record)
    /// An encrypted literal: the token inside `secret("…")`. Never decrypted by the model.
    case secret(String)

    /// The value with every record inside it sorted by key (`--sort-keys`).
    public func sortedByKey() -> Value {
        switch self {
        case .record(let r): .record(r.sortedByKey())
        case .list(let items): .list(items.map { $0.sortedByKey() })
        default: self
        }
    }

    /// True when a secret is this value or inside it.
    public var containsSecret: Bool {
        switch self {
        case .secret: true
        case .list(let items): items.contains { $0.containsSecret }
        case .record(let r): r.values.contains { $0.containsSecret }
        default: false
        }
    }

    /// The name of this value's kind as users see it in diagnostics (`size`, `list`, …).
    public var kindName: String {
        switch self {
        case .bool: "bool"
        case .int: "int"
        case .float: "float"
        case .string: "string"
        case .size: "size"
        case .duration: "duration"
        case .cpu: "cpu"
        case .percent: "percent"
        case .unlimited: "unlimited"
        case .list: "list"
        case .record: "record"
        case .secret: "secret"
        }
    }
}

/// An ordered record: keys keep the order of first declaration along the tier chain.
public struct Record: Sendable, Equatable {
    public var keys: [String]
    public var values: [Value]

    public init() {
        keys = []
        values = []
    }

    public init(keys: [String], values: [Value]) {
        // Only ever built by the compiler from paired arrays; never from user input directly.
        precondition(keys.count == values.count, "Record keys and values must pair up")
        self.keys = keys
        self.values = values
    }

    public init(_ pairs: KeyValuePairs<String, Value>) {
        keys = pairs.map(\.key)
        values = pairs.map(\.value)
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// Linear lookup: records are small (tens of keys) and keep declaration order.
    public subscript(key: String) -> Value? {
        guard let i = keys.firstIndex(of: key) else { return nil }
        return values[i]
    }

    public mutating func append(_ key: String, _ value: Value) {
        keys.append(key)
        values.append(value)
    }

    /// The record with its keys, and those of every record inside it, in alphabetical order.
    public func sortedByKey() -> Record {
        let order = keys.indices.sorted { keys[$0] < keys[$1] }
        return Record(keys: order.map { keys[$0] }, values: order.map { values[$0].sortedByKey() })
    }

    /// Equality ignores key order, as records are compared by content (`==`, `in`).
    public static func == (a: Record, b: Record) -> Bool {
        guard a.keys.count == b.keys.count else { return false }
        if a.keys == b.keys { return a.values == b.values }
        for (k, v) in zip(a.keys, a.values) {
            guard let w = b[k], w == v else { return false }
        }
        return true
    }
}

/// A resolved tenant: the unit a backend renders.
extension Record {
    /// The value at a dotted path, if every step is a record that has it. The path is walked
    /// in place, one segment at a time, without splitting it: the provisioning backends ask for
    /// dozens of paths per tenant.
    public func value(at path: String) -> Value? {
        var record = self
        var rest = path[...]
        while true {
            let dot = rest.utf8.firstIndex(of: UInt8(ascii: "."))
            let segment = dot.map { rest[..<$0] } ?? rest
            guard let i = record.keys.firstIndex(where: { $0.utf8.elementsEqual(segment.utf8) }) else { return nil }
            guard let dot else { return record.values[i] }
            guard case .record(let r) = record.values[i] else { return nil }
            record = r
            rest = rest[rest.utf8.index(after: dot)...]
        }
    }
}

public struct ResolvedTenant: Sendable {
    public let id: String
    public let tier: String
    public let environment: String
    public let config: Record

    public init(id: String, tier: String, environment: String, config: Record) {
        self.id = id
        self.tier = tier
        self.environment = environment
        self.config = config
    }
}
