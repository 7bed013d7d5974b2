import TenantDiagnostics

/// A source map with the files of one test, and spans found by searching their text, so tests
/// state what they point at instead of hard-coding byte offsets.
struct Fixture {
    let map = SourceMap()

    @discardableResult
    func add(_ path: String, _ text: String) -> SourceFile {
        map.add(path: path, bytes: Array(text.utf8))
    }

    /// The span of the `occurrence`-th (0-based) match of `needle` in `file`.
    func span(_ needle: String, in file: SourceFile, occurrence: Int = 0) -> Span {
        let bytes = file.bytes
        let pattern = Array(needle.utf8)
        var seen = 0
        if bytes.count >= pattern.count {
            for start in 0...(bytes.count - pattern.count) where bytes[start..<(start + pattern.count)].elementsEqual(pattern) {
                if seen == occurrence { return Span(file: file.id, start: start, end: start + pattern.count) }
                seen += 1
            }
        }
        fatalError("`\(needle)` not found in \(file.path)")
    }

    /// An empty span just before the `occurrence`-th match of `needle`.
    func point(before needle: String, in file: SourceFile, occurrence: Int = 0) -> Span {
        let found = span(needle, in: file, occurrence: occurrence)
        return Span(file: file.id, start: found.start, end: found.start)
    }

    func human(_ diagnostics: Diagnostic..., color: Bool = false) -> String {
        renderHuman(diagnostics, sourceMap: map, style: RenderStyle(color: color))
    }
}

/// The tenant and tier of the worked example in docs/diagnostics.md.
struct AcmeExample {
    let fixture = Fixture()
    let acme: SourceFile
    let standard: SourceFile
    let diagnostic: Diagnostic

    init() {
        acme = fixture.add("tenants/acme.tenant", """
            tenant acme {
              tier = standard
              environment = production

              # sized for the spring launch
              databases.postgresql.enabled = true
              databases.postgresql.resources.cpu = 4cores
            }

            """)
        standard = fixture.add("tiers/standard.tenant", "tier standard {\n  # shared hosts\n  limits { cpu = 2cores }\n}\n")
        diagnostic = .error(
            .checkFailed, "PostgreSQL needs 4cores but tier `standard` allows 2cores",
            at: fixture.span("4cores", in: acme), label: "set here",
            related: [DiagnosticLabel(fixture.span("2cores", in: standard), "limit of tier `standard`")],
            notes: ["sum([…]) = 2.5cores"],
            help: ["raise the tenant to `premium` (8cores), or lower the value"],
            fixes: [FixIt(fixture.span("standard", in: acme), "premium")]
        )
    }
}
