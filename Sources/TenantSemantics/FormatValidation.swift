/// Checks for the string-backed types `cron`, `cidr` and `email`. Each returns a short reason
/// when the text is malformed, nil when it is fine.
public enum FormatValidation {
    private static let cronFields: [(name: String, lo: Int, hi: Int, names: [String])] = [
        ("minute", 0, 59, []),
        ("hour", 0, 23, []),
        ("day of month", 1, 31, []),
        ("month", 1, 12, ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]),
        ("day of week", 0, 7, ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]),
    ]

    /// A standard 5-field cron expression: `*`, `n`, `a-b`, `*/n`, `a-b/n`, lists with `,`;
    /// month and weekday names are accepted.
    public static func cronProblem(_ text: String) -> String? {
        let fields = text.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count == 5 else { return "expected 5 fields (minute hour day-of-month month day-of-week), found \(fields.count)" }
        for (field, spec) in zip(fields, cronFields) {
            for item in field.split(separator: ",", omittingEmptySubsequences: false) {
                if let p = cronItemProblem(item, spec) { return "\(spec.name) field `\(field)`: \(p)" }
            }
        }
        return nil
    }

    private static func cronItemProblem(_ item: Substring, _ spec: (name: String, lo: Int, hi: Int, names: [String])) -> String? {
        guard !item.isEmpty else { return "empty list item" }
        var rangePart = item
        if let slash = item.firstIndex(of: "/") {
            let step = item[item.index(after: slash)...]
            guard let s = Int(step), s >= 1 else { return "step `\(step)` must be a positive number" }
            rangePart = item[..<slash]
        }
        if rangePart == "*" { return nil }
        func value(_ t: Substring) -> Int? {
            if let v = Int(t) { return v }
            if let i = spec.names.firstIndex(of: t.uppercased()) { return i + (spec.lo == 1 ? 1 : 0) }
            return nil
        }
        let bounds = rangePart.split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count <= 2 else { return "malformed range `\(rangePart)`" }
        var values: [Int] = []
        for b in bounds {
            guard let v = value(b) else { return "`\(b)` is not a number" }
            guard v >= spec.lo, v <= spec.hi else { return "\(v) is outside \(spec.lo)–\(spec.hi)" }
            values.append(v)
        }
        if values.count == 2, values[0] > values[1] { return "range `\(rangePart)` runs backwards" }
        return nil
    }

    /// IPv4 (`10.0.0.0/8`) or IPv6 (`2001:db8::/32`) network in CIDR notation.
    public static func cidrProblem(_ text: String) -> String? {
        guard let slash = text.firstIndex(of: "/") else { return "missing the `/prefix` length" }
        let address = text[..<slash]
        let prefix = text[text.index(after: slash)...]
        guard let p = Int(prefix), prefix.allSatisfy(\.isASCII) else { return "prefix length `\(prefix)` is not a number" }
        if address.contains(":") {
            guard isIPv6(address) else { return "`\(address)` is not an IPv6 address" }
            guard p >= 0, p <= 128 else { return "IPv6 prefix length must be 0–128" }
            return nil
        }
        let octets = address.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return "`\(address)` is not an IPv4 address" }
        for o in octets {
            guard !o.isEmpty, o.count <= 3, o.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(o), v <= 255 else {
                return "`\(address)` is not an IPv4 address"
            }
        }
        guard p >= 0, p <= 32 else { return "IPv4 prefix length must be 0–32" }
        return nil
    }

    private static func isIPv6(_ s: Substring) -> Bool {
        let halves = s.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        var groups = 0
        for half in halves where !half.isEmpty {
            for g in half.split(separator: ":", omittingEmptySubsequences: false) {
                guard !g.isEmpty, g.count <= 4, g.allSatisfy({ $0.isHexDigit }) else { return false }
                groups += 1
            }
        }
        return halves.count == 2 ? groups < 8 : groups == 8
    }

    /// A pragmatic address check: one `@`, a non-empty local part, a dotted domain.
    public static func emailProblem(_ text: String) -> String? {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return "an address has exactly one `@`" }
        let local = parts[0]
        let domain = parts[1]
        guard !local.isEmpty, local.count <= 64 else { return "the part before `@` must be 1–64 characters" }
        guard !local.contains(where: { $0 == " " || $0.isNewline }) else { return "addresses cannot contain spaces" }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return "the domain `\(domain)` needs a dot" }
        for l in labels {
            guard !l.isEmpty, l.count <= 63, l.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }),
                  l.first != "-", l.last != "-" else { return "`\(domain)` is not a valid domain" }
        }
        return nil
    }
}

extension Substring {
    fileprivate func components(separatedBy sep: String) -> [Substring] {
        var out: [Substring] = []
        var rest = self[...]
        while let r = rest.firstRange(of: sep) {
            out.append(rest[..<r.lowerBound])
            rest = rest[r.upperBound...]
        }
        out.append(rest)
        return out
    }
}
