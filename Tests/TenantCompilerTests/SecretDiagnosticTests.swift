import Foundation
import TenantCompiler
import TenantDiagnostics
import Testing

/// A plaintext written where a secret belongs never shows in a diagnostic: not in the excerpt
/// of another diagnostic on its line, not quoted by a message, in no format and no command.
@Suite struct SecretDiagnosticTests {
    static let plaintext = "Hunter2Pw"

    /// A tenant of the shipped tiers whose body is `lines`.
    static func tenant(_ lines: String) -> String {
        """
        tenant acme extends standard {
          tenant_info.tenant_name = "Acme"
        \(lines)
        }

        """
    }

    /// Each input makes the code it is paired with on the line holding the plaintext.
    static let cases: [(code: String, body: String)] = [
        ("E0004", #"  databases.postgresql.password = "\#(plaintext)\q""#),
        ("E0003", #"  databases.postgresql.password = "\#(plaintext)"#),
        ("E0101", "  databases.postgresql.password = \(plaintext) \(plaintext)x\n  x = = 1"),
        ("E0101", #"  databases.postgresql.password: "\#(plaintext)""#),
        ("E0101", "  databases.postgresql { password: \(plaintext) }"),
        ("E0106", "  password: \(plaintext)"),
        ("E0002", "  databases.postgresql.password = \(plaintext)§x"),
        ("E0007", "  databases.postgresql.password = 12\(plaintext)"),
        ("E0315", #"  databases.postgresql { password = super + "\#(plaintext)" }"#),
        ("E0302", #"  databases.postgresql = { password = "\#(plaintext)", password = "\#(plaintext)2" }"#),
        ("E0301", #"  databases.postgresql { password = "\#(plaintext)"  pasword = "\#(plaintext)" }"#),
        ("E0316", "  databases.postgresql.password = \(plaintext)"),
        ("E0316", #"  env production { databases.postgresql.password = "a${\#(plaintext)}" }"#),
        ("E0316", "  databases.redis.password = \(plaintext)\n  api_key: secret = \(plaintext)"),
        ("E0601", #"  databases.postgresql.password = secret("\#(plaintext)\q")"#),
    ]

    static var arguments: [(String, String, DiagnosticFormat)] {
        cases.flatMap { c in DiagnosticFormat.allCases.map { (c.code, c.body, $0) } }
    }

    @Test(arguments: arguments)
    func noFormatShowsThePlaintext(code: String, body: String, format: DiagnosticFormat) {
        let outcome = compileSources([("acme", Self.tenant(body))])
        #expect(outcome.diagnostics.contains { $0.code.id == code }, "\(outcome.diagnostics.map(\.code.id))")
        let out = render(outcome.diagnostics, as: format, sourceMap: outcome.sources, counts: outcome.counts)
        #expect(!out.contains(Self.plaintext), "\(out)")
    }

    /// A field next to the secret on the same line is still named by its diagnostic.
    @Test func aDiagnosticBesideTheValueKeepsItsMessage() {
        let outcome = compileSources([("acme", Self.tenant(#"  databases.postgresql { password = "\#(Self.plaintext)"  colour = 1 }"#))])
        let text = humanText(outcome)
        #expect(text.contains("unknown field `colour`"), "\(text)")
        #expect(text.contains("password = <redacted>  colour = 1"), "\(text)")
    }

    /// `plan`, `access` and `build -o -` render their diagnostics through the same renderers.
    @Test(arguments: [["build", "-o", "-"], ["plan", "--to", "premium"], ["access", "postgresql", "read"]], ["human", "json"])
    func commandsDoNotShowThePlaintext(command: [String], format: String) throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let body = "  databases.postgresql.password = \(Self.plaintext)\n  databases.redis { password = \"\(Self.plaintext)\" mode = 1 }"
        try Self.tenant(body).write(to: dir.appendingPathComponent("acme.tenant"), atomically: true, encoding: .utf8)
        // The file goes after the command's name, before its other arguments.
        var arguments = [command[0], "acme.tenant"] + command.dropFirst() + ["--tiers", repoRoot + "/tiers"]
        arguments += command[0] == "build" ? ["--format", format] : format == "json" ? ["--format", "json"] : []
        let r = try TenantcCLI.run(arguments, in: dir)
        #expect(r.status == 1, "\(r.stderr)")
        #expect((r.stdout + r.stderr).contains("E0316"), "\(r.stdout)\(r.stderr)")
        #expect(!(r.stdout + r.stderr).contains(Self.plaintext), "\(r.stdout)\(r.stderr)")
    }
}
