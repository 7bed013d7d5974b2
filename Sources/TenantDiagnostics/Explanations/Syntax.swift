// Pages of the syntax codes (E0101–E0106).
extension Explanation {
    static let syntax: [Explanation] = [syntaxError, unclosedDelimiter, unexpectedDelimiter, nestingTooDeep, reservedKeyword, invalidType]

    private static let syntaxError = Explanation(.syntax, """
        The parser found something other than what the grammar allows at this point: a
        missing value after `=`, a stray token, a statement that does not end at its line.
        Some habits from other formats are recognised and reported as what was meant, with the
        edit as a fix: YAML's `name: value` (a field is set with `=`; `name: Type` declares a
        new field), and a unit after a space (`2 hours` is written `2h`).

        Reading goes on after the error, so the rest of the file is still checked. Grammar.md
        has the exact syntax.
        """,
        failing: Example([nameTier, .tenant("""
            tenant acme extends basic {
              name: "Acme"
            }
            """)]),
        fixed: Example([nameTier, .tenant("""
            tenant acme extends basic {
              name = "Acme"
            }
            """)]))

    private static let unclosedDelimiter = Explanation(.unclosedDelimiter, """
        A `{` or `[` is never closed. The error points at the opening bracket; when a new
        `tier` or `tenant` starts at the beginning of a line while a block is still open,
        that line is shown too, since the missing `}` most likely belongs just before it.

        Add the matching `}` or `]` where the block ends. An editor that highlights matching
        brackets shows which one is left open.
        """,
        failing: Example([cpuTier, .tenant("""
            tenant acme extends basic {
              name = "Acme"
              database {
                cpu = 2cores
            }

            tenant globex extends basic {
              name = "Globex"
            }
            """)]),
        fixed: Example([cpuTier, .tenant("""
            tenant acme extends basic {
              name = "Acme"
              database {
                cpu = 2cores
              }
            }

            tenant globex extends basic {
              name = "Globex"
            }
            """)]))

    private static let unexpectedDelimiter = Explanation(.unexpectedDelimiter, """
        A closing `}`, `]` or `)` where nothing it could close is open: at the top level of a
        file, or where a statement should start. It is usually one bracket too many after an
        edit, or the opening bracket of a block deleted with the line that held it. tenantc
        reports it at the bracket and reads on.

        Remove the extra bracket, or add the opening one it was meant to close.
        """,
        failing: Example([nameTier, .tenant("""
            tenant acme extends basic {
              name = "Acme"
            }
            }
            """)]),
        fixed: Example([nameTier, .tenant("""
            tenant acme extends basic {
              name = "Acme"
            }
            """)]))

    private static let nestingTooDeep: Explanation = {
        let names = Array(repeating: "a", count: 129).joined(separator: ".")
        let deep = ExampleFile("tiers/basic.tenant", shown: """
            tier basic {
              // one path of 129 names, as a generator wrote it:
              a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a … (129 names in all) … .a.a.a = 1
            }

            """, make: { Array("tier basic {\n  // one path of 129 names, as a generator wrote it:\n  \(names) = 1\n}\n".utf8) })
        return Explanation(.nestingTooDeep, """
            Something nests deeper than tenantc follows: brackets, parentheses and blocks more than
            256 levels deep, or fields inside more than 128 levels of records. No configuration
            needs such depth, and bounding it keeps the parser and the evaluator from exhausting
            their stack on a generated or corrupted file.

            Flatten the structure: name intermediate values as fields of their own, and keep
            records a few levels deep.
            """,
            failing: Example([deep]),
            fixed: Example([.tier("""
                tier basic {
                  a.a.a = 1
                }
                """)]))
    }()

    private static let reservedKeyword = Explanation(.reservedKeyword, """
        `import` is reserved for a future module system and cannot be used yet. Files do not
        import each other: the tiers are every `.tenant` file of the nearest `tiers/` directory
        above the input (or of `--tiers DIR`), and any file of the project may declare tiers
        that every tenant of the project can extend.

        Remove the `import`; put the tier in `tiers/` (or pass `--tiers DIR`).
        """,
        failing: Example([nameTier, .tenant("""
            import "../tiers/basic.tenant"

            tenant acme extends basic {
              name = "Acme"
            }
            """)]),
        fixed: Example([nameTier, .tenant("""
            tenant acme extends basic {
              name = "Acme"
            }
            """)]))

    private static let invalidType = Explanation(.invalidType, """
        A type annotation is not a type. The types are `bool int float string size duration
        cpu percent cron cidr email secret`, string enums `"a" | "b"`, lists `[T]`, records
        `{ … }`, `T?`, `T | unlimited` and bounds `T(lo..hi)` with constant bounds. The help
        suggests the nearest type name for a misspelt one.

        Other forms are refused too: an optional record (make its fields optional instead),
        enum members with `${…}`, and record types whose fields are paths or have computed
        defaults.
        """,
        failing: Example([.tier("""
            tier basic {
              name: text
            }
            """), .tenant("""
            tenant acme extends basic {
              name = "Acme"
            }
            """)]),
        fixed: Example([.tier("""
            tier basic {
              name: string
            }
            """), .tenant("""
            tenant acme extends basic {
              name = "Acme"
            }
            """)]))
}
