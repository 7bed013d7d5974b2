import Crypto
import TenantModel

/// A 256-bit AES key for `secret` values (docs/secrets.md), with its id: the first 8 hex digits of
/// the SHA-256 of the key, which every token it seals names, so that rotation can tell which
/// secrets are still under the old key.
public struct SecretKey: Sendable {
    let key: SymmetricKey
    public let id: String

    public static let byteCount = 32

    /// A key from its 32 bytes; nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == SecretKey.byteCount else { return nil }
        key = SymmetricKey(data: bytes)
        let hex = Array("0123456789abcdef".utf8)
        id = String(decoding: SHA256.hash(data: bytes).prefix(4).flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 15)]] }, as: UTF8.self)
    }

    /// A new random key.
    public static func generate() -> SecretKey {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        return SecretKey(bytes: bytes)!  // 256 bits is exactly `byteCount` bytes
    }

    /// The key as a key file holds it: base64 and a line break.
    public var fileText: String { Base64.encode(key.withUnsafeBytes { Array($0) }) + "\n" }
}

/// Why a secret could not be used. The message never contains the secret's value.
public struct SecretError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// The token names another key.
        case otherKey
        /// The token does not authenticate under the key: altered, or truncated.
        case tampered
        /// It decrypts, but not to UTF-8 text.
        case notText
        /// A key file problem (missing, unreadable, malformed, exists already).
        case keyFile
    }
    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// AES-256-GCM with a random 96-bit nonce per value; the token's `tenantc:v1:<key-id>` prefix is
/// authenticated with it, so a token cannot be relabelled with another key id.
public enum SecretBox {
    public static func seal(_ plaintext: [UInt8], with key: SecretKey) -> SecretToken {
        let header = Array((SecretToken.prefix + key.id).utf8)
        // A fresh random nonce is chosen by swift-crypto; sealing with a well-formed key and
        // the default 12-byte nonce cannot fail.
        let box = try! AES.GCM.seal(plaintext, using: key.key, nonce: AES.GCM.Nonce(), authenticating: header)
        return SecretToken(keyID: key.id, sealed: Array(box.combined!))  // `combined` exists for 12-byte nonces
    }

    /// The plaintext bytes of a token.
    public static func open(_ token: SecretToken, with key: SecretKey) throws(SecretError) -> [UInt8] {
        guard token.keyID == key.id else {
            throw SecretError(.otherKey, "it was encrypted with key `\(token.keyID)`, and the key given is `\(key.id)`")
        }
        let header = Array((SecretToken.prefix + token.keyID).utf8)
        do {
            let box = try AES.GCM.SealedBox(combined: token.sealed)
            return Array(try AES.GCM.open(box, using: key.key, authenticating: header))
        } catch {
            throw SecretError(.tampered, "it does not decrypt with key `\(key.id)`: the encrypted text was altered or cut")
        }
    }

    /// The plaintext of a token as text (what a `secret` field holds).
    public static func openText(_ token: SecretToken, with key: SecretKey) throws(SecretError) -> String {
        let bytes = try open(token, with: key)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw SecretError(.notText, "it decrypts, but not to UTF-8 text")
        }
        return text
    }
}
