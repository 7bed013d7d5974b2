/// A decimal number held exactly: `significand × 10^exponent`.
///
/// Number literals keep this form until they meet a unit, so `0.25cores` and `1.5GiB` convert
/// to whole millicores and bytes without going through binary floating point.
public struct ExactNumber: Sendable, Equatable {
    public var significand: Int64
    public var exponent: Int

    public init(significand: Int64, exponent: Int) {
        self.significand = significand
        self.exponent = exponent
    }

    /// Parses `123`, `1_000`, `0.25`, `1e-3`, `2.5E+4`, with an optional leading `-`.
    /// Returns nil when the text is not a number or its digits do not fit 64 bits.
    public init?<Bytes: Collection>(ascii text: Bytes) where Bytes.Element == UInt8 {
        var sig: Int64 = 0
        var exp = 0
        var sawDigit = false
        var negative = false
        var i = text.startIndex
        if i != text.endIndex, text[i] == UInt8(ascii: "-") {
            negative = true
            i = text.index(after: i)
        }
        var inFraction = false
        var trailingZeros = 0  // zeros not yet folded into `sig`, so long fractions do not overflow
        func addDigit(_ d: Int64) -> Bool {
            if d == 0 {
                trailingZeros += 1
                return true
            }
            while trailingZeros > 0 {
                let (m, o) = sig.multipliedReportingOverflow(by: 10)
                if o { return false }
                sig = m
                trailingZeros -= 1
            }
            let (m, o1) = sig.multipliedReportingOverflow(by: 10)
            if o1 { return false }
            let (a, o2) = m.addingReportingOverflow(d)
            if o2 { return false }
            sig = a
            return true
        }
        while i != text.endIndex {
            let c = text[i]
            if c >= 0x30 && c <= 0x39 {
                guard addDigit(Int64(c - 0x30)) else { return nil }
                if inFraction { exp -= 1 }
                sawDigit = true
            } else if c == UInt8(ascii: "_") {
                // digit separator
            } else if c == UInt8(ascii: "."), !inFraction {
                inFraction = true
            } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                i = text.index(after: i)
                var expNegative = false
                if i != text.endIndex, text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+") {
                    expNegative = text[i] == UInt8(ascii: "-")
                    i = text.index(after: i)
                }
                var e = 0
                var sawExpDigit = false
                while i != text.endIndex, text[i] >= 0x30 && text[i] <= 0x39 {
                    if e < 100_000 { e = e * 10 + Int(text[i] - 0x30) }
                    sawExpDigit = true
                    i = text.index(after: i)
                }
                guard sawExpDigit, i == text.endIndex else { return nil }
                exp += expNegative ? -e : e
                break
            } else {
                return nil
            }
            i = text.index(after: i)
        }
        guard sawDigit else { return nil }
        // Zeros that were never folded stay in the exponent.
        exp += trailingZeros
        if sig == 0 { exp = 0 }
        significand = negative ? -sig : sig
        exponent = exp
    }

    /// The exact value of a finite double, through its shortest round-tripping decimal form.
    public init?(_ d: Double) {
        guard d.isFinite else { return nil }
        guard let n = ExactNumber(ascii: Array(d.description.utf8)) else { return nil }
        self = n
    }

    public var isInteger: Bool {
        if exponent >= 0 { return true }
        return significand % ExactNumber.pow10(-exponent) == 0
    }

    /// The value as `Int64` when it is a whole number in range.
    public var int64: Int64? {
        if exponent >= 0 {
            guard exponent <= 18 else { return significand == 0 ? 0 : nil }
            let (m, o) = significand.multipliedReportingOverflow(by: Int64(ExactNumber.pow10(exponent)))
            return o ? nil : m
        }
        guard -exponent <= 18 else { return significand == 0 ? 0 : nil }
        let p = Int64(ExactNumber.pow10(-exponent))
        return significand % p == 0 ? significand / p : nil
    }

    public var double: Double {
        Double("\(significand)e\(exponent)") ?? (Double(significand) * pow10Double(exponent))
    }

    /// `self × factor` as an integer, exactly; nil when it is not whole or does not fit.
    public func times(exactly factor: Int64) -> Int64? {
        let v = Int128(significand) * Int128(factor)
        if exponent >= 0 {
            guard exponent <= 30 else { return v == 0 ? 0 : nil }
            let (m, o) = v.multipliedReportingOverflow(by: ExactNumber.pow10_128(exponent))
            guard !o else { return nil }
            return Int64(exactly: m)
        }
        guard -exponent <= 36 else { return v == 0 ? 0 : nil }
        let p = ExactNumber.pow10_128(-exponent)
        guard v % p == 0 else { return nil }
        return Int64(exactly: v / p)
    }

    /// True when `self × factor` has a fractional part (as opposed to merely being too large).
    public func isInexact(times factor: Int64) -> Bool {
        guard exponent < 0 else { return false }
        guard -exponent <= 36 else { return significand != 0 }
        let (v, o) = Int128(significand).multipliedReportingOverflow(by: Int128(factor))
        if o { return false }
        return v % ExactNumber.pow10_128(-exponent) != 0
    }

    /// As a fraction `numerator / denominator` with a power-of-ten denominator (nil if too large).
    public var fraction: (numerator: Int128, denominator: Int128)? {
        if exponent >= 0 {
            guard exponent <= 30 else { return significand == 0 ? (0, 1) : nil }
            let (m, o) = Int128(significand).multipliedReportingOverflow(by: ExactNumber.pow10_128(exponent))
            return o ? nil : (m, 1)
        }
        guard -exponent <= 36 else { return nil }
        return (Int128(significand), ExactNumber.pow10_128(-exponent))
    }

    static func pow10(_ n: Int) -> Int64 {
        var r: Int64 = 1
        for _ in 0..<n { r &*= 10 }
        return r
    }

    static func pow10_128(_ n: Int) -> Int128 {
        var r: Int128 = 1
        for _ in 0..<n { r &*= 10 }
        return r
    }
}

