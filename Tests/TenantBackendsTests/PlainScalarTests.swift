import TenantTestSupport
import CYAML
import TenantBackends
import TenantModel
import Testing

/// The choice between plain and quoted scalars: never plain when a reader would take the text
/// for something else, plain when it is an ordinary string.
@Suite struct PlainScalarTests {
    @Test(arguments: plainStrings)
    func ordinaryStringsStayPlain(_ s: String) throws {
        // The list itself must be right: both schemas read these as strings.
        #expect(resolvePlain(s, .core12) == .string(s))
        #expect(resolvePlain(s, .yaml11) == .string(s))
        #expect(text(try render(YAMLBackend(), tenant(Record(["k": .string(s)])))) == "---\nk: \(s)\n")
    }

    @Test func quotingStyle() throws {
        let cases: [(String, String)] = [
            ("no", "'no'"), ("", "''"), ("<<", "'<<'"), ("12:30", "'12:30'"), ("'single'", "'''single'''"),
            ("\"double\"", "'\"double\"'"), ("it's", "it's"), (" x", "' x'"), ("a #b", "'a #b'"),
            ("bell\u{7}", "\"bell\\a\""), ("tab\tx", "\"tab\\tx\""), ("ls\u{2028}x", "\"ls\\Lx\""),
            ("nel\u{85}x", "\"nel\\Nx\""), ("2026-01-01", "'2026-01-01'"), ("1_000", "'1_000'"),
        ]
        for (s, written) in cases {
            #expect(text(try render(YAMLBackend(), tenant(Record(["k": .string(s)])))) == "---\nk: \(written)\n", "\(s.debugDescription)")
        }
    }

    /// A line break or a non-ASCII character is found wherever it sits: strings are scanned a
    /// word at a time, shorter ones and the last word of longer ones included.
    @Test func specialCharactersFoundAtEveryPosition() throws {
        let cases: [(Character, (String) -> String)] = [
            ("\n", { "|-\n  " + $0.replacingOccurrences(of: "\n", with: "\n  ") }),
            ("\u{85}", { "\"" + $0.replacingOccurrences(of: "\u{85}", with: "\\N") + "\"" }),
            ("\u{2028}", { "\"" + $0.replacingOccurrences(of: "\u{2028}", with: "\\L") + "\"" }),
            ("é", { $0 }),
        ]
        for length in 1...20 {
            for position in 0..<length {
                for (special, written) in cases {
                    // A line break at either end takes an indentation or chomping indicator.
                    if special == "\n", position == 0 || position == length - 1 { continue }
                    let s = String(repeating: "a", count: position) + String(special) + String(repeating: "b", count: length - position - 1)
                    let yaml = text(try render(YAMLBackend(), tenant(Record(["k": .string(s)]))))
                    #expect(yaml == "---\nk: \(written(s))\n", "\(s.debugDescription)")
                }
            }
        }
    }

    /// Every string over an alphabet of number-ish characters, up to four characters long:
    /// whenever the emitter leaves one plain, both schemas must read it as that string.
    @Test func numberLikeStringsPlainOnlyWhenUnambiguous() throws {
        let alphabet = Array("0179_.:-+exobEX ").map(String.init)
        var corpus: [String] = [""]
        var layer = [""]
        for _ in 0..<4 {
            layer = layer.flatMap { prefix in alphabet.map { prefix + $0 } }
            corpus += layer
        }
        try checkSound(corpus)
    }

    /// Variations of the YAML 1.1 timestamp: digits dropped or added, separators swapped.
    @Test func timestampLikeStringsPlainOnlyWhenUnambiguous() throws {
        let templates = [
            "2001-12-14", "2001-1-4", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5",
            "2001-12-14T21:59:43Z", "2001-12-14  1:59:43 +05:30", "2001-12-14\t21:59:43.1 Z",
        ]
        var corpus: Set<String> = []
        for t in templates {
            let chars = Array(t)
            corpus.insert(t)
            for i in chars.indices {
                var removed = chars
                removed.remove(at: i)
                corpus.insert(String(removed))
                for c in ["0", "9", "-", ":", " ", "t", "Z", ".", "+", "x"] {
                    var replaced = chars
                    replaced[i] = Character(c)
                    corpus.insert(String(replaced))
                    var inserted = chars
                    inserted.insert(Character(c), at: i)
                    corpus.insert(String(inserted))
                }
            }
        }
        try checkSound(corpus.sorted())
    }

    /// Words of the bool and null families in every letter case, and near misses.
    @Test func wordsPlainOnlyWhenUnambiguous() throws {
        var corpus: [String] = []
        for word in ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "inf", "nan", "nope", "onn", "ye"] {
            let chars = Array(word)
            for mask in 0..<(1 << chars.count) {
                let cased = chars.indices.map { mask & (1 << $0) != 0 ? chars[$0].uppercased() : String(chars[$0]) }.joined()
                corpus += [cased, "." + cased, "-." + cased, "+." + cased]
            }
        }
        try checkSound(corpus)
    }

    /// Renders all strings as one list, parses it back, and checks every scalar libyaml left
    /// plain against both schemas' regular expressions.
    private func checkSound(_ corpus: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let yaml = try render(YAMLBackend(), tenant(Record(["l": .list(corpus.map(Value.string))])))
        let docs = try readYAMLDocuments(yaml)
        guard case .mapping(let pairs) = docs.first, case .sequence(let items) = pairs.first?.value else {
            Issue.record("unexpected document shape", sourceLocation: sourceLocation)
            return
        }
        try #require(items.count == corpus.count, sourceLocation: sourceLocation)
        var plainCount = 0
        for (s, item) in zip(corpus, items) {
            guard case .scalar(let value, let style, _) = item else { continue }
            #expect(value == s, sourceLocation: sourceLocation)
            guard style == YAML_PLAIN_SCALAR_STYLE else { continue }
            plainCount += 1
            for schema in [Schema.core12, .yaml11] where resolvePlain(s, schema) != .string(s) {
                Issue.record(
                    "\(s.debugDescription) written plain but \(schema) reads \(resolvePlain(s, schema))", sourceLocation: sourceLocation)
            }
        }
        // Guards against a scanner that quotes everything, which would pass the loop above.
        #expect(plainCount > corpus.count / 10, sourceLocation: sourceLocation)
    }
}
