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
    static func render(_ facts: ProvisioningFacts, secrets: (any SecretOpener)?, into out: inout [UInt8]) throws(BackendError) {
        guard let redis = facts.redis else { return }
        let password = try self.password(redis, secrets)
        for name in facts.accounts.map(\.name) + facts.roles.map(\.serverName) where !isUserName(name) {
            throw BackendError("the Redis user name `\(name)` holds a space or a control character")
        }
        var keys: [UInt8] = []
        for place in redis.places {
            if !keys.isEmpty { keys.append(UInt8(ascii: " ")) }
            keys.append(UInt8(ascii: "~"))
            pattern(place, into: &keys)
        }
        for account in facts.accounts {
            let operations = facts.roles(of: account).reduce(into: ProvisioningFacts.Operations()) { $0.formUnion($1.redis) }
            user(account.name, "on", password: password, keys: keys, commands(operations), into: &out)
        }
        for role in facts.roles {
            user(role.serverName, "off", password: nil, keys: keys, commands(role.redis), into: &out)
        }
    }

    /// `user NAME reset STATE [PASSWORD] KEYS resetchannels RULES`.
    private static func user(_ name: String, _ state: String, password: String?, keys: [UInt8], _ rules: String, into out: inout [UInt8]) {
        out.append(text: "user ")
        out.append(text: name)
        out.append(text: " reset ")
        out.append(text: state)
        out.append(UInt8(ascii: " "))
        if let password {
            out.append(text: password)
            out.append(UInt8(ascii: " "))
        }
        out.append(contentsOf: keys)
        out.append(text: " resetchannels ")
        out.append(text: rules)
        out.append(UInt8(ascii: "\n"))
    }

    /// Whether `name` can stand as one word of an ACL line: no space (Unicode's included) and no control character.
    static func isUserName(_ name: String) -> Bool {
        if name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) { return true }
        return !name.contains { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } == true }
    }

    /// The command rules of a set of operations (one of eight strings, made once).
    static func commands(_ operations: ProvisioningFacts.Operations) -> String { commandRules[Int(operations.rawValue)] }

    private static let commandRules: [String] = (0..<8).map { bits in rules(ProvisioningFacts.Operations(rawValue: UInt8(bits))) }

    private static func rules(_ operations: ProvisioningFacts.Operations) -> String {
        var rules = ["-@all", "+@connection"]
        if operations.contains(.read) { rules.append("+@read") }
        if operations.contains(.write) { rules.append("+@write") }
        rules.append(operations.contains(.admin) ? "+@keyspace" : "-@keyspace")
        // Never: the server's administration, scripts and pub/sub, and what reads the key
        // space beyond the user's patterns.
        rules += ["-@admin", "-@dangerous", "-@scripting", "-@pubsub", "-keys", "-scan", "-randomkey", "-dbsize", "-select", "-swapdb", "-move"]
        return rules.joined(separator: " ")
    }

    /// A key prefix as an ACL glob: its own glob characters escaped, then `*`.
    static func pattern(_ prefix: String, into out: inout [UInt8]) {
        for b in prefix.utf8 {
            if b == UInt8(ascii: "*") || b == UInt8(ascii: "?") || b == UInt8(ascii: "[") || b == UInt8(ascii: "]") || b == UInt8(ascii: "\\") {
                out.append(UInt8(ascii: "\\"))
            }
            out.append(b)
        }
        out.append(UInt8(ascii: "*"))
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