private func pow10Double(_ e: Int) -> Double {
    var r = 1.0
    if e >= 0 { for _ in 0..<min(e, 400) { r *= 10 } } else { for _ in 0..<min(-e, 400) { r /= 10 } }
    return r
}

/// Scales `value` by `numerator / denominator`, rounding half away from zero.
/// Returns nil when the result does not fit 64 bits or the denominator is zero.
public func scaleRounded(_ value: Int64, numerator: Int128, denominator: Int128) -> Int64? {
    guard denominator != 0 else { return nil }
    let (p, o) = Int128(value).multipliedReportingOverflow(by: numerator)
    guard !o else { return nil }
    var num = p
    var den = denominator
    if den < 0 {
        num = -num
        den = -den
    }
    let q = num / den
    let r = num % den
    var result = q
    if r != 0 {
        let twice = (r < 0 ? -r : r) * 2
        if twice >= den { result += num < 0 ? -1 : 1 }
    }
    return Int64(exactly: result)
}

/// Formats `value / 10^scale` as a plain decimal with no trailing zeros (`250, 3` → `0.25`).
public func formatFixedPoint(_ value: Int64, scale: Int) -> String {
    if scale == 0 { return String(value) }
    let negative = value < 0
    let magnitude = value.magnitude
    let p = UInt64(ExactNumber.pow10(scale))
    let whole = magnitude / p
    var frac = magnitude % p
    var s = negative ? "-" : ""
    s += String(whole)
    if frac != 0 {
        var digits = scale
        while frac % 10 == 0 {
            frac /= 10
            digits -= 1
        }
        let f = String(frac)
        s += "." + String(repeating: "0", count: digits - f.count) + f
    }
    return s
}

/// Formats a double so that both YAML 1.1 and 1.2 readers (and JSON) read it back as a float:
/// always a `.` in the mantissa and a signed exponent (`2.0`, `0.25`, `1.0e-05`).
public func formatFloat(_ d: Double) -> String {
    if d.isNaN { return ".nan" }
    if d.isInfinite { return d < 0 ? "-.inf" : ".inf" }
    var s = d.description
    var exp = ""
    if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        exp = String(s[s.index(after: e)...])
        s = String(s[..<e])
        if !exp.hasPrefix("-") && !exp.hasPrefix("+") { exp = "+" + exp }
        exp = "e" + exp
    }
    if !s.contains(".") { s += ".0" }
    return s + exp
}
