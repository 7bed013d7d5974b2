import Foundation
import TenantSyntax
import Testing

/// The syntax definitions in `editors/` highlight exactly the lexer's keywords: a keyword added
/// to the lexer fails here until both editors know it.
@Suite struct EditorKeywordTests {
    static let repoRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    static func read(_ relativePath: String) throws -> String {
        try String(contentsOf: repoRoot.appendingPathComponent(relativePath), encoding: .utf8)
    }

    /// The words of every `syn keyword tenantKeyword …` line (`syntax keyword` too), which
    /// takes keywords only: no options.
    static func vimKeywords(_ text: String) -> [String] {
        var words: [String] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard fields.count > 3, ["syn", "syntax"].contains(fields[0]), fields[1] == "keyword", fields[2] == "tenantKeyword" else { continue }
            words += fields.dropFirst(3)
        }
        return words
    }

    /// The strings of the quoted list of `(defconst tenant-mode-keywords '(…) …)`, or nil when
    /// the file has no such list.
    static func emacsKeywords(_ text: String) -> [String]? {
        guard let definition = text.range(of: "(defconst tenant-mode-keywords"),
              let open = text.range(of: "'(", range: definition.upperBound..<text.endIndex),
              let close = text[open.upperBound...].firstIndex(of: ")") else { return nil }
        let list = text[open.upperBound..<close]
        return list.split(separator: "\"", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    static func check(_ found: [String], in file: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let keywords = Set(TokenKind.keywordSpellings)
        let missing = keywords.subtracting(found).sorted()
        let extra = Set(found).subtracting(keywords).sorted()
        #expect(missing.isEmpty, "\(file) does not highlight the keywords \(missing.joined(separator: ", "))", sourceLocation: sourceLocation)
        #expect(extra.isEmpty, "\(file) highlights as keywords \(extra.joined(separator: ", ")), which the lexer does not have",
                sourceLocation: sourceLocation)
    }

    @Test func theLexerHasKeywords() {
        #expect(TokenKind.keywordSpellings.count >= 20)
        #expect(TokenKind.keywordSpellings.contains("tier") && TokenKind.keywordSpellings.contains("implies"))
    }

    @Test func neovimHighlightsEveryKeyword() throws {
        let file = "editors/nvim/syntax/tenant.vim"
        let words = Self.vimKeywords(try Self.read(file))
        #expect(!words.isEmpty, "\(file) has no `syn keyword tenantKeyword …` line")
        Self.check(words, in: file)
    }

    @Test func emacsHighlightsEveryKeyword() throws {
        let file = "editors/emacs/tenant-mode.el"
        let words = try #require(Self.emacsKeywords(try Self.read(file)), "\(file) has no `(defconst tenant-mode-keywords '(…))`")
        Self.check(words, in: file)
    }

    /// The parsers above, on what they must reject or find.
    @Test func theListsAreReadAsDefined() {
        #expect(Self.vimKeywords("syn keyword tenantKeyword tier tenant\nsyn keyword tenantTodo TODO\nsyntax keyword tenantKeyword if") == ["tier", "tenant", "if"])
        #expect(Self.vimKeywords("\" syn keyword tenantKeyword tier") == [])
        #expect(Self.emacsKeywords("(defconst tenant-mode-keywords\n  '(\"tier\" \"if\")\n  \"Doc.\")") == ["tier", "if"])
        #expect(Self.emacsKeywords("(defconst tenant-mode-types '(\"int\"))") == nil)
    }
}
