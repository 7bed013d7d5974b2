import TenantBackends
import TenantModel
import TenantSecrets

/// A tenant's Redis ACL (docs/provisioning.md): one user per account, confined to the tenant's
/// key namespaces, with the command categories its roles allow (`read` → `@read`, `write` →
/// `@write`, `admin` → `@keyspace`), and never the dangerous or administrative commands, nor
/// those that list or count keys beyond its patterns. One disabled user per role
/// (`<id>_<role>`) carries each role's rules alone. Each line starts with `reset`, so that
/// loading it again gives the same user.
enum RedisACL {
    /// `user` lines only: an ACL file holds nothing else (Redis refuses comments in it). Empty
    /// when Redis is not provisioned for the tenant.
    static func render(_ facts: ProvisioningFacts, secrets: (any SecretOpener)?) throws(BackendError) -> String {
        var out = ""
        guard let redis = facts.redis else { return out }
        let password = try self.password(redis, secrets)
        for name in facts.accounts.map(\.name) + facts.roles.map(\.serverName) where name.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } == true }) {
            throw BackendError("the Redis user name `\(name)` holds a space or a control character")
        }
        let keys = redis.places.map { "~" + pattern($0) }.joined(separator: " ")
        for account in facts.accounts {
            let operations = facts.roles(of: account).flatMap { $0.operations["redis"] ?? [] }
            out += "user \(account.name) reset on \(password.map { $0 + " " } ?? "")\(keys) resetchannels \(commands(operations))\n"
        }
        for role in facts.roles {
            out += "user \(role.serverName) reset off \(keys) resetchannels \(commands(role.operations["redis"] ?? []))\n"
        }
        return out
    }

    /// The command rules of a set of operations (one of eight strings, made once).
    static func commands(_ operations: [String]) -> String {
        let index = (operations.contains("read") ? 1 : 0) | (operations.contains("write") ? 2 : 0) | (operations.contains("admin") ? 4 : 0)
        return commandRules[index]
    }

    private static let commandRules: [String] = (0..<8).map { bits in
        rules([(1, "read"), (2, "write"), (4, "admin")].filter { bits & $0.0 != 0 }.map(\.1))
    }

    private static func rules(_ operations: [String]) -> String {
        var rules = ["-@all", "+@connection"]
        if operations.contains("read") { rules.append("+@read") }
        if operations.contains("write") { rules.append("+@write") }
        rules.append(operations.contains("admin") ? "+@keyspace" : "-@keyspace")
        // Never: the server's administration, scripts and pub/sub, and what reads the key
        // space beyond the user's patterns.
        rules += ["-@admin", "-@dangerous", "-@scripting", "-@pubsub", "-keys", "-scan", "-randomkey", "-dbsize", "-select", "-swapdb", "-move"]
        return rules.joined(separator: " ")
    }

    /// A key prefix as an ACL glob: its own glob characters escaped, then `*`.
    static func pattern(_ prefix: String) -> String {
        var out: [UInt8] = []
        for b in prefix.utf8 {
            if b == UInt8(ascii: "*") || b == UInt8(ascii: "?") || b == UInt8(ascii: "[") || b == UInt8(ascii: "]") || b == UInt8(ascii: "\\") {
                out.append(UInt8(ascii: "\\"))
            }
            out.append(b)
        }
        return String(decoding: out, as: UTF8.self) + "*"
    }

    /// `#<sha256>` of `databases.redis.password`; nil without one, or for a secret without a key
    /// (the driver warns: W0510).
    private static func password(_ redis: ProvisioningFacts.Database, _ secrets: (any SecretOpener)?) throws(BackendError) -> String? {
        switch redis.password {
        case .secret(let token)?:
            guard let secrets else { return nil }
            guard let plaintext = secrets.plaintext(ofSecret: token) else { throw BackendError("databases.redis.password does not decrypt") }
            return PasswordVerifier.redisSHA256(password: plaintext)
        case .string(let text)?:
            return PasswordVerifier.redisSHA256(password: text)
        default:
            return nil
        }
    }
}
