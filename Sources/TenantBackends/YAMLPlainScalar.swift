// Deciding whether a string may be written as a plain YAML scalar.
//
// libyaml only checks syntax: it would happily write the string `no` plain, and every
// YAML 1.1 reader (PyYAML, Ruby's Psych, go-yaml v2, …) would read it back as `false`. The
// consumers of our artifacts use both YAML 1.1 and YAML 1.2, so a string is quoted whenever
// either the YAML 1.1 type repository (`bool`, `int`, `float`, `null`, `timestamp`, `merge`,
// `value`, with PyYAML's slightly wider variants) or the YAML 1.2 core schema (with
// ruamel.yaml's slightly wider numbers) would resolve it to anything but a string. The match is a union of those patterns, widened where that
// keeps the scan simple (so `1.2.3` or `0:30` get quoted although they are strings): quoting
// too much is harmless, quoting too little changes the data.
//
// This runs for every string of every tenant, so it is a byte scan that rejects almost all
// strings on their first byte.

/// True when a YAML 1.1 or YAML 1.2 (core schema) reader would resolve `s`, written as a
/// plain scalar, to something other than the string `s`.
@inline(__always)
func plainScalarIsAmbiguous(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let c0 = s.first else { return true }  // empty plain scalar is null
    switch c0 {
    case 0x30...0x39, UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."):
        return looksNumericOrTimestamp(s)
    case UInt8(ascii: "~"), UInt8(ascii: "="):  // null; the YAML 1.1 value key
        return s.count == 1
    case UInt8(ascii: "<"):  // the YAML 1.1 merge key
        return s.count == 2 && s[1] == UInt8(ascii: "<")
    case UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "n"), UInt8(ascii: "N"),
        UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"),
        UInt8(ascii: "o"), UInt8(ascii: "O"):
        return isBoolOrNullWord(s)
    default:
        return false
    }
}

/// YAML 1.1 booleans and the null word, in any letter case: the schemas list only three case
/// variants each, but some readers are case-insensitive and quoting `yEs` costs nothing.
@inline(__always)
private func isBoolOrNullWord(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
    guard s.count <= 5 else { return false }
    // Pack the lower-cased bytes; `| 0x20` only lands on a lower-case letter for a letter.
    var packed: UInt64 = 0
    for c in s { packed = packed << 8 | UInt64(c | 0x20) }
    switch packed {
    case pack("y"), pack("n"), pack("yes"), pack("no"), pack("on"), pack("off"),
        pack("true"), pack("false"), pack("null"):
        return true
    default:
        return false
    }
}

@inline(__always)
private func pack(_ word: StaticString) -> UInt64 {
    var packed: UInt64 = 0
    for i in 0..<word.utf8CodeUnitCount { packed = packed << 8 | UInt64(word.utf8Start[i]) }
    return packed
}

@inline(__always)
private func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

@inline(__always)
private func isHexDigit(_ c: UInt8) -> Bool { isDigit(c) || (c | 0x20) &- UInt8(ascii: "a") < 6 }

/// Ints (decimal, `0x`, `0o`, `0b`, YAML 1.1 octal, `_` separators, base 60), floats
/// (exponents, leading or trailing `.`, `.inf`, `.nan`, base 60) and YAML 1.1 timestamps.
private func looksNumericOrTimestamp(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
    let n = s.count
    var i = 0
    if s[0] == UInt8(ascii: "+") || s[0] == UInt8(ascii: "-") { i = 1 }
    guard i < n else { return false }

    // `.inf`, `.nan` (1.2 allows no sign on `.nan`; quoting `-.nan` too is harmless).
    if s[i] == UInt8(ascii: "."), n - i == 4 {
        let a = s[i + 1] | 0x20
        let b = s[i + 2] | 0x20
        let c = s[i + 3] | 0x20
        if (a, b, c) == (UInt8(ascii: "i"), UInt8(ascii: "n"), UInt8(ascii: "f"))
            || (a, b, c) == (UInt8(ascii: "n"), UInt8(ascii: "a"), UInt8(ascii: "n"))
        {
            return true
        }
    }

    // `0x…` (1.1 and 1.2), `0o…` (1.2), `0b…` (1.1); signs and `_` are 1.1 only, allowed for all.
    if s[i] == UInt8(ascii: "0"), n - i > 2 {
        let rest = UnsafeBufferPointer(rebasing: s[(i + 2)...])
        switch s[i + 1] | 0x20 {
        case UInt8(ascii: "x"): return rest.allSatisfy { isHexDigit($0) || $0 == UInt8(ascii: "_") }
        case UInt8(ascii: "o"): return rest.allSatisfy { $0 &- 0x30 < 8 || $0 == UInt8(ascii: "_") }
        case UInt8(ascii: "b"): return rest.allSatisfy { $0 &- 0x30 < 2 || $0 == UInt8(ascii: "_") }
        default: break
        }
    }

    if i == 0, n >= 8, isDigit(s[0]), isDigit(s[1]), isDigit(s[2]), isDigit(s[3]), s[4] == UInt8(ascii: "-") {
        return isTimestamp(s)
    }

    // Integer part `[0-9][0-9_]*`; after a sign also `_…`, which ruamel.yaml (a common
    // YAML 1.2 reader) resolves as an int although neither specification does.
    var j = i
    let hasInteger = isDigit(s[j]) || (i == 1 && s[j] == UInt8(ascii: "_"))
    if hasInteger {
        while j < n, isDigit(s[j]) || s[j] == UInt8(ascii: "_") { j += 1 }
        if j < n, s[j] == UInt8(ascii: ":") { return isSexagesimalTail(s, from: j) }
    }
    // Fraction `\.[0-9._]*` (1.1 allows further dots; 1.2 a bare trailing dot: `1.`).
    var hasDot = false
    if j < n, s[j] == UInt8(ascii: ".") {
        hasDot = true
        j += 1
        while j < n, isDigit(s[j]) || s[j] == UInt8(ascii: ".") || s[j] == UInt8(ascii: "_") { j += 1 }
    }
    guard hasInteger || hasDot else { return false }
    if j == n { return true }
    // Exponent `[eE][-+]?[0-9]+` (the sign is mandatory in 1.1, optional in 1.2).
    guard s[j] | 0x20 == UInt8(ascii: "e") else { return false }
    j += 1
    if j < n, s[j] == UInt8(ascii: "+") || s[j] == UInt8(ascii: "-") { j += 1 }
    guard j < n else { return false }
    while j < n {
        guard isDigit(s[j]) else { return false }
        j += 1
    }
    return true
}

