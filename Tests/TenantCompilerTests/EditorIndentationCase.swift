import Foundation
import TenantDiagnostics
import TenantSyntax
import Testing

/// The indentation test of both editors: files in `tenantc fmt`'s layout, their indentation
/// removed, re-indented by the editor, must come back as they were.
enum IndentationCase {
    /// What the shipped files lack: a nested block comment and a multi-line string (whose lines
    /// the editors leave as written), a list broken over lines, continuations after and before
    /// operators, and a field named by a keyword.
    static let sample = """
        /// A tier with what the shipped files do not have.
        tier sample {
          /* a block comment
               spanning lines, /* nested */ kept as written */
          motd = \"\"\"
              Welcome,
                ${tenant.id} {
            \"\"\"
          values: [int] = [
            1,
            -2
          ]
          total = 1 +
            2
          in = 3
          flag = true
            && false
          choice = if flag then 1
            else 2
          nested {
            deep = [{ a = 1 }, {
              a = 2
            }]
          }
        }

        """

    /// Every shipped `.tenant` file (tiers, examples, the benchmark's tiers) that is in
    /// `tenantc fmt`'s layout, relative to the repository root.
    static func shippedFiles() throws -> [String] {
        var files: [String] = []
        for dir in ["tiers", "examples", "bench/tiers"] {
            let enumerator = FileManager.default.enumerator(atPath: repoRoot + "/" + dir)
            while let name = enumerator?.nextObject() as? String {
                if name.hasSuffix(".tenant") { files.append(dir + "/" + name) }
            }
        }
        let root = URL(fileURLWithPath: repoRoot)
        return try files.sorted().filter { try TenantcCLI.run(["fmt", "--check", $0], in: root).status == 0 }
    }

    /// Byte ranges whose lines keep their indentation: block comments and multi-line strings,
    /// as the lexer finds them.
    static func verbatimRanges(_ text: String) -> [Range<Int>] {
        let file = SourceMap().add(path: "sample.tenant", bytes: Array(text.utf8))
        let lexed = Lexer.tokenize(file)
        var ranges = lexed.comments.filter { $0.kind == .block }.map { Int($0.start)..<Int($0.end) }
        var open: [Token] = []
        for token in lexed.tokens {
            if token.kind == .stringStart { open.append(token) }
            if token.kind == .stringEnd, let start = open.popLast(), start.aux != UInt32.max {
                ranges.append(Int(start.start)..<Int(token.end))
            }
        }
        return ranges
    }

    /// `text` with the indentation of every line removed, but for the lines that start inside
    /// a block comment or a multi-line string.
    static func flattened(_ text: String) -> String {
        let verbatim = verbatimRanges(text)
        var offset = 0
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let inside = verbatim.contains { $0.lowerBound < offset && offset < $0.upperBound }
            lines.append(inside ? String(line) : String(line.drop(while: { $0 == " " || $0 == "\t" })))
            offset += line.utf8.count + 1
        }
        return lines.joined(separator: "\n")
    }

    /// Writes the flattened copies of the shipped files and of the sample under `dir`; returns
    /// their paths there and the text each must become.
    static func prepare(in dir: URL) throws -> [(path: String, expected: String)] {
        var cases: [(path: String, expected: String)] = []
        for file in try shippedFiles() {
            cases.append((file, try String(contentsOfFile: repoRoot + "/" + file, encoding: .utf8)))
        }
        cases.append(("sample/sample.tenant", sample))
        for c in cases {
            let url = dir.appendingPathComponent(c.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try flattened(c.expected).write(to: url, atomically: true, encoding: .utf8)
        }
        return cases
    }

    /// Runs `reindent` (the editor on every prepared file) and compares each file with its
    /// expected layout.
    static func check(_ editor: String, reindent: ([String], URL) async throws -> EditorRun) async throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The sample is in fmt's layout: the expectation is fmt's, not the editors'.
        try sample.write(to: dir.appendingPathComponent("check.tenant"), atomically: true, encoding: .utf8)
        let fmt = try TenantcCLI.run(["fmt", "--check", "--diff", "check.tenant"], in: dir)
        try #require(fmt.status == 0, "the sample is not in tenantc fmt's layout: \(fmt.stdout)\(fmt.stderr)")

        let work = dir.appendingPathComponent("work")
        let cases = try prepare(in: work)
        #expect(cases.count > 20, "the shipped files were not found")
        let run = try await reindent(cases.map(\.path), work)
        try #require(run.succeeded, "\(editor): \(run.summary)")
        for c in cases {
            let actual = try String(contentsOf: work.appendingPathComponent(c.path), encoding: .utf8)
            #expect(actual == c.expected, "\(editor) indents \(c.path) unlike tenantc fmt:\n\(firstDifference(actual, c.expected))")
        }
    }

    /// The first line where `actual` and `expected` differ, both versions.
    static func firstDifference(_ actual: String, _ expected: String) -> String {
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(a.count, e.count) where i >= a.count || i >= e.count || a[i] != e[i] {
            return "line \(i + 1): got `\(i < a.count ? String(a[i]) : "<none>")`, expected `\(i < e.count ? String(e[i]) : "<none>")`"
        }
        return "same lines"
    }
}
