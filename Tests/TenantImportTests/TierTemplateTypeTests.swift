import Foundation
import Testing
import TenantImport
import TenantSemantics
import TenantModel

/// The types a template's values get: read as the seed's YAML 1.1 reader read them, then as
/// the language reads a literal; declared where the value alone would not say the type.
@Suite struct TierTemplateTypeTests {
    /// The statement each value of a root tier becomes.
    @Test(arguments: [
        ("true", "a = true"), ("yes", "a = true"), ("Off", "a = false"),
        ("42", "a = 42"), ("1_000", "a = 1_000"), ("-3", "a = -3"), ("+5", "a = 5"), ("0x1F", "a = 31"),
        ("0.25", "a = 0.25"), (".5", "a = 0.5"), ("1e3", "a = 1e3"),
        ("512MiB", "a = 512MiB"), ("\"1GB\"", "a = 1GB"), ("'30d'", "a = 30d"), ("\"5m\"", "a = 5m"),
        ("\"40%\"", "a = 40%"), ("0.25cores", "a = 0.25cores"), ("\"unlimited\"", "a = unlimited"),
        ("\"15\"", "a = \"15\""), ("'true'", "a = \"true\""), ("us-east-1", "a = \"us-east-1\""), ("\"7 days\"", "a = \"7 days\""),
        ("\"0 2 * * 1-6\"", "a: cron = \"0 2 * * 1-6\""), ("0 */6 * * *", "a: cron = \"0 */6 * * *\""),
        ("\"10.0.0.0/8\"", "a: cidr = \"10.0.0.0/8\""), ("2001:db8::/32", "a: cidr = \"2001:db8::/32\""),
        ("\"ops@example.com\"", "a: email = \"ops@example.com\""),
        ("\"a $b\"", "a = \"a \\$b\""), ("\"tab\\tquote\\\"\"", "a = \"tab\\tquote\\\"\""),
        ("null", "a: any?"), ("~", "a: any?"), ("", "a: any?"),
    ])
    func scalars(_ yaml: String, _ statement: String) throws {
        let source = try tierSource("a: \(yaml)\n")
        #expect(source == "tier t {\n  \(statement)\n}\n", "\(yaml)")
        #expect(tierErrors(source).isEmpty, "\(yaml): \(tierErrors(source))")
    }

    @Test(arguments: [
        ("[1, 2.5]", "a = [1, 2.5]"), ("[\"a\", 1]", "a = [\"a\", 1]"), ("[]", "a = []"),
        ("[\"10.0.0.0/8\", \"192.168.0.0/16\"]", "a: [cidr] = [\"10.0.0.0/8\", \"192.168.0.0/16\"]"),
        ("[{name: x, at: \"0 1 * * *\"}]", "a: [{\n  name: string\n  at: cron\n}] = [{ name = \"x\", at = \"0 1 * * *\" }]"),
        ("[{n: 1}, {m: 2}]", "a = [{ n = 1 }, { m = 2 }]"),
        ("[{n: 1, m: null}]", "a: [{\n  n: int\n  m: any?\n}] = [{ n = 1 }]"),
        ("[unlimited, 5]", "a = [unlimited, 5]"), ("{}", "a {}"),
    ])
    func collections(_ yaml: String, _ statement: String) throws {
        let source = try tierSource("a: \(yaml)\n")
        #expect(source.contains("  " + statement.replacingOccurrences(of: "\n", with: "\n  ")), "\(yaml): \(source)")
        #expect(tierErrors(source).isEmpty, "\(yaml): \(tierErrors(source))")
    }

    @Test func keywordsAreFieldNamesToo() throws {
        let keywords = ["tier", "tenant", "extends", "locked", "check", "warn", "else", "env", "scale", "by", "for", "in", "if", "then", "implies", "import"]
        let yaml = keywords.map { "\($0): 1\n" }.joined() + "nested:\n" + keywords.map { "  \($0):\n    \($0): \"x\"\n" }.joined()
            + "list:\n  - {" + keywords.map { "\($0): 1" }.joined(separator: ", ") + "}\n"
        let source = try tierSource(yaml)
        #expect(tierErrors(source).isEmpty, "\(tierErrors(source))")
    }

