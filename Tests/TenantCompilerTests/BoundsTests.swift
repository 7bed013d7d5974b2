import Foundation
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
}
