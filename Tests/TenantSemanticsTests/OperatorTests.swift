import Testing
import TenantDiagnostics
import TenantModel
@testable import TenantSemantics

@Suite("Quantities and operators")
struct OperatorTests {
    /// The value of `expr`, failing the test on any diagnostic.
    func value(_ expr: String, prelude: String = "", sourceLocation: SourceLocation = #_sourceLocation) -> Value? {
        let (v, ds) = evaluate(expr, prelude: prelude)
        #expect(ds.isEmpty, "\(expr): \(summary(ds))", sourceLocation: sourceLocation)
        return v
    }

    /// The value's source text (`90m`, `2cores`).
    func text(_ expr: String, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        value(expr, sourceLocation: sourceLocation)?.sourceText
    }

    /// The codes and messages of the diagnostics `expr` produces.
    func failure(_ expr: String, prelude: String = "") -> [Diagnostic] {
        evaluate(expr, prelude: prelude).diagnostics
    }

    // MARK: literals

    @Test func exactLiteralConversion() {
        #expect(value("0.25cores") == cpu(250))
        #expect(value("1.5GiB") == size(1_610_612_736))
        #expect(value("1.5s") == duration(1500))
        #expect(value("0.001cores") == cpu(1))
        #expect(value("1.5KB") == size(1500))
        #expect(value("12.5%") == percent(12_500_000))
        #expect(value("1y") == duration(365 * 86_400_000))
        #expect(value("2w") == duration(14 * 86_400_000))
        #expect(value("1e3") == .float(1000))
        #expect(value("1_000_000") == .int(1_000_000))
    }

    @Test(arguments: ["0.0001cores", "0.5B", "1.5ms", "0.0000001%"])
    func precisionFinerThanTheBaseUnit(_ literal: String) {
        let c = compile("tier base { x = \(literal) }")
        let d = c.parseDiagnostics.first
        #expect(d?.code.id == "E0008", "\(summary(c.diagnostics))")
    }

    // MARK: scaling and rounding

    @Test func sizeTimesPercentRoundsHalfUp() {
        #expect(value("3B * 50%") == size(2))
        #expect(value("5B * 0.5") == size(3))
        #expect(value("5B * 0.3") == size(2))        // 1.5 → 2
        #expect(value("7B * 0.3") == size(2))        // 2.1 → 2
        #expect(value("0.001cores * 50%") == cpu(1))
        #expect(value("0.003cores * 50%") == cpu(2))
        #expect(value("0.25cores * 40%") == cpu(100))
        #expect(value("1s * 0.5") == duration(500))
        #expect(value("1ms * 50%") == duration(1))
        #expect(value("512MiB * 2") == size(1 * GiB))
        #expect(value("2 * 1GiB") == size(2 * GiB))
        #expect(value("1GiB / 2") == size(512 * MiB))
        #expect(value("3B / 2") == size(2))
        #expect(value("1cores / 3") == cpu(333))
        #expect(value("2cores / 3") == cpu(667))
        #expect(value("70% * 50%") == percent(35_000_000))
    }

    @Test func ratiosAreFloats() {
        #expect(value("1GiB / 512MiB") == .float(2.0))
        #expect(value("1cores / 4cores") == .float(0.25))
        #expect(value("90m / 1h") == .float(1.5))
        #expect(value("7 / 2") == .float(3.5))
        #expect(value("4 / 2") == .float(2.0))
        #expect(value("1 / 4") == .float(0.25))
        #expect(value("6 * 7") == .int(42))
        #expect(value("6 * 0.5") == .float(3.0))
        #expect(value("1 + 0.5") == .float(1.5))
        #expect(value("10 - 12") == .int(-2))
    }

    // MARK: errors

    @Test func mixingKinds() {
        let ds = failure("2cores + 1GiB")
        let d = ds.first { $0.code.id == "E0404" }
        #expect(d?.message == "cannot apply `+` to cpu 2cores and size 1GiB")
        #expect(d?.help.first?.contains("quantities of different kinds do not mix") == true)
        #expect(failure("1GiB < 1cores").contains { $0.code.id == "E0404" })
        #expect(failure("1GiB + 1").first { $0.code.id == "E0404" }?.help.first?.contains("give the number a unit") == true)
        #expect(failure("\"a\" + 1").contains { $0.code.id == "E0404" })
        #expect(failure("1GiB == 1").contains { $0.code.id == "E0404" })
        #expect(failure("1cores * 1cores").contains { $0.code.id == "E0404" })
    }

