import TenantModel

/// A leaf value reduced to what a text format can carry, so the YAML and JSON backends share
/// one value encoding and cannot drift apart.
enum Scalar {
    case bool(Bool)
    case int(Int64)
    /// Kept as a double so each format decides what to do with NaN and infinities.
    case float(Double)
    /// Exact decimal text written as a bare number (cores, fractions).
    case number(String)
    case string(String)
}

extension Value {
    /// The leaf encoding of this value, or nil for lists and records.
    func scalar(_ options: RenderOptions) -> Scalar? {
        let units = options.units
        switch self {
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .float(let d): return .float(d)
        case .string(let s): return .string(s)
        // A secret left in the artifact renders as its token only when asked to; `plain` has
        // had its secrets replaced by the driver, so one left over is redacted like the rest.
        case .secret(let s): return .string(options.sensitive == .encrypted ? s : SensitiveMode.redactedText)
        case .cpu(let c): return .number(c.coresText)
        case .unlimited: return .string("unlimited")
        case .size(let s):
            return units == .base ? .int(s.bytes) : .string(s.canonical)
        case .duration(let t):
            // Whole seconds as an int, else a float: `seconds` is always one of the two leaves.
            return units == .base ? t.seconds.scalar(options) : .string(t.canonical)
        case .percent(let p):
            return units == .base ? .number(p.fractionText) : .string(p.canonical)
        case .list, .record:
            return nil
        }
    }
}

/// Calls `body` with the UTF-8 bytes of `s` without copying native strings.
@inlinable @inline(__always)
func withUTF8Bytes<R>(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    if let r = try s.utf8.withContiguousStorageIfAvailable(body) { return r }
    var copy = s
    return try copy.withUTF8(body)
}

extension Array where Element == UInt8 {
    /// Appends the UTF-8 bytes of `text`: how the backends that write their text themselves
    /// (JSON, the provisioning artifacts) add to an artifact, without a `String` in between.
    @inlinable
    public mutating func append(text: String) {
        withUTF8Bytes(text) { append(contentsOf: $0) }
    }
}

/// Calls `body` with the decimal digits of `value`, formatted on the stack: integers are the
/// most common leaf and `String(_:)` would allocate for large ones.
@inline(__always)
func withDecimalDigits<R>(_ value: Int64, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buf in
        var m = value.magnitude
        var i = 20
        repeat {
            i -= 1
            buf[i] = 0x30 &+ UInt8(truncatingIfNeeded: m % 10)
            m /= 10
        } while m != 0
        if value < 0 {
            i -= 1
            buf[i] = UInt8(ascii: "-")
        }
        return try body(UnsafeBufferPointer(rebasing: buf[i..<20]))
    }
}
