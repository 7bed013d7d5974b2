import Foundation
import TenantCompiler
import TenantDiagnostics
import Testing

/// Files as editors and tools really write them: byte order marks, CRLF, tabs, NUL bytes,
/// invalid UTF-8, very long lines — compiled end to end, with diagnostics at the right columns.
@Suite struct TextEdgeCaseTests {
    static func check(_ bytes: [UInt8]) -> CompileOutcome {
        Compiler.run(CompileRequest(inputs: [SourceInput(path: "tenants/edge.tenant", contents: bytes)], tiersDirectory: "tiers",
                                    keepResolved: true, workingDirectory: repoRoot))
    }

    static let good = "tenant edge_case extends standard {\n  tenant_info.tenant_name = \"Edge\"\n}\n"

    @Test func aByteOrderMarkIsAccepted() {
        let outcome = Self.check([0xEF, 0xBB, 0xBF] + Array(Self.good.utf8))
        #expect(outcome.diagnostics.isEmpty)
        #expect(outcome.tenants.first?.resolved != nil)
    }

    @Test func aByteOrderMarkDoesNotShiftColumns() throws {
        let outcome = Self.check([0xEF, 0xBB, 0xBF] + Array("tenant edge_case extends standrad {\n}\n".utf8))
        let d = try #require(outcome.diagnostics.first)
        let pos = try #require(outcome.sources.position(d.span!))
        #expect(d.code == .unknownTier)
        #expect(pos.start.line == 1 && pos.start.column == 26)
    }

    @Test func crlfLineEndingsAreAcceptedAndColumnsStayRight() throws {
        let crlf = Self.good.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(Self.check(Array(crlf.utf8)).diagnostics.isEmpty)
        let broken = "tenant edge_case extends standard {\r\n  tenant_info.tenant_name = \"Edge\"\r\n  backup.retention = 30\r\n}\r\n"
        let outcome = Self.check(Array(broken.utf8))
        let d = try #require(outcome.diagnostics.first)
        let pos = try #require(outcome.sources.position(d.span!))
        #expect(d.code == .typeMismatch)
        #expect(pos.start.line == 3 && pos.start.column == 22)
        let text = renderHuman(outcome.diagnostics, sourceMap: outcome.sources)
        #expect(!text.contains("\r"))
        #expect(text.contains("   3 |   backup.retention = 30\n     |                      ^^ this value"))
    }

    @Test func tabsKeepCaretsUnderTheirCharacters() throws {
        let source = "tenant edge_case extends standard {\n\ttenant_info.tenant_name = \"Edge\"\n\tbackup.retention =\t30\n}\n"
        let outcome = Self.check(Array(source.utf8))
        let text = renderHuman(outcome.diagnostics, sourceMap: outcome.sources)
        // Tabs are shown as 4 spaces; the caret sits under `30`.
        #expect(text.contains("   3 |     backup.retention =    30\n     |                           ^^ this value"))
    }

    @Test func invalidUTF8IsReportedAtItsByte() throws {
        var bytes = Array("tenant edge_case extends standard {\n  tenant_info.tenant_name = \"Ed".utf8)
        let offset = bytes.count
        bytes += [0xC3, 0x28] + Array("ge\"\n}\n".utf8)
        let outcome = Self.check(bytes)
        let d = try #require(outcome.diagnostics.first { $0.code == .invalidUTF8 })
        #expect(d.span?.start == UInt32(offset))
        #expect(d.message.contains("byte offset \(offset)"))
        #expect(outcome.exitCode == 1)
    }

    @Test func nulBytesAreDiagnosticsNotTruncation() throws {
        let bytes = Array("tenant edge_case extends standard {\n  tenant_info.tenant_name = \"Edge\"\n".utf8) + [0] + Array("\n}\n".utf8)
        let outcome = Self.check(bytes)
        #expect(outcome.diagnostics.map(\.code) == [.unexpectedCharacter])
        #expect(outcome.diagnostics.first?.message == "unexpected NUL byte")
    }

    @Test func aVeryLongLineIsClippedAroundTheSpan() throws {
        let padding = String(repeating: "x", count: 5_000)
        let source = "tenant edge_case extends standard {\n  tenant_info.tenant_name = \"\(padding)\"  backup.retention = 30\n}\n"
        let outcome = Self.check(Array(source.utf8))
        let text = renderHuman(outcome.diagnostics, sourceMap: outcome.sources)
        #expect(outcome.diagnostics.first?.code == .typeMismatch)
        #expect(text.contains("…"))
        #expect(text.split(separator: "\n").allSatisfy { $0.count < 300 })
        #expect(text.contains("retention = 30"))
    }

    @Test func anOversizedFileIsADiagnostic() throws {
        let outcome = Self.check(Array(repeating: UInt8(ascii: " "), count: (16 << 20) + 1))
        #expect(outcome.diagnostics.map(\.code) == [.inputTooLarge])
        #expect(outcome.exitCode == 1)
    }
}
