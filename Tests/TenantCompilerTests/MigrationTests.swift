import Foundation
import TenantCompiler
import TenantDiagnostics
import TenantModel
import Testing

/// `plan`, `migrate` and `access` on the shipped tiers and examples.
@Suite struct MigrationTests {
    static func workspace(_ path: String, tiers: String? = nil, in dir: String = repoRoot) throws -> TenantWorkspace {
        try TenantWorkspace.load(path: path, tiersDirectory: tiers, workingDirectory: dir)
    }

    /// What `tenantc plan` shows: the diagnostics (stderr), then the plan (stdout).
    static func shown(_ plan: MigrationPlan) -> String {
        let diagnostics = plan.diagnostics.isEmpty ? ""
            : renderHuman(plan.diagnostics, sourceMap: plan.sources, style: .plain) + renderSummary(plan.counts, color: false)
        return diagnostics + plan.text
    }

    /// Every adjacent pair of shipped tiers, both ways, each with a tenant of the first tier.
    static let adjacentMoves: [(file: String, from: String, to: String)] = [
        ("demo_free_001", "free", "standard"),
        ("existing_tenant", "standard", "free"),
        ("existing_tenant", "standard", "premium"),
        ("custom_tenant_001", "premium", "standard"),
        ("custom_tenant_001", "premium", "enterprise"),
        ("corp_enterprise_001", "enterprise", "premium"),
    ]

    @Test(arguments: adjacentMoves)
    func adjacentTierPlansMatchTheirGoldens(_ move: (file: String, from: String, to: String)) throws {
        let ws = try Self.workspace("examples/\(move.file).tenant")
        #expect(ws.tierName == move.from)
        let plan = try MigrationPlan.make(ws, to: move.to)
        let upgrade = ws.tier(move.to, extends: move.from)
        #expect(plan.direction == (upgrade ? .upgrade : .downgrade))
        // The limits move the way the tiers do, and the tier type is among the changes.
        let limits = plan.changes.filter { $0.category == .limit }
        #expect(!limits.isEmpty)
        #expect(limits.allSatisfy { $0.effect == (upgrade ? .up : .down) })
        #expect(plan.changes.contains { $0.change.path == "tenant_info.tenant_type" && $0.change.new == .string(move.to) })
        // Steps end with the switch-over, validation against the target, and the way back.
        let kinds = plan.steps.map(\.kind)
        #expect(kinds.first == .backup)
        let tail = Array(kinds.drop { $0 != .switchOver })
        #expect(tail == [.switchOver, .validate, .rollback] || tail == [.switchOver, .release, .validate, .rollback])
        #expect(plan.steps.last?.text.contains("--to \(move.from)") == true)
        let name = "Tests/TenantCompilerTests/Goldens/plans/\(move.file)-to-\(move.to)"
        try expectGolden(Self.shown(plan), name + ".txt")
        try expectGolden(plan.json, name + ".json")
        // The JSON form is JSON, and carries what the text does.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(plan.json.utf8)) as? [String: Any])
        #expect(object["format_version"] as? String == "1.0")
        #expect((object["changes"] as? [Any])?.count == plan.changes.count)
        #expect((object["diagnostics"] as? [Any])?.count == plan.diagnostics.count)
        #expect(object["valid"] as? Bool == !plan.hasErrors)
    }

    @Test func upgradeAddsTheAnalyticsDatabasesAndMovesNothingBack() throws {
        let plan = try MigrationPlan.make(try Self.workspace("examples/existing_tenant.tenant"), to: "premium")
        #expect(!plan.hasErrors)
        let added = plan.changes.filter { $0.category == .database && $0.effect == .added }.map(\.change.path)
        #expect(added == ["databases.clickhouse.enabled", "databases.elasticsearch.enabled"])
        #expect(plan.changes.contains { $0.change.path == "databases.postgresql.mode" && $0.category == .instanceMode })
        #expect(plan.risks.contains { $0.kind == .dataMoves && $0.message.hasPrefix("PostgreSQL") })
        #expect(!plan.risks.contains { $0.kind == .databaseRemoved || $0.kind == .retentionShrinks })
        let backup = try #require(plan.steps.first)
        #expect(backup.kind == .backup && backup.required)
        let provision = try #require(plan.steps.first { $0.kind == .provision })
        #expect(provision.details.contains("ClickHouse (cluster)"))
    }

