// Pages of the evaluation codes (E0401–E0408).
extension Explanation {
    static let evaluation: [Explanation] = [
        referenceCycle, overflow, divisionByZero, operandTypes, badCall, evaluationLimit, noSuchMember, evaluationBudget,
    ]

    private static let referenceCycle = Explanation(.referenceCycle, """
        Formulas read each other in a circle, so none of them has a value: `api.cpu` needs
        `worker.cpu`, which needs `api.cpu`. References are late-bound (a formula reads the
        final value of a field, whichever layer set it), so a cycle can span a tier and a
        tenant. The message lists the fields of the cycle in order.

        Break the cycle: give one of the fields a value that does not depend on the others.
        """,
        failing: acmeSetting(serviceTier, """
              api.cpu = worker.cpu * 2
              worker.cpu = api.cpu / 2
            """),
        fixed: acmeSetting(serviceTier, """
              api.cpu = 2cores
              worker.cpu = api.cpu / 2
            """))

    private static let serviceTier = ExampleFile.tier("""
        tier basic {
          name: string
          api.cpu = 1cores
          worker.cpu = 1cores
        }
        """)

    private static let overflow = Explanation(.overflow, """
        Arithmetic left the 64-bit range: an `int` past 9223372036854775807, a quantity past
        64 bits of its base unit (bytes, milliseconds, millicores), or a float that is not
        finite. tenantc never wraps around or saturates: a limit that silently became negative
        or huge would be provisioned as such.

        Use smaller values, or compute in a larger unit; for "no limit", use a field typed
        `int | unlimited` and the value `unlimited`.
        """,
        failing: acmeSetting(rowsPerYearTier, "  rows_per_day = 99999999999999999"),
        fixed: acmeSetting(rowsPerYearTier, "  rows_per_day = 50000000"))

    private static let rowsPerYearTier = ExampleFile.tier("""
        tier basic {
          name: string
          rows_per_day: int = 1000
          rows_per_year = rows_per_day * 365
        }
        """)

    private static let divisionByZero = Explanation(.divisionByZero, """
        A formula divides by zero, here because a tenant set the divisor to 0. The result has
        no value (it is not infinity, and not 0), so it is an error of the tenant whose values
        led to it, at the division.

        Guard the division in the tier (`if n == 0 then … else x / n`), or bound the divisor
        so that 0 cannot be set (`databases: int(1..) = 1`).
        """,
        failing: Example([.tier("""
            tier basic {
              name: string
              storage = 100GiB
              databases = 1
              storage_per_database = storage / databases
            }
            """), .tenant("""
            tenant acme extends basic {
              name = "Acme"
              databases = 0
            }
            """)]),
        fixed: Example([.tier("""
            tier basic {
              name: string
              storage = 100GiB
              databases = 1
              storage_per_database = if databases == 0 then storage else storage / databases
            }
            """), .tenant("""
            tenant acme extends basic {
              name = "Acme"
              databases = 0
            }
            """)]))

    private static let operandTypes = Explanation(.operandTypes, """
        An operator is applied to values it does not take: quantities of different kinds
        (`4GiB + 1cores`), a quantity and a plain number added or compared (`4GiB + 1`), values
        of different types compared, `&&`, `||`, `!` and `if` on something other than a bool,
        `in` on a value that is not a list, record or string, or a secret compared or
        interpolated (a rule must not reveal anything about a secret).

        Compare or combine values of one kind: each quantity with its own limit, numbers with
        units where a quantity is meant.
        """,
        failing: Example([.tier("""
            tier basic {
              name: string
              memory = 4GiB
              cpu = 1cores
              check memory + cpu <= 8GiB else "too large"
            }
            """), acmeTenant]),
        fixed: Example([.tier("""
            tier basic {
              name: string
              memory = 4GiB
              cpu = 1cores
              check memory <= 8GiB && cpu <= 2cores else "too large"
            }
            """), acmeTenant]))

