import TenantCompiler
import TenantDiagnostics
import Testing

/// The pure part of `check --fix`, shared with editors: which fix-its of a file apply together,
/// and the bytes they make.
@Suite struct FixSelectionTests {
    static let file = FileID(raw: 0)

    static func fix(_ start: Int, _ end: Int, _ replacement: String, in file: FileID = file) -> FixIt {
        FixIt(Span(file: file, start: start, end: end), replacement)
    }

    static func apply(_ fixes: [FixIt], to text: String, sensitive: [Range<Int>] = []) -> (text: String, selection: FixSelection) {
        let bytes = Array(text.utf8)
        let selection = FixSelection(fixes, in: bytes, sensitive: sensitive)
        return (String(decoding: selection.applied(to: bytes), as: UTF8.self), selection)
    }

    @Test func editsAreAppliedAtTheOffsetsOfTheOriginalBytes() {
        // Offered in any order; a longer replacement early must not shift the later ones.
        let r = Self.apply([Self.fix(8, 11, "GHI!"), Self.fix(0, 0, ">> "), Self.fix(4, 7, "longer text"), Self.fix(3, 4, "")],
                           to: "abc def ghi")
        #expect(r.text == ">> abclonger text GHI!")
        #expect(r.selection.edits.map(\.range) == [0..<0, 3..<4, 4..<7, 8..<11])
        #expect(r.selection.overlapping == 0 && r.selection.touchingSecrets == 0)
    }

    @Test func identicalFixesApplyOnce() {
        let r = Self.apply([Self.fix(4, 7, "DEF"), Self.fix(4, 7, "DEF"), Self.fix(0, 0, "#"), Self.fix(0, 0, "#")], to: "abc def")
        #expect(r.text == "#abc DEF")
        #expect(r.selection.edits.count == 2)
        #expect(r.selection.overlapping == 0)
    }

    @Test func aFixOverlappingOneTakenIsLeftOutAndCounted() {
        // Back to front: [4, 8) is taken, [2, 6) overlaps it.
        let r = Self.apply([Self.fix(2, 6, "X"), Self.fix(4, 8, "Y")], to: "0123456789")
        #expect(r.text == "0123Y89")
        #expect(r.selection.overlapping == 1)
        // Two edits at one place conflict (which goes first is unknown): the first offered wins.
        let insertions = Self.apply([Self.fix(3, 3, "a"), Self.fix(3, 3, "b"), Self.fix(3, 5, "c")], to: "0123456789")
        #expect(insertions.text == "012a3456789")
        #expect(insertions.selection.overlapping == 2)
        // Ranges that only meet do not overlap.
        let adjacent = Self.apply([Self.fix(2, 4, "A"), Self.fix(4, 6, "B"), Self.fix(6, 6, "C")], to: "0123456789")
        #expect(adjacent.text == "01ABC6789")
        #expect(adjacent.selection.overlapping == 0)
    }

    @Test func aFixTouchingASecretIsNeverTaken() {
        let text = #"name = "x"  password = "hunter2"  other = 1"#
        let value = Array(text.utf8).firstIndex(of: UInt8(ascii: "h"))! - 1
        let secret = value..<(value + 9)  // `"hunter2"`
        let fixes = [
            Self.fix(secret.lowerBound + 1, secret.lowerBound + 3, "HU"),  // inside
            Self.fix(secret.lowerBound - 3, secret.lowerBound, " := "),  // right before it
            Self.fix(secret.upperBound, secret.upperBound, ","),  // right after it
            Self.fix(0, 4, "title"),  // elsewhere
        ]
        let r = Self.apply(fixes, to: text, sensitive: [secret])
        #expect(r.text == #"title = "x"  password = "hunter2"  other = 1"#)
        #expect(r.selection.touchingSecrets == 3)
        #expect(r.selection.edits.count == 1)
    }

    @Test func aFixOutsideTheBytesOrThatChangesNothingIsDropped() {
        let r = Self.apply([Self.fix(2, 40, "x"), Self.fix(0, 3, "abc"), Self.fix(4, 7, "xyz")], to: "abc def")
        #expect(r.text == "abc xyz")
        #expect(r.selection.edits.count == 1)
        #expect(r.selection.overlapping == 0)
    }

    @Test func theFixesOfAFileLeaveOutHiddenDiagnosticsAndOtherFiles() {
        let other = FileID(raw: 1)
        let shown = Diagnostic.error(.unknownField, "unknown field", at: nil, fixes: [Self.fix(0, 1, "a"), Self.fix(0, 1, "b", in: other)])
        var hidden = Diagnostic.error(.unknownField, "about a secret", at: nil, fixes: [Self.fix(2, 3, "c")])
        hidden.hidesSource = true
        #expect(FixSelection.fixes(of: [shown, hidden], in: Self.file) == [Self.fix(0, 1, "a")])
        #expect(FixSelection.fixes(of: [shown, hidden], in: other) == [Self.fix(0, 1, "b", in: other)])
    }
}
