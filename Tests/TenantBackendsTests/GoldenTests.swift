import TenantBackends
import TenantModel
import Testing

/// The exact bytes of both formats for a small tenant with every kind of value: the artifacts
/// are committed and diffed by users, so any change in layout must be deliberate.
@Suite struct GoldenTests {
    static let config = Record([
        "enabled": .bool(true),
        "count": .int(-42),
        "min": .int(Int64.min),
        "ratio": .float(0.25),
        "two": .float(2),
        "tiny": .float(1e-5),
        "huge": .float(1e300),
        "name": .string("Acme Corp"),
        "flag": .string("no"),
        "token": .secret("enc:v1:abc"),
        "memory": size(512 << 20, .binary),
        "timeout": duration(1500),
        "retention": duration(30 * 86_400_000),
        "cores": cpu(250),
        "burst": cpu(2000),
        "threshold": percent(70_000_000),
        "quota": .unlimited,
        "on": .list([.string("a"), .record(Record(["x": .int(1), "y": .list([])])), .list([.int(2)])]),
        "nested": .record(Record(["empty": .record(Record()), "note": .string("line one\nline two\n")])),
        "none": .list([]),
    ])

    static func yaml(memory: String, timeout: String, retention: String, threshold: String) -> String {
        """
        ---
        enabled: true
        count: -42
        min: -9223372036854775808
        ratio: 0.25
        two: 2.0
        tiny: 1.0e-05
        huge: 1.0e+300
        name: Acme Corp
        flag: 'no'
        token: <redacted>
        memory: \(memory)
        timeout: \(timeout)
        retention: \(retention)
        cores: 0.25
        burst: 2
        threshold: \(threshold)
        quota: unlimited
        'on':
        - a
        - x: 1
          'y': []
        - - 2
        nested:
          empty: {}
          note: |
            line one
            line two
        none: []

        """
    }

    static func json(memory: String, timeout: String, retention: String, threshold: String) -> String {
        """
        {
          "enabled": true,
          "count": -42,
          "min": -9223372036854775808,
          "ratio": 0.25,
          "two": 2.0,
          "tiny": 1.0e-05,
          "huge": 1.0e+300,
          "name": "Acme Corp",
          "flag": "no",
          "token": "<redacted>",
          "memory": \(memory),
          "timeout": \(timeout),
          "retention": \(retention),
          "cores": 0.25,
          "burst": 2,
          "threshold": \(threshold),
          "quota": "unlimited",
          "on": [
            "a",
            {
              "x": 1,
              "y": []
            },
            [
              2
            ]
          ],
          "nested": {
            "empty": {},
            "note": "line one\\nline two\\n"
          },
          "none": []
        }

        """
    }

    @Test func yamlCanonical() throws {
        let expected = Self.yaml(memory: "512MiB", timeout: "1500ms", retention: "30d", threshold: "70%")
        #expect(text(try render(YAMLBackend(), tenant(Self.config))) == expected)
    }

    @Test func yamlBaseUnits() throws {
        let expected = Self.yaml(memory: "536870912", timeout: "1.5", retention: "2592000", threshold: "0.7")
        #expect(text(try render(YAMLBackend(), tenant(Self.config), units: .base)) == expected)
    }

    @Test func jsonCanonical() throws {
        let expected = Self.json(memory: "\"512MiB\"", timeout: "\"1500ms\"", retention: "\"30d\"", threshold: "\"70%\"")
        #expect(text(try render(JSONBackend(), tenant(Self.config))) == expected)
    }

    @Test func jsonBaseUnits() throws {
        let expected = Self.json(memory: "536870912", timeout: "1.5", retention: "2592000", threshold: "0.7")
        #expect(text(try render(JSONBackend(), tenant(Self.config), units: .base)) == expected)
    }

