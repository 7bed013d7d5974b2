import TenantBackends
import TenantModel
import TenantSecrets

/// A tenant's PostgreSQL provisioning as one psql script (docs/provisioning.md): its roles,
/// its database when it has one of its own, its schemas, and exactly the privileges its
/// access control gives each role on them. Every statement can run again: applied twice, the
/// second run changes nothing. What PostgreSQL grants to PUBLIC by default is revoked.
struct PostgresScript {
    let facts: ProvisioningFacts
    let database: ProvisioningFacts.Database
    let secrets: (any SecretOpener)?
    private let loginRoles: [String]
    private let allRoles: [String]
    /// Quoted lists: every role of the tenant, its accounts, its access control's roles, its schemas.
    private let everyone: SQLText
    private let logins: SQLText
    private let groups: SQLText
    private let schemaList: SQLText
    /// Each role of the access control, quoted, with its privileges.
    private let grants: [(role: SQLText, grants: PostgresPrivileges.Grants)]

    init(facts: ProvisioningFacts, database: ProvisioningFacts.Database, secrets: (any SecretOpener)?) {
        self.facts = facts
        self.database = database
        self.secrets = secrets
        loginRoles = facts.accounts.map(\.name)
        allRoles = facts.roles.map(\.serverName) + loginRoles
        everyone = SQLText(identifiers: allRoles)
        logins = SQLText(identifiers: loginRoles)
        groups = SQLText(identifiers: facts.roles.map(\.serverName))
        schemaList = SQLText(identifiers: database.places)
        grants = facts.roles.map { ("\(identifier: $0.serverName)", PostgresPrivileges.Grants.of($0.postgres)) }
    }

    /// The script; a comment alone when PostgreSQL is not provisioned for the tenant.
    static func render(_ facts: ProvisioningFacts, secrets: (any SecretOpener)?) throws(BackendError) -> SQLText {
        var out = SQLText(capacity: 8192)
        out += "-- PostgreSQL provisioning of tenant \(raw: facts.id) (tier \(raw: facts.tier), environment \(raw: facts.environment)), by tenantc.\n"
        guard facts.postgres != nil else {
            return out + "-- PostgreSQL is not provisioned for this tenant (not enabled, or not in its tier).\n"
        }
        out += "-- Apply as a superuser with psql (it uses \\gexec and \\connect): psql -v ON_ERROR_STOP=1 -f \(raw: facts.id).sql\n"
        out += "-- It can be applied again: every statement leaves what it finds as the configuration says.\n"
        out += "\\set ON_ERROR_STOP on\nSET client_min_messages TO warning;\n"
        try statements(facts, secrets: secrets, into: &out)
        return out
    }

    /// The statements alone (roles, database, schemas), from the database psql started in;
    /// nothing when PostgreSQL is not provisioned.
    static func statements(_ facts: ProvisioningFacts, secrets: (any SecretOpener)?, into out: inout SQLText) throws(BackendError) {
        guard let database = facts.postgres else { return }
        let script = PostgresScript(facts: facts, database: database, secrets: secrets)
        try script.roles(into: &out)
        script.ownDatabase(into: &out)
        script.schemas(into: &out)
    }

    /// Group roles (one per role the access control declares, `<id>_<role>`), login roles (the
    /// accounts), and their memberships: exactly those configured.
    private func roles(into out: inout SQLText) throws(BackendError) {
        out += "\n-- Roles: one per role of the access control, one per account.\nBEGIN;\n"
        let create: SQLText = "\nDECLARE\n  r text;\nBEGIN\n  FOREACH r IN ARRAY ARRAY[\(literals: allRoles)]::text[] LOOP\n"
            + "    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r) THEN\n      EXECUTE format('CREATE ROLE %I', r);\n    END IF;\n"
            + "  END LOOP;\nEND\n"
        out += "DO \(dollarQuoted: create);\n"
        let attributes = "NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION NOBYPASSRLS"
        for (role, _) in grants {
            out += "ALTER ROLE \(role) WITH NOLOGIN \(raw: attributes) CONNECTION LIMIT -1 PASSWORD NULL;\n"
        }
        let password = try passwords()
        if password.missingKey {
            out += "-- databases.postgresql.password is set, but no key was given: the accounts have no password.\n"
        }
        let limit = database.connectionLimit ?? -1
        for account in facts.accounts {
            let verifier: SQLText = if let v = password.verifier(account.name) { "\(literal: v)" } else { "NULL" }
            out += "ALTER ROLE \(identifier: account.name) WITH LOGIN \(raw: attributes) CONNECTION LIMIT \(limit) PASSWORD \(verifier);\n"
        }
        memberships(into: &out)
        out += "COMMIT;\n"
    }

