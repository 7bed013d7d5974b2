import TenantDiagnostics
import TenantModel
import TenantSyntax

/// Why an operation failed; the evaluator turns it into a diagnostic at the expression.
public struct OperationError: Error, Sendable {
    public var code: DiagnosticCode
    public var message: String
    public var help: [String]

    init(_ code: DiagnosticCode, _ message: String, help: [String] = []) {
        self.code = code
        self.message = message
        self.help = help
    }
}

/// Evaluation limits (docs/robustness.md, "Bounds"): exceeding one is a diagnostic, never a crash or a hang.
public enum EvaluationLimits {
    /// Longest string a formula may build, in bytes.
    public static let maxStringBytes = 1 << 20
    /// Longest list a formula may build.
    public static let maxListItems = 100_000
    /// Deepest nesting of lists and records a formula may build.
    public static let maxValueDepth = 128
    /// Deepest chain of references one value may follow (each reference is a few stack frames).
    public static let maxReferenceDepth = 400
    /// Most expressions one config's evaluation may evaluate (and list items its built-in
    /// functions and depth checks may look at): the shipped tiers use a few thousand.
    public static let maxSteps = 10_000_000
    /// Most bytes one config's formulas may build, counted as the bytes of the strings they
    /// build plus `valueBytes` per list item and record entry.
    public static let maxAllocatedBytes = 256 << 20
    /// What one list item or record entry counts for in `maxAllocatedBytes`.
    public static let valueBytes = MemoryLayout<Value>.stride
}

/// The semantics of the operators and built-in functions on values.
public enum Operators {
    private typealias Err = OperationError

    static func kindError(_ op: String, _ a: Value, _ b: Value) -> OperationError {
        var help: [String] = []
        switch (a, b) {
        case (.size, .cpu), (.cpu, .size), (.size, .duration), (.duration, .size), (.cpu, .duration), (.duration, .cpu):
            help = ["quantities of different kinds do not mix: convert one side, or compare each with its own limit"]
        case (.size, .int), (.int, .size), (.cpu, .int), (.int, .cpu), (.duration, .int), (.int, .duration):
            help = ["give the number a unit (`8GiB`, `2cores`, `30d`), or multiply: `\(a.sourceText) * 2`"]
        case (.string, _), (_, .string):
            help = ["build strings with interpolation: \"${…}\""]
        default:
            break
        }
        return Err(.operandTypes, "cannot apply `\(op)` to \(describe(a)) and \(describe(b))", help: help)
    }

    /// The zero of a quantity's kind, so that `sum([]) <= limits.cpu` and `0 + x` work.
    private static func zeroLike(_ q: Value) -> Value? {
        switch q {
        case .size(let s): .size(Size(bytes: 0, family: s.family))
        case .duration(let t): .duration(TimeSpan(milliseconds: 0, family: t.family))
        case .cpu: .cpu(CPU(millicores: 0))
        case .percent: .percent(Percent(micros: 0))
        default: nil
        }
    }

    /// Replaces a bare `0` by the other side's zero quantity.
    private static func unifyZero(_ a: Value, _ b: Value) -> (Value, Value) {
        if case .int(0) = a, let z = zeroLike(b) { return (z, b) }
        if case .int(0) = b, let z = zeroLike(a) { return (a, z) }
        return (a, b)
    }

    private static func checked(_ r: (partialValue: Int64, overflow: Bool), _ what: String) throws(OperationError) -> Int64 {
        if r.overflow { throw Err(.overflow, "\(what) overflows 64 bits") }
        return r.partialValue
    }