/// The base-60 tail `(:[0-5]?[0-9])+(\.[0-9_]*)?` of YAML 1.1 ints and floats (`1:30`,
/// `190:20:30.15`), starting at the first `:`.
private func isSexagesimalTail(_ s: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
    let n = s.count
    var j = start
    while j < n, s[j] == UInt8(ascii: ":") {
        j += 1
        guard j < n, isDigit(s[j]) else { return false }
        if j + 1 < n, isDigit(s[j + 1]) {
            // Two digits only when the first is 0–5; anything longer cannot match.
            guard s[j] <= UInt8(ascii: "5") else { return false }
            j += 2
        } else {
            j += 1
        }
    }
    if j == n { return true }
    guard s[j] == UInt8(ascii: ".") else { return false }
    j += 1
    while j < n {
        guard isDigit(s[j]) || s[j] == UInt8(ascii: "_") else { return false }
        j += 1
    }
    return true
}

/// The YAML 1.1 timestamp (PyYAML's pattern, which also allows blanks before the zone):
/// `YYYY-MM-DD`, or `YYYY-M-D` followed by `T`/`t`/blanks, `H:MM:SS`, optional fraction and
/// an optional `Z` or `±H[:MM]` zone. The caller has checked `[0-9]{4}-`.
private func isTimestamp(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
    let n = s.count
    var j = 5
    /// Consumes one or two digits and returns how many.
    func digits(max: Int) -> Int {
        var k = 0
        while k < max, j < n, isDigit(s[j]) {
            j += 1
            k += 1
        }
        return k
    }
    let month = digits(max: 2)
    guard month > 0, j < n, s[j] == UInt8(ascii: "-") else { return false }
    j += 1
    let day = digits(max: 2)
    guard day > 0 else { return false }
    if j == n { return month == 2 && day == 2 }

    if s[j] | 0x20 == UInt8(ascii: "t") {
        j += 1
    } else {
        guard s[j] == 0x20 || s[j] == 0x09 else { return false }
        while j < n, s[j] == 0x20 || s[j] == 0x09 { j += 1 }
    }
    guard digits(max: 2) > 0 else { return false }
    for _ in 0..<2 {
        guard j < n, s[j] == UInt8(ascii: ":") else { return false }
        j += 1
        guard digits(max: 2) == 2 else { return false }
    }
    if j < n, s[j] == UInt8(ascii: ".") {
        j += 1
        while j < n, isDigit(s[j]) { j += 1 }
    }
    if j == n { return true }
    while j < n, s[j] == 0x20 || s[j] == 0x09 { j += 1 }
    guard j < n else { return false }
    if s[j] == UInt8(ascii: "Z") { return j + 1 == n }
    guard s[j] == UInt8(ascii: "+") || s[j] == UInt8(ascii: "-") else { return false }
    j += 1
    guard digits(max: 2) > 0 else { return false }
    if j == n { return true }
    guard s[j] == UInt8(ascii: ":") else { return false }
    j += 1
    return digits(max: 2) == 2 && j == n
}