    /// Each account a member of exactly the tenant's roles it holds: granted when missing,
    /// revoked when not configured (as after a change of tier).
    private func memberships(into out: inout SQLText) {
        guard !facts.accounts.isEmpty, !facts.roles.isEmpty else { return }
        var rows = SQLText()
        for account in facts.accounts {
            for role in facts.roles {
                if !rows.isEmpty { rows += ", " }
                rows += "(\(literal: role.serverName), \(literal: account.name), \(account.roles.contains(role.name)))"
            }
        }
        let body: SQLText = """

            DECLARE
              g text;
              u text;
              wanted bool;
              member bool;
            BEGIN
              FOR g, u, wanted IN VALUES \(rows) LOOP
                member := EXISTS (SELECT FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles gr ON gr.oid = m.roleid
                                  JOIN pg_catalog.pg_roles ur ON ur.oid = m.member WHERE gr.rolname = g AND ur.rolname = u);
                IF wanted AND NOT member THEN
                  EXECUTE format('GRANT %I TO %I', g, u);
                ELSIF member AND NOT wanted THEN
                  EXECUTE format('REVOKE %I FROM %I', g, u);
                END IF;
              END LOOP;
            END

            """
        out += "DO \(dollarQuoted: body);\n"
    }

    /// The verifier of each account's password, from `databases.postgresql.password`.
    private func passwords() throws(BackendError) -> (verifier: (String) -> String?, missingKey: Bool) {
        let plaintext: String?
        switch database.password {
        case .secret(let token)?:
            guard let secrets else { return ({ _ in nil }, true) }
            guard let opened = secrets.plaintext(ofSecret: token) else { throw BackendError("databases.postgresql.password does not decrypt") }
            plaintext = opened
        case .string(let text)?: plaintext = text
        default: plaintext = nil
        }
        guard let plaintext else { return ({ _ in nil }, false) }
        guard PasswordVerifier.scramSHA256(password: plaintext, account: "") != nil else {
            throw BackendError("databases.postgresql.password holds characters other than printable ASCII, which PostgreSQL prepares (SASLprep) before hashing: use a printable ASCII password")
        }
        return ({ account in PasswordVerifier.scramSHA256(password: plaintext, account: account) }, false)
    }

    /// The tenant's own database (`mode = "dedicated"`, or isolation `database` or `instance`),
    /// created when missing, then connected to.
    private func ownDatabase(into out: inout SQLText) {
        guard database.ownsDatabase else { return }
        let name = facts.id
        let create: SQLText = "CREATE DATABASE \(identifier: name)"
        out += "\n-- The tenant's own database.\n"
        out += "SELECT \(literal: create.string)\n"
        out += "WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = \(literal: name))\\gexec\n"
        out += "\\connect \(identifier: name)\n"
        out += "SET client_min_messages TO warning;\n"
    }

    /// The database's PUBLIC defaults revoked, its schemas, and each role's privileges on them.
    private func schemas(into out: inout SQLText) {
        out += "\n-- The schemas, and what each role may do in them; nothing for PUBLIC.\nBEGIN;\n"
        var body: SQLText = "\nBEGIN\n  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());\n"
        if !loginRoles.isEmpty {
            let placeholders = loginRoles.map { _ in "%I" }.joined(separator: ", ")
            body += "  EXECUTE format('GRANT CONNECT ON DATABASE %I TO \(raw: placeholders)', current_database(), \(literals: loginRoles));\n"
        }
        body += "END\n"
        out += "DO \(dollarQuoted: body);\n"
        out += "REVOKE CREATE ON SCHEMA public FROM PUBLIC;\n"
        guard !database.places.isEmpty else {
            out += "COMMIT;\n"
            return
        }
        for schema in database.places { out += "CREATE SCHEMA IF NOT EXISTS \(identifier: schema);\n" }
        privileges(into: &out)
        out += "COMMIT;\n"
    }

    /// Every privilege on the schemas, their tables and sequences revoked from PUBLIC and the
    /// tenant's roles, then each role's granted again.
    private func privileges(into out: inout SQLText) {
        let schemas = schemaList
        out += "REVOKE ALL ON SCHEMA \(schemas) FROM PUBLIC, \(everyone);\n"
        out += "REVOKE ALL ON ALL TABLES IN SCHEMA \(schemas) FROM PUBLIC, \(everyone);\n"
        out += "REVOKE ALL ON ALL SEQUENCES IN SCHEMA \(schemas) FROM PUBLIC, \(everyone);\n"
        for (role, grant) in grants {
            if !grant.schema.isEmpty { out += "GRANT \(grant.schema) ON SCHEMA \(schemas) TO \(role);\n" }
            if !grant.tables.isEmpty { out += "GRANT \(grant.tables) ON ALL TABLES IN SCHEMA \(schemas) TO \(role);\n" }
            if !grant.sequences.isEmpty { out += "GRANT \(grant.sequences) ON ALL SEQUENCES IN SCHEMA \(schemas) TO \(role);\n" }
        }
        defaultPrivileges(into: &out)
    }

    /// What each role may do with the tables and sequences the tenant's accounts create later.
    private func defaultPrivileges(into out: inout SQLText) {
        guard !loginRoles.isEmpty, !facts.roles.isEmpty else { return }
        let creators: SQLText = "ALTER DEFAULT PRIVILEGES FOR ROLE \(logins) IN SCHEMA \(schemaList)"
        out += "\(creators) REVOKE ALL ON TABLES FROM \(groups);\n\(creators) REVOKE ALL ON SEQUENCES FROM \(groups);\n"
        for (role, grant) in grants {
            if !grant.tables.isEmpty { out += "\(creators) GRANT \(grant.tables) ON TABLES TO \(role);\n" }
            if !grant.sequences.isEmpty { out += "\(creators) GRANT \(grant.sequences) ON SEQUENCES TO \(role);\n" }
        }
    }
}
