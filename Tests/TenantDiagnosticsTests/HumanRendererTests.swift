import Testing
@testable import TenantDiagnostics

@Suite("Human renderer")
struct HumanRendererTests {
    @Test func primaryOnly() {
        let f = Fixture()
        let file = f.add("tenants/acme.tenant", "tenant acme {\n  databses.postgresql.version = 16\n}\n")
        let d = Diagnostic.error(.unknownField, "unknown field `databses`", at: f.span("databses", in: file), label: "unknown field")
        #expect(f.human(d) == """
            error[E0301]: unknown field `databses`
              --> tenants/acme.tenant:2:3
               |
             2 |   databses.postgresql.version = 16
               |   ^^^^^^^^ unknown field


            """)
    }

    @Test func primaryWithoutLabelHasNoTrailingSpace() {
        let f = Fixture()
        let file = f.add("t.tenant", "x = 1\n")
        let out = f.human(.error(.syntax, "bad", at: f.span("x", in: file)))
        #expect(out.contains("\n   | ^\n"))
    }

    @Test func sameFileRelatedLabelsWithGap() {
        let f = Fixture()
        let file = f.add("tiers/premium.tenant", """
            tier premium {
              limits {
                cpu = 8cores
              }
              # a
              # b
              # c
              # d
              # e
              # f
              limits { cpu = 4cores }
            }

            """)
        let d = Diagnostic.error(
            .duplicateField, "field `limits` declared twice",
            at: f.span("limits", in: file, occurrence: 1), label: "declared again here",
            related: [
                DiagnosticLabel(f.span("limits", in: file), "first declared here"),
                DiagnosticLabel(f.span("cpu", in: file), "holds `cpu`"),
            ]
        )
        // Lines 2 and 3 are adjacent (no gap); 3 → 11 is a gap; line 11 widens the gutter to 2.
        #expect(f.human(d) == """
            error[E0302]: field `limits` declared twice
               --> tiers/premium.tenant:11:3
                |
              2 |   limits {
                |   ------ first declared here
              3 |     cpu = 8cores
                |     --- holds `cpu`
            ...
             11 |   limits { cpu = 4cores }
                |   ^^^^^^ declared again here


            """)
    }

    @Test func relatedLabelInAnotherFile() {
        let example = AcmeExample()
        #expect(example.fixture.human(example.diagnostic) == """
            error[E0310]: PostgreSQL needs 4cores but tier `standard` allows 2cores
              --> tenants/acme.tenant:7:40
               |
             7 |   databases.postgresql.resources.cpu = 4cores
               |                                        ^^^^^^ set here
               |
              ::: tiers/standard.tenant:3:18
               |
             3 |   limits { cpu = 2cores }
               |                  ------ limit of tier `standard`
               |
               = note: sum([…]) = 2.5cores
               = help: raise the tenant to `premium` (8cores), or lower the value


            """)
    }

    @Test func severalOtherFilesAndSeveralLabelsPerLine() {
        let f = Fixture()
        let a = f.add("a.tenant", "x = y + z\n")
        let b = f.add("b.tenant", "y = 1\n\n\nq = 2\n")
        let c = f.add("c.tenant", "z = 2\n")
        let d = Diagnostic.error(
            .operandTypes, "cannot add", at: f.span("+", in: a), label: "here",
            related: [
                DiagnosticLabel(f.span("q", in: b), "later in b"),
                DiagnosticLabel(f.span("z", in: c), "from c"),
                DiagnosticLabel(f.span("y", in: a), "left"),
                DiagnosticLabel(f.span("y", in: b), "first in b"),
                DiagnosticLabel(f.span("z", in: a), "right"),
            ]
        )
        // Every label is drawn; one `:::` block per other file, located at its first label.
        #expect(f.human(d) == """
            error[E0404]: cannot add
              --> a.tenant:1:7
               |
             1 | x = y + z
               |         - right
               |       ^ here
               |     - left
               |
              ::: b.tenant:1:1
               |
             1 | y = 1
               | - first in b
            ...
             4 | q = 2
               | - later in b
               |
              ::: c.tenant:1:1
               |
             1 | z = 2
               | - from c


            """)
    }

    @Test func notesAndHelp() {
        let f = Fixture()
        let file = f.add("t.tenant", "backups = false\n")
        let d = Diagnostic.warning(
            .warnFailed, "rule `backups` failed", at: f.span("false", in: file),
            notes: ["first line\nsecond line", "another"], help: ["set `backups = true`"]
        )
        #expect(f.human(d) == """
            warning[W0311]: rule `backups` failed
              --> t.tenant:1:11
               |
             1 | backups = false
               |           ^^^^^
               |
               = note: first line
                       second line
               = note: another
               = help: set `backups = true`


            """)
    }

    @Test func withoutSpan() {
        let f = Fixture()
        #expect(f.human(.error(.noTiers, "no tiers found in `config/`", at: nil)) == "error[E0502]: no tiers found in `config/`\n\n")
        let d = Diagnostic.error(.noTiers, "no tiers found in `config/`", at: nil, help: ["add a file under `tiers/`"])
        #expect(f.human(d) == """
            error[E0502]: no tiers found in `config/`
               |
               = help: add a file under `tiers/`


            """)
    }

    @Test func labelsInFilesMissingFromTheMapBecomeNotes() {
        let f = Fixture()
        let missing = Span(file: FileID(raw: 42), start: 0, end: 1)
        let d = Diagnostic.error(.unknownTier, "unknown tier", at: missing, label: "used here", related: [DiagnosticLabel(missing, "elsewhere")])
        #expect(f.human(d) == """
            error[E0203]: unknown tier
               |
               = note: used here
               = note: elsewhere


            """)
    }

    @Test func blankLineBetweenDiagnostics() {
        let f = Fixture()
        let out = f.human(.error(.noTiers, "one", at: nil), .warning(.warnFailed, "two", at: nil))
        #expect(out == "error[E0502]: one\n\nwarning[W0311]: two\n\n")
    }

    @Test func zeroWidthSpans() {
        let f = Fixture()
        let file = f.add("t.tenant", "cpu =\nlimits { cpu 2cores }\n")
        let atEnd = Diagnostic.error(.syntax, "expected a value after `=`", at: f.point(before: "\nlimits", in: file), label: "expected a value")
        let inside = Diagnostic.error(.syntax, "expected `=`", at: f.point(before: "2cores", in: file), label: "insert `=`")
        #expect(f.human(atEnd, inside) == """
            error[E0101]: expected a value after `=`
              --> t.tenant:1:6
               |
             1 | cpu =
               |      ^ expected a value

            error[E0101]: expected `=`
              --> t.tenant:2:14
               |
             2 | limits { cpu 2cores }
               |              ^ insert `=`


            """)
    }

    @Test func multiLineSpanIsUnderlinedToTheEndOfItsFirstLine() {
        let f = Fixture()
        let file = f.add("t.tenant", "databases.postgresql = {\n  enabled = true\n}\n")
        let start = f.span("postgresql", in: file).start
        let end = f.span("}", in: file).end
        let d = Diagnostic.error(.notARecord, "record expected", at: Span(file: file.id, start: start, end: end), label: "this block")
        #expect(f.human(d) == """
            error[E0306]: record expected
              --> t.tenant:1:11
               |
             1 | databases.postgresql = {
               |           ^^^^^^^^^^^^^^ this block


            """)
    }

    @Test func tabsAreExpandedAndCaretsFollow() {
        let f = Fixture()
        let file = f.add("t.tenant", "\tcpu\t= 4cores\n")
        let d = Diagnostic.error(.outOfBounds, "too many cores", at: f.span("4cores", in: file), label: "here")
        // The column counts the tab as one character; the excerpt shows it as four spaces.
        #expect(f.human(d) == """
            error[E0307]: too many cores
              --> t.tenant:1:8
               |
             1 |     cpu    = 4cores
               |              ^^^^^^ here


            """)
    }

    @Test func longLineIsClippedAroundTheSpan() {
        let f = Fixture()
        let line = String(repeating: "a", count: 200) + "needle" + String(repeating: "b", count: 94)
        #expect(line.count == 300)
        let file = f.add("long.tenant", line + "\n")
        let d = Diagnostic.error(.syntax, "found it", at: f.span("needle", in: file), label: "here")
        // 118 columns of window (leaving room for both ellipses), centred on the span.
        let shown = "…" + String(repeating: "a", count: 56) + "needle" + String(repeating: "b", count: 56) + "…"
        let expected = "error[E0101]: found it\n"
            + "  --> long.tenant:1:201\n"
            + "   |\n"
            + " 1 | " + shown + "\n"
            + "   | " + String(repeating: " ", count: 57) + "^^^^^^ here\n"
            + "\n"
        #expect(f.human(d) == expected)
        #expect(shown.count == 120)
    }

    @Test func aHugeLineIsReadOnlyAroundTheSpan() {
        // 4 MiB on one line, the span in the middle: the excerpt is the same as for a short line.
        let half = String(repeating: "a", count: 2 << 20)
        let f = Fixture()
        let file = f.add("huge.tenant", half + "needle" + half + "\n")
        let d = Diagnostic.error(.syntax, "found it", at: f.span("needle", in: file), label: "here")
        let shown = "…" + String(repeating: "a", count: 56) + "needle" + String(repeating: "a", count: 56) + "…"
        let rendered = f.human(d)
        #expect(rendered.contains(" 1 | " + shown + "\n"), "\(rendered.prefix(400))")
        #expect(rendered.contains("   | " + String(repeating: " ", count: 57) + "^^^^^^ here\n"))
        #expect(rendered.utf8.count < 1_000)
        let line = DisplayLine(file: file, lineIndex: 0, around: 2 << 20)
        #expect(line.cells.count <= DisplayLine.longLine / 2)
    }

    @Test func longLineClippedOnOneSideOnly() {
        let f = Fixture()
        let file = f.add("long.tenant", "key" + String(repeating: "x", count: 297) + "\n")
        let atStart = f.human(.error(.syntax, "s", at: f.span("key", in: file)))
        let lines = atStart.split(separator: "\n")
        #expect(lines[3] == " 1 | key" + String(repeating: "x", count: 115) + "…")
        #expect(lines[4] == "   | ^^^")

        let atEnd = f.human(.error(.syntax, "e", at: f.point(before: "\n", in: file)))
        let endLines = atEnd.split(separator: "\n")
        #expect(endLines[3] == " 1 | …" + String(repeating: "x", count: 118))
        #expect(endLines[4] == "   | " + String(repeating: " ", count: 119) + "^")
    }

    @Test func multibyteCharactersBeforeTheSpan() {
        let f = Fixture()
        let file = f.add("t.tenant", "note = \"Zürich — café\" bad\n名前 = \"x\" bad\n")
        let latin = Diagnostic.error(.syntax, "latin", at: f.span("bad", in: file), label: "here")
        // Two CJK characters are one column each in the position but two terminal cells each.
        let wide = Diagnostic.error(.syntax, "wide", at: f.span("bad", in: file, occurrence: 1), label: "here")
        #expect(f.human(latin, wide) == """
            error[E0101]: latin
              --> t.tenant:1:24
               |
             1 | note = "Zürich — café" bad
               |                        ^^^ here

            error[E0101]: wide
              --> t.tenant:2:10
               |
             2 | 名前 = "x" bad
               |            ^^^ here


            """)
    }

    @Test func crlfLineEndings() {
        let f = Fixture()
        let file = f.add("win.tenant", "a = 1\r\nb = oops\r\nc = 3\r\n")
        let oops = f.span("oops", in: file)
        let single = Diagnostic.error(.unknownName, "unknown name `oops`", at: oops, label: "here")
        // Running into the next line stops at the end of the content, not under the `\r`.
        let spanning = Diagnostic.error(.syntax, "spans lines", at: oops.union(f.span("c", in: file)), label: "there")
        #expect(f.human(single, spanning) == """
            error[E0316]: unknown name `oops`
              --> win.tenant:2:5
               |
             2 | b = oops
               |     ^^^^ here

            error[E0101]: spans lines
              --> win.tenant:2:5
               |
             2 | b = oops
               |     ^^^^ there


            """)
        #expect(!f.human(single).contains("\r"))
    }

    @Test func byteOrderMarkIsNotShown() {
        let f = Fixture()
        let file = f.map.add(path: "bom.tenant", bytes: [0xEF, 0xBB, 0xBF] + Array("x = 1\n".utf8))
        let d = Diagnostic.error(.syntax, "bom", at: f.span("1", in: file))
        #expect(f.human(d) == "error[E0101]: bom\n  --> bom.tenant:1:5\n   |\n 1 | x = 1\n   |     ^\n\n")
    }

    @Test func colourOnlyWhenAsked() {
        let example = AcmeExample()
        let colored = example.fixture.human(example.diagnostic, color: true)
        #expect(colored.contains("\u{1B}[1;31merror[E0310]\u{1B}[0m\u{1B}[1m: PostgreSQL"))
        #expect(colored.contains("\u{1B}[1;34m-->\u{1B}[0m tenants/acme.tenant:7:40"))
        #expect(colored.contains("\u{1B}[1;31m^^^^^^ set here\u{1B}[0m"))
        #expect(colored.contains("\u{1B}[1;34m------ limit of tier `standard`\u{1B}[0m"))
        #expect(colored.contains("\u{1B}[1;34m=\u{1B}[0m \u{1B}[1mhelp\u{1B}[0m: raise"))

        let plain = example.fixture.human(example.diagnostic, color: false)
        #expect(!plain.utf8.contains(0x1B))
        // Stripping the escapes from the coloured output gives exactly the plain output.
        #expect(stripANSI(colored) == plain)
    }

    @Test func controlCharactersFromSourcesAreNeverPrintedRaw() {
        let f = Fixture()
        let file = f.add("t.tenant", "name = \"\u{1B}[31mred\" bad\n")
        let d = Diagnostic.error(.syntax, "odd \u{1B}[2J name", at: f.span("bad", in: file), label: "a\u{07}b")
        let out = f.human(d)
        #expect(!out.utf8.contains(0x1B))
        #expect(!out.utf8.contains(0x07))
        #expect(out.contains("odd ␛[2J name"))
        #expect(out.contains(" 1 | name = \"␛[31mred\" bad\n"))
        #expect(out.contains("   |                   ^^^ a␇b\n"))
    }

    @Test func summaryLine() {
        #expect(renderSummary(errors: 2, warnings: 1, color: false) == "error: 2 errors and 1 warning emitted\n")
        #expect(renderSummary(errors: 1, warnings: 0, color: false) == "error: 1 error emitted\n")
        #expect(renderSummary(errors: 0, warnings: 3, color: false) == "warning: 3 warnings emitted\n")
        #expect(renderSummary(errors: 0, warnings: 0, color: true) == "")
        #expect(renderSummary(DiagnosticCounts(errors: 0, warnings: 1), color: true)
            == "\u{1B}[1;33mwarning\u{1B}[0m\u{1B}[1m: 1 warning emitted\u{1B}[0m\n")
    }
}

func stripANSI(_ text: String) -> String {
    var out = ""
    var inEscape = false
    for scalar in text.unicodeScalars {
        if inEscape {
            if scalar == "m" { inEscape = false }
        } else if scalar == "\u{1B}" {
            inEscape = true
        } else {
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}
