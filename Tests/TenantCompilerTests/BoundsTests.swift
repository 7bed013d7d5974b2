import Foundation
import TenantBackends
import TenantCompiler
import TenantDiagnostics
import TenantSemantics
import TenantSyntax
import Testing

/// Each bound of docs/robustness.md ends in a diagnostic with a code — never a crash or a hang.
@Suite struct BoundsTests {
    static func check(_ source: String) -> CompileOutcome {
        Compiler.run(CompileRequest(inputs: [SourceInput(path: "tenants/bounds.tenant", contents: Array(source.utf8))],
                                    tiersDirectory: "tiers", workingDirectory: repoRoot))
    }

    @Test func diagnosticsAreCappedButCountedInFull() {
        let typos = (0..<3_000).map { "  tenant_infoo\($0).x = 1" }.joined(separator: "\n")
        let outcome = Self.check("tenant many_errors extends standard {\n  tenant_info.tenant_name = \"x\"\n\(typos)\n}\n")
        #expect(outcome.counts.errors == 3_000)
        #expect(outcome.diagnostics.count == DiagnosticList.defaultCap + 1)
        #expect(outcome.diagnostics.last?.code == .tooManyDiagnostics)
        #expect(outcome.exitCode == 1)
    }

    @Test func aFileOfGarbageCostsABoundedNumberOfDiagnostics() {
        let outcome = Self.check(String(repeating: "@ ", count: 1 << 20))
        #expect(outcome.counts.errors == Lexer.maxErrors + 1)
        #expect(outcome.diagnostics.count == DiagnosticList.defaultCap + 1)
        #expect(Set(outcome.diagnostics.map(\.code)) == [.unexpectedCharacter, .tooManyDiagnostics])
        let nul = Self.check(String(repeating: "\u{0}", count: 4 << 20))
        #expect(nul.diagnostics.map(\.code) == [.unexpectedCharacter])
    }

    @Test func aTenantOfUnknownFieldsKeepsABoundedNumberOfDiagnostics() {
        let typos = (0..<300_000).map { "  typo\($0) = 1" }.joined(separator: "\n")
        let outcome = Self.check("tenant flood extends standard {\n  tenant_info.tenant_name = \"x\"\n\(typos)\n}\n")
        #expect(outcome.counts.errors == 300_000)
        #expect(outcome.diagnostics.count == DiagnosticList.defaultCap + 1)
        #expect(outcome.diagnostics.last?.message == "too many diagnostics: \(300_000 - DiagnosticList.defaultCap) more were omitted")
    }

    @Test func fieldsNestedTooDeeplyAreRefused() {
        let path = (0...Schema.maxDepth + 10).map { "f\($0)" }.joined(separator: ".")
        let outcome = Compiler.run(CompileRequest(inputs: [SourceInput(path: "deep.tenant", contents: Array("tier deep {\n  \(path) = 1\n}\n".utf8))],
                                                  workingDirectory: repoRoot))
        #expect(outcome.diagnostics.map(\.code) == [.nestingTooDeep])
    }

    @Test func valuesNestedTooDeeplyAreRefused() {
        // Each field wraps the previous one in a list: 200 levels, more than the 128 allowed.
        var lines = ["tier deep {", "  v0 = 1"]
        for i in 1...200 { lines.append("  v\(i) = [v\(i - 1)]") }
        lines.append("}")
        lines.append("tenant deep_values extends deep {}")
        let outcome = Compiler.run(CompileRequest(inputs: [SourceInput(path: "deep.tenant", contents: Array(lines.joined(separator: "\n").utf8))],
                                                  workingDirectory: repoRoot))
        #expect(outcome.diagnostics.contains { $0.code == .evaluationLimit && $0.message.contains("nest deeper than 128") })
        #expect(outcome.exitCode == 1)
    }

