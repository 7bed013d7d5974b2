import TenantModel

/// JSON (RFC 8259) written by hand into the output buffer: several times faster than
/// `JSONEncoder`, and it keeps record key order, which `JSONSerialization` does not.
///
/// `.file` is pretty-printed (2-space indent, `": "`, trailing newline); `.stream` is JSON Lines:
/// the same document compact on one line.
public struct JSONBackend: Backend {
    public var name: String { "json" }
    public var fileExtension: String { "json" }

    public init() {}

    public func render(_ tenant: ResolvedTenant, options: RenderOptions, layout: RenderLayout, into out: inout [UInt8]) throws {
        let start = out.count
        var w = JSONWriter(out: out, options: options, pretty: layout == .file)
        out = []  // hand the buffer over without a copy-on-write copy
        do {
            try w.writeRecord(tenant.config, depth: 0)
            w.out.append(UInt8(ascii: "\n"))
            out = w.out
        } catch {
            // A failed render leaves the buffer as it was.
            w.out.removeSubrange(start...)
            out = w.out
            throw error
        }
    }
}

struct JSONWriter {
    var out: [UInt8]
    let options: RenderOptions
    let pretty: Bool

    mutating func writeValue(_ v: Value, depth: Int) throws {
        switch v {
        case .list(let items): try writeList(items, depth: depth)
        case .record(let r): try writeRecord(r, depth: depth)
        default:
            // Every other case is a leaf.
            switch v.scalar(options)! {  // nil only for lists and records, handled above
            case .bool(let b): append(b ? "true" : "false")
            case .int(let i): withDecimalDigits(i) { out.append(contentsOf: $0) }
            case .float(let d):
                guard d.isFinite else { throw BackendError("JSON cannot represent the float \(d)") }
                append(formatFloat(d))
            case .number(let s): append(s)
            case .string(let s): writeString(s)
            }
        }
    }

    mutating func writeList(_ items: [Value], depth: Int) throws {
        if items.isEmpty {
            append("[]")
            return
        }
        out.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            newline(depth + 1)
            try writeValue(item, depth: depth + 1)
        }
        newline(depth)
        out.append(UInt8(ascii: "]"))
    }

    mutating func writeRecord(_ r: Record, depth: Int) throws {
        if r.isEmpty {
            append("{}")
            return
        }
        out.append(UInt8(ascii: "{"))
        for i in r.keys.indices {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            newline(depth + 1)
            writeString(r.keys[i])
            if pretty { append(": ") } else { out.append(UInt8(ascii: ":")) }
            try writeValue(r.values[i], depth: depth + 1)
        }
        newline(depth)
        out.append(UInt8(ascii: "}"))
    }

    @inline(__always)
    mutating func newline(_ depth: Int) {
        guard pretty else { return }
        out.append(UInt8(ascii: "\n"))
        for _ in 0..<depth { append("  ") }
    }

    @inline(__always)
    mutating func append(_ s: StaticString) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    @inline(__always)
    mutating func append(_ s: String) {
        out.append(text: s)
    }

    /// Copies runs of bytes that need no escape in one go; non-ASCII is UTF-8 already and is
    /// written raw.
    mutating func writeString(_ s: String) {
        out.append(UInt8(ascii: "\""))
        withUTF8Bytes(s) { bytes in
            var runStart = 0
            for i in 0..<bytes.count {
                let c = bytes[i]
                guard c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") else { continue }
                if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
                runStart = i + 1
                out.append(UInt8(ascii: "\\"))
                switch c {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                default:
                    let hex: StaticString = "0123456789abcdef"
                    append("u00")
                    out.append(hex.utf8Start[Int(c >> 4)])
                    out.append(hex.utf8Start[Int(c & 0xF)])
                }
            }
            if runStart < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// One value as the JSON backend writes it (compact), for JSON documents about a configuration
/// (migration plans, access answers). A float JSON cannot hold becomes its text.
public func jsonText(of value: Value, options: RenderOptions = RenderOptions()) -> String {
    var w = JSONWriter(out: [], options: options, pretty: false)
    do { try w.writeValue(value, depth: 0) } catch {
        w.out = []
        w.writeString(value.sourceText)
    }
    return String(decoding: w.out, as: UTF8.self)
}
