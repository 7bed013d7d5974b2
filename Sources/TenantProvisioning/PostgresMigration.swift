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
        var out = "-- Moving the PostgreSQL provisioning of tenant \(new.id) from tier \(old.tier) to tier \(new.tier)"
            + " (environment \(new.environment)), by tenantc.\n"
        out += "-- Apply as a superuser with psql, in the database the tier's script is applied in.\n"
        out += summary(before, after)
        out += "\\set ON_ERROR_STOP on\nSET client_min_messages TO warning;\n\\set tenantc_first_database :DBNAME\n"
        out += try PostgresScript.statements(after, secrets: secrets)
        out += cleanup(before, after)
        return out
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
    static func cleanup(_ before: ProvisioningFacts, _ after: ProvisioningFacts) -> String {
        guard let old = before.postgres else { return "" }
        let removedRoles = roleNames(before).filter { !roleNames(after).contains($0) }
        let moved = databaseName(before) != databaseName(after)
        let removedSchemas = moved ? old.places : old.places.filter { !(after.postgres?.places.contains($0) ?? false) }
        guard !removedRoles.isEmpty || !removedSchemas.isEmpty || moved else { return "" }
        var out = "\n-- What only tier \(before.tier) had.\n"
        out += old.ownsDatabase ? "\\connect \(SQLText.identifier(before.id))\n" : "\\connect :\"tenantc_first_database\"\n"
        out += "BEGIN;\n"
        for schema in removedSchemas { out += dropSchema(schema, before) }
        if moved {
            let logins = before.accounts.map(\.name)
            if !logins.isEmpty {
                let body = "\nBEGIN\n  EXECUTE format('REVOKE ALL ON DATABASE %I FROM \(logins.map { _ in "%I" }.joined(separator: ", "))', current_database(), "
                    + logins.map(SQLText.literal).joined(separator: ", ") + ");\nEND\n"
                out += "DO \(SQLText.dollarQuoted(body));\n"
            }
        }
        out += dropOwned(removedRoles)
        out += "COMMIT;\n"
        for role in removedRoles { out += "DROP ROLE IF EXISTS \(SQLText.identifier(role));\n" }
        if old.ownsDatabase, moved {
            out += "-- The tenant's database \(before.id) is no longer used: once its data is moved, DROP DATABASE \(SQLText.identifier(before.id));\n"
        }
        return out
    }

    /// A schema only the old tier had, dropped when it exists and is empty (the old accounts'
    /// default privileges in it, which would keep it, revoked first).
    private static func dropSchema(_ schema: String, _ before: ProvisioningFacts) -> String {
        let s = SQLText.identifier(schema)
        let creators = before.accounts.map(\.name)
        var body = "\nBEGIN\n  IF EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = \(SQLText.literal(schema))) THEN\n"
        for group in roleNames(before) where !creators.isEmpty {
            for kind in ["TABLES", "SEQUENCES"] {
                let statement = "ALTER DEFAULT PRIVILEGES FOR ROLE \(SQLText.identifiers(creators)) IN SCHEMA \(s) REVOKE ALL ON \(kind) FROM \(SQLText.identifier(group))"
                body += "    EXECUTE \(SQLText.literal(statement));\n"
            }
        }
        body += "    EXECUTE \(SQLText.literal("DROP SCHEMA \(s) RESTRICT"));\n  END IF;\nEND\n"
        return "-- Fails while the schema holds objects: move them first.\nDO \(SQLText.dollarQuoted(body));\n"
    }

    /// What removed roles own goes to the user applying the script; their privileges go.
    private static func dropOwned(_ roles: [String]) -> String {
        guard !roles.isEmpty else { return "" }
        var body = "\nBEGIN\n"
        for role in roles {
            body += "  IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = \(SQLText.literal(role))) THEN\n"
            body += "    EXECUTE format('REASSIGN OWNED BY %I TO CURRENT_USER', \(SQLText.literal(role)));\n"
            body += "    EXECUTE format('DROP OWNED BY %I', \(SQLText.literal(role)));\n  END IF;\n"
        }
        return "DO \(SQLText.dollarQuoted(body + "END\n"));\n"
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
