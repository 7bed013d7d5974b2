import Testing
import TenantDiagnostics
import TenantModel
@testable import TenantSemantics

@Suite("Types")
struct TypeTests {
    /// A root tier declaring `field: <type> [= default]` and a tenant setting it to `value`.
    func setting(_ type: String, _ value: String, default def: String? = nil) -> Compiled {
        compile("""
        tier base {
          field: \(type)\(def.map { " = \($0)" } ?? "")
        }
        tenant t extends base {
          field = \(value)
        }
        """)
    }

    // MARK: unlimited

    static let unlimitedTiers = """
    tier base {
      locked limits { users: int | unlimited = 10 }
      used = 5
      check used <= limits.users else "${used} users; the tier allows ${limits.users}"
    }
    tier enterprise extends base { limits.users = unlimited }
    """

    @Test func unlimitedIsGreaterThanEverything() {
        let c = compile(Self.unlimitedTiers + """

        tenant big extends enterprise { used = 9_000_000_000 }
        tenant small extends base { used = 11 }
        """)
        #expect(c.tierDiagnostics.isEmpty, "\(summary(c.tierDiagnostics))")
        #expect(c.result("big")?.diagnostics.isEmpty == true, "\(summary(c.result("big")?.diagnostics ?? []))")
        #expect(c["big", "limits.users"] == .unlimited)
        #expect(c.result("small")?.diagnostics.first?.code.id == "E0310")
        #expect(c.result("small")?.diagnostics.first?.message == "11 users; the tier allows 10")
    }

    @Test func arithmeticOnUnlimitedInAnInferredFormula() {
        // `half` is declared by `=` in the root tier: its type is inferred from `int | unlimited` × percent.
        let c = compile("""
        tier base {
          locked limits { users: int | unlimited = 10 }
          half = limits.users * 50%
        }
        tier enterprise extends base { limits.users = unlimited }
        tenant big extends enterprise {}
        tenant small extends base {}
        """)
        #expect(c.tierDiagnostics.isEmpty, "\(summary(c.tierDiagnostics))")
        #expect(c["small", "half"] == .float(5.0), "\(summary(c.diagnostics))")
        #expect(c["big", "half"] == .unlimited, "\(summary(c.diagnostics))")
    }

