import Foundation
import Testing
import TenantDiagnostics

@Suite("JSON renderer")
struct JSONRendererTests {
    @Test func exactEnvelope() {
        let f = Fixture()
        let file = f.add("tenants/acme.tenant", "tier = standrad\n")
        let tiers = f.add("tiers/ünits.tenant", "# Zürich\ntier standard {}\n")
        let wrong = f.span("standrad", in: file)
        let d = Diagnostic.error(
            .unknownTier, "unknown tier `standrad`", at: wrong, label: "not a tier",
            related: [DiagnosticLabel(f.span("standard", in: tiers), "defined here")],
            help: ["did you mean `standard`?"], fixes: [FixIt(wrong, "standard")]
        )
        // In `tiers`, `ü` is two bytes but one column, so byte and column differ on line 1 only.
        #expect(renderJSON([d], sourceMap: f.map) == """
            {
              "format_version": "1.0",
              "valid": false,
              "error_count": 1,
              "warning_count": 0,
              "diagnostics": [
                {
                  "severity": "error",
                  "code": "E0203",
                  "message": "unknown tier `standrad`",
                  "range": {"file": "tenants/acme.tenant", "start": {"line": 1, "column": 8, "byte": 7}, "end": {"line": 1, "column": 16, "byte": 15}},
                  "label": "not a tier",
                  "related": [
                    {"message": "defined here", "range": {"file": "tiers/ünits.tenant", "start": {"line": 2, "column": 6, "byte": 15}, "end": {"line": 2, "column": 14, "byte": 23}}}
                  ],
                  "notes": [],
                  "help": [
                    "did you mean `standard`?"
                  ],
                  "fixes": [
                    {"range": {"file": "tenants/acme.tenant", "start": {"line": 1, "column": 8, "byte": 7}, "end": {"line": 1, "column": 16, "byte": 15}}, "replacement": "standard"}
                  ]
                }
              ]
            }

            """)
    }

    @Test func columnsCountScalarsWhileBytesCountBytes() {
        let f = Fixture()
        let file = f.add("t.tenant", "üü = x\n")
        let out = renderJSON([.error(.syntax, "m", at: f.span("x", in: file))], sourceMap: f.map)
        #expect(out.contains(#""start": {"line": 1, "column": 6, "byte": 7}"#))
    }

    @Test func emptyListIsValid() {
        #expect(renderJSON([], sourceMap: SourceMap()) == """
            {
              "format_version": "1.0",
              "valid": true,
              "error_count": 0,
              "warning_count": 0,
              "diagnostics": []
            }

            """)
    }

    @Test func nullRangeAndEscaping() throws {
        let d = Diagnostic.error(.unreadableFile, "say \"hi\"\\ \n\t\u{01}\u{1B}\u{7F}\u{2028}é/", at: nil, notes: ["a\r\nb"])
        let out = renderJSON([d], sourceMap: SourceMap())
        #expect(out.contains(#"      "message": "say \"hi\"\\ \n\t\u0001\u001b\u007f\u2028é/","#))
        #expect(out.contains(#"      "range": null,"#))
        #expect(out.contains(#"        "a\r\nb""#))
        #expect(!out.utf8.contains(0x1B))
        // And it parses back to the same text.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics[0]["message"] as? String == d.message)
        #expect(diagnostics[0]["range"] is NSNull)
    }

    @Test func explicitCountsWinOverTheCappedList() {
        let shown = [Diagnostic.warning(.warnFailed, "w", at: nil)]
        let out = renderJSON(shown, sourceMap: SourceMap(), counts: DiagnosticCounts(errors: 0, warnings: 1500))
        #expect(out.contains("\"valid\": true,\n  \"error_count\": 0,\n  \"warning_count\": 1500,\n"))
        let failing = renderJSON(shown, sourceMap: SourceMap(), counts: DiagnosticCounts(errors: 2, warnings: 0))
        #expect(failing.contains("\"valid\": false,\n  \"error_count\": 2,\n"))
    }

    @Test func exampleIsValidJSON() throws {
        let example = AcmeExample()
        let out = renderJSON([example.diagnostic], sourceMap: example.fixture.map)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        #expect(object["format_version"] as? String == "1.0")
        #expect(out.hasSuffix("}\n"))
    }
}

@Suite("GCC renderer")
struct GCCRendererTests {
    @Test func exactLines() {
        let example = AcmeExample()
        let noSpan = Diagnostic.error(.unreadableFile, "cannot read `x.tenant`:\npermission denied", at: nil, notes: ["n"], help: ["h"])
        let warning = Diagnostic.warning(.warnFailed, "tenant `acme` has no backup window", at: example.fixture.span("tenant acme", in: example.acme))
        let out = renderGCC([noSpan, warning, example.diagnostic], sourceMap: example.fixture.map)
        #expect(out == """
            tenantc: error: cannot read `x.tenant`: permission denied [E0501]
            tenantc: note: n
            tenantc: note: help: h
            tenants/acme.tenant:1:1: warning: tenant `acme` has no backup window [W0311]
            tenants/acme.tenant:7:40: error: PostgreSQL needs 4cores but tier `standard` allows 2cores [E0310]
            tiers/standard.tenant:3:18: note: limit of tier `standard`
            tenants/acme.tenant:7:40: note: sum([…]) = 2.5cores
            tenants/acme.tenant:7:40: note: help: raise the tenant to `premium` (8cores), or lower the value

            """)
    }
}

@Suite("SARIF renderer")
struct SARIFRendererTests {
    @Test func keyFields() throws {
        let example = AcmeExample()
        let warning = Diagnostic.warning(.warnFailed, "no backup window", at: nil)
        let out = renderSARIF([example.diagnostic, warning], sourceMap: example.fixture.map, toolVersion: "0.1.0")
        let log = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        #expect((log["$schema"] as? String)?.contains("sarif-schema-2.1.0.json") == true)
        let runs = try #require(log["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let run = runs[0]
        #expect(run["columnKind"] as? String == "unicodeCodePoints")
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "tenantc")
        #expect(driver["version"] as? String == "0.1.0")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.map { $0["id"] as? String } == ["E0310", "W0311"])
        #expect((rules[0]["shortDescription"] as? [String: Any])?["text"] as? String == "check failed")

        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 2)
        let first = results[0]
        #expect(first["ruleId"] as? String == "E0310")
        #expect(first["ruleIndex"] as? Int == 0)
        #expect(first["level"] as? String == "error")
        #expect((first["message"] as? [String: Any])?["text"] as? String == example.diagnostic.message)
        let locations = try #require(first["locations"] as? [[String: Any]])
        let physical = try #require(locations[0]["physicalLocation"] as? [String: Any])
        #expect((physical["artifactLocation"] as? [String: Any])?["uri"] as? String == "tenants/acme.tenant")
        let region = try #require(physical["region"] as? [String: Any])
        #expect(region["startLine"] as? Int == 7)
        #expect(region["startColumn"] as? Int == 40)
        #expect(region["endLine"] as? Int == 7)
        #expect(region["endColumn"] as? Int == 46)
        let related = try #require(first["relatedLocations"] as? [[String: Any]])
        #expect((related[0]["message"] as? [String: Any])?["text"] as? String == "limit of tier `standard`")
        let relatedPhysical = try #require(related[0]["physicalLocation"] as? [String: Any])
        #expect((relatedPhysical["artifactLocation"] as? [String: Any])?["uri"] as? String == "tiers/standard.tenant")
        #expect((first["properties"] as? [String: Any])?["help"] as? [String] == example.diagnostic.help)

        let second = results[1]
        #expect(second["level"] as? String == "warning")
        #expect(second["ruleIndex"] as? Int == 1)
        #expect((second["locations"] as? [Any])?.isEmpty == true)
    }

    @Test func urisArePercentEncoded() {
        let f = Fixture()
        let relative = f.add("my dir/ä#1.tenant", "x\n")
        let absolute = f.add("/srv/conf/x.tenant", "x\n")
        let out = renderSARIF(
            [.error(.syntax, "a", at: f.span("x", in: relative)), .error(.syntax, "b", at: f.span("x", in: absolute))],
            sourceMap: f.map
        )
        #expect(out.contains(#""uri": "my%20dir/%C3%A4%231.tenant""#))
        #expect(out.contains(#""uri": "file:///srv/conf/x.tenant""#))
    }
}

@Suite("Format dispatch")
struct FormatDispatchTests {
    @Test func everyFormatRoutesToItsRenderer() {
        let example = AcmeExample()
        let list = [example.diagnostic]
        let map = example.fixture.map
        #expect(render(list, as: .human, sourceMap: map) == renderHuman(list, sourceMap: map))
        #expect(render(list, as: .human, sourceMap: map, style: .colored) == renderHuman(list, sourceMap: map, style: .colored))
        #expect(render(list, as: .json, sourceMap: map) == renderJSON(list, sourceMap: map))
        #expect(render(list, as: .gcc, sourceMap: map) == renderGCC(list, sourceMap: map))
        #expect(render(list, as: .sarif, sourceMap: map) == renderSARIF(list, sourceMap: map))
        #expect(DiagnosticFormat(rawValue: "sarif") == .sarif)
        // Machine formats never carry escapes, whatever the style says.
        for format in [DiagnosticFormat.json, .gcc, .sarif] {
            #expect(!render(list, as: format, sourceMap: map, style: .colored).utf8.contains(0x1B))
        }
    }
}
