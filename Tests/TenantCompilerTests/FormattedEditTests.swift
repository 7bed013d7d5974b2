import Foundation
import TenantCompiler
import TenantDiagnostics
import TenantFormat
import TenantSecrets
import Testing

/// `migrate` and `rekey` change only a tier name or the text inside a secret's quotes: a file in
/// the formatter's canonical layout stays in it (docs/format.md, "Edits by other commands").
@Suite struct FormattedEditTests {
    static func isCanonical(_ url: URL) throws -> Bool {
        let bytes = Array(try Data(contentsOf: url))
        guard case .formatted(let out) = Formatter.format(SourceMap().add(path: url.path, bytes: bytes)) else { return false }
        return out == bytes
    }

    @Test(arguments: MigrationTests.adjacentMoves)
    func migratedFilesStayCanonical(_ move: (file: String, from: String, to: String)) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let copy = dir.appendingPathComponent("\(move.file).tenant")
        try Data(contentsOf: URL(fileURLWithPath: repoRoot + "/examples/\(move.file).tenant")).write(to: copy)
        #expect(try Self.isCanonical(copy))
        let ws = try TenantWorkspace.load(path: copy.path, tiersDirectory: repoRoot + "/tiers", workingDirectory: dir.path)
        let outcome = try TierMigration.run(ws, to: move.to, force: true)
        #expect(outcome.applied)
        #expect(try String(contentsOf: copy, encoding: .utf8).contains("extends \(move.to) {"))
        #expect(try Self.isCanonical(copy))
    }

    @Test func rekeyedFilesStayCanonical() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let old = try KeyFile.read(repoRoot + "/examples/demo.key").key
        for name in ["corp_enterprise_001", "global_corp_001"] {
            let copy = dir.appendingPathComponent("\(name).tenant")
            let original = try Data(contentsOf: URL(fileURLWithPath: repoRoot + "/examples/\(name).tenant"))
            try original.write(to: copy)
            #expect(try Self.isCanonical(copy))
            let outcome = SecretRekey.run([copy.path], old: old, new: SecretKey.generate(), workingDirectory: dir.path)
            #expect(outcome.errors.isEmpty, "\(outcome.errors)")
            #expect(try Data(contentsOf: copy) != original)
            #expect(try Self.isCanonical(copy))
        }
    }
}
