// Target `parser`: the bytes as a whole file — lexer, parser, the tier graph and self-checks of
// the tiers it declares, and every tenant it declares resolved against those tiers or the
// shipped ones.
import TenantDiagnostics
import TenantSemantics
import TenantSyntax

func fuzzParser(_ bytes: [UInt8], _ shipped: ShippedTiers) {
    // Diagnostics are listed and rendered by the `redaction` target.
    guard let unit = withinParsingHeapBudget(inputSize: bytes.count, { shipped.parse(bytes) }) else { return }
    var diagnostics = unit.diagnostics
    let broken = unit.diagnostics.contains { $0.severity == .error }
    let tenants = unit.declarations.filter { $0.kind == .tenant }
    let tiers = unit.declarations.filter { $0.kind == .tier }
    // The buffer's own tiers form a set of their own: the shipped ones stay checked once.
    let own = tiers.isEmpty ? nil : TierSet(units: [unit], sources: shipped.sources)
    diagnostics += own?.diagnostics ?? []
    for tenant in tenants {
        let set = declares(own, tenant.parent) ? own ?? shipped.tiers : shipped.tiers
        diagnostics += set.resolve(tenant, ResolveOptions(afterSyntaxErrors: broken, output: .diagnosticsOnly)).diagnostics
    }
    checkSpans(diagnostics, shipped.sources)
}

/// Whether the buffer's tiers resolved the tier a tenant extends.
private func declares(_ tiers: TierSet?, _ name: Name?) -> Bool {
    guard let tiers, let name else { return false }
    return tiers.layout(named: name.text) != nil
}