    @Test func extendsChainsAreBounded() {
        var source = "tier t0 { x = 1 }\n"
        for i in 1...100 { source += "tier t\(i) extends t\(i - 1) { }\n" }
        source += "tenant leaf extends t100 {}\n"
        let outcome = Compiler.run(CompileRequest(inputs: [SourceInput(path: "chain.tenant", contents: Array(source.utf8))], workingDirectory: repoRoot))
        #expect(outcome.diagnostics.contains { $0.code == .chainTooDeep })
        #expect(outcome.exitCode == 1)
    }

    @Test func selfDoublingStringsStopAtTheLimit() {
        var lines = ["tier grow {", "  s0 = \"ab\""]
        for i in 1...64 { lines.append("  s\(i) = \"${s\(i - 1)}${s\(i - 1)}\"") }
        lines.append("}")
        let outcome = Compiler.run(CompileRequest(inputs: [SourceInput(path: "grow.tenant", contents: Array(lines.joined(separator: "\n").utf8))],
                                                  workingDirectory: repoRoot))
        #expect(outcome.diagnostics.contains { $0.code == .evaluationLimit && $0.message.contains("string longer than") })
    }

    @Test func selfDoublingListsStopAtTheLimit() {
        var lines = ["tier grow {", "  l0 = [1, 2]"]
        for i in 1...64 { lines.append("  l\(i) = l\(i - 1) + l\(i - 1)") }
        lines.append("}")
        let outcome = Compiler.run(CompileRequest(inputs: [SourceInput(path: "grow.tenant", contents: Array(lines.joined(separator: "\n").utf8))],
                                                  workingDirectory: repoRoot))
        #expect(outcome.diagnostics.contains { $0.code == .evaluationLimit && $0.message.contains("list longer than") })
    }

    /// A tier whose 2,000 fields each repeat one 1,000-byte string: about 2 MB of output.
    static let fanOut: String = {
        var lines = ["tier fan {", "  s = \"" + String(repeating: "x", count: 1_000) + "\""]
        lines += (0..<2_000).map { "  f\($0) = s" }
        lines += ["  big = [s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s]", "}", "tenant wide extends fan {}"]
        return lines.joined(separator: "\n")
    }()

    static func build(_ source: String, maxArtifactBytes: Int, backend: any Backend) -> CompileOutcome {
        Compiler.run(CompileRequest(inputs: [SourceInput(path: "fan.tenant", contents: Array(source.utf8))],
                                    emit: EmitPlan(backends: [backend], output: .standardOutput, maxArtifactBytes: maxArtifactBytes),
                                    workingDirectory: repoRoot))
    }

    @Test(arguments: [YAMLBackend() as any Backend, JSONBackend()])
    func artifactsLargerThanTheBoundAreRefusedBeforeRendering(backend: any Backend) {
        let outcome = Self.build(Self.fanOut, maxArtifactBytes: 1 << 20, backend: backend)
        #expect(outcome.diagnostics.map(\.code) == [.artifactTooLarge])
        let d = outcome.diagnostics.first
        #expect(d?.message.hasPrefix("the artifact of `wide` would be about 2") == true, "\(d?.message ?? "")")
        #expect(d?.message.hasSuffix("MiB, more than the 1 MiB allowed") == true)
        #expect(d?.label == "`big` alone is about 20 KiB")
        #expect(outcome.standardOutput.isEmpty)
        #expect(outcome.exitCode == 1)
    }

    @Test func theEstimateIsCloseToTheRenderedSize() {
        let outcome = Self.build(Self.fanOut, maxArtifactBytes: 64 << 20, backend: YAMLBackend())
        #expect(outcome.diagnostics.isEmpty)
        let rendered = outcome.standardOutput.count
        #expect(rendered > 2_000_000)
        // Just under the size rendered: refused; a little over it: accepted.
        #expect(Self.build(Self.fanOut, maxArtifactBytes: rendered * 9 / 10, backend: YAMLBackend()).exitCode == 1)
        #expect(Self.build(Self.fanOut, maxArtifactBytes: rendered * 11 / 10, backend: YAMLBackend()).exitCode == 0)
    }
}
