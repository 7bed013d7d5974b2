import TenantBackends

/// A tenant's `pg_hba.conf` lines (docs/provisioning.md): its accounts may connect from its
/// allowed networks only, over TLS (`hostssl`) when its configuration requires TLS, and
/// authenticate with SCRAM-SHA-256. Another tenant's network gives it nothing.
enum PgHbaLines {
    static func render(_ facts: ProvisioningFacts) -> String {
        var out = "# pg_hba.conf lines of tenant \(facts.id) (tier \(facts.tier), environment \(facts.environment)), by tenantc.\n"
        guard let database = facts.postgres, !facts.accounts.isEmpty else {
            return out + "# PostgreSQL is not provisioned for this tenant, or it has no accounts: no line.\n"
        }
        let type = facts.sslRequired ? "hostssl" : "host"
        // A database of its own is named; in a shared one, the schemas' privileges isolate.
        let target = database.ownsDatabase ? quoted(facts.id) : "all"
        let users = facts.accounts.map { quoted($0.name) }.joined(separator: ",")
        if facts.allowedNetworks.isEmpty { out += "# No allowed network: no line.\n" }
        for network in facts.allowedNetworks {
            out += "\(type)\t\(target)\t\(users)\t\(network)\tscram-sha-256\n"
        }
        return out
    }

    /// A name as pg_hba.conf reads it: in double quotes (a quote doubled), so that no name is
    /// taken for a keyword (`all`, `sameuser`) or a group (`+name`).
    static func quoted(_ name: String) -> String { SQLText.identifier(name) }
}
