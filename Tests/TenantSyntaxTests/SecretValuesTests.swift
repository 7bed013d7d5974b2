import Testing
import TenantDiagnostics
import TenantSyntax

/// Which bytes `SecretValues` marks as the value of a secret field.
@Suite struct SecretValuesTests {
    /// The marked texts of `text`, with `password` a secret field.
    func marked(_ text: String) -> [String] {
        let file = sourceFile(text)
        SecretValues.mark(in: file, secretFields: ["password"])
        return file.sensitiveRanges.map { String(decoding: file.bytes[$0], as: UTF8.self) }
    }

    @Test func theValueUpToTheNextStatementOnItsLine() {
        #expect(marked("a { password = \"x y\"  mode = \"shared\" }\n") == ["\"x y\""])
        #expect(marked("a = { password = hunter2, mode = 1 }\n") == ["hunter2"])
    }

    @Test func aLineThatDoesNotParseIsHiddenToItsEnd() {
        #expect(marked("password = \"hunter2\nmode = 1\n") == ["\"hunter2"])
        #expect(marked("password = hunter2 two words §\nmode = 1\n") == ["hunter2 two words §"])
    }

    @Test func bracketsAndStringsContinueAValueOnLaterLines() {
        #expect(marked("password = [\n  \"a\",\n  \"b\"\n]\nmode = 1\n") == ["[\n  \"a\",\n  \"b\"\n]"])
    }

    @Test func declaredSecretsMisspellingsAndSecretLiterals() {
        #expect(marked("api_key: secret? = k1\nenv x { api_key = k2 }\n") == ["k1", "k2"])
        #expect(marked("pasword = p\n") == ["p"])
        #expect(marked("note = secret(\"not a token\")\n") == ["\"not a token\""])
        #expect(marked("mode = \"password\"\ncount: int = 3\n").isEmpty)
    }
}
