import Foundation
import Testing
import TenantCompiler
import TenantDiagnostics
import TenantFormat
import TenantImport
import TenantModel
import TenantSemantics
import TenantSyntax

/// The seed-style tier templates the tests import.
let tierTemplates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/tier-templates")

/// Converts a template written in a test, with the compiler's checks of crons, CIDRs and e-mails.
func convert(_ yaml: String, name: String = "t", extends parent: InheritedFields? = nil) throws -> TierTemplateResult {
    try TierTemplate.convert(Array(yaml.utf8), name: name, extends: parent, formats: .compiler)
}

/// The tier's source as text.
func tierSource(_ yaml: String, name: String = "t", extends parent: InheritedFields? = nil) throws -> String {
    String(decoding: try convert(yaml, name: name, extends: parent).source, as: UTF8.self)
}

/// The template error a conversion gives; nil when it converts.
func conversionError(_ yaml: String, extends parent: InheritedFields? = nil) -> TemplateError? {
    do {
        _ = try TierTemplate.convert(Array(yaml.utf8), name: "t", extends: parent, formats: .compiler)
        return nil
    } catch {
        return error
    }
}

/// The comments of `.tenant` source, as written (`// why`).
func tenantComments(_ source: [UInt8]) -> [String] {
    let lexed = Lexer.tokenize(SourceFile(id: FileID(raw: 0), path: "t.tenant", bytes: source))
    return lexed.comments.map { String(decoding: source[Int($0.start)..<Int($0.end)], as: UTF8.self) }
}

/// A project directory of a test's own: `tiers/` and `tenants/`, removed by `remove()`.
struct ScratchProject {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("tenantc-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("tiers"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("tenants"), withIntermediateDirectories: true)
    }

    var path: String { root.path }

    func write(_ relative: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: root.appendingPathComponent(relative))
    }

    func write(_ relative: String, _ text: String) throws {
        try write(relative, Array(text.utf8))
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }

    /// Checks `files` (relative paths) with the project's tiers, keeping each resolved tenant.
    func compile(_ files: [String]) -> CompileOutcome {
        Compiler.run(CompileRequest(inputs: files.map { SourceInput(path: $0) }, jobs: 1, keepResolved: true, workingDirectory: path))
    }
}

/// The messages of the errors among `diagnostics`, for failure messages.
func errorMessages(_ diagnostics: [Diagnostic]) -> [String] {
    diagnostics.filter { $0.severity == .error }.map { "\($0.code): \($0.message)" }
}

/// The errors of a tier compiled alone (its self-check included).
func tierErrors(_ source: String) -> [String] {
    let sources = SourceMap()
    let unit = Parser.parse(sources.add(path: "t.tenant", bytes: Array(source.utf8)))
    let tiers = TierSet(units: [unit], sources: sources)
    return errorMessages(unit.diagnostics + tiers.diagnostics)
}
