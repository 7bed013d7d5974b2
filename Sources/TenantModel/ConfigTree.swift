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
}

extension ConfigVisitor {
    public func record(_ record: Record) throws {
        try record.walk(self)
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
