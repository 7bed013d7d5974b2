import Testing
import Foundation
import TenantDiagnostics
@testable import TenantSyntax

@Test func probe() {
    guard let s = ProcessInfo.processInfo.environment["PROBE"] else { return }
    let u = parse(s)
    print("INPUT:", s.debugDescription)
    print("  decls:", u.declarations.map { d in "\(d.kind) \(d.name.text) " + d.body.map(show).joined(separator: " ;; ") })
    print("  diags:", u.diagnostics.map { "\($0.code.id) \($0.message) @\($0.span.map { "\($0.start)-\($0.end)" } ?? "-")" })
}
@Test func probeExpr() {
    guard let s = ProcessInfo.processInfo.environment["PROBEX"] else { return }
    let (e, d) = parseExpr(s)
    print("INPUT:", s.debugDescription)
    print("  expr:", show(e))
    print("  diags:", d.map { "\($0.code.id) \($0.message) @\($0.span.map { "\($0.start)-\($0.end)" } ?? "-")" })
}
@Test func probeLex() {
    guard let s = ProcessInfo.processInfo.environment["PROBEL"] else { return }
    let f = sourceFile(s)
    let l = Lexer.tokenize(f)
    print("INPUT:", s.debugDescription)
    print("  toks:", l.tokens.map { "\($0.kind)\($0.newlineBefore ? "^" : ""):\(tokenText($0, f).debugDescription)/\($0.aux)" }.joined(separator: " "))
    print("  docs:", l.docComments.map { "\($0.tokenIndex):\($0.text.debugDescription)" })
    print("  diags:", l.diagnostics.map { "\($0.code.id) \($0.message) @\($0.span.map { "\($0.start)-\($0.end)" } ?? "-") \($0.help)" })
}