    @Test func jsonLinesIsTheCompactDocument() throws {
        let expected =
            #"{"enabled":true,"count":-42,"min":-9223372036854775808,"ratio":0.25,"two":2.0,"tiny":1.0e-05,"#
            + #""huge":1.0e+300,"name":"Acme Corp","flag":"no","token":"<redacted>","memory":"512MiB","#
            + #""timeout":"1500ms","retention":"30d","cores":0.25,"burst":2,"threshold":"70%","quota":"unlimited","#
            + #""on":["a",{"x":1,"y":[]},[2]],"nested":{"empty":{},"note":"line one\nline two\n"},"none":[]}"#
            + "\n"
        #expect(text(try render(JSONBackend(), tenant(Self.config), layout: .stream)) == expected)
    }

    /// Secrets are redacted unless the encrypted token is asked for; a plaintext never comes
    /// from a backend (the driver decrypts, for `--sensitive plain`).
    @Test(arguments: SensitiveMode.allCases)
    func secretsRenderAsTheModeSays(_ mode: SensitiveMode) throws {
        let t = tenant(Record(["token": .secret("tenantc:v1:0a1b2c3d:abc")]))
        let shown = mode == .encrypted ? "tenantc:v1:0a1b2c3d:abc" : "<redacted>"
        #expect(text(try render(YAMLBackend(), t, sensitive: mode)) == "---\ntoken: \(shown)\n")
        #expect(text(try render(JSONBackend(), t, layout: .stream, sensitive: mode)) == "{\"token\":\"\(shown)\"}\n")
    }

    /// YAML documents always start with `---`, so a stream is the file documents concatenated.
    @Test func yamlStreamDocumentIsTheFileDocument() throws {
        let t = tenant(Self.config)
        #expect(try render(YAMLBackend(), t, layout: .stream) == render(YAMLBackend(), t, layout: .file))
    }

    @Test func emptyConfig() throws {
        #expect(text(try render(YAMLBackend(), tenant(Record()))) == "--- {}\n")
        #expect(text(try render(JSONBackend(), tenant(Record()))) == "{}\n")
        #expect(text(try render(JSONBackend(), tenant(Record()), layout: .stream)) == "{}\n")
    }

    /// Rendering appends: the driver renders many tenants into one buffer.
    @Test func renderAppends() throws {
        for backend in BackendRegistry.builtins {
            var out = Array("prefix\n".utf8)
            try backend.render(tenant(Record(["a": .int(1)])), options: RenderOptions(), layout: .file, into: &out)
            let expected = backend.name == "yaml" ? "prefix\n---\na: 1\n" : "prefix\n{\n  \"a\": 1\n}\n"
            #expect(text(out) == expected, "\(backend.name)")
        }
    }

    @Test func multiLineStrings() throws {
        let config = Record([
            "trailing": .string("a\nb\n"),
            "none": .string("a\nb"),
            "indented": .string("  a\nb"),
            "blank": .string("a\n\nb"),
            "kept": .string("a\n\n"),
            "spaces": .string("a  \nb"),
            "crlf": .string("a\r\nb"),
        ])
        let expected = """
            ---
            trailing: |
              a
              b
            none: |-
              a
              b
            indented: |2-
                a
              b
            blank: |-
              a

              b
            kept: "a\\n\\n"
            spaces: "a  \\nb"
            crlf: "a\\r\\nb"

            """
        #expect(text(try render(YAMLBackend(), tenant(config))) == expected)
    }

    /// Non-ASCII is written as UTF-8, not escaped; libyaml escapes characters outside the
    /// Basic Multilingual Plane in double quotes, which every reader decodes.
    @Test func unicode() throws {
        let config = Record(["héllo": .string("日本語"), "emoji": .string("😀")])
        #expect(text(try render(YAMLBackend(), tenant(config))) == "---\nhéllo: 日本語\nemoji: \"\\U0001F600\"\n")
        #expect(text(try render(JSONBackend(), tenant(config))) == "{\n  \"héllo\": \"日本語\",\n  \"emoji\": \"😀\"\n}\n")
    }
}
