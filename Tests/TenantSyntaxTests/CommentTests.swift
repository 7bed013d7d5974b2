import Testing
import TenantDiagnostics
import TenantSyntax

/// Comments are kept beside the tokens, as written: a formatter interleaves them with the tree
/// by position, so none may be lost.
@Suite struct CommentTests {
    static let text = """
        // leading, line 1
        /// the tier's doc
        tier t { /* inside, before a */ a = 1 // trailing a
          /* a block
             over two lines */
          b = "// not a comment"  /* trailing /* nested */ b */
        }
        // last\r

        """

    @Test func everyCommentIsKeptWithItsPlace() {
        let lexed = lex(Self.text)
        let bytes = Array(Self.text.utf8)
        let written = lexed.comments.map { String(decoding: bytes[Int($0.start)..<Int($0.end)], as: UTF8.self) }
        #expect(written == [
            "// leading, line 1", "/// the tier's doc", "/* inside, before a */", "// trailing a",
            "/* a block\n     over two lines */", "/* trailing /* nested */ b */", "// last",
        ])
        #expect(lexed.comments.map(\.kind) == [.line, .doc, .block, .line, .block, .block, .line])
        #expect(lexed.comments.map(\.trailsCode) == [false, false, true, true, false, true, false])
        // Each names the token after it: `tier`, `tier`, `a`, `b`, `b`, `}`, end of file.
        let next = lexed.comments.map { lexed.tokens[$0.nextToken] }
        #expect(next.map(\.kind) == [.kwTier, .kwTier, .identifier, .identifier, .identifier, .rbrace, .eof])
        // The tokens are those of the file without its comments.
        #expect(kinds(lexed) == kinds("tier t { a = 1\n b = \"// not a comment\"\n}\n"))
        #expect(lexed.diagnostics.isEmpty)
    }

    @Test func theParsedFileKeepsThemBesideItsTree() {
        let unit = parse(Self.text)
        #expect(unit.comments == lex(Self.text).comments)
        #expect(unit.declarations.count == 1)
    }

    @Test func aFileWithoutCommentsHasNone() {
        #expect(lex("tier t { a = 1 }\n").comments.isEmpty)
    }
}
