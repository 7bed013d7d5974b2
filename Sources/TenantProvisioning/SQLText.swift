/// PostgreSQL's quoting: identifiers in double quotes, literals in single quotes (with
/// `standard_conforming_strings`, on by default since 9.1: a backslash is an ordinary
/// character), and dollar-quoted bodies under a tag the body does not contain.
enum SQLText {
    static func identifier(_ name: String) -> String { quoted(name, UInt8(ascii: "\"")) }

    static func literal(_ text: String) -> String { quoted(text, UInt8(ascii: "'")) }

    /// `text` between two `quote`s, each `quote` inside doubled.
    static func quoted(_ text: String, _ quote: UInt8) -> String {
        var out: [UInt8] = [quote]
        out.reserveCapacity(text.utf8.count + 2)
        for b in text.utf8 {
            if b == quote { out.append(quote) }
            out.append(b)
        }
        out.append(quote)
        return String(decoding: out, as: UTF8.self)
    }

    static func identifiers(_ names: [String]) -> String { names.map(identifier).joined(separator: ", ") }

    /// `$tag$body$tag$`, with the first tag of `tenantc`, `tenantc1`, … not found in `body`.
    static func dollarQuoted(_ body: String) -> String {
        var tag = "$tenantc$"
        var n = 0
        while body.utf8.contains(UInt8(ascii: "$")), body.contains(tag) {
            n += 1
            tag = "$tenantc\(n)$"
        }
        return tag + body + tag
    }
}
