@testable import TenantSecrets
import Testing

/// The verifiers provisioning artifacts hold instead of passwords.
@Suite struct PasswordVerifierTests {
    func hex(_ bytes: [UInt8]) -> String { bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() }

    /// RFC 7914 §11's PBKDF2-HMAC-SHA-256 vectors (the first 32 bytes).
    @Test func pbkdf2MatchesTheRFCVectors() {
        #expect(hex(PasswordVerifier.pbkdf2SHA256(password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1))
                == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc")
        #expect(hex(PasswordVerifier.pbkdf2SHA256(password: Array("Password".utf8), salt: Array("NaCl".utf8), iterations: 80000))
                == "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56")
    }

    @Test func scramVerifiersHavePostgreSQLsFormAndDependOnTheAccount() throws {
        let a = try #require(PasswordVerifier.scramSHA256(password: "pencil", account: "acme_app"))
        let b = try #require(PasswordVerifier.scramSHA256(password: "pencil", account: "acme_admin"))
        #expect(a.wholeMatch(of: /SCRAM-SHA-256\$4096:[A-Za-z0-9+\/]{22}==\$[A-Za-z0-9+\/]{43}=:[A-Za-z0-9+\/]{43}=/) != nil, "\(a)")
        #expect(a != b)
        #expect(a == PasswordVerifier.scramSHA256(password: "pencil", account: "acme_app"))
        #expect(!a.contains("pencil"))
        #expect(PasswordVerifier.scramSHA256(password: "pässword", account: "acme_app") == nil)
    }

    @Test func redisDigestIsTheHexSHA256() {
        #expect(PasswordVerifier.redisSHA256(password: "abc") == "#ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
