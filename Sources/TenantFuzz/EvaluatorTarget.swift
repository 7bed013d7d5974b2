// Target `evaluator`: the bytes as the body of a tenant of the shipped `standard` tier —
// layers, environment overlays, every field's formula, and every rule — in the tenant's own
// environment and in `development`, whose overlays differ.
import TenantDiagnostics

func fuzzEvaluator(_ bytes: [UInt8], _ shipped: ShippedTiers) {
    guard let unit = shipped.parse(TenantBody.wrap(bytes)) else { return }
    for environment in [nil, "development"] as [String?] {
        let resolved = ResolvedBuffer(unit, shipped.tiers, environment: environment, artifact: true)
        checkSpans(resolved.diagnostics.diagnostics, shipped.sources)
    }
}