    @Test func overflowIsADiagnosticNeverATrap() {
        let add = failure("9223372036854775807 + 1").first { $0.code.id == "E0402" }
        #expect(add?.message == "9223372036854775807 + 1 overflows 64 bits")
        #expect(failure("-9223372036854775807 - 2").contains { $0.code.id == "E0402" })
        #expect(failure("9223372036854775807 * 2").contains { $0.code.id == "E0402" })
        let scaled = failure("4000PiB * 1000").first { $0.code.id == "E0402" }
        #expect(scaled?.message == "scaling 4000PiB overflows 64 bits")
        #expect(failure("8000PiB + 8000PiB").contains { $0.code.id == "E0402" })
        #expect(failure("9000000000000000cores * 10").contains { $0.code.id == "E0402" })
        #expect(failure("1e308 * 10.0").contains { $0.code.id == "E0402" })
    }

    @Test func overflowThroughAField() {
        // Not constant-folded: the overflow happens during evaluation.
        let (v, ds) = evaluate("big * 1000", prelude: "big = 4000PiB")
        #expect(v == nil)
        #expect(ds.contains { $0.code.id == "E0402" })
        let (v2, ds2) = evaluate("n + 1", prelude: "n = 9223372036854775807")
        #expect(v2 == nil)
        #expect(ds2.contains { $0.code.id == "E0402" })
    }

    @Test func aQuantityDividedByAnyFloatTooSmallOverflows() {
        // One rule whether or not the float has an exact fraction.
        #expect(failure("1GiB / 1e-10").contains { $0.code.id == "E0402" })
        #expect(failure("1GiB / 1e-300").contains { $0.code.id == "E0402" })
        #expect(failure("1GiB / 1e-300").allSatisfy { $0.code.id != "E0404" })
        #expect(failure("50% * 1e300").contains { $0.code.id == "E0402" })
        #expect(evaluate("1GiB / 1e300").value == size(0))
        #expect(evaluate("1GiB * 1e-300").value == size(0))
    }

    @Test func aComparisonOfTwoKindsNamesItsOwnOperator() {
        #expect(failure("\"a\" != 0").first { $0.code.id == "E0404" }?.message == "cannot compare string \"a\" with int 0 using `!=`")
        #expect(failure("\"a\" == 0").first { $0.code.id == "E0404" }?.message == "cannot compare string \"a\" with int 0 using `==`")
    }

    @Test func divisionByZero() {
        #expect(failure("1 / 0").first { $0.code.id == "E0403" }?.message == "division of 1 by zero")
        #expect(failure("1.5 / 0").contains { $0.code.id == "E0403" })
        #expect(failure("1GiB / 0").contains { $0.code.id == "E0403" })
        #expect(failure("1GiB / 0B").contains { $0.code.id == "E0403" })
        #expect(failure("1cores / 0%").contains { $0.code.id == "E0403" })
        let (v, ds) = evaluate("10 / zero", prelude: "zero = 0")
        #expect(v == nil)
        #expect(ds.contains { $0.code.id == "E0403" })
    }

    // MARK: canonical formatting

    @Test func canonicalFormatting() {
        #expect(text("1h + 30m") == "90m")
        #expect(text("512MiB") == "512MiB")
        #expect(text("1GB") == "1GB")
        #expect(text("1000MB") == "1GB")
        #expect(text("1024MiB") == "1GiB")
        #expect(text("1536MiB") == "1536MiB")
        #expect(text("7d") == "7d")
        #expect(text("14d") == "14d")
        #expect(text("2w") == "2w")
        #expect(text("2y") == "2y")
        #expect(text("0d") == "0d")
        #expect(text("24h") == "1d")
        #expect(text("1500ms") == "1500ms")
        #expect(text("1.5s") == "1500ms")
        #expect(text("0.25cores") == "0.25cores")
        #expect(text("1cores") == "1core")
        #expect(text("2cores") == "2cores")
        #expect(text("12.5%") == "12.5%")
        #expect(text("1500B") == "1500B")
        #expect(text("1y + 1d") == "366d")
        #expect(text("30d * 2") == "60d")
    }

    // MARK: comparisons and logic

    @Test func comparisons() {
        #expect(value("2cores > 1.5cores") == .bool(true))
        #expect(value("1GiB > 1GB") == .bool(true))
        #expect(value("1GiB == 1024MiB") == .bool(true))
        #expect(value("1y == 365d") == .bool(true))
        #expect(value("1h <= 60m") == .bool(true))
        #expect(value("1 < 1.5") == .bool(true))
        #expect(value("2 == 2.0") == .bool(true))
        #expect(value("\"a\" < \"b\"") == .bool(true))
        #expect(value("\"a\" != \"b\"") == .bool(true))
        #expect(value("[1, 2] == [1, 2]") == .bool(true))
        #expect(value("70% >= 70%") == .bool(true))
    }

