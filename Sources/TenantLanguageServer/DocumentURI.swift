/// `file://` URIs and the absolute paths they name (RFC 8089 and 3986): percent-decoding on
/// the way in, percent-encoding every byte outside the unreserved set and `/` on the way out.
enum DocumentURI {
    /// The absolute path of a `file:` URI; nil for another scheme or a relative path.
    static func path(of uri: String) -> String? {
        let prefix = "file://"
        guard uri.lowercased().hasPrefix(prefix) else { return nil }
        var rest = Substring(uri.dropFirst(prefix.count))
        // `file://host/path`: only an empty host or `localhost` names this machine.
        if !rest.hasPrefix("/") {
            guard rest.lowercased().hasPrefix("localhost/") else { return nil }
            rest = rest.dropFirst("localhost".count)
        }
        guard let decoded = percentDecoded(rest), decoded.hasPrefix("/"), !decoded.utf8.contains(0) else { return nil }
        return decoded
    }

    static func uri(of path: String) -> String {
        var out = "file://"
        for b in path.utf8 {
            if isUnreserved(b) || b == UInt8(ascii: "/") {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                out += "%" + hex(b >> 4) + hex(b & 0xF)
            }
        }
        return out
    }

    private static func isUnreserved(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
            || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "~")
    }

    private static func hex(_ v: UInt8) -> String { String(v, radix: 16, uppercase: true) }

    private static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var it = Array(text.utf8)[...]
        while let b = it.popFirst() {
            guard b == UInt8(ascii: "%") else {
                if b == UInt8(ascii: "?") || b == UInt8(ascii: "#") { break }
                bytes.append(b)
                continue
            }
            guard it.count >= 2, let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) else { return nil }
            bytes.append(v)
            it = it.dropFirst(2)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
