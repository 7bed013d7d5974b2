import Foundation
import TenantCompiler
import TenantModel
import TenantSemantics
import Testing

/// `tenantc explain` (docs/explain.md): the layers, formula and rules behind a value.
@Suite struct ExplainTests {
    static func explain(_ file: String, _ path: String, env: String? = nil, in dir: String = repoRoot) throws -> (ValueExplanation, TenantWorkspace) {
        let workspace = try TenantWorkspace.load(path: file, workingDirectory: dir, wholeProject: false)
        return (try ValueExplainer.run(workspace, path: path, environment: env), workspace)
    }

    @Test func aFormulaScaledByAnOverlayShowsEveryLayerAndTheValuesItRead() throws {
        let (e, ws) = try Self.explain("examples/custom_tenant_001.tenant", "databases.postgresql.resources.cpu", env: "development")
        #expect(e.tier == "premium" && e.environment == "development")
        let f = try #require(e.fields.first)
        #expect(e.fields.count == 1)
        #expect(f.type == "cpu" && f.value == .cpu(CPU(millicores: 1_600)))
        #expect(f.declaration.origin == .tier("free"))
        #expect(f.steps.map(\.action) == [.set, .scaled])
        #expect(f.steps.map(\.origin) == [.tier("free"), .tierEnv(tier: "free", env: "development")])
        #expect(f.steps.map { $0.value.map(\.sourceText) } == ["3.2cores", "1.6cores"])
        #expect(f.steps.last?.written == "50%")
        let formula = try #require(f.formula)
        #expect(formula.expression == "limits.cpu * databases.postgresql.resources.cpu_share")
        #expect(formula.substituted == "8cores * 40%")
        #expect(formula.value?.sourceText == "3.2cores")
        #expect(formula.references.map(\.path) == ["limits.cpu", "databases.postgresql.resources.cpu_share"])
        #expect(formula.references.map(\.origin) == [.tier("premium"), .tier("premium")])
        #expect(f.rules.contains { $0.text.hasPrefix("sum([db.resources.cpu") && $0.passed == true })

        let text = e.text(ws.sources)
        #expect(text.contains("databases.postgresql.resources.cpu: cpu = 1.6cores"))
        #expect(text.contains("scaled by 50% → 1.6cores in tiers/free.tenant:"))
        #expect(text.contains("= 8cores * 40%"))
        #expect(text.contains("limits.cpu = 8cores, set in tiers/premium.tenant:6:5 (tier `premium`)"))
    }

    @Test func aValueTheTenantSetsPointsAtItsLine() throws {
        let (e, ws) = try Self.explain("examples/custom_tenant_001.tenant", "databases.postgresql.performance.max_connections")
        let f = try #require(e.fields.first)
        #expect(f.value == .int(200))
        #expect(f.steps.last?.origin == .tenant("custom_tenant_001"))
        #expect(f.steps.map(\.origin).first == .tier("free"))
        let text = e.text(ws.sources)
        #expect(text.contains("set to 200 in examples/custom_tenant_001.tenant:6:5 (tenant `custom_tenant_001`)"))
        #expect(text.contains("    6 |     max_connections = 200"))
        // On premium every rule that reads it passes (it is over standard's limit only).
        #expect(!f.rules.isEmpty && f.rules.allSatisfy { $0.passed == true })
    }

    @Test func aRecordListsItsChildrenWithTheLayerThatLastSetEach() throws {
        let (e, _) = try Self.explain("examples/custom_tenant_001.tenant", "limits")
        let f = try #require(e.fields.first)
        #expect(f.isRecord && f.locked && f.value == nil)
        let cpu = try #require(f.children.first { $0.name == "cpu" })
        #expect(cpu.value?.sourceText == "8cores" && cpu.origin == .tier("premium"))
        #expect(f.children.count >= 6)
    }