    @Test func membershipAndLogic() {
        #expect(value("\"b\" in [\"a\", \"b\"]") == .bool(true))
        #expect(value("3 in [1, 2]") == .bool(false))
        #expect(value("1GiB in [1024MiB]") == .bool(true))
        #expect(value("\"ell\" in \"hello\"") == .bool(true))
        #expect(value("\"x\" in r", prelude: "r = { x = 1 }") == .bool(true))
        #expect(value("true implies false") == .bool(false))
        #expect(value("false implies false") == .bool(true))
        #expect(value("true && !false || false") == .bool(true))
        #expect(value("if 1 < 2 then \"yes\" else \"no\"") == .string("yes"))
        #expect(value("if n > 5 then 1cores else 2cores", prelude: "n = 3") == cpu(2000))
    }

    @Test func shortCircuitSkipsTheOtherSide() {
        // The right side would divide by zero: it is never evaluated.
        #expect(value("off && 1 / zero > 0", prelude: "off = false\n zero = 0") == .bool(false))
        #expect(value("on || 1 / zero > 0", prelude: "on = true\n zero = 0") == .bool(true))
        #expect(value("off implies 1 / zero > 0", prelude: "off = false\n zero = 0") == .bool(true))
    }

    @Test func nonBoolInLogic() {
        #expect(failure("n && true", prelude: "n = 1").contains { $0.code.id == "E0404" })
        #expect(failure("if n then 1 else 2", prelude: "n = 1").contains { $0.code.id == "E0404" })
    }

    // MARK: functions

    @Test func functions() {
        #expect(value("sum([1, 2, 3])") == .int(6))
        #expect(value("sum([1cores, 0.5cores])") == cpu(1500))
        #expect(value("sum([1GiB, 512MiB])") == size(1536 * MiB))
        #expect(value("sum([])") == .int(0))
        #expect(value("min([3, 1, 2])") == .int(1))
        #expect(value("max(1GiB, 2GiB)") == size(2 * GiB))
        #expect(value("max([1h, 90m, 30m])") == duration(90 * 60_000))
        #expect(value("len([1, 2])") == .int(2))
        #expect(value("len(\"héllo\")") == .int(5))
        #expect(value("len(r)", prelude: "r { a = 1  b = 2 }") == .int(2))
        #expect(value("all([true, false])") == .bool(false))
        #expect(value("all([])") == .bool(true))
        #expect(value("any([false, true])") == .bool(true))
        #expect(value("any([])") == .bool(false))
        #expect(value("keys(r)", prelude: "r { zeta = 1  alpha = 2 }") == strings("zeta", "alpha"))
    }

    @Test func functionErrors() {
        #expect(failure("min([])").contains { $0.code.id == "E0405" })
        #expect(failure("sum(1)").contains { $0.code.id == "E0405" })
        #expect(failure("len(1, 2)").contains { $0.code.id == "E0405" })
        let unknown = failure("summ([1])").first { $0.code.id == "E0405" }
        #expect(unknown?.message == "unknown function `summ`")
        #expect(unknown?.help.first == "did you mean `sum`?")
        #expect(failure("sum([1cores, 1GiB])").first { $0.code.id == "E0404" }?.message.hasPrefix("in `sum`: ") == true)
    }

    @Test func zeroIsTheZeroOfAnyQuantity() {
        let prelude = "limits.cpu = 2cores\n limits.memory = 1GiB"
        #expect(value("sum([]) <= limits.cpu", prelude: prelude) == .bool(true))
        #expect(value("limits.cpu > 0", prelude: prelude) == .bool(true))
        #expect(value("0 + limits.memory", prelude: prelude) == size(1 * GiB))
        #expect(value("limits.memory - 0", prelude: prelude) == size(1 * GiB))
        #expect(value("0 == 0cores") == .bool(true))
        #expect(value("sum([x for x in [1cores] if false]) == 0") == .bool(true))
    }

    // MARK: records, wildcards, comprehensions

    static let dbs = """
    dbs {
      pg { on = true  cpu = 1cores  name = "pg" }
      mongo { on = false  cpu = 0.5cores  name = "mongo" }
      redis { on = true  cpu = 0.25cores  name = "redis" }
    }
    """

