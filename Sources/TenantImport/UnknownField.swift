import TenantModel
import TenantSemantics
import TenantSyntax

/// `--declare-unknown`: a key the tier does not have, declared in the tenant as a typed field
/// (`monitoring.custom_metrics: [string] = ["latency"]`), its type read from its value: the way
/// the seed's custom overrides add fields. A mapping declares each of its keys.
public enum UnknownField {
    public static func declaration(path: String, node: ImportedNode) -> Result<[TenantSource.Statement], ScalarReading.Problem> {
        let names = path.split(separator: ".").map(String.init)
        if let bad = names.first(where: { !isFieldName($0) }) {
            return .failure(ScalarReading.Problem("`\(bad)` cannot be a field name: a name is a letter or `_` followed by letters, digits and `_`"))
        }
        return declarations(names, node)
    }

    private static func declarations(_ path: [String], _ node: ImportedNode) -> Result<[TenantSource.Statement], ScalarReading.Problem> {
        if case .record(let entries) = node.kind {
            var out: [TenantSource.Statement] = []
            for (key, inner) in entries {
                guard isFieldName(key) else {
                    return .failure(ScalarReading.Problem("`\(key)` cannot be a field name: a name is a letter or `_` followed by letters, digits and `_`"))
                }
                switch declarations(path + [key], inner) {
                case .success(let s): out += s
                case .failure(let p): return .failure(p)
                }
            }
            return .success(out)
        }
        guard let (value, type) = typed(node) else {
            return .failure(ScalarReading.Problem("`\(path.joined(separator: "."))` holds no value a type can be read from (null, or a list of mixed or nested values)"))
        }
        return .success([TenantSource.Statement(path: path, rest: ": \(type) = \(TenantSource.literal(value))", line: node.line)])
    }

    /// The value of a scalar or a list of scalars, with its type's name.
    static func typed(_ node: ImportedNode) -> (Value, String)? {
        switch node.kind {
        case .scalar(let text, let plain):
            guard !node.isNull else { return nil }
            if SecretToken(text) != nil { return (.secret(text), "secret") }
            let value = plain ? (LiteralText.value(of: text) ?? ScalarReading.plainValue(text)) : .string(text)
            return (value, value.kindName)
        case .list(let items):
            let typedItems = items.compactMap(typed)
            guard typedItems.count == items.count else { return nil }
            let kinds = Set(typedItems.map(\.1))
            guard kinds.count <= 1 else { return nil }
            return (.list(typedItems.map(\.0)), "[\(kinds.first ?? "string")]")
        case .record:
            return nil
        }
    }

    private static func isFieldName(_ name: String) -> Bool {
        let b = Array(name.utf8)
        guard let first = b.first, first == 0x5F || (first | 0x20 >= 0x61 && first | 0x20 <= 0x7A) else { return false }
        return b.allSatisfy { $0 == 0x5F || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }
    }
}
