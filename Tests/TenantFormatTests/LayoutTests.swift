import TenantDiagnostics
import TenantFormat
import Testing

/// The layout of docs/format.md, rule by rule: each input formats to the expected text, which
/// is a fixed point, means the same and keeps every comment.
@Suite struct LayoutTests {
    @Test func oneStatementPerLineIndentedByTwoSpaces() {
        expectLayout("""
            tier t {
            limits { cpu = 2cores  memory = 8GiB; storage = 1GiB }
            }
            """, """
            tier t {
              limits {
                cpu = 2cores
                memory = 8GiB
                storage = 1GiB
              }
            }

            """)
    }

    @Test func spacesAroundOperatorsAndAssignments() {
        expectLayout("""
            tenant a extends free{tenant_info.tenant_name="A" limits.cpu=1cores*2}
            """, """
            tenant a extends free {
              tenant_info.tenant_name = "A"
              limits.cpu = 1cores * 2
            }

            """)
    }

    @Test func declarationsAndTypes() {
        expectLayout("""
            tier r {
              port : int( 1 .. 65535 ) = 8080
              mode:"a"|"b" = "a"
              tags : [ string ]?
              limit: size | unlimited = unlimited
            }
            """, """
            tier r {
              port: int(1..65535) = 8080
              mode: "a" | "b" = "a"
              tags: [string]?
              limit: size | unlimited = unlimited
            }

            """)
    }

    @Test func blankLinesKeptAtMostOneAndAddedBetweenDeclarations() {
        expectLayout("""


            tier r {


              a: int = 1



              b: int = 2

            }
            tenant t extends r {
            }
            """, """
            tier r {
              a: int = 1

              b: int = 2
            }

            tenant t extends r {}

            """)
    }

    @Test func commentsStayWhereTheyAre() {
        expectLayout("""
            // header comment

            /// The root.
            tier r {   // on the brace
              /// A field.
              a: int = 1    // trailing
                /* leading */ b: int = 2
              c: int = /* inline */ 3
              d: int = 4 /* after */ e: int = 5
                  // last words
            } // end
            tier s extends r {}
            """, """
            // header comment

            /// The root.
            tier r { // on the brace
              /// A field.
              a: int = 1 // trailing
              /* leading */ b: int = 2
              c: int = /* inline */ 3
              d: int = 4 /* after */
              e: int = 5
              // last words
            } // end

            tier s extends r {}

            """)
    }

    @Test func trailingCommentsOfARunAlignInOneColumn() {
        expectLayout("""
            tier r {
              a: int = 1 // one
              long_name: string = "x"      // two
              s: string = "é" // accents count as one column
              b: int = 3

              c: int = 4   // a run of its own
              d: {
                e: int = 5        // another level
              } // closes d
            }
            """, """
            tier r {
              a: int = 1              // one
              long_name: string = "x" // two
              s: string = "é"         // accents count as one column
              b: int = 3

              c: int = 4 // a run of its own
              d: {
                e: int = 5 // another level
              } // closes d
            }

            """)
    }

    @Test func listsAndRecordsKeepTheirLineBreaks() {
        expectLayout("""
            tenant t extends free {
              tenant_info.tenant_name = "T"
              security.network.allowed_ips = super + [
                  "10.0.0.0/8",   "192.168.0.0/16"]
              access_control.service_accounts = [ {username="a",roles=["x"]} ]
              monitoring.alerts.rules = [
              { name = "cpu", threshold = 80, duration = 5m },
              { name = "disk"
                threshold = 90
                duration = 10m },
              ]
            }
            """, """
            tenant t extends free {
              tenant_info.tenant_name = "T"
              security.network.allowed_ips = super + [
                "10.0.0.0/8", "192.168.0.0/16"
              ]
              access_control.service_accounts = [{ username = "a", roles = ["x"] }]
              monitoring.alerts.rules = [
                { name = "cpu", threshold = 80, duration = 5m },
                { name = "disk"
                  threshold = 90
                  duration = 10m },
              ]
            }

            """)
    }

    @Test func envBlocksRulesAndContinuationLines() {
        expectLayout("""
            tier r {
              a: int = 1
              env staging { a = 2; scale a by 50% }
              check a > 0
              else "a must be positive"
              check a > 0 &&
              a < 10
              warn a < 5
                      implies a > 1
            }
            """, """
            tier r {
              a: int = 1
              env staging {
                a = 2
                scale a by 50%
              }
              check a > 0
                else "a must be positive"
              check a > 0 &&
                a < 10
              warn a < 5
                implies a > 1
            }

            """)
    }