    @Test func recordChildren() {
        #expect(value("len(dbs.*)", prelude: Self.dbs) == .int(3))
        #expect(value("[d.name for d in dbs.*]", prelude: Self.dbs) == strings("pg", "mongo", "redis"))
        #expect(value("dbs.pg.*", prelude: Self.dbs) == .list([.bool(true), cpu(1000), .string("pg")]))
        #expect(value("{ a = 1, b = 2 }.*") == .list([.int(1), .int(2)]))
    }

    @Test func comprehensions() {
        #expect(value("[x * 2 for x in [1, 2, 3]]") == .list([.int(2), .int(4), .int(6)]))
        #expect(value("[x for x in [1, 2, 3, 4] if x > 2]") == .list([.int(3), .int(4)]))
        #expect(value("sum([d.cpu for d in dbs.* if d.on])", prelude: Self.dbs) == cpu(1250))
        #expect(value("[\"${d.name}:${d.cpu}\" for d in dbs.* if !d.on]", prelude: Self.dbs) == strings("mongo:0.5cores"))
        #expect(value("[[y for y in [1, 2] if y != x] for x in [1, 2]]") == .list([.list([.int(2)]), .list([.int(1)])]))
        #expect(value("[r for r in [\"us-east-1\", \"eu-west-1\"] if r != region]", prelude: "region = \"us-east-1\"") == strings("eu-west-1"))
    }

    @Test func comprehensionErrors() {
        #expect(failure("[x for x in 3]").contains { $0.code.id == "E0404" })
        #expect(failure("[x for x in [1] if x]").contains { $0.code.id == "E0404" })
        #expect(failure("[d.nme for d in dbs.*]", prelude: Self.dbs).first { $0.code.id == "E0407" }?.help.first == "did you mean `name`?")
    }

    // MARK: Operators, directly

    @Test func operatorsDirectly() throws {
        #expect(try Operators.add(duration(3_600_000), duration(1_800_000)).sourceText == "90m")
        #expect(try Operators.multiply(size(3), percent(50_000_000)) == size(2))
        #expect(try Operators.multiply(.size(Size(bytes: 5, family: .bytes)), .float(0.5)) == size(3))
        #expect(try Operators.divide(size(GiB), size(512 * MiB)) == .float(2))
        #expect(try Operators.divide(.int(1), .int(2)) == .float(0.5))
        #expect(try Operators.contains(.string("a"), .list([.string("a")])))
        #expect(try Operators.call(.sum, [.list([])]) == .int(0))
        #expect(try Operators.compare(.lessEqual, .int(0), cpu(1)))
        #expect(try Operators.interpolated(cpu(250)) == "0.25cores")
        #expect(try Operators.interpolated(.string("x")) == "x")
        #expect(try Operators.negate(size(5)) == size(-5))
        #expect(throws: OperationError.self) { try Operators.negate(.int(Int64.min)) }
        #expect(throws: OperationError.self) { try Operators.add(.int(Int64.max), .int(1)) }
        #expect(throws: OperationError.self) { try Operators.multiply(size(Int64.max / 2), .int(3)) }
        #expect(throws: OperationError.self) { try Operators.divide(cpu(1), .int(0)) }
        #expect(throws: OperationError.self) { try Operators.interpolated(.secret("tenantc:v1:k:abc")) }
        #expect(throws: OperationError.self) { try Operators.equal(.secret("a"), .secret("a")) }
        do {
            _ = try Operators.add(cpu(1), size(1))
            Issue.record("expected an error")
        } catch {
            #expect(error.code.id == "E0404")
        }
        do {
            _ = try Operators.divide(size(1), size(0))
            Issue.record("expected an error")
        } catch {
            #expect(error.code.id == "E0403")
        }
    }

    @Test func scaleRoundedHalfAwayFromZero() {
        #expect(scaleRounded(3, numerator: 1, denominator: 2) == 2)
        #expect(scaleRounded(-3, numerator: 1, denominator: 2) == -2)
        #expect(scaleRounded(1, numerator: 1, denominator: 3) == 0)
        #expect(scaleRounded(2, numerator: 1, denominator: 3) == 1)
        #expect(scaleRounded(Int64.max, numerator: 2, denominator: 1) == nil)
        #expect(scaleRounded(1, numerator: 1, denominator: 0) == nil)
    }


    @Test func quantityTimesExtremeFloats() {
        // size × number → size, rounded to whole bytes, whatever the float's exponent.
        #expect(value("1GiB * 1e-300") == size(0))
        #expect(value("1GiB * 0.0") == size(0))
        // Too large is an overflow, not a type error.
        let big = failure("1GiB * 1e40")
        #expect(big.contains { $0.code.id == "E0402" }, "\(summary(big))")
        #expect(!big.contains { $0.code.id == "E0404" }, "\(summary(big))")
    }
}
