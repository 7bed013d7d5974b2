// The inputs of the `evaluator`, `redaction` and `emitter` targets are a tenant's body: wrapped
// in a declaration that extends a shipped tier, most inputs get past the parser to evaluation.
import TenantDiagnostics
import TenantSemantics
import TenantSyntax

enum TenantBody {
    static let header = Array("tenant fuzz extends standard {\n".utf8)
    static let footer = Array("\n}\n".utf8)

    static func wrap(_ body: [UInt8], after prefix: [UInt8] = []) -> [UInt8] {
        header + prefix + body + footer
    }
}

/// Every tenant of a parsed buffer resolved against the shipped tiers, with the diagnostics of
/// the whole buffer.
struct ResolvedBuffer {
    var results: [TenantResult] = []
    var diagnostics = DiagnosticList()

    init(_ unit: SourceUnit, _ tiers: TierSet, environment: String? = nil, artifact: Bool, artifactTree: Bool = false) {
        diagnostics.append(contentsOf: unit.diagnostics)
        let broken = unit.diagnostics.contains { $0.severity == .error }
        for decl in unit.declarations where decl.kind == .tenant {
            let output: ResolveOptions.Output = !artifact ? .diagnosticsOnly : artifactTree ? .walked : .built
            let result = tiers.resolve(decl, ResolveOptions(environment: environment, afterSyntaxErrors: broken, output: output))
            diagnostics.append(contentsOf: result.diagnostics)
            results.append(result)
        }
    }
}
