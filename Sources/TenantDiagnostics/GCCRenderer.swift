/// Renders one line per message in the `file:line:col: severity: message` shape that editors'
/// quickfix lists, CI annotators and `grep` already understand.
///
/// Related labels, notes and help follow as `note:` lines (help prefixed `help: `) so tools that
/// only know gcc's severities still attach them to the diagnostic above. Newlines inside
/// messages become spaces: a line is a record here.
public func renderGCC(_ diagnostics: [Diagnostic], sourceMap: SourceMap) -> String {
    var out = ""
    for diagnostic in diagnostics.lazy.map({ $0.redactingSecretValues(sourceMap) }) {
        let primary = location(of: diagnostic.span, sourceMap)
        line(primary, diagnostic.severity.rawValue, "\(diagnostic.message) [\(diagnostic.code.id)]", into: &out)
        for related in diagnostic.related {
            line(location(of: related.span, sourceMap), "note", related.message.isEmpty ? "related location" : related.message, into: &out)
        }
        for note in diagnostic.notes { line(primary, "note", note, into: &out) }
        for help in diagnostic.help { line(primary, "note", "help: " + help, into: &out) }
    }
    return out
}

/// `path:line:col`, or the program name for problems that belong to no file (gcc's convention).
private func location(of span: Span?, _ sourceMap: SourceMap) -> String {
    guard let span, let file = sourceMap.file(span.file) else { return "tenantc" }
    let position = file.position(ofByte: Int(span.start))
    return "\(sanitized(file.path, keepNewlines: false)):\(position.line):\(position.column)"
}

private func line(_ location: String, _ severity: String, _ text: String, into out: inout String) {
    out += location + ": " + severity + ": " + sanitized(text, keepNewlines: false) + "\n"
}
