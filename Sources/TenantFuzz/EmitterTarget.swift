// Target `emitter`: the bytes as the body of a tenant of `standard`, built and written by both
// backends in both unit modes. YAML is written twice, the way `build` does it (walking the
// evaluated config, reusing the tier's shared renderings) and the way a built config is
// written; the two must be the same bytes.
import TenantBackends
import TenantSemantics

func fuzzEmitter(_ bytes: [UInt8], _ shipped: ShippedTiers) {
    guard let unit = shipped.parse(TenantBody.wrap(bytes)) else { return }
    let built = ResolvedBuffer(unit, shipped.tiers, artifact: true).results
    let walked = ResolvedBuffer(unit, shipped.tiers, artifact: true, artifactTree: true).results
    for (result, walkedResult) in zip(built, walked) {
        guard let tenant = result.tenant else { continue }
        for units in [UnitsMode.canonical, .base] {
            let options = RenderOptions(units: units)
            var json: [UInt8] = []
            try? JSONBackend().render(tenant, options: options, layout: .stream, into: &json)
            guard let tree = walkedResult.tree else { fail("tenant `\(result.id)` was built, but no config tree was handed over") }
            // A backend may refuse a config (an error, not a finding); both ways must agree then.
            let yaml = try? render { try YAMLBackend().render(tenant, options: options, layout: .file, into: &$0) }
            let streamed = try? render { try YAMLBackend().render(tree: tree, options: options, layout: .file, into: &$0) }
            if streamed != yaml { fail("YAML written from the config tree differs from YAML written from the built config") }
        }
    }
}

private func render(_ write: (inout [UInt8]) throws -> Void) throws -> [UInt8] {
    var out: [UInt8] = []
    try write(&out)
    return out
}
