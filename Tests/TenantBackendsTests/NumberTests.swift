import TenantTestSupport
import CYAML
import TenantBackends
import TenantModel
import Testing

/// Numbers must come back as numbers of the same type in YAML 1.1 (whose float pattern needs a
/// `.`), YAML 1.2 and JSON.
@Suite struct NumberTests {
    /// Renders `{v: value}` with both backends and returns what each reader sees.
    private func readBack(_ value: Value, units: UnitsMode = .canonical) throws -> (yaml12: Node, yaml11: Node, json: Node) {
        let t = tenant(Record(["v": value]))
        let doc = try #require(try readYAMLDocuments(try render(YAMLBackend(), t, units: units)).first)
        guard case .mapping(let pairs) = doc, let node = pairs.first?.value else { throw YAMLReadError(description: "shape") }
        guard case .map(let m) = try parseJSON(try render(JSONBackend(), t, units: units)) else { throw YAMLReadError(description: "json") }
        return (resolve(node, .core12), resolve(node, .yaml11), m["v"] ?? .null)
    }

    @Test(arguments: [2.0, 0.25, 1e-5, 1e300, -1.5, 1e16, 123_456_789.0, .leastNonzeroMagnitude, 1.7976931348623157e308, -0.0, 0.1])
    func floatsStayFloats(_ d: Double) throws {
        let got = try readBack(.float(d))
        #expect(got.yaml12 == .float(d))
        #expect(got.yaml11 == .float(d))
        #expect(got.json == .float(d))
    }

    @Test func nonFiniteFloats() throws {
        // YAML has them: `.inf`, `-.inf`, `.nan` in both versions.
        let yaml = try render(YAMLBackend(), tenant(Record(["pos": .float(.infinity), "neg": .float(-.infinity), "nan": .float(.nan)])))
        #expect(text(yaml) == "---\npos: .inf\nneg: -.inf\nnan: .nan\n")
        let doc = try readYAMLDocuments(yaml)[0]
        for schema in [Schema.core12, .yaml11] {
            guard case .map(let m) = resolve(doc, schema) else { throw YAMLReadError(description: "shape") }
            #expect(m["pos"] == .float(.infinity) && m["neg"] == .float(-.infinity), "\(schema)")
        }
        // JSON has no NaN or infinity: refuse rather than write something no reader accepts.
        for d in [Double.nan, .infinity, -.infinity] {
            var out = Array("kept".utf8)
            #expect(throws: BackendError.self) {
                try JSONBackend().render(
                    tenant(Record(["a": .int(1), "v": .list([.float(d)])])), options: RenderOptions(), layout: .file, into: &out)
            }
            #expect(text(out) == "kept", "a failed render leaves the buffer as it was")
        }
    }

    @Test func ints() throws {
        for i: Int64 in [0, 1, -1, 42, 1_000_000, Int64.max] {
            let got = try readBack(.int(i))
            #expect(got.yaml12 == .int(i) && got.yaml11 == .int(i) && got.json == .int(i), "\(i)")
        }
        #expect(
            text(try render(JSONBackend(), tenant(Record(["v": .int(Int64.min)])), layout: .stream)) == "{\"v\":-9223372036854775808}\n")
    }

    @Test func cpuIsANumberOfCores() throws {
        let cases: [(Int64, Node)] = [(250, .float(0.25)), (2000, .int(2)), (1500, .float(1.5)), (1, .float(0.001)), (1000, .int(1))]
        for units in [UnitsMode.canonical, .base] {
            for (millicores, expected) in cases {
                let got = try readBack(cpu(millicores), units: units)
                #expect(got.yaml12 == expected && got.yaml11 == expected && got.json == expected, "\(millicores)m \(units)")
            }
        }
    }

    @Test func canonicalQuantitiesAreStrings() throws {
        let cases: [(Value, String)] = [
            (size(512 << 20, .binary), "512MiB"), (size(1_500_000_000, .decimal), "1500MB"), (size(1500, .bytes), "1500B"),
            (duration(30 * 86_400_000), "30d"), (duration(90 * 60_000), "90m"), (duration(500), "500ms"),
            (duration(2 * 604_800_000, .week), "2w"), (percent(70_000_000), "70%"), (percent(12_500_000), "12.5%"),
            (.unlimited, "unlimited"),
        ]
        for (value, expected) in cases {
            let got = try readBack(value)
            #expect(got.yaml12 == .string(expected) && got.yaml11 == .string(expected) && got.json == .string(expected), "\(expected)")
        }
    }

    @Test func baseUnits() throws {
        let cases: [(Value, Node)] = [
            (size(512 << 20, .binary), .int(536_870_912)), (size(1500, .bytes), .int(1500)), (size(0, .decimal), .int(0)),
            (duration(30 * 86_400_000), .int(2_592_000)), (duration(1500), .float(1.5)), (duration(1), .float(0.001)),
            (percent(70_000_000), .float(0.7)), (percent(100_000_000), .int(1)), (percent(12_500_000), .float(0.125)),
            (percent(1), .float(0.00000001)), (percent(250_000_000), .float(2.5)),
            (.unlimited, .string("unlimited")),
        ]
        for (value, expected) in cases {
            let got = try readBack(value, units: .base)
            #expect(got.yaml12 == expected, "\(value) YAML 1.2")
            #expect(got.yaml11 == expected, "\(value) YAML 1.1")
            #expect(got.json == expected, "\(value) JSON")
        }
    }

    /// Numbers are plain scalars in YAML and bare numbers in JSON, never strings that happen to
    /// look like numbers.
    @Test func numbersAreWrittenBare() throws {
        let config = Record(["c": cpu(250), "f": .float(2), "m": size(1024, .binary), "p": percent(70_000_000)])
        #expect(text(try render(YAMLBackend(), tenant(config), units: .base)) == "---\nc: 0.25\nf: 2.0\nm: 1024\np: 0.7\n")
        #expect(
            text(try render(JSONBackend(), tenant(config), units: .base, layout: .stream))
                == "{\"c\":0.25,\"f\":2.0,\"m\":1024,\"p\":0.7}\n")
    }
}