    @Test func aWildcardExplainsEveryMatchingField() throws {
        let (e, _) = try Self.explain("examples/custom_tenant_001.tenant", "databases.*.enabled")
        #expect(e.fields.map(\.path) == ["databases.postgresql.enabled", "databases.mongodb.enabled", "databases.redis.enabled",
                                         "databases.clickhouse.enabled", "databases.elasticsearch.enabled"])
    }

    @Test func anUnknownPathIsAUsageErrorWithTheNearestPath() throws {
        let workspace = try TenantWorkspace.load(path: "examples/custom_tenant_001.tenant", workingDirectory: repoRoot, wholeProject: false)
        #expect(throws: UsageFailure.self) { try ValueExplainer.run(workspace, path: "limits.cpus", environment: nil) }
        do {
            _ = try ValueExplainer.run(workspace, path: "limits.cpus", environment: nil)
        } catch {
            #expect(error.message == "tenant custom_tenant_001 has no field `limits.cpus`")
            #expect(error.help == ["did you mean `limits.cpu`?"])
        }
    }

    @Test func hiddenFieldsAndSecretsInAProjectOfItsOwn() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("tiers"), withIntermediateDirectories: true)
        try """
            tier base {
              _plan {
                seats: int = 5
              }
              seats = _plan.seats * 2
              password: secret?
              check seats <= 100 else "too many seats"
            }

            """.write(to: dir.appendingPathComponent("tiers/base.tenant"), atomically: true, encoding: .utf8)
        try """
            tenant acme extends base {
              _plan = { seats = 60 }
              password = "hunter2"
            }

            """.write(to: dir.appendingPathComponent("acme.tenant"), atomically: true, encoding: .utf8)
        let (e, ws) = try Self.explain("acme.tenant", "seats", in: dir.path)
        let f = try #require(e.fields.first)
        #expect(f.value == .int(120))
        #expect(f.formula?.substituted == "60 * 2")
        #expect(f.rules.map(\.passed) == [false])
        #expect(e.text(ws.sources).contains("FAILS  check seats <= 100"))
        let (hidden, _) = try Self.explain("acme.tenant", "_plan.seats", in: dir.path)
        #expect(hidden.fields.first?.hidden == true && hidden.fields.first?.value == .int(60))
        #expect(hidden.fields.first?.steps.map(\.action) == [.replaced])  // the tier's definition went with the record
        // A plaintext written where a secret belongs is never shown.
        let (secret, sws) = try Self.explain("acme.tenant", "password", in: dir.path)
        let shown = secret.text(sws.sources) + secret.json(sws.sources)
        #expect(!shown.contains("hunter2"), "\(shown)")
        #expect(shown.contains("password = …"))
    }

    /// The README's example is the command's output (its last rule elided).
    @Test func theREADMEShowsWhatTheCommandPrints() throws {
        let readme = try String(contentsOf: URL(fileURLWithPath: repoRoot + "/README.md"), encoding: .utf8)
        let command = "$ tenantc explain examples/custom_tenant_001.tenant databases.postgresql.resources.cpu --env staging\n"
        let start = try #require(readme.range(of: command)).upperBound
        let end = try #require(readme.range(of: "    …\n```", range: start..<readme.endIndex)).lowerBound
        let shown = String(readme[start..<end])
        let run = try TenantcCLI.run(["explain", "examples/custom_tenant_001.tenant", "databases.postgresql.resources.cpu", "--env", "staging"],
                                     in: URL(fileURLWithPath: repoRoot))
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix(shown), "README:\n\(shown)\ncommand:\n\(run.stdout)")
        #expect(shown.count > 500)
    }

    @Test func theCommandLineInTextAndJSON() throws {
        let dir = URL(fileURLWithPath: repoRoot)
        let text = try TenantcCLI.run(["explain", "examples/custom_tenant_001.tenant", "limits.cpu"], in: dir)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("tenant custom_tenant_001 (tier premium, environment production)\n\nlimits.cpu: cpu = 8cores\n"))
        let json = try TenantcCLI.run(["explain", "examples/custom_tenant_001.tenant", "databases.postgresql.resources.cpu",
                                       "--format", "json", "--env", "staging"], in: dir)
        #expect(json.status == 0, "\(json.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["format_version"] as? String == "1.0")
        #expect(document["environment"] as? String == "staging")
        let field = try #require((document["fields"] as? [[String: Any]])?.first)
        // Staging scales the databases' resources by 70%.
        #expect(field["text"] as? String == "2.24cores")
        #expect(field["value"] as? Double == 2.24)
        let formula = try #require(field["formula"] as? [String: Any])
        #expect(formula["substituted"] as? String == "8cores * 40%")
        let layers = try #require(field["layers"] as? [[String: Any]])
        #expect(layers.first?["file"] as? String == "tiers/free.tenant")
        #expect(layers.map { $0["action"] as? String } == ["set", "scaled"])
        #expect(layers.last?["written"] as? String == "70%")
        let unknown = try TenantcCLI.run(["explain", "examples/custom_tenant_001.tenant", "limits.cpus"], in: dir)
        #expect(unknown.status == 2 && unknown.stderr.contains("did you mean `limits.cpu`?"), "\(unknown.stderr)")
        let badEnv = try TenantcCLI.run(["explain", "examples/custom_tenant_001.tenant", "limits.cpu", "--env", "prod"], in: dir)
        #expect(badEnv.status == 2 && badEnv.stderr.contains("unknown environment"), "\(badEnv.stderr)")
    }
}
