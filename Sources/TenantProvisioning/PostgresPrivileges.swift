/// What each operation of `access_control.roles` grants on PostgreSQL (docs/provisioning.md):
/// `read` reads, `write` creates and changes, `admin` empties and constrains. The server is
/// then asked for what `tenantc access` answers: SELECT for `read`, INSERT for `write`,
/// TRUNCATE for `admin`.
enum PostgresPrivileges {
    static func schema(_ operations: ProvisioningFacts.Operations) -> [String] {
        ordered(operations, [.read: ["USAGE"], .write: ["USAGE", "CREATE"], .admin: ["USAGE", "CREATE"]], order: ["USAGE", "CREATE"])
    }

    static func tables(_ operations: ProvisioningFacts.Operations) -> [String] {
        ordered(operations, [.read: ["SELECT"], .write: ["INSERT", "UPDATE", "DELETE"], .admin: ["TRUNCATE", "REFERENCES", "TRIGGER"]],
                order: ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"])
    }

    static func sequences(_ operations: ProvisioningFacts.Operations) -> [String] {
        ordered(operations, [.read: ["SELECT"], .write: ["USAGE", "UPDATE"]], order: ["SELECT", "USAGE", "UPDATE"])
    }

    private static func ordered(_ operations: ProvisioningFacts.Operations, _ grants: KeyValuePairs<ProvisioningFacts.Operations, [String]>,
                                order: [String]) -> [String] {
        var wanted: [String] = []
        for (operation, privileges) in grants where operations.contains(operation) { wanted += privileges }
        return order.filter(wanted.contains)
    }

    /// A role's privileges on schemas, tables and sequences, as the grants write them.
    struct Grants {
        var schema: SQLText
        var tables: SQLText
        var sequences: SQLText

        /// The grants of a set of operations (one of eight, made once).
        static func of(_ operations: ProvisioningFacts.Operations) -> Grants { table[Int(operations.rawValue)] }

        private static let table: [Grants] = (0..<8).map { bits in
            let operations = ProvisioningFacts.Operations(rawValue: UInt8(bits))
            func list(_ privileges: [String]) -> SQLText { "\(raw: privileges.joined(separator: ", "))" }
            return Grants(schema: list(PostgresPrivileges.schema(operations)), tables: list(PostgresPrivileges.tables(operations)),
                          sequences: list(PostgresPrivileges.sequences(operations)))
        }
    }
}
