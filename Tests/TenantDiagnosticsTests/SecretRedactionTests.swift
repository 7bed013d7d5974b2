import Testing
import TenantDiagnostics

/// Ranges a file marks as the values of secret fields are masked in excerpts, and a diagnostic
/// located in one quotes nothing of it, in every format.
@Suite("Secret redaction")
struct SecretRedactionTests {
    @Test func anExcerptMasksTheValueAndCaretsUnderlineTheStandIn() {
        let f = Fixture()
        let file = f.add("t.tenant", "  password = \"hunter2\"  mode = \"x\"\n")
        file.markSensitive(Int(f.span("\"hunter2\"", in: file).start)..<Int(f.span("\"hunter2\"", in: file).end))
        let d = Diagnostic.error(.unknownField, "unknown field `mode`", at: f.span("mode", in: file))
        #expect(f.human(d) == """
            error[E0301]: unknown field `mode`
              --> t.tenant:1:25
               |
             1 |   password = <redacted>  mode = "x"
               |                          ^^^^


            """)
        // A span inside the value underlines the whole stand-in.
        let inside = Diagnostic.error(.invalidEscape, "invalid escape sequence", at: f.span("nter", in: file))
        #expect(f.human(inside).contains("""
             1 |   password = <redacted>  mode = "x"
               |              ^^^^^^^^^^ in the value of a secret field
            """))
    }

    @Test(arguments: DiagnosticFormat.allCases)
    func aDiagnosticInTheValueQuotesNothingOfIt(format: DiagnosticFormat) {
        let f = Fixture()
        let file = f.add("t.tenant", "password = hunter2\n")
        let value = f.span("hunter2", in: file)
        file.markSensitive(Int(value.start)..<Int(value.end))
        let d = Diagnostic.error(.unknownName, "unknown name `hunter2`", at: value, label: "`hunter2` is not a field",
                                 notes: ["hunter2 is unknown"], help: ["did you mean `hunter`?"], fixes: [FixIt(value, "hunter2x")])
        let out = render([d], as: format, sourceMap: f.map)
        #expect(!out.contains("hunter"))
        #expect(out.contains("E0316"))
        #expect(out.contains("in the value of a secret field"))
    }

    @Test func aDiagnosticOutsideTheValueKeepsItsMessage() {
        let f = Fixture()
        let file = f.add("t.tenant", "password = hunter2\nmode = x\n")
        let value = f.span("hunter2", in: file)
        file.markSensitive(Int(value.start)..<Int(value.end))
        let d = Diagnostic.error(.unknownName, "unknown name `x`", at: f.span("x\n", in: file))
        #expect(render([d], as: .gcc, sourceMap: f.map) == "t.tenant:2:8: error: unknown name `x` [E0316]\n")
    }
}
