import TenantModel

/// One difference between two resolved configurations, at a dotted path.
public struct ConfigChange: Sendable, Equatable {
    public var path: String
    /// nil: the path is new.
    public var old: Value?
    /// nil: the path is gone.
    public var new: Value?
    /// For two lists: the items only the new one has, and those only the old one has.
    public var addedItems: [Value] = []
    public var removedItems: [Value] = []

    public var isList: Bool {
        if case .list? = old, case .list? = new { return true }
        return false
    }
}

/// Every difference between two resolved configurations, in the old one's key order (keys only
/// the new one has come after). A record that exists on one side only is one change, not one per
/// field; two lists differ by the items one has more of than the other.
public func diffConfigs(_ old: Record, _ new: Record) -> [ConfigChange] {
    var out: [ConfigChange] = []
    diffRecords(old, new, prefix: "", into: &out)
    return out
}

private func diffRecords(_ old: Record, _ new: Record, prefix: String, into out: inout [ConfigChange]) {
    for (key, value) in zip(old.keys, old.values) {
        diffValues(value, new[key], path: prefix + key, into: &out)
    }
    for (key, value) in zip(new.keys, new.values) where old[key] == nil {
        out.append(ConfigChange(path: prefix + key, old: nil, new: value))
    }
}

private func diffValues(_ old: Value, _ new: Value?, path: String, into out: inout [ConfigChange]) {
    guard let new else {
        out.append(ConfigChange(path: path, old: old, new: nil))
        return
    }
    guard old != new else { return }
    switch (old, new) {
    case (.record(let a), .record(let b)):
        diffRecords(a, b, prefix: path + ".", into: &out)
    case (.list(let a), .list(let b)):
        // Items are matched by their source text: a multiset difference in linear time.
        var counts: [String: Int] = [:]
        for item in b { counts[item.sourceText, default: 0] += 1 }
        var removed: [Value] = []
        for item in a {
            let key = item.sourceText
            if let n = counts[key], n > 0 { counts[key] = n - 1 } else { removed.append(item) }
        }
        counts = [:]
        for item in a { counts[item.sourceText, default: 0] += 1 }
        var added: [Value] = []
        for item in b {
            let key = item.sourceText
            if let n = counts[key], n > 0 { counts[key] = n - 1 } else { added.append(item) }
        }
        out.append(ConfigChange(path: path, old: old, new: new, addedItems: added, removedItems: removed))
    default:
        out.append(ConfigChange(path: path, old: old, new: new))
    }
}
