import TenantTestSupport
import TenantFormat
import Testing

/// `tenantc fmt --diff`: the hunks `diff -u` writes (the expected texts are GNU diff's), and
/// on random inputs a diff that turns the old text into the new one with the fewest changes.
@Suite struct UnifiedDiffTests {
    /// The diff as text, without its two header lines.
    static func hunks(_ old: String, _ new: String, path: String = "f.tenant") -> String {
        let text = String(decoding: UnifiedDiff.make(old: Array(old.utf8), new: Array(new.utf8), path: path), as: UTF8.self)
        return text.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false).dropFirst(2).joined(separator: "\n")
    }

    static func numbers(_ range: ClosedRange<Int>, replacing: [Int: String] = [:]) -> String {
        range.map { (replacing[$0] ?? "\($0)") + "\n" }.joined()
    }

    @Test func equalTextsGiveNothing() {
        #expect(UnifiedDiff.make(old: Array("a\nb\n".utf8), new: Array("a\nb\n".utf8), path: "x").isEmpty)
        #expect(UnifiedDiff.make(old: [], new: [], path: "x").isEmpty)
    }

    @Test func headersNameThePathOnBothSides() {
        let text = String(decoding: UnifiedDiff.make(old: Array("a\n".utf8), new: Array("b\n".utf8), path: "tenants/acme.tenant"), as: UTF8.self)
        #expect(text == "--- a/tenants/acme.tenant\n+++ b/tenants/acme.tenant\n@@ -1 +1 @@\n-a\n+b\n")
        let absolute = String(decoding: UnifiedDiff.make(old: Array("a\n".utf8), new: Array("b\n".utf8), path: "/tmp/x.tenant"), as: UTF8.self)
        #expect(absolute.hasPrefix("--- a/tmp/x.tenant\n+++ b/tmp/x.tenant\n"))
    }

    @Test func anInsertionADeletionAndAChangeHaveThreeLinesOfContext() {
        #expect(Self.hunks(Self.numbers(1...20), Self.numbers(1...10) + "new\n" + Self.numbers(11...20))
            == "@@ -8,6 +8,7 @@\n 8\n 9\n 10\n+new\n 11\n 12\n 13\n")
        #expect(Self.hunks(Self.numbers(1...20), Self.numbers(1...9) + Self.numbers(11...20))
            == "@@ -7,7 +7,6 @@\n 7\n 8\n 9\n-10\n 11\n 12\n 13\n")
        #expect(Self.hunks(Self.numbers(1...20), Self.numbers(2...20)) == "@@ -1,4 +1,3 @@\n-1\n 2\n 3\n 4\n")
        #expect(Self.hunks(Self.numbers(1...5), Self.numbers(1...5, replacing: [5: "five"])) == "@@ -2,4 +2,4 @@\n 2\n 3\n 4\n-5\n+five\n")
    }

    @Test func changesSixLinesApartShareAHunkAndSevenApartDoNot() {
        #expect(Self.hunks(Self.numbers(1...20), Self.numbers(1...20, replacing: [5: "five", 12: "twelve"]))
            == "@@ -2,14 +2,14 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n 9\n 10\n 11\n-12\n+twelve\n 13\n 14\n 15\n")
        #expect(Self.hunks(Self.numbers(1...20), Self.numbers(1...20, replacing: [5: "five", 13: "thirteen"]))
            == "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n@@ -10,7 +10,7 @@\n 10\n 11\n 12\n-13\n+thirteen\n 14\n 15\n 16\n")
    }

    @Test func aMissingFinalNewlineIsMarked() {
        #expect(Self.hunks("x\ny", "x\ny\n") == "@@ -1,2 +1,2 @@\n x\n-y\n\\ No newline at end of file\n+y\n")
        #expect(Self.hunks("x\ny\n", "x\ny") == "@@ -1,2 +1,2 @@\n x\n-y\n+y\n\\ No newline at end of file\n")
        #expect(Self.hunks("a\nx", "b\nx") == "@@ -1,2 +1,2 @@\n-a\n+b\n x\n\\ No newline at end of file\n")
    }

    @Test func anEmptySideCountsFromLineZero() {
        #expect(Self.hunks("", "x\ny\n") == "@@ -0,0 +1,2 @@\n+x\n+y\n")
        #expect(Self.hunks("x\ny\n", "") == "@@ -1,2 +0,0 @@\n-x\n-y\n")
    }

    /// The formatter's own kind of change: one line split into several.
    @Test func aFormattedTenant() {
        let old = "tenant a extends free {\n  tenant_info { tenant_name = \"A\"  region = \"eu-west-1\" }\n}\n"
        let new = "tenant a extends free {\n  tenant_info {\n    tenant_name = \"A\"\n    region = \"eu-west-1\"\n  }\n}\n"
        #expect(Self.hunks(old, new) == """
            @@ -1,3 +1,6 @@
             tenant a extends free {
            -  tenant_info { tenant_name = "A"  region = "eu-west-1" }
            +  tenant_info {
            +    tenant_name = "A"
            +    region = "eu-west-1"
            +  }
             }

            """)
    }

    @Test func aLargeFileWithAFewChanges() throws {
        let old = Self.numbers(1...100_000)
        let new = Self.numbers(1...100_000, replacing: [10: "ten", 50_000: "fifty thousand", 99_999: "x\ny"])
        let diff = UnifiedDiff.make(old: Array(old.utf8), new: Array(new.utf8), path: "big")
        let headers = String(decoding: diff, as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix("@@") }
        #expect(headers == ["@@ -7,7 +7,7 @@", "@@ -49997,7 +49997,7 @@", "@@ -99996,5 +99996,6 @@"])
        #expect(try applied(diff, to: old) == new)
    }

    /// Files with much in common and many changes: past the cost limit the search settles for
    /// a path that is not the shortest, but the diff still turns one file into the other.
    @Test func manyChangesStillGiveAValidDiff() throws {
        var random = SplitMix(seed: 7)
        let old = (0..<6000).map { _ in "\(random.next() % 40)\n" }.joined()
        let new = (0..<6000).map { _ in "\(random.next() % 40)\n" }.joined()
        #expect(try applied(UnifiedDiff.make(old: Array(old.utf8), new: Array(new.utf8), path: "p"), to: old) == new)
    }

    @Test func randomTextsGetAShortestValidDiff() throws {
        var random = SplitMix(seed: 42)
        for _ in 0..<400 {
            let old = (0..<Int(random.next() % 30)).map { _ in "\(random.next() % 5)\n" }
            let new = (0..<Int(random.next() % 30)).map { _ in "\(random.next() % 5)\n" }
            var oldText = old.joined(), newText = new.joined()
            if random.next() % 4 == 0, !oldText.isEmpty { oldText.removeLast() }
            if random.next() % 4 == 0, !newText.isEmpty { newText.removeLast() }
            let diff = UnifiedDiff.make(old: Array(oldText.utf8), new: Array(newText.utf8), path: "p", context: Int(random.next() % 4))
            #expect(try applied(diff, to: oldText) == newText, "\(old) → \(new)")
            let changed = String(decoding: diff, as: UTF8.self).split(separator: "\n")
                .dropFirst(2).filter { $0.hasPrefix("-") || $0.hasPrefix("+") }.count
            let a = lines(oldText), b = lines(newText)
            #expect(changed == a.count + b.count - 2 * longestCommonSubsequence(a, b), "\(old) → \(new)")
        }
    }
}

/// The lines of a text, each with its line break.
private func lines(_ text: String) -> [String] {
    var out: [String] = []
    var current = ""
    for c in text {
        current.append(c)
        if c == "\n" {
            out.append(current)
            current = ""
        }
    }
    if !current.isEmpty { out.append(current) }
    return out
}

private func longestCommonSubsequence(_ a: [String], _ b: [String]) -> Int {
    var row = [Int](repeating: 0, count: b.count + 1)
    for x in a {
        var diagonal = 0
        for (j, y) in b.enumerated() {
            let above = row[j + 1]
            row[j + 1] = x == y ? diagonal + 1 : max(row[j + 1], row[j])
            diagonal = above
        }
    }
    return row[b.count]
}

private struct PatchError: Error, CustomStringConvertible {
    var description: String
}

/// `old` with a unified diff applied, checking every context and deleted line against it.
private func applied(_ diff: [UInt8], to old: String) throws -> String {
    let oldLines = lines(old)
    var diffLines = lines(String(decoding: diff, as: UTF8.self)).dropFirst(2)[...]
    var out = ""
    var at = 0
    while let header = diffLines.popFirst() {
        let fields = header.split(separator: " ")
        guard header.hasPrefix("@@ -"), fields.count >= 3 else { throw PatchError(description: "not a hunk header: \(header)") }
        let range = fields[1].dropFirst().split(separator: ",")
        let start = Int(range[0])! - (range.count > 1 && range[1] == "0" ? 0 : 1)
        guard start >= at else { throw PatchError(description: "hunks out of order at \(header)") }
        out += oldLines[at..<start].joined()
        at = start
        while let line = diffLines.first, !line.hasPrefix("@@") {
            diffLines.removeFirst()
            var text = String(line.dropFirst())
            if diffLines.first == "\\ No newline at end of file\n" {
                diffLines.removeFirst()
                text.removeLast()
            }
            switch line.first {
            case " ", "-":
                guard at < oldLines.count, oldLines[at] == text else { throw PatchError(description: "line \(at + 1) is not \(text)") }
                at += 1
                if line.first == " " { out += text }
            case "+": out += text
            default: throw PatchError(description: "unexpected line \(line)")
            }
        }
    }
    return out + oldLines[at...].joined()
}