    @Test func aNewFieldOfATierThatExtendsAnotherIsDeclaredWithItsType() throws {
        let parent = InheritedFields(tier: "base", fields: ["limits": InheritedField(type: .any, isRecord: true, typeText: "{ … }")])
        let source = try tierSource("""
            limits:
              gpus: 2
              quota: "10GiB"
              schedule: "0 1 * * *"
              zones: ["a"]
              burst: {cpu: 0.5}
            """, extends: parent)
        #expect(source == """
            tier t extends base {
              limits {
                gpus: int = 2
                quota: size = 10GiB
                schedule: cron = "0 1 * * *"
                zones: [string] = ["a"]
                burst: {
                  cpu = 0.5
                }
              }
            }

            """)
    }

    @Test func anInheritedFieldTakesTheValueAsItsTypeWritesIt() throws {
        let parent = InheritedFields(tier: "base", fields: [
            "version": InheritedField(type: .string, typeText: "string"),
            "mode": InheritedField(type: .enumeration(["a", "b"]), typeText: "\"a\" | \"b\""),
            "cpu": InheritedField(type: .cpu, typeText: "cpu"),
            "ratio": InheritedField(type: .float, typeText: "float"),
            "memory": InheritedField(type: .size, typeText: "size"),
        ])
        let result = try convert("version: 15\nmode: a\ncpu: 2\nratio: 1\nmemory: \"8GiB\"\n", extends: parent)
        let source = String(decoding: result.source, as: UTF8.self)
        #expect(source == "tier t extends base {\n  version = \"15\"\n  mode = \"a\"\n  cpu = 2cores\n  ratio = 1\n  memory = 8GiB\n}\n")
        #expect(result.notes.map(\.message) == ["`version`: `15` written `\"15\"`, as tier `base` declares it `string`",
                                                "`cpu`: `2` written `2cores`, as tier `base` declares it `cpu`"])
    }

    @Test func valuesTheParentGivesAlreadyAreInherited() throws {
        let parent = InheritedFields(tier: "base", fields: [
            "a": InheritedField(type: .int, typeText: "int", ownValue: .value(.int(1))),
            "b": InheritedField(type: .string, typeText: "string", ownValue: .unknown, formula: "\"${tenant.id}_b\""),
            "c": InheritedField(type: .int, typeText: "int", ownValue: .unknown),
            "d": InheritedField(type: .int, typeText: "int", ownValue: .value(.int(1))),
            "r": InheritedField(type: .any, isRecord: true, typeText: "{ … }"),
            "r.x": InheritedField(type: .size, typeText: "size", ownValue: .value(.size(Size(bytes: 1 << 30, family: .binary)))),
        ])
        let source = try tierSource("a: 1\nb: \"${TENANT_ID}_b\"\nc: 1\nd: 1 # kept: it has a comment\nr:\n  x: 1024MiB\n", extends: parent)
        #expect(source == "tier t extends base {\n  c = 1\n  d = 1 // kept: it has a comment\n}\n")
    }

    @Test func aRecordWhereTheParentHasAValueIsAnError() throws {
        let parent = InheritedFields(tier: "base", fields: ["a": InheritedField(type: .int, typeText: "int"),
                                                            "r": InheritedField(type: .any, isRecord: true, typeText: "{ … }")])
        let leaf = try #require(conversionError("x: 1\na:\n  b: 1\n", extends: parent))
        #expect(leaf.line == 2 && leaf.message == "`a` is a mapping here, but tier `base` declares it `int`")
        let record = try #require(conversionError("r: 1\n", extends: parent))
        #expect(record.line == 1 && record.message == "`r` is a value here, but tier `base` declares it a record")
    }
}
