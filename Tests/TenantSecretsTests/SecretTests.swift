import Foundation
import Testing
import TenantModel
@testable import TenantSecrets

/// Keys, tokens and AES-256-GCM (docs/secrets.md).
@Suite struct SecretTests {
    @Test func base64FollowsRFC4648() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(Array(encoded.utf8)) == Array(plain.utf8))
        }
        for bad in ["Zg=", "Z===", "Zm9v\n", "Zm 9", "Zg==Zg==", "=Zg=", "Zm9!"] {
            #expect(Base64.decode(Array(bad.utf8)) == nil, "\(bad)")
        }
    }

    /// The key id is the first 8 hex digits of the key's SHA-256.
    @Test func theKeyIDIsAHashPrefix() throws {
        let key = try #require(SecretKey(bytes: Array(repeating: 0, count: 32)))
        #expect(key.id == "66687aad")
        #expect(SecretKey(bytes: Array(repeating: 0, count: 31)) == nil)
        #expect(SecretKey.generate().id != SecretKey.generate().id)
    }

    @Test func sealedValuesOpenWithTheirKeyOnly() throws {
        let key = SecretKey.generate()
        let plain = Array("correct horse battery staple".utf8)
        let token = SecretBox.seal(plain, with: key)
        #expect(token.keyID == key.id)
        #expect(token.text.hasPrefix("tenantc:v1:\(key.id):"))
        #expect(try SecretBox.open(token, with: key) == plain)
        // A random nonce per value: the same plaintext never gives the same token.
        #expect(SecretBox.seal(plain, with: key).text != token.text)
        // Round trip through the text form.
        #expect(try SecretBox.open(try #require(SecretToken(token.text)), with: key) == plain)

        let other = SecretKey.generate()
        #expect(throws: SecretError.self) { try SecretBox.open(token, with: other) }
        do { _ = try SecretBox.open(token, with: other) } catch { #expect(error.kind == .otherKey) }
    }

    @Test func alteredTokensDoNotOpen() throws {
        let key = SecretKey.generate()
        let token = SecretBox.seal(Array("s3cr3t".utf8), with: key)
        for i in token.sealed.indices {
            var sealed = token.sealed
            sealed[i] ^= 0x01
            do {
                _ = try SecretBox.open(SecretToken(keyID: token.keyID, sealed: sealed), with: key)
                Issue.record("byte \(i) altered, and it still opened")
            } catch {
                #expect(error.kind == .tampered)
                #expect(!error.message.contains("s3cr3t"))
            }
        }
        // Cut short.
        do { _ = try SecretBox.open(SecretToken(keyID: token.keyID, sealed: Array(token.sealed.dropLast())), with: key) } catch {
            #expect(error.kind == .tampered)
        }
        // The key id is authenticated: a token relabelled for another key does not open with it.
        let other = SecretKey.generate()
        do { _ = try SecretBox.open(SecretToken(keyID: other.id, sealed: token.sealed), with: other) } catch {
            #expect(error.kind == .tampered)
        }
    }

    @Test func aNonTextPlaintextIsReported() throws {
        let key = SecretKey.generate()
        let token = SecretBox.seal([0xFF, 0xFE, 0x00], with: key)
        do { _ = try SecretBox.openText(token, with: key); Issue.record("not UTF-8, and it opened as text") } catch {
            #expect(error.kind == .notText)
        }
    }

    @Test(arguments: ["hunter2", "tenantc:v1:", "tenantc:v1:0a1b2c3d:", "tenantc:v1:0A1B2C3D:" + String(repeating: "A", count: 40),
                      "tenantc:v2:0a1b2c3d:" + String(repeating: "A", count: 40), "tenantc:v1:0a1b2c3d:" + String(repeating: "A", count: 36),
                      "tenantc:v1:0a1b2c3d:" + String(repeating: "A", count: 39)])
    func malformedTokensAreRefused(_ text: String) {
        #expect(SecretToken(text) == nil)
    }

    @Test func keyFilesAreCreatedPrivateAndNeverOverwritten() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tenantc-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("k").path

        let key = try KeyFile.create(path)
        let mode = try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == key.fileText && text.count == 45)

        let (read, warning) = try KeyFile.read(path)
        #expect(read.id == key.id)
        #expect(warning == nil)

        do { _ = try KeyFile.create(path); Issue.record("an existing key file was overwritten") } catch {
            #expect(error.kind == .keyFile && error.message.contains("never overwritten"))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let (_, loose) = try KeyFile.read(path)
        #expect(loose?.contains("chmod 600") == true)
    }

    /// A file whose first line is the demo marker holds a public key: no mode check. The
    /// marker anywhere else is not a key file; a key without it keeps the check.
    @Test func aDemoKeyFileDeclaresItselfInItsFirstLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tenantc-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = SecretKey.generate()
        func write(_ name: String, _ text: String) throws -> String {
            let path = dir.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
            return path
        }
        let demo = try KeyFile.readContents(try write("demo", KeyFile.demoMarker + ": public, for the examples\r\n" + key.fileText))
        #expect(demo.isDemo && demo.warning == nil && demo.key.id == key.id)
        let plain = try KeyFile.readContents(try write("plain", key.fileText))
        #expect(!plain.isDemo && plain.warning?.contains("chmod 600") == true)
        for (name, text) in [("after", key.fileText + KeyFile.demoMarker + "\n"), ("indented", " " + KeyFile.demoMarker + "\n" + key.fileText),
                             ("alone", KeyFile.demoMarker)] {
            let path = try write(name, text)
            do { _ = try KeyFile.readContents(path); Issue.record("\(name): read as a key") } catch {
                #expect(error.message.contains("does not hold a key"), "\(name)")
            }
        }
    }

    @Test func badKeyFilesAreReported() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tenantc-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("missing").path
        do { _ = try KeyFile.read(missing); Issue.record("a missing key file was read") } catch {
            #expect(error.message.contains("cannot read key file"))
        }
        let short = dir.appendingPathComponent("short").path
        try "c2hvcnQ=\n".write(toFile: short, atomically: true, encoding: .utf8)
        do { _ = try KeyFile.read(short); Issue.record("a short key was accepted") } catch {
            #expect(error.message.contains("does not hold a key"))
        }
    }
}
