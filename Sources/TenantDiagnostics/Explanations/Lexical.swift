// Pages of the codes of lexical structure (E0001–E0009).
extension Explanation {
    static let lexical: [Explanation] = [
        invalidUTF8, unexpectedCharacter, unterminatedString, invalidEscape, unterminatedComment, invalidNumber, unknownUnit,
        quantityPrecision, inputTooLarge,
    ]

    /// The tenant of the examples whose tier only needs a name.
    static let acmeTenant = ExampleFile.tenant("""
        tenant acme extends basic {
          name = "Acme"
        }
        """)

    /// The tier of the examples that only need a tenant to set its name.
    static let nameTier = ExampleFile.tier("""
        tier basic {
          name: string
        }
        """)

    private static let invalidUTF8: Explanation = {
        let text = """
            tenant cafe extends basic {
              name = "Café" // saved as Latin-1: `é` is the single byte 0xE9
            }
            """
        // The same text with `é` (UTF-8 C3 A9) as Latin-1 writes it.
        let latin1 = ExampleFile("tenants/cafe.tenant", shown: text + "\n") {
            var bytes: [UInt8] = []
            for b in Array((text + "\n").utf8) {
                if b == 0xC3 { continue }
                bytes.append(b == 0xA9 ? 0xE9 : b)
            }
            return bytes
        }
        return Explanation(.invalidUTF8, """
            A source file holds bytes that are not UTF-8. tenantc reads every `.tenant` file as
            UTF-8; a file saved in another encoding (Latin-1, Windows-1252), or with binary data
            in it, would be misread if its bytes were guessed at, so each invalid byte is
            reported at its offset (ten at most per file).

            Save the file as UTF-8 (your editor's "encoding" setting, or
            `iconv -f latin1 -t utf-8`). Text outside ASCII is welcome once it is UTF-8.
            """,
            failing: Example([nameTier, latin1]),
            fixed: Example([nameTier, ExampleFile("tenants/cafe.tenant", """
                tenant cafe extends basic {
                  name = "Café" // saved as UTF-8
                }
                """)]))
    }()

    private static let unexpectedCharacter = Explanation(.unexpectedCharacter, """
        A character that has no meaning in the language, outside a string: `#` (comments are
        `//` and `/* … */`), a single `&` (logical and is `&&`), or a control character. A run
        of control characters or of one repeated character (binary data pasted in) is one error.
        Control characters inside a string are reported too: write them as escapes (`\\u{1B}`).

        Remove the character, or write what was meant: the help says what that is when tenantc
        can tell.
        """,
        failing: Example([nameTier, .tenant("""
            # Acme's settings (E0002: a comment starts with //)
            tenant acme extends basic {
              name = "Acme"
            }
            """)]),
        fixed: Example([nameTier, .tenant("""
            // Acme's settings
            tenant acme extends basic {
              name = "Acme"
            }
            """)]))

    private static let unterminatedString = Explanation(.unterminatedString, """
        A string literal has no closing quote. A `"…"` string ends on its own line: a line
        break before the closing `"` leaves it open. A multi-line string `\"""…\"""` runs to
        its closing `\"""`, and one never closed runs to the end of the file.

        Add the closing quote, or use a multi-line string for text that spans lines. The error
        points at the opening quote, which is where the string that swallowed the rest began.
        """,
        failing: Example([nameTier, .tenant("""
            tenant acme extends basic {
              name = "Acme
            }
            """)]),
        fixed: Example([nameTier, .tenant("""
            tenant acme extends basic {
              name = "Acme"
            }
            """)]))

