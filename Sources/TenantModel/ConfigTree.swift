import Synchronization

/// Receives a resolved config in artifact order: records open and close around their fields,
/// each field comes as its key and then its value (or, for a record, its nested walk).
///
/// A backend that writes as it walks needs no `Record` of the whole config: the evaluator hands
/// over the values it holds, and the records its tenants share with their tier as they are.
public protocol ConfigVisitor: AnyObject {
    func beginRecord() throws
    func endRecord() throws
    /// The key of a record field; its contents follow (`beginRecord` … `endRecord`).
    func recordKey(_ key: String) throws
    /// A field that is not a record of the config tree (a record *value*, such as one built by
    /// a comprehension or shared with the tier, comes whole).
    func field(_ key: String, _ value: Value) throws
    /// A record of the config tree given whole (one its tenants share with their tier): the
    /// same as `beginRecord`, its fields, `endRecord`.
    func record(_ record: Record) throws
    /// A field the tenant shows exactly as its tier does (`entry` numbers it among the tier's
    /// fields): `write` hands it over as usual, key then value. A visitor that kept what it
    /// wrote for the same entry of an earlier tenant of the tier may write that instead.
    func sharedEntry(_ entry: Int32, _ write: () throws -> Void) throws
}

extension ConfigVisitor {
    public func record(_ record: Record) throws {
        try record.walk(self)
    }

    public func sharedEntry(_ entry: Int32, _ write: () throws -> Void) throws {
        try write()
    }
}

/// A resolved tenant whose config can be walked without being built first.
public protocol ConfigTree: AnyObject, Sendable {
    var id: String { get }
    var tier: String { get }
    var environment: String { get }
    /// Walks the config, root record first.
    func walk(_ visitor: any ConfigVisitor) throws
    /// The config built as a `Record`, for backends that need it whole.
    func resolved() throws -> ResolvedTenant
    /// Where backends keep what they wrote for the entries `ConfigVisitor.sharedEntry` names,
    /// for the other tenants of the same tier in the same environment; nil when the walk names
    /// no shared entries.
    var shared: SharedRenderings? { get }
}

extension ConfigTree {
    public var shared: SharedRenderings? { nil }
}

/// What backends wrote for the shared entries of one tier in one environment, each under its
/// own key (a backend's name and render options).
public final class SharedRenderings: Sendable {
    private let kept = Mutex<[String: any Sendable]>([:])

    public init() {}

    public subscript(key: String) -> (any Sendable)? {
        get { kept.withLock { $0[key] } }
        set { kept.withLock { $0[key] = newValue } }
    }
}

extension Record {
    /// Walks this record as a config root (what `ConfigTree.walk` yields for the same config).
    public func walk(_ visitor: any ConfigVisitor) throws {
        try visitor.beginRecord()
        for (k, v) in zip(keys, values) {
            if case .record(let r) = v {
                try visitor.recordKey(k)
                try r.walk(visitor)
            } else {
                try visitor.field(k, v)
            }
        }
        try visitor.endRecord()
    }
}