    @Test func downgradeThatExceedsTheNewLimitsFails() throws {
        let plan = try MigrationPlan.make(try Self.workspace("examples/custom_tenant_001.tenant"), to: "standard")
        #expect(plan.direction == .downgrade)
        #expect(plan.hasErrors)
        let error = try #require(plan.diagnostics.first { $0.severity == .error })
        #expect(error.code == .checkFailed)
        #expect(error.message == "databases open 250 connections; tier `standard` allows 100")
        // It points at the tenant's own line, and at the limit in the target tier.
        let at = try #require(error.span.flatMap { plan.sources.position($0) })
        #expect(at.file.path == "examples/custom_tenant_001.tenant" && at.start.line == 6)
        #expect(error.related.contains { $0.message == "limit of tier `standard`" })
        // The databases the target lacks are lost unless exported: a required backup, an export step.
        #expect(plan.risks.filter { $0.kind == .databaseRemoved }.map(\.path) == ["databases.clickhouse.enabled", "databases.elasticsearch.enabled"])
        #expect(plan.steps.contains { $0.kind == .export })
        #expect(plan.steps.first?.required == true)
        #expect(plan.text.contains("1 error (see the diagnostics)"))
    }

    @Test func downgradeChecksStorageCPUAndConnectionsAgainstTheNewLimits() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Within premium's limits; over standard's on all three.
        let text = """
            tenant big_001 extends premium {
              tenant_info.tenant_name = "Big"
              databases.postgresql.resources.storage = 200GiB
              databases.postgresql.resources.cpu = 2cores
              databases.postgresql.performance.max_connections = 200
            }

            """
        try text.write(to: dir.appendingPathComponent("big_001.tenant"), atomically: true, encoding: .utf8)
        let ws = try Self.workspace("big_001.tenant", tiers: repoRoot + "/tiers", in: dir.path)
        #expect(!ws.resolve().failed)
        let plan = try MigrationPlan.make(ws, to: "standard")
        let errors = plan.diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.message) == [
            "databases need 250GiB of storage; tier `standard` allows 100GiB",
            "databases need 3.2cores of CPU; tier `standard` allows 2cores",
            "databases open 250 connections; tier `standard` allows 100",
        ])
        // Each points at the tenant's own override.
        #expect(errors.compactMap { $0.span.flatMap { plan.sources.position($0)?.start.line } } == [3, 4, 5])
        // The upgrade of the same tenant has none.
        #expect(!(try MigrationPlan.make(ws, to: "enterprise")).hasErrors)
    }

    /// A share cut whose real amount grows is raised: standard → premium gives MongoDB 20% of
    /// 8cores instead of 30% of 2cores. Nothing of the tenant is lowered by that upgrade.
    @Test func aShareCutWhoseAmountGrowsIsRaised() throws {
        let plan = try MigrationPlan.make(try Self.workspace("examples/existing_tenant.tenant"), to: "premium")
        let share = try #require(plan.changes.first { $0.change.path == "databases.mongodb.resources.cpu_share" })
        #expect(share.effect == .up)
        #expect(share.amount?.path == "databases.mongodb.resources.cpu")
        #expect(plan.text.contains("    up       databases.mongodb.resources.cpu_share: 30% → 20% (cpu 0.6cores → 1.6cores)\n"))
        // A share that moves with its amount needs no explanation.
        let clickhouse = try #require(plan.changes.first { $0.change.path == "databases.clickhouse.resources.cpu_share" })
        #expect(clickhouse.effect == .up && clickhouse.amount == nil)
        #expect(!plan.changes.contains { ($0.category == .resource || $0.category == .limit) && $0.effect == .down })
        #expect(!plan.steps.contains { $0.kind == .release })
        // And the other way: the downgrade lowers them, and raises nothing.
        let down = try MigrationPlan.make(try Self.workspace("examples/custom_tenant_001.tenant"), to: "standard")
        #expect(down.changes.first { $0.change.path == "databases.mongodb.resources.cpu_share" }?.effect == .down)
        #expect(!down.changes.contains { ($0.category == .resource || $0.category == .limit) && $0.effect == .up })
        #expect(!down.steps.contains { $0.kind == .provision })
    }

    /// A database the target tier does not provision is removed (exported, then released), not
    /// also a data move to another kind of instance.
    @Test func aRemovedDatabaseIsNotAlsoADataMove() throws {
        let plan = try MigrationPlan.make(try Self.workspace("examples/custom_tenant_001.tenant"), to: "standard")
        for db in ["ClickHouse", "Elasticsearch"] {
            #expect(plan.risks.filter { $0.message.hasPrefix(db + " ") }.map(\.kind) == [.databaseRemoved])
            let move = try #require(plan.steps.first { $0.kind == .moveData })
            #expect(!move.details.contains { $0.hasPrefix(db + " ") })
            #expect(plan.steps.first { $0.kind == .release }?.details.contains("\(db), once its export is verified") == true)
        }
        // The databases that stay still move.
        #expect(plan.risks.filter { $0.kind == .dataMoves }.map(\.path) == ["databases.postgresql", "databases.mongodb", "databases.redis"])
    }

    /// `migrate`'s summary counts each category in the singular when there is one.
    @Test func migrateSummaryCountsInTheSingular() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("tiers"), withIntermediateDirectories: true)
        try "tier a {\n  limits.cpu = 1cores\n  name = \"a\"\n}\ntier b extends a {\n  limits.cpu = 2cores\n  name = \"b\"\n}\n"
            .write(to: dir.appendingPathComponent("tiers/ab.tenant"), atomically: true, encoding: .utf8)
        try "tenant z extends a {}\n".write(to: dir.appendingPathComponent("z.tenant"), atomically: true, encoding: .utf8)
        let plan = try MigrationPlan.make(try Self.workspace("z.tenant", in: dir.path), to: "b")
        #expect(plan.summary(applied: false).contains("\n  2 changes: 1 limit, 1 other setting\n"), "\(plan.summary(applied: false))")
        #expect(MigrationPlan.Category.backup.counted(2) == "2 backup and retention changes")
        #expect(MigrationPlan.Category.instanceMode.counted(1) == "1 isolation or instance mode change")
    }

    @Test func retentionThatShrinksIsARisk() throws {
        let plan = try MigrationPlan.make(try Self.workspace("examples/existing_tenant.tenant"), to: "free")
        let shrinking = plan.risks.filter { $0.kind == .retentionShrinks }.map(\.path)
        #expect(shrinking.contains("backup.retention"))
        #expect(shrinking.contains("compliance.auditing.retention"))
        #expect(plan.risks.contains { $0.kind == .entitlementInUse && $0.path == "entitlements.dedicated_instances" })
    }

    @Test func planToTheCurrentTierChangesNothing() throws {
        let plan = try MigrationPlan.make(try Self.workspace("examples/startup_001.tenant"), to: "free")
        #expect(plan.direction == .none)
        #expect(plan.changes.isEmpty && plan.risks.isEmpty && plan.steps.isEmpty)
    }

    @Test func unknownTierAndEnvironmentAreUsageErrors() throws {
        let ws = try Self.workspace("examples/existing_tenant.tenant")
        #expect(throws: UsageFailure.self) { try MigrationPlan.make(ws, to: "premum") }
        do {
            _ = try MigrationPlan.make(ws, to: "premum")
        } catch {
            #expect(error.message == "unknown tier `premum`")
            #expect(error.help.first == "did you mean `premium`?")
        }
        do {
            _ = try MigrationPlan.make(ws, to: "premium", environment: "stagin")
            Issue.record("an unknown environment was accepted")
        } catch {
            #expect(error.help.first == "did you mean `staging`?")
        }
    }

    @Test func planInAnotherEnvironmentUsesItsOverlays() throws {
        let ws = try Self.workspace("examples/existing_tenant.tenant")
        let plan = try MigrationPlan.make(ws, to: "premium", environment: "development")
        #expect(plan.environment == "development")
        let production = try MigrationPlan.make(ws, to: "premium")
        #expect(plan.changes.map(\.change) != production.changes.map(\.change))
    }

    // MARK: migrate

    /// A tenant file with comments and unusual layout around its `extends` clause.
    static let oddLayout = """
        // Moved between tiers by the tests.
        /// Doc comment.
        tenant moving_001 /* before */ extends   standard // after the tier
        {
          tenant_info.tenant_name = "Moving"   // kept
        }

        """

    @Test func migrateRewritesOnlyTheExtendsClause() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("moving_001.tenant")
        try Self.oddLayout.write(to: file, atomically: true, encoding: .utf8)
        let ws = try Self.workspace("moving_001.tenant", tiers: repoRoot + "/tiers", in: dir.path)
        let outcome = try TierMigration.run(ws, to: "premium")
        #expect(outcome.applied, "\(outcome.refusal ?? "")")
        let after = try String(contentsOf: file, encoding: .utf8)
        #expect(after == Self.oddLayout.replacingOccurrences(of: "extends   standard", with: "extends   premium"))
        // The result builds under its new tier.
        let again = try Self.workspace("moving_001.tenant", tiers: repoRoot + "/tiers", in: dir.path)
        #expect(again.tierName == "premium")
        #expect(!again.resolve().failed)
        // No temporary file is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["moving_001.tenant"])
    }

    @Test func migrateOfEveryExampleChangesOneClauseOnly() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (file, from, to) in Self.adjacentMoves {
            let original = try Data(contentsOf: URL(fileURLWithPath: repoRoot + "/examples/\(file).tenant"))
            let copy = dir.appendingPathComponent("\(file).tenant")
            try original.write(to: copy)
            let outcome = try TierMigration.run(try Self.workspace("\(file).tenant", tiers: repoRoot + "/tiers", in: dir.path), to: to, force: true)
            #expect(outcome.applied)
            let text = String(decoding: original, as: UTF8.self)
            let expected = text.replacingOccurrences(of: "tenant \(file) extends \(from) {", with: "tenant \(file) extends \(to) {")
            #expect(expected != text)
            #expect(try String(contentsOf: copy, encoding: .utf8) == expected)
        }
    }

    @Test func migrateRefusesAPlanWithErrors() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = try Data(contentsOf: URL(fileURLWithPath: repoRoot + "/examples/custom_tenant_001.tenant"))
        let copy = dir.appendingPathComponent("custom_tenant_001.tenant")
        try original.write(to: copy)
        let ws = try Self.workspace("custom_tenant_001.tenant", tiers: repoRoot + "/tiers", in: dir.path)
        let refused = try TierMigration.run(ws, to: "standard")
        #expect(!refused.applied)
        #expect(refused.plan.hasErrors)
        #expect(refused.refusal?.contains("--force") == true)
        #expect(try Data(contentsOf: copy) == original)
        let forced = try TierMigration.run(ws, to: "standard", force: true)
        #expect(forced.applied)
        #expect(try Data(contentsOf: copy) != original)
    }

    @Test func migrateLeavesAFileWithSyntaxErrorsAlone() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = "tenant broken_001 extends standard {\n  tenant_info.tenant_name = \n}\n"
        let file = dir.appendingPathComponent("broken_001.tenant")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let ws = try Self.workspace("broken_001.tenant", tiers: repoRoot + "/tiers", in: dir.path)
        let outcome = try TierMigration.run(ws, to: "premium", force: true)
        #expect(!outcome.applied)
        #expect(try String(contentsOf: file, encoding: .utf8) == text)
    }

    @Test func migrateThroughASymlinkKeepsTheLink() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let real = dir.appendingPathComponent("real.tenant")
        try "tenant linked_001 extends free { tenant_info.tenant_name = \"Linked\" }\n".write(to: real, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link.tenant").path, withDestinationPath: "real.tenant")
        let outcome = try TierMigration.run(try Self.workspace("link.tenant", tiers: repoRoot + "/tiers", in: dir.path), to: "standard")
        #expect(outcome.applied)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir.appendingPathComponent("link.tenant").path) == "real.tenant")
        #expect(try String(contentsOf: real, encoding: .utf8) == "tenant linked_001 extends standard { tenant_info.tenant_name = \"Linked\" }\n")
    }

    /// A tenant file to migrate from free to standard, in a scratch directory.
    static func linkedTenant() throws -> (dir: URL, file: URL, text: String) {
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("real.tenant")
        let text = "tenant linked_001 extends free { tenant_info.tenant_name = \"Linked\" }\n"
        try text.write(to: file, atomically: true, encoding: .utf8)
        return (dir, file, text)
    }

    static func migrate(_ dir: URL) throws -> MigrationOutcome {
        try TierMigration.run(try Self.workspace("real.tenant", tiers: repoRoot + "/tiers", in: dir.path), to: "standard")
    }

    @Test(.enabled(if: geteuid() == 0, "only root can give a file to another owner"))
    func migrateKeepsTheFilesOwnerGroupAndMode() throws {
        let (dir, file, _) = try Self.linkedTenant()
        defer { try? FileManager.default.removeItem(at: dir) }
        try #require(chown(file.path, 4321, 8765) == 0 && chmod(file.path, 0o640) == 0)
        #expect(try Self.migrate(dir).applied)
        var st = stat()
        try #require(stat(file.path, &st) == 0)
        #expect(st.st_uid == 4321 && st.st_gid == 8765)
        #expect(st.st_mode & 0o7777 == 0o640)
    }

    @Test func migrateTakesOverTheTemporaryFileOfAKilledRewrite() throws {
        let (dir, file, text) = try Self.linkedTenant()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "half of a file".write(to: dir.appendingPathComponent(".real.tenant.tenantc-new"), atomically: false, encoding: .utf8)
        #expect(try Self.migrate(dir).applied)
        #expect(try String(contentsOf: file, encoding: .utf8) == text.replacingOccurrences(of: "extends free", with: "extends standard"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["real.tenant"])
    }

    @Test func aRewriteUnderWayMakesAnotherFail() throws {
        let (dir, file, text) = try Self.linkedTenant()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fd = open(dir.appendingPathComponent(".real.tenant.tenantc-new").path, O_WRONLY | O_CREAT, 0o600)
        defer { close(fd) }
        try #require(fd >= 0 && flock(fd, LOCK_EX) == 0)
        #expect { _ = try Self.migrate(dir) } throws: { ($0 as? UsageFailure)?.message.contains("another tenantc is rewriting this file") == true }
        #expect(try String(contentsOf: file, encoding: .utf8) == text)
    }

    /// The file is replaced, not rewritten in place (see `replaceFile`): another hard link keeps the old text.
    @Test func migrateReplacesTheFileAndAHardLinkKeepsTheOldText() throws {
        let (dir, file, text) = try Self.linkedTenant()
        defer { try? FileManager.default.removeItem(at: dir) }
        let alias = dir.appendingPathComponent("alias.txt")
        try FileManager.default.linkItem(at: file, to: alias)
        #expect(try Self.migrate(dir).applied)
        #expect(try String(contentsOf: alias, encoding: .utf8) == text)
        #expect(try String(contentsOf: file, encoding: .utf8) != text)
    }

    // MARK: access

    /// One tenant per shipped tier, and what each role may do on each database: `r`ead,
    /// `w`rite, `a`dmin. Without a role, the tenant's users and service accounts together.
    static let accessTenants: [(file: String, tier: String)] = [
        ("demo_free_001", "free"), ("existing_tenant", "standard"), ("custom_tenant_001", "premium"), ("corp_enterprise_001", "enterprise"),
    ]
    static let databases = ["postgresql", "mongodb", "redis", "clickhouse", "elasticsearch"]
    static let operations = ["read", "write", "admin"]
    static let expectedAccess: [String: [String: String]] = [
        // role (or "" for the tenant's own principals) → database → operations allowed, on a tier with every database
        "": ["postgresql": "rwa", "mongodb": "rwa", "redis": "rwa", "clickhouse": "rwa", "elasticsearch": "rwa"],
        "tenant_app": ["postgresql": "rw", "mongodb": "rw", "redis": "rw", "clickhouse": "rw", "elasticsearch": "rw"],
        "tenant_readonly": ["postgresql": "r", "mongodb": "r", "redis": "r", "clickhouse": "r", "elasticsearch": "r"],
    ]
    /// The databases each tier includes.
    static let entitled: [String: Set<String>] = [
        "free": ["postgresql", "mongodb", "redis"],
        "standard": ["postgresql", "mongodb", "redis"],
        "premium": Set(databases),
        "enterprise": Set(databases),
    ]

    @Test(arguments: accessTenants)
    func accessMatrix(_ tenant: (file: String, tier: String)) throws {
        let ws = try Self.workspace("examples/\(tenant.file).tenant")
        for role in ["", "tenant_app", "tenant_readonly"] {
            for db in Self.databases {
                for op in Self.operations {
                    let answer = try AccessDecision.decide(ws, database: db, operation: op, role: role.isEmpty ? nil : role)
                    guard case .decided(let d) = answer else {
                        Issue.record("\(tenant.file) does not build")
                        return
                    }
                    let granted = Self.expectedAccess[role]![db]!.contains(op.first!)
                    let available = Self.entitled[tenant.tier]!.contains(db)
                    #expect(d.allowed == (granted && available), "\(tenant.file) \(db) \(op) role=\(role): \(d.reason ?? "allowed")")
                    if !available {
                        #expect(d.reason == "\(databaseDisplayName(db)) is not available on tier \(tenant.tier); it requires premium")
                        #expect(d.requiredTier == "premium")
                    } else if !granted {
                        #expect(d.reason?.hasPrefix("role `\(role)` does not grant `\(op)` on \(databaseDisplayName(db))") == true)
                    } else {
                        #expect(d.reason == nil && !d.grantedBy.isEmpty)
                    }
                }
            }
        }
    }

    @Test func accessToADisabledDatabaseIsDenied() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "tenant quiet_001 extends premium {\n  tenant_info.tenant_name = \"Quiet\"\n  databases.elasticsearch.enabled = false\n}\n"
            .write(to: dir.appendingPathComponent("quiet_001.tenant"), atomically: true, encoding: .utf8)
        let ws = try Self.workspace("quiet_001.tenant", tiers: repoRoot + "/tiers", in: dir.path)
        guard case .decided(let d) = try AccessDecision.decide(ws, database: "elasticsearch", operation: "read") else {
            Issue.record("the tenant does not build")
            return
        }
        #expect(!d.allowed)
        #expect(d.reason == "Elasticsearch is not enabled for tenant quiet_001 (`databases.elasticsearch.enabled` is false)")
    }

    @Test func accessRoleGrantsAreTheRoleTable() throws {
        let ws = try Self.workspace("examples/corp_enterprise_001.tenant")
        guard case .decided(let d) = try AccessDecision.decide(ws, database: "redis", operation: "read", role: "tenant_auditor") else {
            Issue.record("the tenant does not build")
            return
        }
        #expect(!d.allowed)
        #expect(d.reason == "role `tenant_auditor` does not grant `read` on Redis (it grants nothing on it)")
    }

    @Test func unknownDatabaseOperationOrRoleIsAUsageError() throws {
        let ws = try Self.workspace("examples/existing_tenant.tenant")
        func failure(_ db: String, _ op: String, role: String? = nil) -> UsageFailure? {
            do {
                _ = try AccessDecision.decide(ws, database: db, operation: op, role: role)
                return nil
            } catch {
                return error
            }
        }
        #expect(failure("clickhose", "read")?.message == "unknown database `clickhose`")
        #expect(failure("clickhose", "read")?.help.first == "did you mean `clickhouse`?")
        #expect(failure("redis", "wirte")?.help.first == "did you mean `write`?")
        #expect(failure("redis", "read", role: "tenant_ap")?.help.first == "did you mean `tenant_app`?")
        #expect(failure("redis", "delete")?.help.last == "the operations are `read`, `write`, `admin`")
    }

    // MARK: the commands

    @Test func commandsExitCodes() throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let root = URL(fileURLWithPath: repoRoot)
        let upgrade = try TenantcCLI.run(["plan", "examples/existing_tenant.tenant", "--to", "premium"], in: root)
        #expect(upgrade.status == 0, "\(upgrade.stderr)")
        #expect(upgrade.stdout.hasPrefix("Plan for tenant existing_tenant (examples/existing_tenant.tenant): tier standard → premium (upgrade)"))
        let failing = try TenantcCLI.run(["plan", "examples/custom_tenant_001.tenant", "--to", "standard", "--color", "never"], in: root)
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("error[E0310]: databases open 250 connections; tier `standard` allows 100"))
        let json = try TenantcCLI.run(["plan", "examples/custom_tenant_001.tenant", "--to", "standard", "--format", "json"], in: root)
        #expect(json.status == 1 && json.stderr.isEmpty)
        #expect(json.stdout.contains("\"code\": \"E0310\""))
        let unknown = try TenantcCLI.run(["plan", "examples/existing_tenant.tenant", "--to", "gold"], in: root)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.hasPrefix("tenantc: error: unknown tier `gold`"))
        let denied = try TenantcCLI.run(["access", "examples/demo_free_001.tenant", "clickhouse", "read"], in: root)
        #expect(denied.status == 1)
        #expect(denied.stdout == "denied: ClickHouse is not available on tier free; it requires premium\n")
        let allowed = try TenantcCLI.run(["access", "examples/custom_tenant_001.tenant", "clickhouse", "read"], in: root)
        #expect(allowed.status == 0 && allowed.stdout == "allowed\n")
        let typo = try TenantcCLI.run(["access", "examples/custom_tenant_001.tenant", "clickhose", "read"], in: root)
        #expect(typo.status == 2 && typo.stderr.contains("did you mean `clickhouse`?"))

        // migrate: refused (file untouched), then a clean move in a copy.
        let copy = dir.appendingPathComponent("examples")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: repoRoot + "/tiers", toPath: dir.appendingPathComponent("tiers").path)
        for name in ["custom_tenant_001", "existing_tenant"] {
            try FileManager.default.copyItem(atPath: repoRoot + "/examples/\(name).tenant", toPath: copy.appendingPathComponent("\(name).tenant").path)
        }
        let refused = try TenantcCLI.run(["migrate", "examples/custom_tenant_001.tenant", "--to", "standard"], in: dir)
        #expect(refused.status == 1)
        #expect(try Data(contentsOf: copy.appendingPathComponent("custom_tenant_001.tenant"))
                == Data(contentsOf: URL(fileURLWithPath: repoRoot + "/examples/custom_tenant_001.tenant")))
        let moved = try TenantcCLI.run(["migrate", "examples/existing_tenant.tenant", "--to", "premium"], in: dir)
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(moved.stdout.hasPrefix("Tenant existing_tenant (examples/existing_tenant.tenant): tier standard → premium (upgrade)"))
        let check = try TenantcCLI.run(["access", "examples/existing_tenant.tenant", "clickhouse", "read"], in: dir)
        #expect(check.status == 0 && check.stdout == "allowed\n")
    }
}