    private static let invalidEscape = Explanation(.invalidEscape, #"""
        A backslash in a string starts an escape, and this one is not an escape tenantc knows.
        The escapes are `\"`, `\\`, `\n`, `\t`, `\r`, `\$` (a literal `$`, where `${` would
        start an interpolation) and `\u{…}` with 1 to 8 hex digits of a Unicode scalar value.

        Windows paths and regular expressions are the usual cause: write each backslash as `\\`.
        """#,
        failing: Example([backupTier, .tenant(#"""
            tenant acme extends basic {
              name = "Acme"
              backup_path = "D:\backups\acme"
            }
            """#)]),
        fixed: Example([backupTier, .tenant(#"""
            tenant acme extends basic {
              name = "Acme"
              backup_path = "D:\\backups\\acme"
            }
            """#)]))

    private static let backupTier = ExampleFile.tier("""
        tier basic {
          name: string
          backup_path: string = "/var/backups"
        }
        """)

    private static let unterminatedComment = Explanation(.unterminatedComment, """
        A block comment `/* … */` is never closed. Block comments nest: every `/*` inside one
        opens another level that needs its own `*/`, so commenting out text that contains `/*`
        (a glob such as `"/data/*"`) leaves the outer comment open to the end of the file.

        Close each `/*` with its own `*/`, or comment such lines out with `//`.
        """,
        failing: Example([archiveTier, .tenant("""
            tenant acme extends basic {
              name = "Acme"
              /* archive = "/data/*" */
            }
            """)]),
        fixed: Example([archiveTier, .tenant("""
            tenant acme extends basic {
              name = "Acme"
              // archive = "/data/*"
            }
            """)]))

    private static let archiveTier = ExampleFile.tier("""
        tier basic {
          name: string
          archive: string = "/data/archive"
        }
        """)

    private static let invalidNumber = Explanation(.invalidNumber, """
        A number is too large to be represented exactly. Integers are 64-bit (up to
        9223372036854775807), floats must be finite, and quantities (`size`, `duration`, `cpu`,
        `percent`) must fit in 64 bits of their base unit (bytes, milliseconds, millicores).
        tenantc does not clamp or wrap a number that does not fit.

        Write a smaller number. For "no limit", a field typed `int | unlimited` takes the value
        `unlimited`, which is greater than every number.
        """,
        failing: Example([rowsTier, .tenant("""
            tenant acme extends basic {
              name = "Acme"
              max_rows = 99999999999999999999  // meant: no limit
            }
            """)]),
        fixed: Example([rowsTier, .tenant("""
            tenant acme extends basic {
              name = "Acme"
              max_rows = unlimited
            }
            """)]))

    private static let rowsTier = ExampleFile.tier("""
        tier basic {
          name: string
          max_rows: int | unlimited = 1_000_000
        }
        """)

    private static let unknownUnit = Explanation(.unknownUnit, """
        A number is followed by letters that are not a unit. The units are `B KB MB GB TB PB`
        and `KiB MiB GiB TiB PiB` (sizes), `ms s m h d w y` (durations), `core` and `cores`
        (cpu) and `%` (percent), written right after the number (`512MiB`, `30d`).

        Use one of them; the help suggests the nearest unit, or the short form of a spelled-out
        one (`2hours` → `2h`).
        """,
        failing: Example([cpuTier, .tenant("""
            tenant acme extends basic {
              name = "Acme"
              database.cpu = 1.5cpus
            }
            """)]),
        fixed: Example([cpuTier, .tenant("""
            tenant acme extends basic {
              name = "Acme"
              database.cpu = 1.5cores
            }
            """)]))

    /// A tier with a database's cpu, for the examples about quantities.
    static let cpuTier = ExampleFile.tier("""
        tier basic {
          name: string
          database.cpu = 1cores
        }
        """)

    private static let quantityPrecision = Explanation(.quantityPrecision, """
        A quantity is written more finely than its kind can hold. Quantities are exact
        integers underneath: sizes count bytes, durations milliseconds, cpu millicores
        (0.001cores) and percents millionths of a percent. `0.0005cores` or `0.5B` would have
        to be rounded, and tenantc does not round what you wrote.

        Write the value in whole base units (`0.001cores` is the smallest cpu, `1ms` the
        smallest duration).
        """,
        failing: Example([cpuTier, .tenant("""
            tenant acme extends basic {
              name = "Acme"
              database.cpu = 0.0005cores
            }
            """)]),
        fixed: Example([cpuTier, .tenant("""
            tenant acme extends basic {
              name = "Acme"
              database.cpu = 0.001cores
            }
            """)]))

    private static let inputTooLarge = Explanation(.inputTooLarge, """
        An input is larger than tenantc accepts: a source file over 16 MiB is not read at all,
        and a list literal of more than 100,000 items is cut there (`fmt` also refuses to write
        a file that would grow past 16 MiB). No hand-written configuration comes near these
        bounds; they keep a generated or corrupted file from exhausting memory.

        Split the configuration into several files (one tenant per file is the usual layout,
        and `tenantc build tenants/` reads a whole directory), and keep data that large out of
        the configuration.
        """,
        failing: Example([nameTier, ExampleFile("tenants/all.tenant", shown: """
            // Every tenant generated into one file, 17.9 MiB:
            tenant t000001 extends basic {
              name = "Tenant 1"
            }

            tenant t000002 extends basic {
              name = "Tenant 2"
            }

            … and so on, to t320000

            """, make: { Array("// Every tenant generated into one file, 17.9 MiB:\n".utf8) + generatedTenants(320_000) })]),
        fixed: Example([nameTier,
                        ExampleFile("tenants/t000001.tenant", """
                            tenant t000001 extends basic {
                              name = "Tenant 1"
                            }
                            """),
                        ExampleFile("tenants/t000002.tenant", """
                            tenant t000002 extends basic {
                              name = "Tenant 2"
                            }
                            """)]))

    /// `count` tenants of `basic`, one after the other.
    private static func generatedTenants(_ count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * 48)
        for n in 1...count {
            let digits = String(n)
            let id = String(repeating: "0", count: max(0, 6 - digits.count)) + digits
            bytes += Array("tenant t\(id) extends basic {\n  name = \"Tenant \(n)\"\n}\n\n".utf8)
        }
        return bytes
    }
}