    public static func add(_ a0: Value, _ b0: Value) throws(OperationError) -> Value {
        let (a, b) = unifyZero(a0, b0)
        switch (a, b) {
        case (.int(let x), .int(let y)): return .int(try checked(x.addingReportingOverflow(y), "\(x) + \(y)"))
        case (.int(let x), .float(let y)): return try finite(Double(x) + y)
        case (.float(let x), .int(let y)): return try finite(x + Double(y))
        case (.float(let x), .float(let y)): return try finite(x + y)
        case (.string(let x), .string(let y)):
            guard x.utf8.count + y.utf8.count <= EvaluationLimits.maxStringBytes else { throw stringTooLong() }
            return .string(x + y)
        case (.list(let x), .list(let y)):
            guard x.count + y.count <= EvaluationLimits.maxListItems else { throw listTooLong() }
            return .list(x + y)
        case (.size(let x), .size(let y)):
            return .size(Size(bytes: try checked(x.bytes.addingReportingOverflow(y.bytes), "size sum"), family: x.family.combined(with: y.family)))
        case (.duration(let x), .duration(let y)):
            return .duration(TimeSpan(milliseconds: try checked(x.milliseconds.addingReportingOverflow(y.milliseconds), "duration sum"),
                                      family: x.family.combined(with: y.family)))
        case (.cpu(let x), .cpu(let y)):
            return .cpu(CPU(millicores: try checked(x.millicores.addingReportingOverflow(y.millicores), "cpu sum")))
        case (.percent(let x), .percent(let y)):
            return .percent(Percent(micros: try checked(x.micros.addingReportingOverflow(y.micros), "percent sum")))
        case (.unlimited, .unlimited), (.unlimited, .int), (.unlimited, .float), (.int, .unlimited), (.float, .unlimited):
            return .unlimited
        case (.unlimited, .size), (.unlimited, .duration), (.unlimited, .cpu), (.unlimited, .percent),
             (.size, .unlimited), (.duration, .unlimited), (.cpu, .unlimited), (.percent, .unlimited):
            return .unlimited
        default:
            throw kindError("+", a0, b0)
        }
    }

    public static func subtract(_ a0: Value, _ b0: Value) throws(OperationError) -> Value {
        let (a, b) = unifyZero(a0, b0)
        switch (a, b) {
        case (.int(let x), .int(let y)): return .int(try checked(x.subtractingReportingOverflow(y), "\(x) - \(y)"))
        case (.int(let x), .float(let y)): return try finite(Double(x) - y)
        case (.float(let x), .int(let y)): return try finite(x - Double(y))
        case (.float(let x), .float(let y)): return try finite(x - y)
        case (.size(let x), .size(let y)):
            return .size(Size(bytes: try checked(x.bytes.subtractingReportingOverflow(y.bytes), "size difference"), family: x.family.combined(with: y.family)))
        case (.duration(let x), .duration(let y)):
            return .duration(TimeSpan(milliseconds: try checked(x.milliseconds.subtractingReportingOverflow(y.milliseconds), "duration difference"),
                                      family: x.family.combined(with: y.family)))
        case (.cpu(let x), .cpu(let y)):
            return .cpu(CPU(millicores: try checked(x.millicores.subtractingReportingOverflow(y.millicores), "cpu difference")))
        case (.percent(let x), .percent(let y)):
            return .percent(Percent(micros: try checked(x.micros.subtractingReportingOverflow(y.micros), "percent difference")))
        case (.unlimited, .int), (.unlimited, .float), (.unlimited, .size), (.unlimited, .duration), (.unlimited, .cpu), (.unlimited, .percent):
            return .unlimited
        case (_, .unlimited):
            throw Err(.operandTypes, "cannot subtract `unlimited` from \(describe(a0))")
        default:
            throw kindError("-", a0, b0)
        }
    }

    /// A factor as an exact fraction: ints, floats (through their shortest decimal form) and percents.
    private static func fraction(_ v: Value) -> (Int128, Int128)? {
        switch v {
        case .int(let i): return (Int128(i), 1)
        case .float(let d): return ExactNumber(d)?.fraction
        case .percent(let p): return (Int128(p.micros), 100_000_000)
        default: return nil
        }
    }

    private static func isQuantity(_ v: Value) -> Bool {
        switch v {
        case .size, .duration, .cpu: true
        default: false
        }
    }

    /// A quantity with its magnitude (bytes, milliseconds, millicores, micro-percent) transformed.
    private static func mapMagnitude(_ q: Value, _ f: (Int64) throws(OperationError) -> Int64) throws(OperationError) -> Value {
        switch q {
        case .size(let x): return .size(Size(bytes: try f(x.bytes), family: x.family))
        case .duration(let x): return .duration(TimeSpan(milliseconds: try f(x.milliseconds), family: x.family))
        case .cpu(let x): return .cpu(CPU(millicores: try f(x.millicores)))
        case .percent(let x): return .percent(Percent(micros: try f(x.micros)))
        default: return q
        }
    }

    /// A quantity scaled by `num/den`, rounded half away from zero to its base unit.
    private static func scale(_ q: Value, _ num: Int128, _ den: Int128) throws(OperationError) -> Value {
        try mapMagnitude(q) { (x: Int64) throws(OperationError) -> Int64 in
            guard let r = scaleRounded(x, numerator: num, denominator: den) else {
                if den == 0 { throw Err(.divisionByZero, "division of \(q.sourceText) by zero") }
                throw Err(.overflow, "scaling \(q.sourceText) overflows 64 bits")
            }
            return r
        }
    }

