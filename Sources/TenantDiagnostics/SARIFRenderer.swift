/// Renders a SARIF 2.1.0 log, the format code-scanning services ingest, so configuration errors
/// show up as annotations on pull requests.
///
/// One run; the tool's rules are the codes that occur (sorted), each described by its title.
/// Columns are Unicode scalars, declared with `columnKind` (SARIF's default is UTF-16 units).
/// Notes and help go in the result's property bag, which viewers that do not know them ignore.
public func renderSARIF(_ diagnostics: [Diagnostic], sourceMap: SourceMap, toolVersion: String? = nil) -> String {
    let diagnostics = diagnostics.map { $0.redactingSecretValues(sourceMap) }
    var codes: [DiagnosticCode] = []
    var seen = Set<DiagnosticCode>()
    for diagnostic in diagnostics where seen.insert(diagnostic.code).inserted { codes.append(diagnostic.code) }
    codes.sort()
    var ruleIndex: [String: Int] = [:]
    for (index, code) in codes.enumerated() { ruleIndex[code.id] = index }

    let rules = codes.map { code -> JSONValue in
        .object([("id", .string(code.id)), ("shortDescription", .object([("text", .string(code.title))]))])
    }
    var driver: [(String, JSONValue)] = [("name", .string("tenantc"))]
    if let toolVersion { driver.append(("version", .string(toolVersion))) }
    driver.append(("rules", .array(rules)))

    let results = diagnostics.map { diagnostic -> JSONValue in
        var result: [(String, JSONValue)] = [
            ("ruleId", .string(diagnostic.code.id)),
            ("ruleIndex", .int(ruleIndex[diagnostic.code.id]!)),  // every code used was indexed above
            ("level", .string(diagnostic.severity.rawValue)),
            ("message", .object([("text", .string(diagnostic.message))])),
        ]
        let primary = diagnostic.span.flatMap { sarifLocation($0, sourceMap) }
        result.append(("locations", .array(primary.map { [.object($0)] } ?? [])))
        var related: [JSONValue] = []
        for item in diagnostic.related {
            guard let location = sarifLocation(item.span, sourceMap) else { continue }
            let text = item.message.isEmpty ? "related location" : item.message
            related.append(.object([("id", .int(related.count))] + location + [("message", .object([("text", .string(text))]))]))
        }
        if !related.isEmpty { result.append(("relatedLocations", .array(related))) }
        var properties: [(String, JSONValue)] = []
        if !diagnostic.label.isEmpty { properties.append(("label", .string(diagnostic.label))) }
        if !diagnostic.notes.isEmpty { properties.append(("notes", .array(diagnostic.notes.map { .string($0) }))) }
        if !diagnostic.help.isEmpty { properties.append(("help", .array(diagnostic.help.map { .string($0) }))) }
        if !properties.isEmpty { result.append(("properties", .object(properties))) }
        return .object(result)
    }

    let log = JSONValue.object([
        ("$schema", .string("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")),
        ("version", .string("2.1.0")),
        ("runs", .array([
            .object([
                ("tool", .object([("driver", .object(driver))])),
                ("columnKind", .string("unicodeCodePoints")),
                ("results", .array(results)),
            ])
        ])),
    ])
    var out = ""
    log.write(to: &out, indent: 0)
    out += "\n"
    return out
}

/// The members of a SARIF `location` holding `span` (nil when its file is unknown).
private func sarifLocation(_ span: Span, _ sourceMap: SourceMap) -> [(String, JSONValue)]? {
    guard let located = sourceMap.position(span) else { return nil }
    let region = JSONValue.object([
        ("startLine", .int(located.start.line)),
        ("startColumn", .int(located.start.column)),
        ("endLine", .int(located.end.line)),
        ("endColumn", .int(located.end.column)),
        ("byteOffset", .int(located.start.byte)),
        ("byteLength", .int(located.end.byte - located.start.byte)),
    ])
    return [
        ("physicalLocation", .object([
            ("artifactLocation", .object([("uri", .string(fileURI(located.file.path)))])),
            ("region", region),
        ]))
    ]
}

/// SARIF wants URIs: relative paths stay relative references (resolved against the checkout by
/// code-scanning services), absolute ones become `file://` URIs; everything outside RFC 3986's
/// unreserved set and `/` is percent-encoded.
func fileURI(_ path: String) -> String {
    var out = path.hasPrefix("/") ? "file://" : ""
    let hex = Array("0123456789ABCDEF")
    for byte in path.utf8 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
            out.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            out.append("%")
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0F)])
        }
    }
    return out
}
