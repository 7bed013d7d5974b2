/// The kinds of quantity the language knows. Each has one exact integer base unit.
public enum QuantityKind: String, Sendable, CaseIterable {
    case size, duration, cpu, percent

    /// The base unit's name, for `--units base` and messages.
    public var baseUnitName: String {
        switch self {
        case .size: "bytes"
        case .duration: "milliseconds"
        case .cpu: "millicores"
        case .percent: "millionths of a percent"
        }
    }
}

/// A unit suffix that may follow a number literal (`512MiB`, `30d`, `0.25cores`, `70%`).
public struct QuantityUnit: Sendable, Equatable {
    public let name: String
    public let kind: QuantityKind
    /// How many base units one of this unit is.
    public let factor: Int64
    public let sizeFamily: SizeFamily
    public let durationFamily: DurationFamily

    init(_ name: String, _ kind: QuantityKind, _ factor: Int64,
         size: SizeFamily = .bytes, duration: DurationFamily = .day) {
        self.name = name
        self.kind = kind
        self.factor = factor
        self.sizeFamily = size
        self.durationFamily = duration
    }

    /// Every unit, in the order of the documentation.
    public static let all: [QuantityUnit] = [
        QuantityUnit("B", .size, 1, size: .bytes),
        QuantityUnit("KB", .size, 1_000, size: .decimal),
        QuantityUnit("MB", .size, 1_000_000, size: .decimal),
        QuantityUnit("GB", .size, 1_000_000_000, size: .decimal),
        QuantityUnit("TB", .size, 1_000_000_000_000, size: .decimal),
        QuantityUnit("PB", .size, 1_000_000_000_000_000, size: .decimal),
        QuantityUnit("KiB", .size, 1 << 10, size: .binary),
        QuantityUnit("MiB", .size, 1 << 20, size: .binary),
        QuantityUnit("GiB", .size, 1 << 30, size: .binary),
        QuantityUnit("TiB", .size, 1 << 40, size: .binary),
        QuantityUnit("PiB", .size, 1 << 50, size: .binary),
        QuantityUnit("ms", .duration, 1),
        QuantityUnit("s", .duration, 1_000),
        QuantityUnit("m", .duration, 60_000),
        QuantityUnit("h", .duration, 3_600_000),
        QuantityUnit("d", .duration, 86_400_000),
        QuantityUnit("w", .duration, 604_800_000, duration: .week),
        QuantityUnit("y", .duration, 31_536_000_000, duration: .year),
        QuantityUnit("core", .cpu, 1_000),
        QuantityUnit("cores", .cpu, 1_000),
        QuantityUnit("%", .percent, 1_000_000),
    ]

    /// Looks a unit up by its exact (case-sensitive) spelling.
    public static func named(_ bytes: UnsafeBufferPointer<UInt8>) -> QuantityUnit? {
        guard let key = packed(bytes) else { return nil }
        for (k, u) in zip(packedNames, all) where k == key { return u }
        return nil
    }

    public static func named(_ bytes: ArraySlice<UInt8>) -> QuantityUnit? {
        bytes.withUnsafeBufferPointer { named($0) }
    }

    /// The unit a word people write after a number means (`hours`, `GB`, `gib`, `cores`, `days`),
    /// for diagnostics that show how the quantity is written (`2h`); nil for other words.
    public static func spelledOut(_ word: String) -> QuantityUnit? {
        if let exact = all.first(where: { $0.name == word }) { return exact }
        let lower = word.lowercased()
        let name: String
        switch lower {
        case "msec", "msecs", "millisecond", "milliseconds": name = "ms"
        case "sec", "secs", "second", "seconds": name = "s"
        case "min", "mins", "minute", "minutes": name = "m"
        case "hr", "hrs", "hour", "hours": name = "h"
        case "day", "days": name = "d"
        case "wk", "wks", "week", "weeks": name = "w"
        case "yr", "yrs", "year", "years": name = "y"
        case "cpu", "cpus", "vcpu", "vcpus": name = "cores"
        case "byte", "bytes": name = "B"
        default:
            // `gb`, `mib`: a size unit in another case (the single letters stay durations).
            let sizes = all.filter { $0.kind == .size && $0.name.count > 1 && $0.name.lowercased() == lower }
            return sizes.count == 1 ? sizes[0] : nil
        }
        return all.first { $0.name == name }
    }

    /// A spelling as one integer (its length in the top byte): every number literal with a unit
    /// looks its unit up, so the lookup compares integers, not strings.
    private static func packed(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard !bytes.isEmpty, bytes.count <= 7 else { return nil }
        var key = UInt64(bytes.count) << 56
        for (i, b) in bytes.enumerated() { key |= UInt64(b) << (8 * UInt64(i)) }
        return key
    }

    private static let packedNames: [UInt64] = all.map { u in
        var name = u.name
        return name.withUTF8 { packed($0) } ?? 0
    }
}

/// Which units a size is written back with: the family of the units it was written in.
public enum SizeFamily: UInt8, Sendable, Comparable {
    /// Written in plain bytes only: printed in bytes.
    case bytes
    /// KB, MB, GB … (powers of 1000).
    case decimal
    /// KiB, MiB, GiB … (powers of 1024).
    case binary

