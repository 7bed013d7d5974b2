import TenantBackends

/// PostgreSQL text, kept as bytes and written with interpolations that quote:
/// `\(identifier: name)` in double quotes and `\(literal: text)` in single quotes, each quote
/// inside doubled (with `standard_conforming_strings`, on by default since 9.1, a backslash is
/// an ordinary character); `\(dollarQuoted: body)` under a tag the body does not contain.
/// Text that is not quoted says so: `\(raw: text)`. A plain `String` cannot be interpolated, so
/// no name reaches a script unquoted by accident.
struct SQLText: ExpressibleByStringInterpolation {
    private(set) var bytes: [UInt8] = []

    init() {}

    /// Empty, with room for `capacity` bytes.
    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    init(stringLiteral value: String) { bytes.append(text: value) }

    init(stringInterpolation: Interpolation) { bytes = stringInterpolation.bytes }

    /// A comma-separated list of quoted identifiers, written once and interpolated often.
    init(identifiers names: [String]) {
        var list = Interpolation(literalCapacity: 0, interpolationCount: names.count)
        list.appendInterpolation(identifiers: names)
        bytes = list.bytes
    }

    static func += (text: inout SQLText, more: SQLText) { text.bytes.append(contentsOf: more.bytes) }

    static func + (text: SQLText, more: SQLText) -> SQLText {
        var joined = text
        joined += more
        return joined
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    var isEmpty: Bool { bytes.isEmpty }

    /// `name` in double quotes, as PostgreSQL and pg_hba.conf read a name.
    static func identifier(_ name: String) -> String { SQLText("\(identifier: name)").string }

    struct Interpolation: StringInterpolationProtocol {
        fileprivate(set) var bytes: [UInt8] = []

        init(literalCapacity: Int, interpolationCount: Int) {
            bytes.reserveCapacity(literalCapacity + 24 * interpolationCount)
        }

        mutating func appendLiteral(_ literal: String) { bytes.append(text: literal) }

        mutating func appendInterpolation(_ text: SQLText) { bytes.append(contentsOf: text.bytes) }

        mutating func appendInterpolation(_ n: Int) { bytes.append(text: String(n)) }

        mutating func appendInterpolation(_ b: Bool) { bytes.append(text: b ? "true" : "false") }

        /// Text written as it is: SQL keywords, or names that need no quoting where they go (a comment).
        mutating func appendInterpolation(raw text: String) { bytes.append(text: text) }

        mutating func appendInterpolation(identifier name: String) { quote(name, UInt8(ascii: "\"")) }

        mutating func appendInterpolation(literal text: String) { quote(text, UInt8(ascii: "'")) }

        mutating func appendInterpolation(identifiers names: [String]) {
            for (i, name) in names.enumerated() {
                if i > 0 { bytes.append(text: ", ") }
                quote(name, UInt8(ascii: "\""))
            }
        }

        mutating func appendInterpolation(literals texts: [String]) {
            for (i, text) in texts.enumerated() {
                if i > 0 { bytes.append(text: ", ") }
                quote(text, UInt8(ascii: "'"))
            }
        }

        /// `$tag$body$tag$`, with the first tag of `tenantc`, `tenantc1`, … not found in `body`.
        mutating func appendInterpolation(dollarQuoted body: SQLText) {
            var tag = "$tenantc$"
            var n = 0
            while body.bytes.contains(UInt8(ascii: "$")), body.bytes.contains(bytes: Array(tag.utf8)) {
                n += 1
                tag = "$tenantc\(n)$"
            }
            bytes.append(text: tag)
            bytes.append(contentsOf: body.bytes)
            bytes.append(text: tag)
        }

        /// `text` between two `quote`s, each `quote` inside doubled.
        private mutating func quote(_ text: String, _ quote: UInt8) {
            bytes.append(quote)
            if text.utf8.contains(quote) {
                for b in text.utf8 {
                    if b == quote { bytes.append(quote) }
                    bytes.append(b)
                }
            } else {
                bytes.append(text: text)
            }
            bytes.append(quote)
        }
    }
}

extension Array where Element == UInt8 {
    /// Whether these bytes hold `part`, byte for byte.
    func contains(bytes part: [UInt8]) -> Bool {
        guard !part.isEmpty else { return true }
        guard count >= part.count else { return false }
        return (0...(count - part.count)).contains { i in self[i..<i + part.count].elementsEqual(part) }
    }
}
