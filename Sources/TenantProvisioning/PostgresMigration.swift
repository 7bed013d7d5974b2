import TenantBackends
import TenantModel

/// The SQL that moves a tenant's PostgreSQL provisioning from one tier to another
/// (`tenantc plan FILE --to TIER --emit postgres`, docs/provisioning.md): the new tier's
/// script, which brings every role, limit, membership and privilege the tiers share to the new
/// values and adds what is new, then the removal of what only the old tier had — its roles
/// (what they own is given to the user applying the script first: no data is dropped), its
/// schemas (`DROP SCHEMA … RESTRICT`, which fails while one holds objects: move them first),
/// and the tenant's access to a database it no longer uses. A database of the tenant's own
/// that the new tier does not use is left in place, with the statement to drop it in a comment.
public enum PostgresMigration {
    public static func render(from old: ResolvedTenant, to new: ResolvedTenant, secrets: (any SecretOpener)?) throws(BackendError) -> String {
        let before = try ProvisioningFacts(old)
        let after = try ProvisioningFacts(new)
        var out: SQLText = "-- Moving the PostgreSQL provisioning of tenant \(raw: new.id) from tier \(raw: old.tier) to tier \(raw: new.tier)"
            + " (environment \(raw: new.environment)), by tenantc.\n"
        out += "-- Apply as a superuser with psql, in the database the tier's script is applied in.\n"
        out += "\(raw: summary(before, after))"
        out += "\\set ON_ERROR_STOP on\nSET client_min_messages TO warning;\n\\set tenantc_first_database :DBNAME\n"
        try PostgresScript.statements(after, secrets: secrets, into: &out)
        cleanup(before, after, into: &out)
        return out.string
    }

    /// What changes, as comments.
    static func summary(_ before: ProvisioningFacts, _ after: ProvisioningFacts) -> String {
        var lines: [String] = []
        let (oldRoles, newRoles) = (Set(roleNames(before)), Set(roleNames(after)))
        for r in roleNames(after) where !oldRoles.contains(r) { lines.append("new role \(r)") }
        for r in roleNames(before) where !newRoles.contains(r) { lines.append("role \(r) removed") }
        let (oldLimit, newLimit) = (before.postgres?.connectionLimit, after.postgres?.connectionLimit)
        if oldLimit != newLimit { lines.append("connection limit \(oldLimit.map(String.init) ?? "none") → \(newLimit.map(String.init) ?? "none")") }
        let (oldPlace, newPlace) = (databaseName(before), databaseName(after))
        if oldPlace != newPlace { lines.append("schemas move from \(oldPlace ?? "none") to \(newPlace ?? "none")") }
        for s in after.postgres?.places ?? [] where !(before.postgres?.places.contains(s) ?? false) { lines.append("new schema \(s)") }
        for s in before.postgres?.places ?? [] where !(after.postgres?.places.contains(s) ?? false) { lines.append("schema \(s) removed") }
        if lines.isEmpty { lines.append("no role, limit or schema changes; privileges are set again") }
        return lines.map { "--   " + $0 + "\n" }.joined()
    }

    /// Removes from the old tier's database what the new tier does not have there, then the old tier's roles.
    static func cleanup(_ before: ProvisioningFacts, _ after: ProvisioningFacts, into out: inout SQLText) {
        guard let old = before.postgres else { return }
        let removedRoles = roleNames(before).filter { !roleNames(after).contains($0) }
        let moved = databaseName(before) != databaseName(after)
        let removedSchemas = moved ? old.places : old.places.filter { !(after.postgres?.places.contains($0) ?? false) }
        guard !removedRoles.isEmpty || !removedSchemas.isEmpty || moved else { return }
        out += "\n-- What only tier \(raw: before.tier) had.\n"
        out += old.ownsDatabase ? "\\connect \(identifier: before.id)\n" : "\\connect :\"tenantc_first_database\"\n"
        out += "BEGIN;\n"
        for schema in removedSchemas { dropSchema(schema, before, into: &out) }
        let logins = before.accounts.map(\.name)
        if moved, !logins.isEmpty {
            let placeholders = logins.map { _ in "%I" }.joined(separator: ", ")
            let body: SQLText = "\nBEGIN\n  EXECUTE format('REVOKE ALL ON DATABASE %I FROM \(raw: placeholders)', current_database(), \(literals: logins));\nEND\n"
            out += "DO \(dollarQuoted: body);\n"
        }
        dropOwned(removedRoles, into: &out)
        out += "COMMIT;\n"
        for role in removedRoles { out += "DROP ROLE IF EXISTS \(identifier: role);\n" }
        if old.ownsDatabase, moved {
            out += "-- The tenant's database \(raw: before.id) is no longer used: once its data is moved, DROP DATABASE \(identifier: before.id);\n"
        }
    }

    /// A schema only the old tier had, dropped when it exists and is empty (the old accounts'
    /// default privileges in it, which would keep it, revoked first).
    private static func dropSchema(_ schema: String, _ before: ProvisioningFacts, into out: inout SQLText) {
        let creators = before.accounts.map(\.name)
        var body: SQLText = "\nBEGIN\n  IF EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = \(literal: schema)) THEN\n"
        for group in roleNames(before) where !creators.isEmpty {
            for kind in ["TABLES", "SEQUENCES"] {
                let statement: SQLText = "ALTER DEFAULT PRIVILEGES FOR ROLE \(identifiers: creators) IN SCHEMA \(identifier: schema) REVOKE ALL ON \(raw: kind) FROM \(identifier: group)"
                body += "    EXECUTE \(literal: statement.string);\n"
            }
        }
        let drop: SQLText = "DROP SCHEMA \(identifier: schema) RESTRICT"
        body += "    EXECUTE \(literal: drop.string);\n  END IF;\nEND\n"
        out += "-- Fails while the schema holds objects: move them first.\nDO \(dollarQuoted: body);\n"
    }

    /// What removed roles own goes to the user applying the script; their privileges go.
    private static func dropOwned(_ roles: [String], into out: inout SQLText) {
        guard !roles.isEmpty else { return }
        var body: SQLText = "\nBEGIN\n"
        for role in roles {
            body += "  IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = \(literal: role)) THEN\n"
            body += "    EXECUTE format('REASSIGN OWNED BY %I TO CURRENT_USER', \(literal: role));\n"
            body += "    EXECUTE format('DROP OWNED BY %I', \(literal: role));\n  END IF;\n"
        }
        body += "END\n"
        out += "DO \(dollarQuoted: body);\n"
    }

    static func roleNames(_ facts: ProvisioningFacts) -> [String] {
        guard facts.postgres != nil else { return [] }
        return facts.roles.map(\.serverName) + facts.accounts.map(\.name)
    }

    /// The tenant's own database, `shared` for the one the scripts are applied in, nil without PostgreSQL.
    static func databaseName(_ facts: ProvisioningFacts) -> String? {
        guard let db = facts.postgres else { return nil }
        return db.ownsDatabase ? facts.id : "the shared database"
    }
}