    public static func < (a: SizeFamily, b: SizeFamily) -> Bool { a.rawValue < b.rawValue }

    /// The family of a result computed from two sizes: the left one's, unless it is plain bytes.
    public func combined(with other: SizeFamily) -> SizeFamily { self == .bytes ? other : self }
}

/// Which units a duration is written back with: `ms s m h d`, plus `w` or `y` when it was
/// written with weeks or years.
public enum DurationFamily: UInt8, Sendable, Comparable {
    case day, week, year

    public static func < (a: DurationFamily, b: DurationFamily) -> Bool { a.rawValue < b.rawValue }

    public func combined(with other: DurationFamily) -> DurationFamily { max(self, other) }
}

/// A size in bytes. Equality ignores the family.
public struct Size: Sendable, Equatable, Comparable {
    public var bytes: Int64
    public var family: SizeFamily

    public init(bytes: Int64, family: SizeFamily) {
        self.bytes = bytes
        self.family = family
    }

    public static func == (a: Size, b: Size) -> Bool { a.bytes == b.bytes }
    public static func < (a: Size, b: Size) -> Bool { a.bytes < b.bytes }

    /// The largest unit of the family that keeps the value exact: `512MiB`, `1GB`, `1500B`.
    public var canonical: String {
        let units: [(String, Int64)]
        switch family {
        case .bytes: units = []
        case .decimal:
            units = [("PB", 1_000_000_000_000_000), ("TB", 1_000_000_000_000), ("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1_000)]
        case .binary:
            units = [("PiB", 1 << 50), ("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        }
        if bytes != 0 {
            for (name, f) in units where bytes % f == 0 { return String(bytes / f) + name }
        }
        return String(bytes) + "B"
    }
}

/// A duration in milliseconds. Equality ignores the family.
public struct TimeSpan: Sendable, Equatable, Comparable {
    public var milliseconds: Int64
    public var family: DurationFamily

    public init(milliseconds: Int64, family: DurationFamily) {
        self.milliseconds = milliseconds
        self.family = family
    }

    public static func == (a: TimeSpan, b: TimeSpan) -> Bool { a.milliseconds == b.milliseconds }
    public static func < (a: TimeSpan, b: TimeSpan) -> Bool { a.milliseconds < b.milliseconds }

    /// The largest unit of the family that keeps the value exact: `30d`, `90m`, `7y`, `500ms`.
    public var canonical: String {
        var units: [(String, Int64)] = []
        switch family {
        case .year: units.append(("y", 31_536_000_000))
        case .week: units.append(("w", 604_800_000))
        case .day: break
        }
        units += [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000)]
        if milliseconds == 0 { return "0" + units[0].0 }
        if milliseconds != 0 {
            for (name, f) in units where milliseconds % f == 0 { return String(milliseconds / f) + name }
        }
        return String(milliseconds) + "ms"
    }

    /// Whole seconds when exact, else fractional seconds (`--units base`).
    public var seconds: Value {
        milliseconds % 1000 == 0 ? .int(milliseconds / 1000) : .float(Double(milliseconds) / 1000)
    }
}

/// CPU in millicores.
public struct CPU: Sendable, Equatable, Comparable, Hashable {
    public var millicores: Int64

    public init(millicores: Int64) { self.millicores = millicores }

    public static func < (a: CPU, b: CPU) -> Bool { a.millicores < b.millicores }

    /// Number of cores as an exact decimal: `0.25`, `2`, `1.5`.
    public var coresText: String { formatFixedPoint(millicores, scale: 3) }

    /// As written in source: `0.25cores`, `1core`, `2cores`.
    public var canonical: String { coresText + (millicores == 1000 ? "core" : "cores") }
}

/// A percentage in millionths of a percent (`70%` is 70_000_000).
public struct Percent: Sendable, Equatable, Comparable, Hashable {
    public var micros: Int64

    public init(micros: Int64) { self.micros = micros }

    public static func < (a: Percent, b: Percent) -> Bool { a.micros < b.micros }

    /// `70%`, `12.5%`.
    public var canonical: String { formatFixedPoint(micros, scale: 6) + "%" }

    /// As a fraction of one: `0.7`, `0.125` (exact decimal text).
    public var fractionText: String { formatFixedPoint(micros, scale: 8) }
}

extension Value {
    /// The value as a user would write it in source: used in diagnostics and notes.
    public var sourceText: String {
        switch self {
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .float(let d): return formatFloat(d)
        case .string(let s): return quoteForSource(s)
        case .size(let s): return s.canonical
        case .duration(let t): return t.canonical
        case .cpu(let c): return c.canonical
        case .percent(let p): return p.canonical
        case .unlimited: return "unlimited"
        case .secret: return "secret(…)"
        case .list(let items):
            return "[" + items.map(\.sourceText).joined(separator: ", ") + "]"
        case .record(let r):
            if r.isEmpty { return "{}" }
            return "{ " + zip(r.keys, r.values).map { "\($0) = \($1.sourceText)" }.joined(separator: ", ") + " }"
        }
    }
}

/// A string literal as it would be written in `.tenant` source.
public func quoteForSource(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        case "$": out += "\\$"
        default:
            if u.value < 0x20 || u.value == 0x7F {
                out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out + "\""
}
