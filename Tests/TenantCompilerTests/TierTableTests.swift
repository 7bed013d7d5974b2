import Foundation
import TenantCompiler
import TenantModel
import Testing

/// `tenantc tiers`: the tier table of the shipped tiers (the README's), and of a small tier set
/// with a branch, `unlimited`, formulas, unset and per-tenant values.
@Suite struct TierTableTests {
    static let readmeStart = "<!-- tenantc tiers --format markdown -->\n"
    static let readmeEnd = "<!-- end -->"

    static func shippedTable() throws -> TierTable {
        let loaded = try TierDirectory.load("tiers", workingDirectory: repoRoot)
        #expect(loaded.diagnostics.isEmpty)
        return TierTable(loaded.tiers)
    }

    /// The README's table is this command's output, so the two can never drift apart.
    @Test func theReadmeTableIsTheGeneratedMarkdown() throws {
        let readme = try String(contentsOfFile: repoRoot + "/README.md", encoding: .utf8)
        let start = try #require(readme.range(of: Self.readmeStart), "the README marks the generated table")
        let end = try #require(readme.range(of: Self.readmeEnd, range: start.upperBound..<readme.endIndex))
        let block = String(readme[start.upperBound..<end.lowerBound])
        #expect(block == (try Self.shippedTable()).markdown,
                "README.md differs from `tenantc tiers --format markdown`: paste the command's output between the markers")
    }

    @Test func theShippedTableHasEveryTierInChainOrderAndEveryLockedField() throws {
        let table = try Self.shippedTable()
        #expect(table.tiers.map(\.name) == ["free", "standard", "premium", "enterprise"])
        #expect(table.tiers.map(\.extends) == [nil, "free", "standard", "premium"])
        let paths = table.rows.map(\.path)
        #expect(paths.prefix(6) == ["limits.cpu", "limits.memory", "limits.storage", "limits.max_users",
                                     "limits.api_calls_per_month", "limits.db_connections"])
        #expect(paths.dropFirst(6).allSatisfy { $0.hasPrefix("entitlements.") })
        #expect(paths.count == 15)
        let cpu = try #require(table.rows.first)
        #expect(cpu.cells == [.value(.cpu(CPU(millicores: 250))), .value(.cpu(CPU(millicores: 2000))),
                              .value(.cpu(CPU(millicores: 8000))), .value(.cpu(CPU(millicores: 32000)))])
        #expect(cpu.type == "cpu")
        #expect(table.rows[3].type == "int | unlimited")
        // The first paragraph of each doc comment: free's second one (about root tiers) is left out.
        let free = try #require(table.tiers.first)
        #expect(free.summary?.hasPrefix("Free tier: limited resources on shared PostgreSQL") == true)
        #expect(free.summary?.contains("root tier") == false)
        #expect(free.doc?.contains("root tier") == true)
    }

    @Test func theTextFormAlignsColumnsAndKeepsUnits() throws {
        let text = try Self.shippedTable().text
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "field                                  free       standard   premium     enterprise")
        #expect(lines[1] == "limits.cpu                             0.25cores  2cores     8cores      32cores")
        #expect(lines[5] == "limits.api_calls_per_month             10,000     1,000,000  10,000,000  100,000,000")
        #expect(lines[16] == "")
        #expect(lines[17].hasPrefix("free: Free tier: "))
        #expect(lines[18].hasPrefix("standard (extends free): Standard tier: "))
    }

    @Test func theJSONFormIsTypedAndVersioned() throws {
        let json = try Self.shippedTable().json
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["format_version"] as? String == "1.0")
        let tiers = try #require(object["tiers"] as? [[String: Any]])
        #expect(tiers.map { $0["name"] as? String } == ["free", "standard", "premium", "enterprise"])
        #expect(tiers[0]["extends"] is NSNull)
        #expect(tiers[1]["extends"] as? String == "free")
        #expect((tiers[3]["doc"] as? String)?.contains("globex_deal") == true)
        let fields = try #require(object["fields"] as? [[String: Any]])
        func values(_ path: String) throws -> [String: Any] {
            try #require(fields.first { $0["path"] as? String == path }?["values"] as? [String: Any])
        }
        #expect(try values("limits.cpu")["free"] as? String == "0.25cores")
        #expect(try values("limits.memory")["enterprise"] as? String == "128GiB")
        #expect(try values("limits.max_users")["standard"] as? Int == 1000)
        #expect(try values("entitlements.hsm")["enterprise"] as? Bool == true)
        #expect(fields.first?["type"] as? String == "cpu")
    }

    @Test func theCommandPrintsEachFormOfTheShippedTiers() throws {
        _ = try TenantcCLI.scratch()
        let table = try Self.shippedTable()
        let root = URL(fileURLWithPath: repoRoot)
        for format in TierTableFormat.allCases {
            let run = try TenantcCLI.run(["tiers", "--format", format.rawValue], in: root)
            #expect(run.status == 0)
            #expect(run.stdout == table.rendered(as: format))
            #expect(run.stderr == "")
        }
        // From a directory below the project, the nearest `tiers/` above is found; text by default.
        let below = try TenantcCLI.run(["tiers"], in: root.appendingPathComponent("examples"))
        #expect(below.status == 0)
        #expect(below.stdout == table.text)
    }

    /// A root, a branch (`pro` and `team` both extend `base`), a tier below the branch, an
    /// overlay that changes a locked field, a field only one branch declares.
    static let smallTiers: [(String, String)] = [
        ("base.tenant", """
            /// The base tier.
            ///
            /// Details that the table leaves out.
            tier base {
              tenant_info {
                tenant_name: string
                environment: "development" | "production" = "development"
              }
              locked limits {
                cpu = 1core
                memory = 1GiB
                users: int | unlimited = 10
                burst = limits.cpu * 2
                motto = "fast | cheap"
                note: string?
                stage = "${tenant.environment}"
                greeting = "hello ${tenant_info.tenant_name}"
              }
              plain = 1
              env development {
                limits.cpu = 8cores
              }
            }

            """),
        ("more.tenant", """
            /// Pro: more of everything.
            tier pro extends base {
              limits {
                cpu = 4cores
                users = unlimited
              }
            }

            /// Team: shared seats.
            tier team extends base {
              limits.memory = 2GiB
              locked seats: {
                count = 5
              }
            }

            tier pro_plus extends pro {
              limits.users = 1_000_000
            }

            """),
    ]

    static func project(_ files: [(String, String)]) throws -> URL {
        let dir = try TenantcCLI.scratch()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("tiers"), withIntermediateDirectories: true)
        for (name, text) in files {
            try text.write(to: dir.appendingPathComponent("tiers/" + name), atomically: true, encoding: .utf8)
        }
        return dir
    }

    @Test func aBranchIsDepthFirstWithSiblingsByNameAndEachCellIsTheTiersOwnValue() throws {
        let dir = try Self.project(Self.smallTiers)
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try TenantcCLI.run(["tiers"], in: dir)
        #expect(run.status == 0)
        #expect(run.stderr == "")
        // `limits.cpu` of base is 1core: the tier's default environment is development, whose
        // overlay sets 8cores, but the table shows values before any overlay. `burst` is a
        // formula's result; `greeting` reads a field each tenant sets; `seats` is team's alone.
        #expect(run.stdout == """
            field            base            pro             pro_plus        team
            limits.cpu       1core           4cores          4cores          1core
            limits.memory    1GiB            1GiB            1GiB            2GiB
            limits.users     10              unlimited       1,000,000       10
            limits.burst     2cores          8cores          8cores          2cores
            limits.motto     "fast | cheap"  "fast | cheap"  "fast | cheap"  "fast | cheap"
            limits.note      unset           unset           unset           unset
            limits.stage     "development"   "development"   "development"   "development"
            limits.greeting  ?               ?               ?               ?
            seats.count      -               -               -               5

            base: The base tier.
            pro (extends base): Pro: more of everything.
            pro_plus (extends pro)
            team (extends base): Team: shared seats.

            """)
    }

    @Test func theSmallTierSetInMarkdownAndJSON() throws {
        let dir = try Self.project(Self.smallTiers)
        defer { try? FileManager.default.removeItem(at: dir) }
        let markdown = try TenantcCLI.run(["tiers", "--format", "markdown"], in: dir)
        #expect(markdown.status == 0)
        let lines = markdown.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "| field | base | pro | pro_plus | team |")
        #expect(lines[1] == "|---|---|---|---|---|")
        #expect(lines[4] == "| `limits.users` | 10 | unlimited | 1,000,000 | 10 |")
        #expect(lines[5] == "| `limits.burst` | 2cores | 8cores | 8cores | 2cores |")
        // A `|` in a value is escaped, so the row keeps its columns.
        #expect(lines[6] == #"| `limits.motto` | `"fast \| cheap"` | `"fast \| cheap"` | `"fast \| cheap"` | `"fast \| cheap"` |"#)
        #expect(lines[10] == "| `seats.count` | - | - | - | 5 |")
        #expect(lines[12] == "- **base**: The base tier.")
        #expect(lines[14] == "- **pro_plus** (extends pro)")

        let json = try TenantcCLI.run(["tiers", "--format", "json"], in: dir)
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let tiers = try #require(object["tiers"] as? [[String: Any]])
        #expect(tiers.map { $0["extends"] as? String } == [nil, "base", "pro", "base"])
        #expect(tiers[0]["doc"] as? String == "The base tier.\n\nDetails that the table leaves out.")
        #expect(tiers[0]["summary"] as? String == "The base tier.")
        #expect(tiers[2]["doc"] is NSNull)
        let fields = try #require(object["fields"] as? [[String: Any]])
        let values = fields.map { $0["values"] as? [String: Any] ?? [:] }
        #expect(values[2]["pro"] as? String == "unlimited")
        #expect(values[2]["pro_plus"] as? Int == 1_000_000)
        #expect(values[5]["base"] is NSNull)  // unset
        #expect(values[7].isEmpty)  // per tenant: left out
        #expect(values[8].keys.sorted() == ["team"])  // only team has the field
    }

    @Test func tiersWithErrorsAreReportedAndPrintNoTable() throws {
        let dir = try Self.project([("a.tenant", "tier a {\n  locked limits.cpu = \"x\" + 1\n}\ntier b extends nowhere {}\n")])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try TenantcCLI.run(["tiers", "--color", "never"], in: dir)
        #expect(run.status == 1)
        #expect(run.stdout == "")
        #expect(run.stderr.contains("error[E0404]"))
        #expect(run.stderr.contains("error[E0203]: unknown tier `nowhere`"))
        #expect(run.stderr.contains("2 errors"))
    }

    @Test func aMissingTierDirectoryIsAUsageError() throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try TenantcCLI.run(["tiers", "--tiers", "nope"], in: dir)
        #expect(run.status == 2)
        #expect(run.stdout == "")
        #expect(run.stderr == "tenantc: error: --tiers nope: not a directory\n")
        // A tier directory without tiers is one too.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("empty"), withIntermediateDirectories: true)
        let empty = try TenantcCLI.run(["tiers", "--tiers", "empty"], in: dir)
        #expect(empty.status == 2)
        #expect(empty.stderr.hasPrefix("tenantc: error: no tier is declared in empty\n"))
    }
}
