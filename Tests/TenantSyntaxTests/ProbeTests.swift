import Testing
import Foundation
import TenantDiagnostics
@testable import TenantSyntax

private func input(_ key: String) -> String? {
    let env = ProcessInfo.processInfo.environment
    if let p = env[key + "FILE"] { return try? String(contentsOfFile: p, encoding: .utf8) }
    return env[key]
}
private func d(_ ds: [Diagnostic]) -> [String] {
    ds.prefix(12).map { "\($0.code.id) \($0.message) @\($0.span.map { "\($0.start)-\($0.end)" } ?? "-")" } + (ds.count > 12 ? ["…\(ds.count) total"] : [])
}
@Test func probe() {
    guard let s = input("PROBE") else { return }
    let u = parse(s)
    print("INPUT:", s.count > 300 ? "<\(s.utf8.count) bytes>" : s.debugDescription)
    if s.count <= 300 { print("  decls:", u.declarations.map { d in "\(d.kind) \(d.name.text) " + d.body.map(show).joined(separator: " ;; ") }) }
    else { print("  decls:", u.declarations.map { "\($0.name.text) \($0.body.count)" }) }
    print("  diags:", d(u.diagnostics))
}
@Test func probeExpr() {
    guard let s = input("PROBEX") else { return }
    let (e, ds) = parseExpr(s)
    print("INPUT:", s.count > 300 ? "<\(s.utf8.count) bytes>" : s.debugDescription)
    if s.count <= 300 { print("  expr:", show(e)) }
    print("  diags:", d(ds))
}
@Test func probeLex() {
    guard let s = input("PROBEL") else { return }
    let f = sourceFile(s)
    let l = Lexer.tokenize(f)
    print("INPUT:", s.debugDescription)
    print("  toks:", l.tokens.map { "\($0.kind)\($0.newlineBefore ? "^" : ""):\(tokenText($0, f).debugDescription)/\($0.aux)" }.joined(separator: " "))
    print("  docs:", l.docComments.map { "\($0.tokenIndex):\($0.text.debugDescription)" })
    print("  diags:", l.diagnostics.map { "\($0.code.id) \($0.message) @\($0.span.map { "\($0.start)-\($0.end)" } ?? "-") \($0.help)" })
}
