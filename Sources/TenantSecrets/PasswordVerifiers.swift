import Crypto
import TenantModel

/// What a server stores instead of a password: a provisioning artifact carries these, never the
/// password itself (docs/provisioning.md).
public enum PasswordVerifier {
    /// PostgreSQL's `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` (RFC 5802, RFC
    /// 7677), as `CREATE ROLE … PASSWORD` takes it, with PostgreSQL's default 4096 iterations.
    /// The salt is derived from `account` and the password, so that a build gives the same bytes
    /// every time (the script applied again changes nothing) while no two accounts share a salt.
    /// Nil for a password that is not printable ASCII: PostgreSQL would prepare it with SASLprep
    /// first, which this does not do.
    public static func scramSHA256(password: String, account: String, iterations: Int = 4096) -> String? {
        guard password.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        let salt = Array(SHA256.hash(data: Array("tenantc scram salt\u{0}\(account)\u{0}\(password)".utf8)).prefix(16))
        let salted = pbkdf2SHA256(password: Array(password.utf8), salt: salt, iterations: iterations)
        let key = SymmetricKey(data: salted)
        let clientKey = Array(HMAC<SHA256>.authenticationCode(for: Array("Client Key".utf8), using: key))
        let storedKey = Array(SHA256.hash(data: clientKey))
        let serverKey = Array(HMAC<SHA256>.authenticationCode(for: Array("Server Key".utf8), using: key))
        return "SCRAM-SHA-256$\(iterations):\(Base64.encode(salt))$\(Base64.encode(storedKey)):\(Base64.encode(serverKey))"
    }

    /// Redis's `#<hex SHA-256>` of an ACL password.
    public static func redisSHA256(password: String) -> String {
        "#" + SHA256.hash(data: Array(password.utf8)).map { hexDigits[Int($0 >> 4)] + hexDigits[Int($0 & 15)] }.joined()
    }

    /// PBKDF2 with HMAC-SHA-256, one block of 32 bytes (RFC 8018).
    static func pbkdf2SHA256(password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        let key = SymmetricKey(data: password)
        var u = Array(HMAC<SHA256>.authenticationCode(for: salt + [0, 0, 0, 1], using: key))
        var out = u
        for _ in 1..<max(1, iterations) {
            u = Array(HMAC<SHA256>.authenticationCode(for: u, using: key))
            for i in out.indices { out[i] ^= u[i] }
        }
        return out
    }

    private static let hexDigits = (0..<16).map { String($0, radix: 16) }
}
