/// The text inside a `secret("…")` literal (docs/secrets.md):
/// `tenantc:v1:<key-id>:<base64 of nonce | ciphertext | tag>`, AES-256-GCM.
///
/// The model only checks the form; encrypting and decrypting is `TenantSecrets`'s job. Nothing
/// here ever repeats a text that is not of that form: it may be a plaintext pasted by mistake.
public struct SecretToken: Sendable, Equatable {
    public static let prefix = "tenantc:v1:"
    /// AES-GCM's nonce and tag sizes, in bytes.
    public static let nonceSize = 12
    public static let tagSize = 16

    /// The first 8 hex digits of the SHA-256 of the key: which key sealed it.
    public let keyID: String
    /// nonce | ciphertext | tag.
    public let sealed: [UInt8]

    public init(keyID: String, sealed: [UInt8]) {
        self.keyID = keyID
        self.sealed = sealed
    }

    /// Parses a token; nil when `text` is not one.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        let prefix = Array(SecretToken.prefix.utf8)
        guard bytes.count > prefix.count + 9, bytes.starts(with: prefix) else { return nil }
        let id = bytes[prefix.count..<prefix.count + 8]
        guard id.allSatisfy(isLowerHex), bytes[prefix.count + 8] == UInt8(ascii: ":"),
              let sealed = Base64.decode(bytes[(prefix.count + 9)...]),
              sealed.count >= SecretToken.nonceSize + SecretToken.tagSize else { return nil }
        keyID = String(decoding: id, as: UTF8.self)
        self.sealed = sealed
    }

    /// The token's text, as `tenantc encrypt` prints it inside `secret("…")`.
    public var text: String { SecretToken.prefix + keyID + ":" + Base64.encode(sealed) }

    /// Whether `keyID` has the form of a key id (8 lower-case hex digits).
    public static func isKeyID(_ s: String) -> Bool { s.utf8.count == 8 && s.utf8.allSatisfy(isLowerHex) }
}

private func isLowerHex(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) }

/// Standard base64 (RFC 4648, with padding), for keys and secret tokens.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            for shift in [18, 12, 6, 0] { out.append(alphabet[Int(n >> UInt32(shift) & 63)]) }
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(rest == 2 ? alphabet[Int(n >> 6 & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes padded base64; nil for anything else (whitespace included).
    public static func decode<Bytes: Collection>(_ text: Bytes) -> [UInt8]? where Bytes.Element == UInt8 {
        let chars = Array(text)
        guard chars.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 4 * 3)
        var i = 0
        while i < chars.count {
            var n: UInt32 = 0
            var pad = 0
            for k in 0..<4 {
                let c = chars[i + k]
                let v: UInt32
                switch c {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(c - UInt8(ascii: "A"))
                case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(c - UInt8(ascii: "a")) + 26
                case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(c - UInt8(ascii: "0")) + 52
                case UInt8(ascii: "+"): v = 62
                case UInt8(ascii: "/"): v = 63
                case UInt8(ascii: "="):
                    // Padding only at the end of the last group, and only in its last two places.
                    guard i + 4 == chars.count, k >= 2 else { return nil }
                    pad += 1
                    v = 0
                default: return nil
                }
                if pad > 0 && c != UInt8(ascii: "=") { return nil }
                n = n << 6 | v
            }
            out.append(UInt8(n >> 16 & 0xFF))
            if pad < 2 { out.append(UInt8(n >> 8 & 0xFF)) }
            if pad < 1 { out.append(UInt8(n & 0xFF)) }
            i += 4
        }
        return out
    }
}