    public static func multiply(_ a: Value, _ b: Value) throws(OperationError) -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)): return .int(try checked(x.multipliedReportingOverflow(by: y), "\(x) * \(y)"))
        case (.int(let x), .float(let y)): return try finite(Double(x) * y)
        case (.float(let x), .int(let y)): return try finite(x * Double(y))
        case (.float(let x), .float(let y)): return try finite(x * y)
        case (.percent, .percent), (.percent, .int), (.percent, .float):
            guard let (n, d) = fraction(b) else {
                if case .float(let f) = b { return try scale(a, byDouble: f) }
                throw kindError("*", a, b)
            }
            return try scale(a, n, d)
        case (.int, .percent), (.float, .percent):
            guard let (n, d) = fraction(b) else { throw kindError("*", a, b) }
            let x: Double = if case .int(let i) = a { Double(i) } else if case .float(let f) = a { f } else { 0 }
            return try finite(x * Double(n) / Double(d))
        case (.unlimited, _), (_, .unlimited):
            let other = if case .unlimited = a { b } else { a }
            if case .unlimited = other { return .unlimited }
            guard let (n, _) = fraction(other) else { throw kindError("*", a, b) }
            guard n > 0 else { throw Err(.operandTypes, "cannot multiply `unlimited` by \(other.sourceText)") }
            return .unlimited
        default:
            if isQuantity(a), let (n, d) = fraction(b) { return try scale(a, n, d) }
            if isQuantity(b), let (n, d) = fraction(a) { return try scale(b, n, d) }
            if isQuantity(a), case .float(let f) = b { return try scale(a, byDouble: f) }
            if isQuantity(b), case .float(let f) = a { return try scale(b, byDouble: f) }
            throw kindError("*", a, b)
        }
    }

    /// A quantity times a float too large or too small for an exact fraction (`1GiB * 1e-300`).
    private static func scale(_ q: Value, byDouble f: Double) throws(OperationError) -> Value {
        try mapMagnitude(q) { (x: Int64) throws(OperationError) -> Int64 in
            let r = (Double(x) * f).rounded(.toNearestOrAwayFromZero)
            // 2^63 is exactly representable: anything below it in magnitude converts.
            guard r.isFinite, abs(r) < 9_223_372_036_854_775_808.0 else {
                throw Err(.overflow, "scaling \(q.sourceText) by \(formatFloat(f)) overflows 64 bits")
            }
            return Int64(r)
        }
    }

    public static func divide(_ a: Value, _ b: Value) throws(OperationError) -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            guard y != 0 else { throw Err(.divisionByZero, "division of \(x) by zero") }
            return try finite(Double(x) / Double(y))
        case (.int(let x), .float(let y)):
            guard y != 0 else { throw Err(.divisionByZero, "division of \(x) by zero") }
            return try finite(Double(x) / y)
        case (.float(let x), .int(let y)):
            guard y != 0 else { throw Err(.divisionByZero, "division of \(formatFloat(x)) by zero") }
            return try finite(x / Double(y))
        case (.float(let x), .float(let y)):
            guard y != 0 else { throw Err(.divisionByZero, "division of \(formatFloat(x)) by zero") }
            return try finite(x / y)
        case (.size(let x), .size(let y)): return try ratio(Double(x.bytes), Double(y.bytes), a)
        case (.duration(let x), .duration(let y)): return try ratio(Double(x.milliseconds), Double(y.milliseconds), a)
        case (.cpu(let x), .cpu(let y)): return try ratio(Double(x.millicores), Double(y.millicores), a)
        case (.percent(let x), .percent(let y)): return try ratio(Double(x.micros), Double(y.micros), a)
        case (.unlimited, _):
            guard let (n, _) = fraction(b), n > 0 else { throw kindError("/", a, b) }
            return .unlimited
        default:
            let scalable = isQuantity(a) || { if case .percent = a { return true } else { return false } }()
            if scalable, let (n, d) = fraction(b) {
                guard n != 0 else { throw Err(.divisionByZero, "division of \(a.sourceText) by zero") }
                return try scale(a, d, n)
            }
            // A float too large or too small for an exact fraction (`1GiB / 1e-300`): the same
            // overflow as `1GiB / 1e-10`, never a type error.
            if scalable, case .float(let f) = b {
                do { return try scale(a, byDouble: 1 / f) } catch {
                    throw Err(.overflow, "\(a.sourceText) / \(formatFloat(f)) overflows 64 bits")
                }
            }
            throw kindError("/", a, b)
        }
    }

    private static func ratio(_ x: Double, _ y: Double, _ a: Value) throws(OperationError) -> Value {
        guard y != 0 else { throw Err(.divisionByZero, "division of \(a.sourceText) by zero") }
        return try finite(x / y)
    }

    private static func finite(_ d: Double) throws(OperationError) -> Value {
        guard d.isFinite else { throw Err(.overflow, "the result is not a finite number") }
        return .float(d)
    }

    static func tooDeep() -> OperationError {
        Err(.evaluationLimit, "lists and records nest deeper than \(EvaluationLimits.maxValueDepth) levels",
            help: ["a formula wraps a value in lists or records too many times"])
    }

    static func stringTooLong() -> OperationError {
        Err(.evaluationLimit, "string longer than \(EvaluationLimits.maxStringBytes) bytes", help: ["values this large do not belong in a configuration"])
    }

    static func listTooLong() -> OperationError {
        Err(.evaluationLimit, "list longer than \(EvaluationLimits.maxListItems) items", help: ["values this large do not belong in a configuration"])
    }

    public static func negate(_ v: Value) throws(OperationError) -> Value {
        switch v {
        case .int(let i):
            guard i != .min else { throw Err(.overflow, "-(\(i)) overflows 64 bits") }
            return .int(-i)
        case .float(let d): return .float(-d)
        case .size(let s) where s.bytes != .min: return .size(Size(bytes: -s.bytes, family: s.family))
        case .duration(let t) where t.milliseconds != .min: return .duration(TimeSpan(milliseconds: -t.milliseconds, family: t.family))
        case .cpu(let c) where c.millicores != .min: return .cpu(CPU(millicores: -c.millicores))
        case .percent(let p) where p.micros != .min: return .percent(Percent(micros: -p.micros))
        default: throw Err(.operandTypes, "cannot negate \(describe(v))")
        }
    }

    /// Equality as `==` sees it: quantities by amount, ints and floats numerically. `symbol` is
    /// the operator errors name (`!=` asks the same question).
    public static func equal(_ a0: Value, _ b0: Value, as symbol: String = "==") throws(OperationError) -> Bool {
        let (a, b) = unifyZero(a0, b0)
        switch (a, b) {
        case (.int(let x), .float(let y)): return Double(x) == y
        case (.float(let x), .int(let y)): return x == Double(y)
        case (.unlimited, _), (_, .unlimited): return a == b
        case (.secret, _), (_, .secret):
            throw secretsCompared()
        default:
            guard a.kindName == b.kindName else {
                throw Err(.operandTypes, "cannot compare \(describe(a0)) with \(describe(b0)) using `\(symbol)`",
                          help: ["both sides of `\(symbol)` must have the same type"])
            }
            return a == b
        }
    }

    static func secretsCompared() -> OperationError {
        Err(.operandTypes, "secrets cannot be compared", help: ["a rule must not reveal anything about a secret"])
    }

    /// Refuses a list or record that holds a secret, for `==`, `!=` and `in`: comparing the
    /// values around a secret would reveal it as surely as comparing the secret itself. Counts
    /// the items it looks at in `steps` and stops looking once they pass `limit`.
    static func refuseSecrets(in v: Value, steps: inout Int, limit: Int) throws(OperationError) {
        steps &+= 1
        guard steps <= limit else { return }
        switch v {
        case .secret: throw secretsCompared()
        case .list(let items): for item in items { try refuseSecrets(in: item, steps: &steps, limit: limit) }
        case .record(let r): for item in r.values { try refuseSecrets(in: item, steps: &steps, limit: limit) }
        default: break
        }
    }

    /// `<`, `<=`, `>`, `>=` — `unlimited` is greater than everything else.
    public static func compare(_ op: BinaryOperator, _ a0: Value, _ b0: Value) throws(OperationError) -> Bool {
        let (a, b) = unifyZero(a0, b0)
        if case .secret = a { throw Err(.operandTypes, "secrets cannot be compared") }
        if case .secret = b { throw Err(.operandTypes, "secrets cannot be compared") }
        guard let c = compareForBounds(a, b) else { throw kindError(op.rawValue, a0, b0) }
        switch op {
        case .less: return c < 0
        case .lessEqual: return c <= 0
        case .greater: return c > 0
        default: return c >= 0
        }
    }

    /// `a in b`: list membership, record key, or substring.
    public static func contains(_ a: Value, _ b: Value) throws(OperationError) -> Bool {
        switch b {
        case .list(let items):
            for item in items {
                if (try? equal(a, item)) == true { return true }
            }
            return false
        case .record(let r):
            guard case .string(let k) = a else { throw Err(.operandTypes, "`in` on a record needs a string key, found \(describe(a))") }
            return r[k] != nil
        case .string(let s):
            guard case .string(let sub) = a else { throw Err(.operandTypes, "`in` on a string needs a string, found \(describe(a))") }
            return sub.isEmpty || s.contains(sub)
        default:
            throw Err(.operandTypes, "`in` needs a list, record or string on its right, found \(describe(b))")
        }
    }

    /// Text of a value inside `"${…}"`: strings as they are, other values as written in source.
    public static func interpolated(_ v: Value) throws(OperationError) -> String {
        switch v {
        case .string(let s): return s
        case .secret:
            throw Err(.operandTypes, "a secret cannot be interpolated into a string",
                      help: ["secrets only ever reach output as themselves, so they cannot leak through another field"])
        default: return v.sourceText
        }
    }

    // MARK: Functions

    public static func call(_ f: Function, _ args: [Value]) throws(OperationError) -> Value {
        func single() throws(OperationError) -> Value {
            guard args.count == 1 else { throw Err(.badCall, "`\(f.rawValue)` takes one argument, found \(args.count)") }
            return args[0]
        }
        func list(_ v: Value) throws(OperationError) -> [Value] {
            guard case .list(let items) = v else { throw Err(.badCall, "`\(f.rawValue)` needs a list, found \(describe(v))") }
            return items
        }
        switch f {
        case .sum:
            var total: Value = .int(0)
            for item in try list(try single()) {
                do { total = try add(total, item) } catch { throw Err(error.code, "in `sum`: \(error.message)", help: error.help) }
            }
            return total
        case .min, .max:
            let items = args.count == 1 ? try list(args[0]) : args
            guard var best = items.first else {
                throw Err(.badCall, "`\(f.rawValue)` of an empty list has no value")
            }
            for item in items.dropFirst() {
                let better = try compare(f == .min ? .less : .greater, item, best)
                if better { best = item }
            }
            return best
        case .len:
            switch try single() {
            case .list(let items): return .int(Int64(items.count))
            case .string(let s): return .int(Int64(s.unicodeScalars.count))
            case .record(let r): return .int(Int64(r.count))
            case let v: throw Err(.badCall, "`len` needs a list, string or record, found \(describe(v))")
            }
        case .all, .any:
            var result = f == .all
            for item in try list(try single()) {
                guard case .bool(let b) = item else { throw Err(.badCall, "`\(f.rawValue)` needs a list of bools, found \(describe(item))") }
                if f == .all { result = result && b } else { result = result || b }
            }
            return .bool(result)
        case .keys:
            guard case .record(let r) = try single() else { throw Err(.badCall, "`keys` needs a record, found \(describe(args[0]))") }
            return .list(r.keys.map { .string($0) })
        }
    }

    /// Applies a non-short-circuit binary operator.
    public static func binary(_ op: BinaryOperator, _ a: Value, _ b: Value) throws(OperationError) -> Value {
        switch op {
        case .add: return try add(a, b)
        case .subtract: return try subtract(a, b)
        case .multiply: return try multiply(a, b)
        case .divide: return try divide(a, b)
        case .equal: return .bool(try equal(a, b))
        case .notEqual: return .bool(!(try equal(a, b, as: "!=")))
        case .less, .lessEqual, .greater, .greaterEqual: return .bool(try compare(op, a, b))
        case .contains: return .bool(try contains(a, b))
        case .and, .or, .implies:
            guard case .bool(let x) = a, case .bool(let y) = b else {
                throw Err(.operandTypes, "`\(op.rawValue)` needs bools, found \(describe(a)) and \(describe(b))")
            }
            switch op {
            case .and: return .bool(x && y)
            case .or: return .bool(x || y)
            default: return .bool(!x || y)
            }
        }
    }
}

extension String {
    /// A string of `bytes`, which are the UTF-8 of strings put end to end (so valid UTF-8
    /// already: copied without a second validation).
    init(concatenatedUTF8 bytes: UnsafeBufferPointer<UInt8>) {
        self.init(unsafeUninitializedCapacity: bytes.count) { buffer in
            guard let out = buffer.baseAddress, let base = bytes.baseAddress else { return 0 }
            out.update(from: base, count: bytes.count)
            return bytes.count
        }
    }
}
