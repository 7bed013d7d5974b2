import Foundation
import TenantDiagnostics
import TenantFormat
import TenantSyntax
import Testing

/// The repository root, found from this file's path.
let repoRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

func sourceFile(_ bytes: [UInt8], path: String = "test.tenant") -> SourceFile {
    SourceMap().add(path: path, bytes: bytes)
}

/// The file formatted; nil when it does not parse.
func formatted(_ bytes: [UInt8], path: String = "test.tenant", sourceLocation: SourceLocation = #_sourceLocation) -> [UInt8]? {
    switch Formatter.format(sourceFile(bytes, path: path)) {
    case .formatted(let out): return out
    case .syntaxErrors: return nil
    case .internalError(let message):
        Issue.record("\(message)", sourceLocation: sourceLocation)
        return nil
    }
}

func formatted(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
    formatted(Array(text.utf8), sourceLocation: sourceLocation).map { String(decoding: $0, as: UTF8.self) }
}

/// The syntax tree of a file printed without positions: two files with equal dumps mean the
/// same thing to the compiler.
func treeDump(_ bytes: [UInt8]) -> String {
    let unit = Parser.parse(sourceFile(bytes))
    var out = ""
    dump(unit.declarations, into: &out, depth: 0)
    return out
}

/// Spans are left out; whether there is a `locked` or a `:` written for `=` stays.
private let positionLabels: Set<String> = ["span", "headerSpan"]

private func dump(_ value: Any, into out: inout String, depth: Int) {
    if value is Span { return }
    let mirror = Mirror(reflecting: value)
    guard !mirror.children.isEmpty else {
        out += "\(value)"
        return
    }
    out += "\(mirror.subjectType)("
    for child in mirror.children where !positionLabels.contains(child.label ?? "") {
        out += (child.label ?? "_") + ":"
        dump(child.value, into: &out, depth: depth + 1)
        out += ","
    }
    out += ")"
}

/// The texts of a file's comments, in order.
func commentTexts(_ bytes: [UInt8]) -> [[UInt8]] {
    let lexed = Lexer.tokenize(sourceFile(bytes))
    return lexed.comments.map { Array(bytes[Int($0.start)..<Int($0.end)]) }
}

/// Every file of a directory (relative to the repository root) whose name ends with `suffix`.
func files(in directory: String, suffix: String = "") -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: repoRoot + "/" + directory)) ?? []
    return names.filter { suffix.isEmpty || $0.hasSuffix(suffix) }.sorted().map { directory + "/" + $0 }
}

func read(_ relativePath: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: repoRoot + "/" + relativePath)))
}
