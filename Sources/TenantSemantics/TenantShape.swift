import TenantDiagnostics
import TenantSyntax

extension TierSet {
    /// The shape of a tenant's config: its tier's schema with the fields the tenant's body
    /// declares of its own (`partner_api_key: secret = …`), and the problems of that body.
    /// Nil when the tenant's tier is unknown or has errors. Declarations inside the tenant's
    /// `env` blocks are not part of it: they exist in one environment only.
    public func tenantSchema(_ decl: Declaration) -> (schema: Schema, diagnostics: [Diagnostic])? {
        guard let name = decl.parent?.text, let tier = layout(named: name), !tier.hasErrors else { return nil }
        var builder = LayerBuilder(schema: tier.schema, origin: .tenant(decl.name.text), isRoot: false, isTenant: true,
                                   environments: tier.environments)
        builder.sources = sources
        builder.apply(decl.body)
        return (builder.schema, builder.diagnostics)
    }
}
