import Foundation
import Testing
import TenantCompiler
import TenantDiagnostics
import TenantImport

/// Templates that cannot become a tier, and commands that cannot run: an error that says
/// where and why, never a crash.
@Suite struct TierTemplateErrorTests {
    @Test(arguments: [
        ("a: [1\n", 2, "did not find expected ',' or ']'"),
        ("- a\n- b\n", 1, "the template is a list: a tier template is a mapping of fields"),
        ("just text\n", 1, "the template is a single value: a tier template is a mapping of fields"),
        ("", 1, "the template is empty: a tier template is a mapping of fields"),
        ("a: 1\n---\nb: 2\n", 3, "the template holds 2 documents: a tier is imported from one"),
        ("a:\n  max-users: 10\n", 2, "the key `max-users` is not a field name"),
        ("true: 1\n", 1, "the key `true` is not a field name"),
        ("rules:\n  - {name: x, 2nd: y}\n", 2, "the key `2nd` is not a field name"),
        ("\"${TENANT_ID}_data\": 1\n", 1, "the key `${TENANT_ID}_data` is not a field name"),
        ("a: [1, null]\n", 1, "a null item in a list: a `.tenant` list holds values only"),
        ("a: 1\na: 2\n", 2, "the key `a` appears twice in one mapping (first at line 1)"),
    ])
    func aTemplateErrorSaysWhereAndWhy(_ yaml: String, _ line: Int, _ message: String) throws {
        let error = try #require(conversionError(yaml), "\(yaml.debugDescription) converted")
        #expect(error.line == line, "\(yaml.debugDescription): \(error)")
        #expect(error.message.contains(message), "\(yaml.debugDescription): \(error)")
    }

    @Test func aKeyThatIsNotANameGetsASpellingThatIs() throws {
        let error = try #require(conversionError("max-users: 1\n"))
        #expect(error.help.last == "rename it in the template: `max_users`")
        #expect(error.column == 0)
        let merge = try #require(conversionError("base: &b {a: 1}\nmore:\n  <<: *b\n"))
        #expect(merge.line == 3 && merge.help == ["YAML merge keys are not imported: write the merged keys out in the template"])
    }

    @Test func nestingIsBounded() throws {
        func nested(_ depth: Int) -> String {
            (0..<depth).map { String(repeating: "  ", count: $0) + "k\($0):\n" }.joined() + String(repeating: "  ", count: depth) + "leaf: 1\n"
        }
        let error = try #require(conversionError(nested(100)))
        #expect(error.kind == .tooDeep && error.line == 101)
        // Just under the bound, the tier compiles.
        let project = try ScratchProject()
        defer { project.remove() }
        try project.write("deep.yml", nested(99))
        let outcome = try TierTemplateImport.run(templatePath: "deep.yml", name: "deep", workingDirectory: project.path)
        #expect(outcome.succeeded, "\(errorMessages(outcome.diagnostics))")
    }

    @Test func aBadNameIsRefused() throws {
        for name in ["2x", "tier", "a-b", ""] {
            #expect(throws: TemplateError.self) { try TierTemplate.convert(Array("a: 1\n".utf8), name: name, formats: .compiler) }
            #expect(throws: UsageFailure.self) { try TierTemplateImport.run(templatePath: "t.yml", name: name) }
        }
    }

    @Test func aTemplateErrorIsADiagnosticAtItsLine() throws {
        let project = try ScratchProject()
        defer { project.remove() }
        try project.write("bad.yml", "limits:\n  cpu: 1\n  max-users: 10\n")
        let outcome = try TierTemplateImport.run(templatePath: "bad.yml", name: "bad", workingDirectory: project.path)
        #expect(outcome.source == nil && outcome.counts.errors == 1)
        let d = try #require(outcome.diagnostics.first)
        #expect(d.code == .syntax && d.message == "the key `max-users` is not a field name")
        let span = try #require(d.span)
        let file = try #require(outcome.sources.file(span.file))
        #expect(file.path == "bad.yml")
        #expect(file.text(span) == "max-users: 10")
        try project.write("broken.yml", "a: 1\nb: [x,\n")
        let broken = try TierTemplateImport.run(templatePath: "broken.yml", name: "broken", workingDirectory: project.path)
        let position = try #require(broken.diagnostics.first?.span.map { broken.sources.file($0.file)?.position(ofByte: Int($0.start)) })
        #expect(position?.line == 3)
    }

