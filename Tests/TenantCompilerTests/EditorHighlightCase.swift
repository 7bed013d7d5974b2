import Foundation
import Testing

/// The highlighting test of both editors: a file with every kind of token, and the syntax group
/// (Neovim) or face (Emacs) each must get.
enum HighlightCase {
    static let sample = """
        /// doc comment
        tier sample extends base {
          // plain comment
          //// not a doc comment
          /* outer /* inner */ still outer */
          name = "name ${tenant.id} x\\n"
          motd = \"\"\"
            text
            \"\"\"
          memory = 512MiB
          retention: duration = 30d
          cpu = 2cores
          share = 40%
          count = 1_000
          kind = tenant.tier
          total = sum([x for x in [1, 2] if x > 1])
          pick = if true then 1 else 2
          locked limits {}
          check total > 0 else "positive"
        }

        """

    struct Probe {
        /// Text of the line the token is on (the first line containing it).
        var line: String
        /// The token: its first occurrence on that line.
        var token: String
        var neovim: String
        var emacs: String
    }

    static let probes: [Probe] = [
        Probe(line: "/// doc comment", token: "/// doc comment", neovim: "tenantDocComment", emacs: "font-lock-doc-face"),
        Probe(line: "tier sample", token: "tier", neovim: "tenantKeyword", emacs: "font-lock-keyword-face"),
        Probe(line: "tier sample", token: "sample", neovim: "tenantDeclaredName", emacs: "font-lock-function-name-face"),
        Probe(line: "tier sample", token: "extends", neovim: "tenantKeyword", emacs: "font-lock-keyword-face"),
        Probe(line: "// plain", token: "plain comment", neovim: "tenantComment", emacs: "font-lock-comment-face"),
        Probe(line: "////", token: "not a doc comment", neovim: "tenantComment", emacs: "font-lock-comment-face"),
        Probe(line: "/* outer", token: "still outer */", neovim: "tenantBlockComment", emacs: "font-lock-comment-face"),
        Probe(line: "name =", token: "\"name ", neovim: "tenantString", emacs: "font-lock-string-face"),
        Probe(line: "name =", token: "${", neovim: "tenantInterpolationDelimiter", emacs: "font-lock-variable-name-face"),
        Probe(line: "motd =", token: "\"\"\"", neovim: "tenantMultilineString", emacs: "font-lock-string-face"),
        Probe(line: "    text", token: "text", neovim: "tenantMultilineString", emacs: "font-lock-string-face"),
        Probe(line: "memory =", token: "512MiB", neovim: "tenantNumber", emacs: "font-lock-constant-face"),
        Probe(line: "retention:", token: "duration", neovim: "tenantType", emacs: "font-lock-type-face"),
        Probe(line: "retention:", token: "30d", neovim: "tenantNumber", emacs: "font-lock-constant-face"),
        Probe(line: "cpu =", token: "2cores", neovim: "tenantNumber", emacs: "font-lock-constant-face"),
        Probe(line: "share =", token: "40%", neovim: "tenantNumber", emacs: "font-lock-constant-face"),
        Probe(line: "count =", token: "1_000", neovim: "tenantNumber", emacs: "font-lock-constant-face"),
        // After `.`, a keyword is a field name.
        Probe(line: "kind =", token: "tier", neovim: "tenantMember", emacs: ""),
        Probe(line: "total =", token: "sum", neovim: "tenantFunction", emacs: "font-lock-builtin-face"),
        Probe(line: "total =", token: "for", neovim: "tenantKeyword", emacs: "font-lock-keyword-face"),
        Probe(line: "pick =", token: "then", neovim: "tenantKeyword", emacs: "font-lock-keyword-face"),
        Probe(line: "pick =", token: "true", neovim: "tenantKeyword", emacs: "font-lock-keyword-face"),
        Probe(line: "locked limits", token: "locked", neovim: "tenantKeyword", emacs: "font-lock-keyword-face"),
        Probe(line: "check total", token: "else", neovim: "tenantKeyword", emacs: "font-lock-keyword-face"),
    ]

    /// Writes the sample, runs `highlight` (the editor's script, writing its JSON to the given
    /// file), and checks every probe against `expected`.
    static func check(_ editor: String, expected: KeyPath<Probe, String>,
                      highlight: (URL, URL, URL) async throws -> EditorRun) async throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("sample.tenant")
        let result = dir.appendingPathComponent("highlight.json")
        try sample.write(to: file, atomically: true, encoding: .utf8)
        let run = try await highlight(file, result, dir)
        try #require(run.succeeded, "\(editor): \(run.summary)")
        let groups = try #require(try editorResult(result) as? [[String]], "\(editor) wrote no list of lines")
        let lines = sample.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        try #require(groups.count >= lines.count - 1, "\(editor) reported \(groups.count) lines of \(lines.count)")
        for probe in probes {
            let number = try #require(lines.firstIndex { $0.contains(probe.line) }, "no line `\(probe.line)`")
            let line = lines[number]
            let column = try #require(line.range(of: probe.token).map { line.utf8.distance(from: line.startIndex, to: $0.lowerBound) },
                                      "no `\(probe.token)` on `\(line)`")
            let got = Set(groups[number].dropFirst(column).prefix(probe.token.utf8.count))
            #expect(got == [probe[keyPath: expected]],
                    "\(editor): `\(probe.token)` on `\(line)` is highlighted \(got.sorted()), expected \(probe[keyPath: expected])")
        }
    }
}
