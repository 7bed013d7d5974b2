import Testing
import TenantDiagnostics
import TenantModel
@testable import TenantSemantics

/// The `secret` type (docs/secrets.md): literals are checked where they are written, a plain value
/// where a secret belongs is refused without ever being repeated, and a secret cannot leak
/// through another field (interpolation) or a rule (comparison).
@Suite struct SecretTypeTests {
    /// A well-formed token (the semantic layer checks the form; decryption is the driver's).
    static let token = SecretToken(keyID: "0a1b2c3d", sealed: Array(0..<40)).text

    static func tier(_ body: String) -> String {
        """
        tier base {
          tenant_info { environment: "production" | "staging" = "production" }
          \(body)
        }

        """
    }

    @Test func aTierDeclaresASecretAndATenantInheritsIt() {
        let c = compile(Self.tier("db { password: secret = secret(\"\(Self.token)\") }") + "tenant acme extends base {}\n")
        #expect(c.errors.isEmpty, "\(c.errors)")
        #expect(c["db.password"] == .secret(Self.token))
    }

    @Test func aTenantDeclaresASecretOfItsOwn() {
        let c = compile(Self.tier("") + "tenant acme extends base {\n  api_key: secret = secret(\"\(Self.token)\")\n}\n")
        #expect(c.errors.isEmpty, "\(c.errors)")
        #expect(c["api_key"] == .secret(Self.token))
    }

    @Test func anInferredSecretFieldHoldsASecret() {
        let c = compile(Self.tier("token = secret(\"\(Self.token)\")") + "tenant acme extends base {}\n")
        #expect(c.errors.isEmpty, "\(c.errors)")
        #expect(c["token"] == .secret(Self.token))
    }

    /// The plaintext never appears in the message, the label, the notes or the help, and the
    /// renderers are told not to show the line.
    @Test(arguments: ["\"hunter2-plaintext\"", "424242", "[\"hunter2-plaintext\"]"])
    func aPlainValueWhereASecretBelongsIsRefusedWithoutRepeatingIt(_ literal: String) {
        let type = literal.hasPrefix("[") ? "[secret]" : "secret"
        let c = compile(Self.tier("db { password: \(type) = \(literal) }") + "tenant acme extends base {}\n")
        let d = c.first("E0602")
        #expect(d != nil, "\(c.diagnostics)")
        guard let d else { return }
        let text = ([d.message, d.label] + d.notes + d.help + d.related.map(\.message) + d.fixes.map(\.replacement)).joined(separator: "\n")
        #expect(!text.contains("hunter2"))
        #expect(!text.contains("424242"))
        #expect(d.hidesSource)
        #expect(d.help.contains { $0.contains("tenantc encrypt") })
    }

    @Test func aPlainValueSetByATenantIsRefusedToo() {
        let c = compile(Self.tier("db { password: secret? }") + "tenant acme extends base {\n  db.password = \"hunter2-plaintext\"\n}\n")
        let d = c.first("E0602")
        #expect(d != nil, "\(c.diagnostics)")
        #expect(d.map { !$0.message.contains("hunter2") && $0.hidesSource } == true)
        #expect(c.tenant == nil)
    }

    @Test(arguments: ["secret(\"hunter2-plaintext\")", "secret(\"tenantc:v1:zzzz:abc\")", "secret(\"a\", \"b\")", "secret(\"${tenant.id}\")"])
    func aMalformedSecretLiteralIsRefusedWithoutRepeatingIt(_ literal: String) {
        let c = compile(Self.tier("db { password: secret = \(literal) }") + "tenant acme extends base {}\n")
        let d = c.first("E0601")
        #expect(d != nil, "\(c.diagnostics)")
        guard let d else { return }
        #expect(!d.message.contains("hunter2") && !d.help.joined().contains("hunter2"))
        #expect(d.hidesSource)
    }

    @Test func aSecretCannotBeInterpolated() {
        let c = compile(Self.tier("db { password: secret = secret(\"\(Self.token)\")\n  url: string = \"postgres://app:${db.password}@db\" }")
                        + "tenant acme extends base {}\n")
        let d = c.all("E0404").first { $0.message.contains("secret cannot be interpolated") }
        #expect(d != nil, "\(c.diagnostics)")
        #expect(!c.diagnostics.contains { $0.message.contains(Self.token) })
    }

    @Test func aSecretCannotBeComparedInARule() {
        let other = SecretToken(keyID: "0a1b2c3d", sealed: Array(1..<41)).text
        let c = compile(Self.tier("""
            db {
                password: secret = secret("\(Self.token)")
                replica_password: secret = secret("\(other)")
              }
              check db.password != db.replica_password, "the replica must not share the primary's password"
            """) + "tenant acme extends base {}\n")
        let d = c.all("E0404").first { $0.message.contains("secrets cannot be compared") }
        #expect(d != nil, "\(c.diagnostics)")
        #expect(!c.diagnostics.contains { $0.message.contains(Self.token) || $0.message.contains(other) })
    }

    @Test(arguments: ["db.password in [db.password]", "[db.password] == [db.password]", "[db.password] != [1]",
                      "({ p = db.password }) == ({ p = db.password })", "[[db.password]] == [[db.password]]"])
    func listsAndRecordsHoldingASecretCannotBeCompared(condition: String) {
        let c = compile(Self.tier("db { password: secret = secret(\"\(Self.token)\") }\n  check \(condition) else \"x\"")
                        + "tenant acme extends base {}\n")
        #expect(c.all("E0404").contains { $0.message == "secrets cannot be compared" }, "\(summary(c.diagnostics))")
        #expect(!c.diagnostics.contains { $0.message.contains(Self.token) })
    }

    @Test func aRecordHoldingASecretStillAnswersKeyMembership() {
        let c = compile(Self.tier("db { password: secret = secret(\"\(Self.token)\") }\n  check \"password\" in db else \"x\"")
                        + "tenant acme extends base {}\n")
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
    }

    @Test func aSecretShowsAsSecretInOtherMessages() {
        // A secret where an int belongs: the message names the kind, never the token.
        let c = compile(Self.tier("port: int = 5432") + "tenant acme extends base {\n  port = secret(\"\(Self.token)\")\n}\n")
        let d = c.first("E0305")
        #expect(d != nil, "\(c.diagnostics)")
        #expect(d.map { !$0.message.contains(Self.token) } == true)
    }
}