    @Test func aTierThatDoesNotCompileIsNotHandedBack() throws {
        let project = try ScratchProject()
        defer { project.remove() }
        try project.write("tiers/base.tenant", "tier base {\n  limits {\n    cpu = 1cores\n    users: int = 10\n  }\n}\n")
        try project.write("t.yml", "limits:\n  users: \"many\"\n")
        let outcome = try TierTemplateImport.run(templatePath: "t.yml", name: "more", extends: "base", workingDirectory: project.path)
        #expect(outcome.source == nil)
        let error = try #require(outcome.diagnostics.first { $0.severity == .error })
        #expect(error.code == .typeMismatch)
        #expect(error.span.flatMap { outcome.sources.file($0.file)?.path } == "tiers/more.tenant")
        // A number for a `cpu` is written as cores, and compiles.
        try project.write("cpu.yml", "limits:\n  cpu: 2\n")
        let cpu = try TierTemplateImport.run(templatePath: "cpu.yml", name: "more", extends: "base", workingDirectory: project.path)
        #expect(cpu.source.map { String(decoding: $0, as: UTF8.self) } == "tier more extends base {\n  limits {\n    cpu = 2cores\n  }\n}\n")
    }

    @Test func theCommandsOwnProblemsAreUsageFailures() throws {
        let project = try ScratchProject()
        defer { project.remove() }
        try project.write("tiers/standard.tenant", "tier standard {\n  a = 1\n}\n")
        try project.write("tenants/deal.tenant", "tier acme_deal extends standard {\n  a = 2\n}\n")
        try project.write("t.yml", "a: 3\n")
        func failure(_ name: String, extends parent: String?, template: String = "t.yml", workingDirectory: String? = nil) -> UsageFailure? {
            do {
                _ = try TierTemplateImport.run(templatePath: template, name: name, extends: parent, workingDirectory: workingDirectory ?? project.path)
                return nil
            } catch {
                return error
            }
        }
        let unknown = try #require(failure("premium", extends: "standrd"))
        #expect(unknown.message == "--extends standrd: unknown tier" && unknown.help.first == "did you mean `standard`?")
        #expect(failure("acme_deal", extends: "standard")?.message == "tier `acme_deal` is declared already, in tenants/deal.tenant")
        #expect(failure("premium", extends: "premium")?.message == "tier `premium` cannot extend itself")
        #expect(failure("premium", extends: nil, template: "missing.yml")?.message.hasPrefix("cannot read missing.yml") == true)
        // A custom deal beside the tenants is a tier of the project too.
        #expect(failure("bigger_deal", extends: "acme_deal") == nil)
        // Importing `standard` again stands for its file: no conflict with itself.
        #expect(failure("standard", extends: nil) == nil)
        let elsewhere = try ScratchProject()
        defer { elsewhere.remove() }
        try elsewhere.write("t.yml", "a: 3\n")
        try FileManager.default.removeItem(at: elsewhere.root.appendingPathComponent("tiers"))
        #expect(failure("premium", extends: "standard", workingDirectory: elsewhere.path)?.message.hasPrefix("no `tiers/` directory") == true)
        // A root tier needs no project: it is checked alone.
        let alone = try TierTemplateImport.run(templatePath: "t.yml", name: "solo", workingDirectory: elsewhere.path)
        #expect(alone.succeeded && alone.path == "solo.tenant")
    }

    /// Every prefix of every fixture, and each with a byte changed: an outcome, never a crash.
    @Test func damagedTemplatesNeverCrash() throws {
        for file in try FileManager.default.contentsOfDirectory(atPath: tierTemplates.path) {
            let bytes = Array(try Data(contentsOf: tierTemplates.appendingPathComponent(file)))
            for cut in stride(from: 0, to: bytes.count, by: 89) {
                var damaged = Array(bytes[..<cut])
                _ = try? TierTemplate.convert(damaged, name: "t", formats: .compiler)
                if cut < bytes.count { damaged = bytes; damaged[cut] = [0x7B, 0x3A, 0x22, 0x23, 0x0A, 0x5B, 0x00, 0xFF][cut % 8] }
                _ = try? TierTemplate.convert(damaged, name: "t", formats: .compiler)
            }
        }
    }
}
