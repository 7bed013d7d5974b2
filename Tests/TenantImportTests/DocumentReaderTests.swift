import Testing
import TenantImport
import TenantModel

@Suite struct DocumentReaderTests {
    private func read(_ text: String) throws(DocumentError) -> [ImportedNode] { try DocumentReader.read(Array(text.utf8)) }

    @Test func scalarsKeepTheirTextStyleAndPlace() throws {
        let doc = try #require(try read("a:\n  b: '15'\n  c: 15\n  d: \"x\"\n  e: [1, two]\n").first)
        let a = try #require(doc["a"])
        #expect(a.line == 2 && a.column == 3)
        guard case .scalar("15", plain: false) = try #require(a["b"]).kind else { Issue.record("b"); return }
        guard case .scalar("15", plain: true) = try #require(a["c"]).kind else { Issue.record("c"); return }
        guard case .scalar("x", plain: false) = try #require(a["d"]).kind else { Issue.record("d"); return }
        guard case .list(let items) = try #require(a["e"]).kind else { Issue.record("e"); return }
        #expect(items.map(\.text) == ["1", "two"])
        #expect(try #require(a["e"]).line == 5)
        guard case .record(let entries) = a.kind else { return }
        #expect(entries.map(\.key) == ["b", "c", "d", "e"])
    }

    @Test func keysKeepTheirLines() throws {
        let doc = try #require(try read("a:\n\n  b: 1\n  c:\n    - x\nd: &r {e: 1}\nf: *r\n").first)
        #expect(doc.keyLines == [1, 6, 7])
        #expect(doc["a"]?.keyLines == [3, 4])
        #expect(doc["d"]?.keyLines == [6])
        // A copy made by an alias has no lines of its own.
        #expect(doc["f"]?.keyLines == [])
    }

    @Test func aStreamHoldsSeveralDocumentsAndJSONReadsToo() throws {
        #expect(try read("---\na: 1\n---\na: 2\n").count == 2)
        let json = try #require(try read("{\"a\": {\"b\": [true, null, 1.5]}, \"c\": \"d\"}").first)
        guard case .list(let items) = try #require(json["a"]?["b"]).kind else { Issue.record("list"); return }
        #expect(items.map(\.text) == ["true", "null", "1.5"])
        #expect(items[1].isNull)
        #expect(json["c"]?.text == "d")
    }

    @Test func aliasesAreExpandedWithinABudget() throws {
        let doc = try #require(try read("a: &x {b: 1}\nc: *x\n").first)
        #expect(doc["c"]?["b"]?.text == "1")
        // Each level doubles the one before: 2^30 nodes from thirty lines.
        var bomb = "l0: &l0 [x, x]\n"
        for i in 1...30 { bomb += "l\(i): &l\(i) [*l\(i - 1), *l\(i - 1)]\n" }
        #expect(throws: DocumentError.self) { try read(bomb) }
    }

    @Test func badInputIsAnErrorAtItsLine() throws {
        for (text, line, words) in [("a: 1\na: 2\n", 2, "twice"), ("a: [1\n", 2, "expected"), ("a: *nope\n", 1, "no anchor"), ("? [a]\n: 1\n", 1, "scalar"),
                                    ("a: !custom 1\n", 1, "tag")] {
            do throws(DocumentError) {
                _ = try read(text)
                Issue.record("no error for \(text.debugDescription)")
            } catch {
                #expect(error.line == line, "\(text.debugDescription): \(error)")
                #expect(error.message.contains(words), "\(error)")
            }
        }
        #expect(throws: DocumentError.self) { try read(String(repeating: "[", count: 100_000)) }
    }

    @Test func literalsAreReadAsTheLanguageReadsThem() {
        #expect(LiteralText.value(of: "512MiB")?.sourceText == "512MiB")
        #expect(LiteralText.value(of: "30d")?.sourceText == "30d")
        #expect(LiteralText.value(of: "40%")?.sourceText == "40%")
        #expect(LiteralText.value(of: "0.25cores")?.sourceText == "0.25cores")
        #expect(LiteralText.value(of: "unlimited") == .unlimited)
        #expect(LiteralText.value(of: "-3") == .int(-3))
        for text in ["us-east-1", "512 MiB", "true false", "unlimitedx", "1+1", "", "3 cores"] {
            #expect(LiteralText.value(of: text) == nil, "\(text)")
        }
    }
}
