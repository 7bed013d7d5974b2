@testable import TenantImport
import Testing

/// The fast reader of block-style YAML (`BlockYAMLReader`): what it reads, it reads as libyaml
/// does, lines and columns included; the rest it leaves to libyaml.
@Suite struct BlockYAMLReaderTests {
    private func libyaml(_ text: String) -> [ImportedNode]? { try? DocumentReader.read(Array(text.utf8), fastPath: false) }

    /// What tools write: the fast reader reads it, into libyaml's trees.
    @Test(arguments: [
        "a: 1\nb: x\n",
        "---\na:\n  b: '15'\n  c: \"x y\"\n  d: it''s\n",
        "a: 'it''s'\nb: ''\nc: \"\"\n",
        "roles:\n- read\n- write\nnext: 1\n",
        "roles:\n  - read\n  - write\n",
        "users:\n- username: a\n  roles:\n  - admin\n- username: b\n  roles: []\nafter: {}\n",
        "a:\n  b:\n    c:\n      d: 0 2 * * 0\n  e: -5\n  f: a#b\n  g: x:y\n",
        "list:\n- - \n",
        "---\na: 1\n---\na: 2\n",
        "a: [x]\n", "a: 1 # note\n", "# note\na: 1\n", "a: 1\n\nb: 2\n", "a: |\n  x\n", "a: &x 1\nb: *x\n",
        "a: !!str 1\n", "a:\n", "a: b\n  c\n", "a: \"x\\ty\"\n", "a:\tb\n", "a: 1\r\n", "a: 1", "a: 1\na: 2\n",
        "? a\n: 1\n", "a: b: c\n", "- a\n- b\n", "-\n  a: 1\n", "a:   \n  b: 1\n", "a: 'x\n  y'\n", "'a': 1\n",
        "a: caf\u{e9}\n", "%YAML 1.1\n---\na: 1\n", "a: 1\n...\n", "a: 1\n---\n", "  a: 1\n", "a:\n    b: 1\n  c: 2\n",
        "a: 'x\ty'\n", "a: \"caf\u{e9}\"\n", "\u{feff}a: 1\n", "a: b\u{7f}\n", "a:\r\n  b: 1\r\n", "\ta: 1\n",
    ])
    func whatItReadsIsWhatLibyamlReads(_ text: String) {
        guard let fast = BlockYAMLReader.read(Array(text.utf8)) else { return }
        #expect(fast == libyaml(text), "\(text.debugDescription)")
    }

    @Test func theShapesToolsWriteAreReadFast() throws {
        for text in ["a: 1\nb: x\n", "---\na:\n  b: '15'\n  c: \"x y\"\n", "roles:\n- read\n- write\nnext: 1\n",
                     "users:\n- username: a\n  roles:\n  - admin\n- username: b\n  roles: []\nafter: {}\n", "---\na: 1\n---\na: 2\n"] {
            let fast = try #require(BlockYAMLReader.read(Array(text.utf8)), "\(text.debugDescription)")
            #expect(fast == libyaml(text))
        }
        let doc = try #require(BlockYAMLReader.read(Array("users:\n- username: a\n  roles:\n  - admin\n".utf8))?.first)
        let user = try #require(doc["users"].flatMap { if case .list(let items) = $0.kind { items.first } else { nil } })
        #expect(user.line == 2 && user.column == 3)
        #expect(user.keyLines == [2, 3])
        #expect(user["roles"]?.line == 4 && user["roles"]?.column == 3)
    }

    /// Comments, flow collections, block scalars, anchors, tags, escapes, nulls, tabs, carriage
    /// returns, bytes beyond ASCII, duplicate keys: libyaml reads (or refuses) them.
    @Test func anythingElseIsLeftToLibyaml() {
        for text in ["a: [x]\n", "a: 1 # note\n", "# note\na: 1\n", "a: 1\n\nb: 2\n", "a: |\n  x\n", "a: &x 1\nb: *x\n", "a: !!str 1\n",
                     "a:\n", "a: b\n  c\n", "a: \"x\\ty\"\n", "a:\tb\n", "a: 1\r\n", "a: 1", "a: 1\na: 2\n", "? a\n: 1\n", "a: b: c\n",
                     "a: caf\u{e9}\n", "%YAML 1.1\n---\na: 1\n", "a: 1\n...\n", "a: 1\n---\n", "a:   \n  b: 1\n", "{\"a\": 1}\n",
                     "a: 'x\ty'\n", "a: \"caf\u{e9}\"\n", "\u{feff}a: 1\n", "a: b\u{7f}\n", "a:\r\n  b: 1\r\n", "\ta: 1\n"] {
            #expect(BlockYAMLReader.read(Array(text.utf8)) == nil, "\(text.debugDescription)")
        }
    }

    /// A duplicate key is still reported at its line: libyaml's reading reports it.
    @Test func aDuplicateKeyIsStillAnError() {
        #expect(throws: DocumentError.self) { try DocumentReader.read(Array("a: 1\na: 2\n".utf8)) }
    }
}