    @Test func comprehensionsConditionalsAndUnaryOperators() {
        expectLayout("""
            tier r {
              x: [int] = [ i*2 for i in [1,2] if i>1 ]
              y: int = if x == [] then 2 else 3
              z: int( -5 .. -1 ) = - 3
              w: bool = ! true
              v: int = 1 - -2
              u: int = (1+2)*3
              n: int = len( x )
            }
            """, """
            tier r {
              x: [int] = [i * 2 for i in [1, 2] if i > 1]
              y: int = if x == [] then 2 else 3
              z: int(-5..-1) = -3
              w: bool = !true
              v: int = 1 - -2
              u: int = (1 + 2) * 3
              n: int = len(x)
            }

            """)
    }

    @Test func literalsAreKeptAsWritten() {
        let text = """
            tier r {
              n: int = 1_000
              s: size = 512MiB
              c: cpu = 0.25cores
              d: duration = 90m
              p: percent = 12.5%
              t: string = "tab\\there \\u{1F600} $x \\${y}"
              f: float = 1e3
            }

            """
        expectLayout(text, text)
    }

    @Test func multiLineStringsAreKeptByteForByte() {
        expectLayout("""
            tier r {
                  text: string = \"\"\"
               hello
                 world
               \"\"\"
              b: string = "${text}"
            }
            """, """
            tier r {
              text: string = \"\"\"
               hello
                 world
               \"\"\"
              b: string = "${text}"
            }

            """)
    }

    @Test func keywordsAsFieldNamesStartTheirOwnLines() {
        expectLayout("""
            tier r { locked: bool = true; in: int = 1; env: { check: int = 2 } }
            """, """
            tier r {
              locked: bool = true
              in: int = 1
              env: {
                check: int = 2
              }
            }

            """)
    }

    /// Found by the fuzzer: a comment before a `;` that is left out was indented as a
    /// continuation of the line before, then not on the next run.
    @Test func aCommentBeforeADroppedSeparatorIsIndentedAsWhatFollows() {
        expectLayout("//\n//\n;", "//\n//\n")
        expectLayout("tier a {\n  x = 1\n  // c\n  ;\n}\n", "tier a {\n  x = 1\n  // c\n}\n")
        expectLayout("tier a {\n  x = 1\n  // c\n  ;  , y = 2\n}\n", "tier a {\n  x = 1\n  // c\n  y = 2\n}\n")
    }

    /// An invalid id (E0206, reported by `check`) is still one name: its tokens stay together.
    @Test func aTenantIDWrittenWithOtherCharactersIsKept() {
        expectLayout("tenant Wonka-Co.eu extends free {tenant_info.tenant_name=\"W\"}", """
            tenant Wonka-Co.eu extends free {
              tenant_info.tenant_name = "W"
            }

            """)
    }

    @Test func byteOrderMarkAndCarriageReturnsGo() {
        // Found by the fuzzer: every run took one of the carriage returns ending a comment.
        #expect(formatted("// note\r\r\r\r") == "// note\n")
        expectLayout("/// doc\r\r\ntier r {}\r\r\n", "/// doc\ntier r {}\n")
        #expect(formatted("\u{FEFF}tier r {\r\n  a: int = 1 // note\r\n}\r\n") == "tier r {\n  a: int = 1 // note\n}\n")
    }

    @Test func emptyAndCommentOnlyFiles() {
        #expect(formatted("") == "")
        #expect(formatted("\n\n") == "")
        #expect(formatted("  // only a comment  \n\n\n/* and a block */") == "// only a comment  \n\n/* and a block */\n")
    }

    /// 42,000 statements 200 levels deep: 170 KB as written, 17 MB once indented.
    @Test func aFileThatWouldGrowPastTheSourceLimitIsNotFormatted() {
        let text = "tier r {" + String(repeating: "a{", count: 200) + String(repeating: "x=1;", count: 42_000)
            + String(repeating: "}", count: 201)
        guard case .syntaxErrors(let diagnostics) = Formatter.format(sourceFile(Array(text.utf8))) else {
            Issue.record("formatted")
            return
        }
        #expect(diagnostics.map(\.code) == [.inputTooLarge])
        #expect(diagnostics.first?.message.contains("formatted would be 16.") == true, "\(diagnostics)")
        #expect(diagnostics.first?.message.contains("MiB: over the 16 MiB of a source file") == true)
    }

    @Test func filesWithSyntaxErrorsAreNotFormatted() {
        #expect(formatted("tier r {\n  a: int = \n}\n") == nil)
        #expect(formatted("tier r {\n  a = 2 hours\n}\n") == nil)
        #expect(formatted("tier r {") == nil)
    }
}

func expectLayout(_ before: String, _ after: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let out = formatted(before, sourceLocation: sourceLocation) else {
        Issue.record("not formatted", sourceLocation: sourceLocation)
        return
    }
    #expect(out == after, sourceLocation: sourceLocation)
    expectGuarantees(Array(before.utf8), Array(out.utf8), "test.tenant", sourceLocation: sourceLocation)
}
