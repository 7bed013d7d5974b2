import Testing
import TenantDiagnostics

@Suite("Source files")
struct SourceFileTests {
    private func starts(_ text: String) -> [Int] {
        SourceFile(id: FileID(raw: 0), path: "t.tenant", bytes: Array(text.utf8)).lineStarts
    }

    @Test func lineStartsFollowEveryLineFeed() {
        #expect(starts("") == [0])
        #expect(starts("a") == [0])
        #expect(starts("a\n") == [0, 2])
        #expect(starts("a\nbc\nd") == [0, 2, 5])
        #expect(starts("\n\n\n") == [0, 1, 2, 3])
        // A carriage return is part of its line; only the line feed ends it.
        #expect(starts("a\r\nb") == [0, 3])
    }

    @Test func positionsCountFromOne() {
        let file = SourceFile(id: FileID(raw: 0), path: "t.tenant", bytes: Array("tier free {\n  x = 1\n}\n".utf8))
        #expect(file.lineIndex(ofByte: 0) == 0)
        #expect(file.lineIndex(ofByte: 14) == 1)
        let p = file.position(ofByte: 14)
        #expect(p.line == 2)
        #expect(p.column == 3)
        #expect(file.lineIndex(ofByte: 22) == 3)
    }
}