    @Test func unlimitedWithExplicitTypes() {
        let c = compile("""
        tier base {
          storage: size | unlimited = 1TiB
          half: size | unlimited = storage * 50%
          more: size | unlimited = storage + 1GiB
        }
        tenant a extends base {}
        tenant b extends base { storage = unlimited }
        """)
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c["a", "half"] == size(512 * GiB))
        #expect(c["b", "half"] == .unlimited)
        #expect(c["b", "more"] == .unlimited)
    }

    @Test func unlimitedWhereNotAllowed() {
        let c = setting("int", "unlimited", default: "1")
        #expect(c.first("E0305")?.message == "`field`: expected int like 42, found unlimited")
    }

    @Test func unlimitedComparisons() throws {
        #expect(try Operators.compare(.greater, .unlimited, .int(Int64.max)))
        #expect(try Operators.compare(.greater, .unlimited, size(Int64.max)))
        #expect(try Operators.compare(.less, cpu(1_000_000), .unlimited))
        #expect(try Operators.compare(.greaterEqual, .unlimited, .unlimited))
        #expect(try !Operators.compare(.greater, .unlimited, .unlimited))
        #expect(try Operators.equal(.unlimited, .unlimited))
        #expect(try !Operators.equal(.unlimited, .int(10)))
        #expect(try Operators.multiply(.unlimited, percent(50_000_000)) == .unlimited)
        #expect(try Operators.add(.unlimited, .int(1)) == .unlimited)
        #expect(try Operators.divide(.unlimited, .int(2)) == .unlimited)
        #expect(throws: OperationError.self) { try Operators.multiply(.unlimited, .int(0)) }
        #expect(throws: OperationError.self) { try Operators.subtract(.int(1), .unlimited) }
    }

    // MARK: enums

    @Test func enumMemberDidYouMean() {
        let c = setting("\"shared\" | \"dedicated\" | \"cluster\"", "\"dedicatd\"", default: "\"shared\"")
        let d = c.first("E0308")
        #expect(d?.message == "`field`: \"dedicatd\" is not one of \"shared\", \"dedicated\", \"cluster\"")
        #expect(d?.help.first == "did you mean \"dedicated\"?")
        #expect(d?.fixes.first?.replacement == "\"dedicated\"")
        #expect(c.source(d?.fixes.first?.span) == "\"dedicatd\"")
        #expect(c.tenant == nil)
    }

    @Test func enumMemberFarFromEveryMember() {
        let c = setting("\"shared\" | \"dedicated\"", "\"zzzzzzzzzz\"", default: "\"shared\"")
        let d = c.first("E0308")
        #expect(d?.help.contains("the members are \"shared\", \"dedicated\"") == true)
        #expect(d?.fixes.isEmpty == true)
    }

    @Test func enumAcceptsItsMembers() {
        let c = setting("\"shared\" | \"dedicated\"", "\"dedicated\"", default: "\"shared\"")
        #expect(c.diagnostics.isEmpty)
        #expect(c["field"] == .string("dedicated"))
    }

    @Test func enumFromAFormulaIsCheckedAtEvaluation() {
        let c = compile("""
        tier base {
          mode: "a" | "b" = "a"
          prefix = "c"
        }
        tenant t extends base { mode = prefix + "" }
        """)
        #expect(c.first("E0308")?.message == "`mode`: \"c\" is not one of \"a\", \"b\"")
    }

    // MARK: bounds

    @Test func intBounds() {
        #expect(setting("int(1..10)", "10", default: "1").diagnostics.isEmpty)
        #expect(setting("int(1..10)", "1", default: "5").diagnostics.isEmpty)
        let above = setting("int(1..10)", "11", default: "1")
        #expect(above.first("E0307")?.message == "`field`: 11 is above the maximum 10 of int(1..10)")
        #expect(above.first("E0307")?.help.contains("use a value of at most 10") == true)
        let below = setting("int(1..10)", "0", default: "1")
        #expect(below.first("E0307")?.message == "`field`: 0 is below the minimum 1 of int(1..10)")
    }

    @Test func quantityBounds() {
        #expect(setting("size(..10TiB)", "11TiB", default: "1TiB").first("E0307")?.message == "`field`: 11TiB is above the maximum 10TiB of size(..10TiB)")
        #expect(setting("percent(0%..100%)", "120%", default: "50%").first("E0307") != nil)
        #expect(setting("percent(0%..100%)", "100%", default: "50%").diagnostics.isEmpty)
        #expect(setting("size(..10TiB)", "10TiB", default: "1TiB").diagnostics.isEmpty)
    }

    @Test func defaultOutOfBoundsInTheTier() {
        let c = compile("tier base { port: int(1..65535) = 70000 }")
        #expect(c.tierDiagnostics.first?.code.id == "E0307")
    }

    // MARK: signs of quantities

    @Test(arguments: [("cpu", "-1cores", "0cores"), ("size", "-1GiB", "0B"), ("duration", "-30d", "0d"), ("percent", "-5%", "0%")])
    func negativeQuantitiesAreRefused(_ type: String, _ negative: String, _ zero: String) {
        let c = setting(type, negative, default: zero)
        let d = c.first("E0307")
        #expect(d?.message == "`field`: \(negative) is negative: a \(type) must not be negative", "\(summary(c.diagnostics))")
        #expect(d?.help.contains { $0.contains("declares a lower bound, like `\(type)(-") } == true)
        #expect(c.tenant == nil)
        #expect(setting(type, zero, default: zero).diagnostics.isEmpty)
    }

    @Test func aLowerBoundOptsInToNegatives() {
        #expect(setting("percent(-100%..100%)", "-50%", default: "0%").diagnostics.isEmpty)
        #expect(setting("cpu(-2cores..)", "-1.5cores", default: "0cores").diagnostics.isEmpty)
        #expect(setting("(duration | unlimited)(-1h..)", "-30m", default: "0d").diagnostics.isEmpty)
        let below = setting("percent(-100%..100%)", "-150%", default: "0%")
        #expect(below.first("E0307")?.message == "`field`: -150% is below the minimum -100% of percent(-100%..100%)")
    }

    @Test func anUpperBoundAloneKeepsQuantitiesAtZeroOrMore() {
        let c = setting("size(..10TiB)", "-1GiB", default: "1GiB")
        #expect(c.first("E0307")?.message == "`field`: -1GiB is negative: a size must not be negative", "\(summary(c.diagnostics))")
    }

    @Test func intsAndFloatsStaySigned() {
        #expect(setting("int", "-3", default: "1").diagnostics.isEmpty)
        #expect(setting("float", "-0.5", default: "1.0").diagnostics.isEmpty)
    }

    @Test func aFormulaBelowZeroIsCaughtWhenItsFieldIsChecked() {
        // Intermediate values may be negative; only the value a field ends up with may not.
        let c = compile("""
        tier base {
          locked limits { cpu = 2cores }
          spare = limits.cpu - used
          used: cpu = 1core
          headroom = (limits.cpu - 3cores) + 2cores
        }
        tenant ok extends base {}
        tenant greedy extends base { used = 3cores }
        """)
        #expect(c.result("ok")?.diagnostics.isEmpty == true, "\(summary(c.result("ok")?.diagnostics ?? []))")
        #expect(c["ok", "headroom"] == cpu(1000))
        let d = c.result("greedy")?.diagnostics.first
        #expect(d?.code.id == "E0307")
        #expect(d?.message == "`spare`: -1cores is negative: a cpu must not be negative", "\(summary(c.result("greedy")?.diagnostics ?? []))")
        #expect(c.result("greedy")?.tenant == nil)
    }

    @Test func negativeItemsOfListsAndRecordsAreRefused() {
        let c = setting("[{ name: string  retention: duration }]", "[{ name = \"kpi\", retention = -1y }]", default: "[]")
        #expect(c.first("E0307")?.message == "`field`: item 1 of the list: field `retention`: -1y is negative: a duration must not be negative",
                "\(summary(c.diagnostics))")
    }

    @Test func aRootTierCannotInferANegativeQuantity() {
        let c = compile("tier base { offset = -1cores  shift: cpu(-1cores..) = -1cores  rates = [1%, -2%] }")
        let messages = c.tierDiagnostics.filter { $0.code.id == "E0307" }.map(\.message)
        #expect(messages == ["`offset`: -1cores is negative: a cpu must not be negative",
                             "`rates`: -2% is negative: a percent must not be negative"], "\(summary(c.tierDiagnostics))")
    }

    @Test func aRecordTypeCannotInferANegativeDefault() {
        let c = compile("tier base { metrics: [{ name: string  keep = -1d }] = [{ name = \"a\" }] }")
        #expect(c.tierDiagnostics.first { $0.code.id == "E0307" }?.message == "field `keep`: -1d is negative: a duration must not be negative",
                "\(summary(c.tierDiagnostics))")
    }

    @Test func aScaleBelowZeroIsCaught() {
        let c = compile("""
        tier base {
          resources { cpu = 1core }
          env production { scale resources by -50% }
        }
        tenant t extends base {}
        """)
        #expect(c.first("E0307")?.message == "`resources.cpu`: -0.5cores is negative: a cpu must not be negative", "\(summary(c.diagnostics))")
    }

    // MARK: cron, cidr, email

    @Test(arguments: ["0 2 * * 0", "0 2 * * 1-6", "*/30 * * * *", "0 */6 * * *", "0 1 * * SUN", "15,45 8-18 1 JAN-MAR MON-FRI", "0 0 1 1 7"])
    func goodCron(_ s: String) {
        let c = setting("cron", "\"\(s)\"", default: "\"0 0 * * *\"")
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c["field"] == .string(s))
    }

    @Test(arguments: ["0 2 * *", "0 2 * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "*/0 * * * *", "5-1 * * * *", "a b c d e", ""])
    func badCron(_ s: String) {
        let c = setting("cron", "\"\(s)\"", default: "\"0 0 * * *\"")
        let d = c.first("E0309")
        #expect(d?.message.hasPrefix("`field`: \"\(s)\" is not a valid cron: ") == true, "\(summary(c.diagnostics))")
        #expect(d?.help.contains("expected cron expression like \"0 2 * * 0\"") == true)
        #expect(c.tenant == nil)
    }

    @Test(arguments: ["10.0.0.0/8", "192.168.1.0/24", "0.0.0.0/0", "172.16.0.0/12", "2001:db8::/32", "::/0", "fe80::1/128"])
    func goodCIDR(_ s: String) {
        let c = setting("cidr", "\"\(s)\"", default: "\"10.0.0.0/8\"")
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
    }

    @Test(arguments: ["10.0.0.0", "300.0.0.0/8", "10.0.0.0/33", "10.0.0/8", "10.0.0.0/x", "2001:db8::/129", "gggg::/16", "1:2:3:4:5:6:7:8:9/64", ""])
    func badCIDR(_ s: String) {
        let c = setting("cidr", "\"\(s)\"", default: "\"10.0.0.0/8\"")
        let d = c.first("E0309")
        #expect(d?.message.hasPrefix("`field`: \"\(s)\" is not a valid cidr: ") == true, "\(summary(c.diagnostics))")
    }

    @Test(arguments: ["ops@example.com", "a.b+c@mail.example.co.uk", "x@sub-domain.io"])
    func goodEmail(_ s: String) {
        #expect(setting("email", "\"\(s)\"", default: "\"a@b.io\"").diagnostics.isEmpty)
    }

    @Test(arguments: ["no-at-sign", "a@b", "@example.com", "a@@example.com", "a b@example.com", "a@-bad.com", "a@example..com", ""])
    func badEmail(_ s: String) {
        let c = setting("email", "\"\(s)\"", default: "\"a@b.io\"")
        let d = c.first("E0309")
        #expect(d?.message.hasPrefix("`field`: \"\(s)\" is not a valid email: ") == true, "\(summary(c.diagnostics))")
    }

    // MARK: lists, records in lists, optional

    @Test func listElementsAreChecked() {
        let ok = setting("[cidr]", "[\"10.0.0.0/8\", \"172.16.0.0/12\"]", default: "[]")
        #expect(ok.diagnostics.isEmpty)
        #expect(ok["field"] == strings("10.0.0.0/8", "172.16.0.0/12"))
        let badFormat = setting("[cidr]", "[\"10.0.0.0/8\", \"nope\"]", default: "[]")
        #expect(badFormat.first("E0309")?.message.hasPrefix("`field`: item 2 of the list: \"nope\" is not a valid cidr") == true)
        let badType = setting("[int]", "[1, \"two\"]", default: "[]")
        #expect(badType.first("E0305")?.message == "`field`: item 2 of the list: expected int like 42, found string \"two\"")
        let notList = setting("[int]", "1", default: "[]")
        #expect(notList.first("E0305")?.message == "`field`: expected list of int, found int 1")
    }

    @Test func listOfEnums() {
        let c = setting("[\"GDPR\" | \"SOX\"]", "[\"GDPR\", \"SXO\"]", default: "[]")
        let d = c.first("E0308")
        #expect(d?.message == "`field`: item 2 of the list: \"SXO\" is not one of \"GDPR\", \"SOX\"")
        #expect(d?.help.first == "did you mean \"SOX\"?")
    }

    @Test func floatAcceptsInts() {
        let c = setting("float", "2", default: "0.5")
        #expect(c["field"] == .float(2.0))
    }

    static let users = """
    tier base {
      users: [{ name: string  admin: bool = false  tags: [string] = []  note: string? }] =
        [{ name = "${tenant.id}_admin", admin = true }]
    }
    """

    @Test func listOfRecordsWithDefaults() {
        let c = compile(Self.users + "\ntenant t extends base {}\ntenant u extends base { users = [{ name = \"a\" }, { name = \"b\", admin = true, note = \"n\" }] }")
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c["t", "users"] == .list([.record(Record(["name": .string("t_admin"), "admin": .bool(true), "tags": .list([])]))]))
        let u = c["u", "users"]
        #expect(u == .list([
            .record(Record(["name": .string("a"), "admin": .bool(false), "tags": .list([])])),
            .record(Record(["name": .string("b"), "admin": .bool(true), "tags": .list([]), "note": .string("n")])),
        ]))
        // Field order follows the record type.
        if case .record(let r)? = lookup(u ?? .list([]), "1") { #expect(r.keys == ["name", "admin", "tags", "note"]) }
    }

    @Test func listOfRecordsMissingAndUnknownFields() {
        let missing = compile(Self.users + "\ntenant t extends base { users = [{ admin = true }] }")
        #expect(missing.first("E0305")?.message.contains("item 1 of the list: missing field `name`") == true, "\(summary(missing.diagnostics))")
        let unknown = compile(Self.users + "\ntenant t extends base { users = [{ name = \"a\", role = \"x\" }] }")
        #expect(unknown.first("E0305")?.message.contains("unknown field `role`") == true, "\(summary(unknown.diagnostics))")
        let wrong = compile(Self.users + "\ntenant t extends base { users = [{ name = 1 }] }")
        #expect(wrong.first("E0305")?.message.contains("field `name`: expected string like \"text\", found int 1") == true)
    }

    @Test func optionalTypes() {
        let c = compile("""
        tier base {
          n: int?
          d: duration? = 1h
        }
        tenant a extends base {}
        tenant b extends base { n = 3 }
        tenant c extends base { n = "x" }
        """)
        #expect(c.config("a")?.keys == ["d"])
        #expect(c["b", "n"] == .int(3))
        #expect(c.result("c")?.diagnostics.first?.message == "`n`: expected int like 42, found string \"x\"")
    }

    @Test func unknownTypeName() {
        let c = compile("tier base { x: strng = \"a\" }")
        let d = c.first("E0106")
        #expect(d?.message == "unknown type `strng`")
        #expect(d?.help.first == "did you mean `string`?")
    }

    @Test func secretRejectsPlainStrings() {
        let c = setting("secret?", "\"hunter2\"")
        let d = c.first("E0602")
        #expect(d?.message.contains("expected an encrypted secret") == true)
        #expect(d?.help.first?.contains("tenantc encrypt") == true)
        // The plaintext never appears in the diagnostic.
        #expect(c.diagnostics.allSatisfy { !$0.message.contains("hunter2") && !$0.help.joined().contains("hunter2") })
    }


    @Test func wholeFloatsBecomeInts() {
        let c = compile("tier base { n: int = 4 / 2\n m: int = 1 }\ntenant t extends base { m = 3 / 2 }")
        #expect(c.result?.diagnostics.first?.message == "`m`: expected int like 42, found float 1.5", "\(summary(c.diagnostics))")
        let ok = compile("tier base { n: int = 4 / 2 }\ntenant t extends base {}")
        #expect(ok["n"] == .int(2))
    }

    @Test func optionalRecordIsInvalid() {
        let c = compile("tier base { r: { a = 1 }? }")
        #expect(c.diagnostics.contains { $0.code.id == "E0106" }, "\(summary(c.diagnostics))")
    }
}
