/// What each operation of `access_control.roles` grants on PostgreSQL (docs/provisioning.md):
/// `read` reads, `write` creates and changes, `admin` empties and constrains. The server is
/// then asked for what `tenantc access` answers: SELECT for `read`, INSERT for `write`,
/// TRUNCATE for `admin`.
enum PostgresPrivileges {
    static func schema(_ operations: [String]) -> [String] {
        ordered(operations, ["read": ["USAGE"], "write": ["USAGE", "CREATE"], "admin": ["USAGE", "CREATE"]], order: ["USAGE", "CREATE"])
    }

    static func tables(_ operations: [String]) -> [String] {
        ordered(operations, ["read": ["SELECT"], "write": ["INSERT", "UPDATE", "DELETE"], "admin": ["TRUNCATE", "REFERENCES", "TRIGGER"]],
                order: ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"])
    }

    static func sequences(_ operations: [String]) -> [String] {
        ordered(operations, ["read": ["SELECT"], "write": ["USAGE", "UPDATE"]], order: ["SELECT", "USAGE", "UPDATE"])
    }

    private static func ordered(_ operations: [String], _ grants: [String: [String]], order: [String]) -> [String] {
        var wanted: [String] = []
        for operation in operations { wanted += grants[operation] ?? [] }
        return order.filter(wanted.contains)
    }

    /// A role's privileges on schemas, tables and sequences, as the grants write them.
    struct Grants {
        var schema: String
        var tables: String
        var sequences: String

        init(_ operations: [String]) {
            schema = PostgresPrivileges.schema(operations).joined(separator: ", ")
            tables = PostgresPrivileges.tables(operations).joined(separator: ", ")
            sequences = PostgresPrivileges.sequences(operations).joined(separator: ", ")
        }
    }
}
