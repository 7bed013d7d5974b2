import TenantCompiler
import TenantDiagnostics
import TenantFormat
import TenantImport

/// The importer over the shipped tiers, loaded once.
private let importer: TenantImporter? = try? TenantImporter.load(tiersDirectory: environment["TENANTC_FUZZ_TIERS"] ?? "tiers", near: ".")

/// `import`: the input read as a YAML or JSON stream, and each of its first documents imported
/// (`tenantc import`): reading, tier choice, typed reading, compiling and comparing must end
/// in a tenant or in problems, never in a trap or a hang. An imported source must be one the
/// formatter leaves as it is. The fast reader of block-style YAML must read what it accepts as
/// libyaml reads it.
func fuzzImport(_ bytes: [UInt8], _ shipped: ShippedTiers) {
    let clear = Result { () throws(DocumentError) in try DocumentReader.read(bytes, fastPath: false) }
    let fast = Result { () throws(DocumentError) in try DocumentReader.read(bytes, fastPath: true) }
    switch (fast, clear) {
    case (.success(let a), .success(let b)): precondition(a == b, "the fast reader's trees differ from libyaml's")
    case (.failure, .failure): break
    default: preconditionFailure("the fast reader accepts what libyaml refuses, or the other way round")
    }
    guard let importer, case .success(let documents) = fast else { return }
    let options = TenantImporter.Options(declareUnknown: (bytes.last ?? 0) & 1 == 1)
    for document in documents.prefix(3) {
        guard case .success(let tenant) = importer.importDocument(document, options: options) else { continue }
        precondition(tenant.source.hasPrefix("tenant \(tenant.id) extends "), "an imported source that does not declare its tenant")
        let file = SourceFile(id: FileID(raw: 0), path: "<import>", bytes: Array(tenant.source.utf8))
        guard case .formatted(let formatted) = Formatter.format(file) else { preconditionFailure("an imported source the formatter refuses") }
        precondition(formatted == file.bytes, "an imported source that is not in the formatter's layout")
    }
}
