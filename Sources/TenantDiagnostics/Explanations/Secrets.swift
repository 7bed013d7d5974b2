// Pages of the codes of secrets (E0601–E0604, and W0510, a password a provisioning artifact leaves out).
extension Explanation {
    static let secrets: [Explanation] = [invalidSecret, plaintextSecret, undecryptableSecret, keyFile, passwordWithoutKey]

    private static let passwordTier = ExampleFile.tier("""
        tier basic {
          name: string
          db_password: secret?
        }
        """)

    /// `s3cret-pg-pass` sealed with `stagingKey`.
    private static let sealed = #"secret("tenantc:v1:90f574e9:cUGRYsZXZJLzyXXp+JyrLebo/5RRqunWcKnSQKaDHvDxdrlgno0sDgMm")"#

    // Demo keys (their first line says so): public, for these examples only, so that tenantc
    // neither checks their file mode nor hides that anyone can read what they seal.
    private static let stagingKey = ExampleFile("keys/staging.key", """
        # tenantc demo key: for this example only
        7JteXgmASFHOcmvqz0x07cmeLdEl9RF0qMPPAE04pWA=
        """)
    private static let productionKey = ExampleFile("keys/production.key", """
        # tenantc demo key: for this example only
        y8DPA4VD4g2wWy8wNqxiateOznYy8pHe5352Ck4WrYk=
        """)

    private static let invalidSecret = Explanation(.invalidSecret, """
        A `secret(…)` literal does not hold an encrypted value. Its argument must be one plain
        string literal, `"tenantc:v1:<key-id>:<base64>"`, as `tenantc encrypt` prints it. What
        was written there is most likely a plaintext, so the diagnostic never quotes it and
        shows its location without the source line (diagnostics end up in CI logs).

        Encrypt the value: `tenantc encrypt --key-file KEY` reads it from its standard input
        and prints the `secret("…")` to paste.
        """,
        failing: acmeSetting(passwordTier, "  db_password = secret(\"s3cret-pg-pass\")"),
        fixed: acmeSetting(passwordTier, "  db_password = \(sealed)"))

    private static let plaintextSecret = Explanation(.plaintextSecret, """
        A plain value is written where a secret is expected: the field is typed `secret`, and
        secrets are stored encrypted so that the configuration can be committed and reviewed.
        The value is probably a real password, so the diagnostic never quotes it and shows its
        location without the source line; the value is masked in every other excerpt too.

        Encrypt the value with `tenantc encrypt --key-file KEY` (it reads the value from its
        standard input) and paste the `secret("…")` it prints. Then treat the plaintext as
        leaked if it was ever committed.
        """,
        failing: acmeSetting(passwordTier, "  db_password = \"s3cret-pg-pass\""),
        fixed: acmeSetting(passwordTier, "  db_password = \(sealed)"))

    private static let undecryptableSecret = Explanation(.undecryptableSecret, """
        A secret does not decrypt with the key given (`--key-file`, or `TENANTC_KEY_FILE`):
        it was sealed with another key (the message names both key ids), it was altered or
        truncated, or it does not decrypt to text. With a key, `check` and `build` decrypt
        every secret, so a wrong one is an error of its tenant at the line that set it, not a
        surprise in production.

        Give the key the secret was sealed with, or move the secrets to the new key with
        `tenantc rekey --old-key-file OLD --key-file NEW FILES…`. (The keys of this example are
        demo keys, public: never seal a real secret with one.)
        """,
        failing: Example(secretFiles, command: ["check", "tenants/", "--key-file", "keys/production.key"]),
        fixed: Example(secretFiles, command: ["check", "tenants/", "--key-file", "keys/staging.key"]))

    private static let secretFiles: [ExampleFile] = [
        passwordTier, .tenant("tenant acme extends basic {\n  name = \"Acme\"\n  db_password = \(sealed)\n}\n"), stagingKey, productionKey,
    ]

    private static let keyFile = Explanation(.keyFile, """
        The key file cannot be used: it does not exist, cannot be read, is not a regular file,
        or does not hold a key (32 bytes in base64, as `tenantc keygen` writes). `build
        --sensitive plain` also needs a key, to put the plaintexts in the artifacts. Nothing
        is compiled without the key that was asked for; the exit status is 2.

        Check the path given to `--key-file` (or `TENANTC_KEY_FILE`). A key that is lost
        cannot be recovered: every secret sealed with it must be encrypted again.
        """,
        failing: Example(secretFiles, command: ["check", "tenants/", "--key-file", "keys/stagging.key"]),
        fixed: Example(secretFiles, command: ["check", "tenants/", "--key-file", "keys/staging.key"]))

    private static let provisionedFiles: [ExampleFile] = [
        .tier("""
            tier basic {
              name: string
              databases.postgresql {
                enabled = true
                password: secret?
              }
            }
            """),
        .tenant("tenant acme extends basic {\n  name = \"Acme\"\n  databases.postgresql.password = \(sealed)\n}\n"), stagingKey,
    ]

    private static let passwordWithoutKey = Explanation(.passwordWithoutKey, """
        A provisioning artifact (`--emit postgres`, `--emit redis`) would give the tenant's
        accounts the password its configuration holds, but the password is a secret and no key
        was given: the artifact is written with accounts that have no password (a PostgreSQL
        role without one cannot log in with a password; a Redis user without one cannot log in
        at all), and a comment in it says so.

        Give the key with `--key-file` (or `TENANTC_KEY_FILE`). The artifacts then hold what the
        server stores instead of the password (a SCRAM-SHA-256 verifier, a SHA-256 digest),
        never the password itself (docs/provisioning.md).
        """,
        failing: Example(provisionedFiles, command: ["build", "tenants/", "--emit", "postgres", "-o", "out"]),
        fixed: Example(provisionedFiles, command: ["build", "tenants/", "--emit", "postgres", "-o", "out", "--key-file", "keys/staging.key"]))
}