    private static let badCall = Explanation(.badCall, """
        A call names a function that does not exist, or gives one the wrong arguments. The
        functions are `sum`, `min`, `max`, `len`, `all`, `any` and `keys`: `sum`, `all` and
        `any` take one list, `len` a list, string or record, `keys` a record, and `min`/`max`
        a list or several values (an empty list has no minimum). The help suggests the nearest
        function name.
        """,
        failing: acmeSetting(disksTier, "  total_disk = total(disks)"),
        fixed: acmeSetting(disksTier, "  total_disk = sum(disks)"))

    private static let disksTier = ExampleFile.tier("""
        tier basic {
          name: string
          disks: [size] = [10GiB, 20GiB]
          total_disk: size = 0B
        }
        """)

    private static let evaluationLimit = Explanation(.evaluationLimit, """
        A formula built a value past a bound of evaluation: a string over 1 MiB, a list over
        100,000 items, lists and records nested more than 128 levels, or a chain of references
        (a formula reading a field whose formula reads another, and so on) deeper than 400
        fields. No configuration needs values this large; the bounds keep a runaway formula
        from exhausting memory or the stack.

        Build smaller values: here, the list doubles past its bound.
        """,
        failing: Example([slotsTier("_e + _e"), acmeTenant]),
        fixed: Example([slotsTier("_b"), acmeTenant]))

    /// A tier whose list `slots` is `value`, where `_a`… `_e` hold 10 to 100,000 items.
    private static func slotsTier(_ value: String) -> ExampleFile {
        .tier("""
            tier basic {
              name: string
              _a = ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]
              _b = _a + _a + _a + _a + _a + _a + _a + _a + _a + _a
              _c = _b + _b + _b + _b + _b + _b + _b + _b + _b + _b
              _d = _c + _c + _c + _c + _c + _c + _c + _c + _c + _c
              _e = _d + _d + _d + _d + _d + _d + _d + _d + _d + _d
              slots = \(value)
            }
            """)
    }

    private static let noSuchMember = Explanation(.noSuchMember, """
        A formula reads a member a value does not have: `.bytes` of a record that has no field
        `bytes` (often an item of a list of records, through a comprehension's variable), or
        `.name` of something that is not a record. Fields of the configuration are checked
        before evaluation (E0301); values a formula builds can only be checked as it runs.

        Use a member the record has; the help suggests the nearest one.
        """,
        failing: Example([volumesTier("v.bytes"), acmeTenant]),
        fixed: Example([volumesTier("v.size"), acmeTenant]))

    private static func volumesTier(_ member: String) -> ExampleFile {
        .tier("""
            tier basic {
              name: string
              volumes = [{ name = "data", size = 10GiB }, { name = "logs", size = 2GiB }]
              total_volume = sum([\(member) for v in volumes])
            }
            """)
    }

    private static let evaluationBudget = Explanation(.evaluationBudget, """
        Evaluating one tenant's configuration did too much work: more than 10 million steps,
        or more than 256 MiB of values (a list holding another list ten times counts it ten
        times); the configs of one file also share a budget that grows with the file's size.
        The error is at the expression that ran out, usually comprehensions nested in each
        other or a value repeated into itself. The bounds keep one tenant from stalling a build
        of thousands.

        Make the formula do less: here, a list of 10,000 lists of 10,000 items.
        """,
        failing: Example([gridTier("[_e for x in _e]"), acmeTenant]),
        fixed: Example([gridTier("[_b for x in _b]"), acmeTenant]))

    /// A tier whose `grid` is `value`, where `_a`… `_e` hold 10 to 10,000 items.
    private static func gridTier(_ value: String) -> ExampleFile {
        .tier("""
            tier basic {
              name: string
              _a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
              _b = _a + _a + _a + _a + _a + _a + _a + _a + _a + _a
              _c = _b + _b + _b + _b + _b + _b + _b + _b + _b + _b
              _d = _c + _c + _c + _c + _c + _c + _c + _c + _c + _c
              _e = _d + _d + _d + _d + _d + _d + _d + _d + _d + _d
              grid = \(value)
            }
            """)
    }
}
