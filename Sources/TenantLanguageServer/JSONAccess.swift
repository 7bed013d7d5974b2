import TenantDiagnostics

/// Reading the members of a message: every accessor answers nil for a value of another kind,
/// so a malformed message is an error to report, never a trap.
extension JSONValue {
    subscript(_ key: String) -> JSONValue? {
        switch self {
        case .object(let members), .compactObject(let members): members.first { $0.0 == key }?.1
        default: nil
        }
    }

    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    var intValue: Int? {
        if case .int(let n) = self { return n }
        return nil
    }

    var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The message as bytes on one line.
    var compactBytes: [UInt8] { Array(compactText.utf8) }
}
