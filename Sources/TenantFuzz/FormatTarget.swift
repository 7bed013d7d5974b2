// Target `fmt`: the bytes as a whole file, formatted (docs/format.md). The formatter never
// reports its own check failing; a file with syntax errors is refused, and any other one is
// formatted into a file that parses without errors, has the same syntax tree (positions aside)
// and the same comments, and formats to itself.
import TenantDiagnostics
import TenantFormat
import TenantSyntax

func fuzzFormat(_ bytes: [UInt8], _ shipped: ShippedTiers) {
    // The input's own tree, to compare the output's with; parsing is held to its heap budget
    // as in `parser`, formatting is not.
    guard let unit = withinParsingHeapBudget(inputSize: bytes.count, { shipped.parse(bytes) }) else { return }
    let broken = unit.diagnostics.contains { $0.severity == .error }
    switch Formatter.format(unit.file) {
    case .internalError(let message):
        fail("fmt: internal error: \(message)")
    case .syntaxErrors(let diagnostics):
        if !broken { fail("fmt: refused a file that parses, reporting \(diagnostics.count) diagnostics") }
    case .formatted(let out):
        if broken { fail("fmt: formatted a file with syntax errors (\(describe(unit.diagnostics)))") }
        checkFormatted(out, of: unit)
    }
}

/// `out`, the formatted `unit`, parses without errors, means the same and keeps every comment,
/// and formatting it again changes nothing.
private func checkFormatted(_ out: [UInt8], of unit: SourceUnit) {
    let file = SourceFile(id: unit.file.id, path: unit.file.path, bytes: out)
    let again = Parser.parse(file)
    if again.diagnostics.contains(where: { $0.severity == .error }) {
        fail("fmt: the output does not parse (\(describe(again.diagnostics)))\(showing(out))")
    }
    if let difference = TreeShape.difference(TreeShape.of(unit.declarations), TreeShape.of(again.declarations)) {
        fail("fmt: the output's syntax tree differs from the input's, \(difference)\(showing(out))")
    }
    let before = unit.comments.map { unit.file.bytes[Int($0.start)..<Int($0.end)] }
    let after = again.comments.map { out[Int($0.start)..<Int($0.end)] }
    if before != after {
        fail("fmt: the output's comments differ from the input's (\(before.count) became \(after.count))\(showing(out))")
    }
    switch Formatter.format(file) {
    case .formatted(let twice) where twice == out:
        break
    case .formatted(let twice):
        var at = 0
        while at < out.count, at < twice.count, out[at] == twice[at] { at += 1 }
        fail("fmt: formatting the output changes it again, from byte \(at) on\(showing(out))\nformatted again:\n\(escaped(twice))")
    case .syntaxErrors(let diagnostics):
        fail("fmt: formatting the output reports syntax errors (\(describe(diagnostics)))\(showing(out))")
    case .internalError(let message):
        fail("fmt: formatting the output: internal error: \(message)\(showing(out))")
    }
}

/// The first error diagnostics, for a finding's message.
private func describe(_ diagnostics: [Diagnostic]) -> String {
    let errors = diagnostics.filter { $0.severity == .error }
    let first = errors.prefix(3).map { d in "\(d.code) `\(d.message)`" + (d.span.map { " at \($0.start)..<\($0.end)" } ?? "") }
    return first.joined(separator: "; ") + (errors.count > 3 ? "; …" : "")
}

private func showing(_ out: [UInt8]) -> String { "\noutput:\n\(escaped(out))" }

/// Bytes as the contents of a Swift string literal (line breaks kept after their `\n`), for a
/// finding's message; bytes that are not UTF-8 show as U+FFFD.
private func escaped(_ bytes: [UInt8]) -> String {
    var text = ""
    for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
        switch scalar {
        case "\n": text += "\\n\n"
        case "\t": text += "\\t"
        case "\r": text += "\\r"
        case "\"": text += "\\\""
        case "\\": text += "\\\\"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F: text += "\\u{\(String(scalar.value, radix: 16))}"
        default: text.unicodeScalars.append(scalar)
        }
    }
    return text
}
