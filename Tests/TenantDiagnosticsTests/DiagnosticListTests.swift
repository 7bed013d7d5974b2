import Testing
import TenantDiagnostics

@Suite("DiagnosticList")
struct DiagnosticListTests {
    @Test func sortsByPathPositionSeverityCodeMessage() {
        let f = Fixture()
        let b = f.add("b.tenant", "0123456789\n")  // added first: order must come from the path, not the id
        let a = f.add("a.tenant", "0123456789\n")
        func at(_ file: SourceFile, _ start: Int, _ end: Int) -> Span { Span(file: file.id, start: start, end: end) }
        let noSpanB = Diagnostic.error(.noTiers, "b", at: nil)
        let noSpanA = Diagnostic.error(.noTiers, "a", at: nil)
        let wide = Diagnostic.error(.syntax, "m", at: at(a, 0, 3))
        let narrow = Diagnostic.error(.syntax, "m", at: at(a, 0, 1))
        let narrowWarning = Diagnostic.warning(.warnFailed, "m", at: at(a, 0, 1))
        let narrowOtherCode = Diagnostic.error(.unknownField, "m", at: at(a, 0, 1))
        let narrowOtherMessage = Diagnostic.error(.unknownField, "n", at: at(a, 0, 1))
        let later = Diagnostic.error(.syntax, "m", at: at(a, 5, 6))
        let inB = Diagnostic.error(.syntax, "m", at: at(b, 0, 1))
        let list = DiagnosticList([inB, later, narrowWarning, wide, noSpanB, narrowOtherMessage, narrowOtherCode, narrow, noSpanA])
        #expect(list.finalized(sourceMap: f.map) == [
            noSpanA, noSpanB, narrow, narrowOtherCode, narrowOtherMessage, narrowWarning, wide, later, inB,
        ])
    }

    @Test func removesExactDuplicatesOnly() {
        let d = Diagnostic.error(.syntax, "m", at: nil)
        var withNote = d
        withNote.notes = ["different"]
        var list = DiagnosticList()
        list.append(d)
        list.append(contentsOf: [d, withNote, d])
        #expect(list.diagnostics.count == 4)
        #expect(list.finalized(sourceMap: SourceMap()) == [d, withNote])
        #expect(list.counts == DiagnosticCounts(errors: 2, warnings: 0))
    }

    @Test func aFloodIsCountedInFullButKeptOnlyUpToTheStorageCap() {
        var list = DiagnosticList()
        let total = 3 * DiagnosticList.storageCap
        for i in 0..<total { list.append(.error(.syntax, "e\(i)", at: nil)) }
        list.append(.error(.syntax, "e\(total - 1)", at: nil))  // a duplicate past the cap counts once
        #expect(list.diagnostics.count == DiagnosticList.storageCap)
        #expect(list.counts == DiagnosticCounts(errors: total, warnings: 0))
        #expect(list.hasErrors)
        let shown = list.finalized(sourceMap: SourceMap())
        #expect(shown.count == DiagnosticList.defaultCap + 1)
        #expect(shown.last?.message == "too many diagnostics: \(total - DiagnosticList.defaultCap) more were omitted")
    }

    @Test func aSummaryCountsForTheDiagnosticsItStandsFor() {
        var summary = Diagnostic.error(.tooManyDiagnostics, "counted, not shown", at: nil)
        summary.countsFor = 500
        let list = DiagnosticList([summary, .error(.syntax, "e", at: nil)])
        #expect(list.counts == DiagnosticCounts(errors: 501, warnings: 0))
    }

    @Test func countsAfterDedupeBeforeCap() {
        var list = DiagnosticList()
        for i in 0..<5 { list.append(.error(.syntax, "e\(i)", at: nil)) }
        list.append(.error(.syntax, "e0", at: nil))
        list.append(.warning(.warnFailed, "w", at: nil))
        list.append(.warning(.warnFailed, "w", at: nil))
        list.append(Diagnostic(.note, .syntax, "n", at: nil))
        let counts = list.counts
        #expect(counts == DiagnosticCounts(errors: 5, warnings: 1))
        #expect(!counts.isValid)
        #expect(list.hasErrors)
        #expect(list.finalized(sourceMap: SourceMap(), cap: 2).count == 3)
        #expect(list.counts == counts)  // capping changes nothing about the totals
    }

    @Test func capAppendsOneOmittedCountDiagnostic() {
        var list = DiagnosticList()
        for i in 0..<5 { list.append(.error(.syntax, "e\(i)", at: nil)) }
        list.append(.warning(.warnFailed, "w", at: nil))
        let out = list.finalized(sourceMap: SourceMap(), cap: 3)
        #expect(out.count == 4)
        #expect(out.prefix(3).map(\.message) == ["e0", "e1", "e2"])
        let summary = out[3]
        #expect(summary.code == .tooManyDiagnostics)
        #expect(summary.severity == .error)
        #expect(summary.span == nil)
        #expect(summary.message == "too many diagnostics: 3 more were omitted")
        #expect(summary.notes == ["only the first 3 diagnostics are shown", "omitted: 2 errors, 1 warning"])
    }

    @Test func capSeverityFollowsTheOmitted() {
        var list = DiagnosticList()
        list.append(.error(.syntax, "e", at: nil))
        list.append(.warning(.warnFailed, "w", at: nil))
        let out = list.finalized(sourceMap: SourceMap(), cap: 1)
        #expect(out.map(\.code) == [.syntax, .tooManyDiagnostics])
        #expect(out[1].severity == .warning)
        #expect(out[1].message == "too many diagnostics: 1 more was omitted")
    }

    @Test func noSummaryAtOrBelowTheCap() {
        var list = DiagnosticList()
        for i in 0..<3 { list.append(.error(.syntax, "e\(i)", at: nil)) }
        #expect(list.finalized(sourceMap: SourceMap(), cap: 3).count == 3)
        #expect(list.finalized(sourceMap: SourceMap()).count == 3)
        #expect(!list.finalized(sourceMap: SourceMap()).contains { $0.code == .tooManyDiagnostics })
        #expect(list.finalized(sourceMap: SourceMap(), cap: 0).map(\.code) == [.tooManyDiagnostics])
    }

    @Test func defaultCapIsAThousand() {
        var list = DiagnosticList()
        for i in 0..<1005 { list.append(.warning(.warnFailed, "w\(i)", at: nil)) }
        let out = list.finalized(sourceMap: SourceMap())
        #expect(out.count == 1001)
        #expect(out.last?.message == "too many diagnostics: 5 more were omitted")
        #expect(list.counts.warnings == 1005)
    }

    @Test func emptyList() {
        let list = DiagnosticList()
        #expect(list.isEmpty)
        #expect(!list.hasErrors)
        #expect(list.counts == DiagnosticCounts())
        #expect(list.finalized(sourceMap: SourceMap()).isEmpty)
    }
}
