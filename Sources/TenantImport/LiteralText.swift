import TenantDiagnostics
import TenantModel
import TenantSyntax

/// A scalar's text read as the `.tenant` literal it spells, the way tenantc's artifacts write
/// quantities (`512MiB`, `30d`, `40%`, `0.25cores`), numbers, booleans and `unlimited`; nil
/// for any other text (a string). The language's own lexer decides, so that what is
/// recognised here is exactly what a `.tenant` file accepts.
public enum LiteralText {
    public static func value(of text: String) -> Value? {
        let cache = KnownLiterals.current
        if let hit = cache.values[text] { return hit }
        let value = read(text)
        if cache.values.count < KnownLiterals.limit { cache.values[text] = value }
        return value
    }

    private static func read(_ text: String) -> Value? {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, bytes.count <= 64, !bytes.contains(where: { $0 <= 0x20 }) else { return nil }
        // Only a digit, a sign or `u` (unlimited), `t`/`f` (booleans) starts such a literal.
        guard (first >= 0x30 && first <= 0x39) || first == UInt8(ascii: "-") || first == UInt8(ascii: "u") || first == UInt8(ascii: "t")
                || first == UInt8(ascii: "f") else { return nil }
        let negative = first == UInt8(ascii: "-")
        let file = SourceFile(id: FileID(raw: 0), path: "", bytes: negative ? Array(bytes.dropFirst()) : bytes)
        let (expr, diagnostics) = Parser.parseExpression(file)
        guard diagnostics.isEmpty, case .literal(let value) = expr.kind else { return nil }
        switch value {
        case .string, .secret, .list, .record: return nil
        default: return negative ? negated(value) : value
        }
    }

    private static func negated(_ value: Value) -> Value? {
        switch value {
        case .int(let i): .int(-i)
        case .float(let d): .float(-d)
        default: nil
        }
    }
}

/// The texts already read, on this thread: documents repeat the same few quantities (`512MiB`,
/// `30d`) thousands of times, and each is read by the lexer once per worker, with no lock
/// between the workers.
private final class KnownLiterals {
    static let limit = 4096
    static let perThread = PerThread { KnownLiterals() }
    var values: [String: Value?] = [:]

    static var current: KnownLiterals { perThread.current }
}
