/// PostgreSQL's quoting: identifiers in double quotes, literals in single quotes (with
/// `standard_conforming_strings`, on by default since 9.1: a backslash is an ordinary
/// character), and dollar-quoted bodies under a tag the body does not contain.
enum SQLText {
    static func identifier(_ name: String) -> String { "\"" + name.replacing("\"", with: "\"\"") + "\"" }

    static func literal(_ text: String) -> String { "'" + text.replacing("'", with: "''") + "'" }

    static func identifiers(_ names: [String]) -> String { names.map(identifier).joined(separator: ", ") }

    /// `$tag$body$tag$`, with the first tag of `tenantc`, `tenantc1`, … not found in `body`.
    static func dollarQuoted(_ body: String) -> String {
        var tag = "$tenantc$"
        var n = 0
        while body.contains(tag) {
            n += 1
            tag = "$tenantc\(n)$"
        }
        return tag + body + tag
    }
}
