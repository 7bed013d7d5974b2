import TenantDiagnostics
import TenantSyntax

/// Marks the values written for secret fields in every file that `diagnostics` show, so that
/// the renderers neither excerpt nor quote them (`SecretValues`), and no fix is applied over
/// them (`check --fix`). Only shown files are scanned: a build of thousands of clean tenants
/// pays nothing.
public func markSecretValues(shownBy diagnostics: [Diagnostic], sources: SourceMap, tiers: [TierSet]) {
    var files: Set<FileID> = []
    for d in diagnostics {
        if let span = d.span { files.insert(span.file) }
        for related in d.related { files.insert(related.span.file) }
        for fix in d.fixes { files.insert(fix.span.file) }
    }
    guard !files.isEmpty else { return }
    let names = tiers.reduce(into: Set<String>()) { $0.formUnion($1.secretFieldNames) }
    for id in files {
        if let file = sources.file(id) { SecretValues.mark(in: file, secretFields: names) }
    }
}
