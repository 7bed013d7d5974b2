import Foundation
import Testing
import TenantDiagnostics
import TenantModel
@testable import TenantSemantics

@Suite("Shipped tiers and examples")
struct ShippedTierTests {
    static let examples = ["corp_enterprise_001", "custom_tenant_001", "demo_free_001", "existing_tenant", "global_corp_001", "startup_001"]

    func resolved(_ id: String, env: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) -> Value? {
        guard let r = shipped.resolve(id, env: env) else {
            Issue.record("no example tenant `\(id)`", sourceLocation: sourceLocation)
            return nil
        }
        let errors = r.diagnostics.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(id): \(summary(errors))", sourceLocation: sourceLocation)
        return r.tenant.map { .record($0.config) }
    }

    func value(_ id: String, _ path: String, env: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) -> Value? {
        resolved(id, env: env, sourceLocation: sourceLocation).flatMap { lookup($0, path) }
    }

    @Test func theFourTiersBuildWithNoDiagnostics() {
        #expect(shippedTierFiles().map(\.path) == ["tiers/enterprise.tenant", "tiers/free.tenant", "tiers/premium.tenant", "tiers/standard.tenant"])
        #expect(shipped.parseDiagnostics.isEmpty, "\(summary(shipped.parseDiagnostics))")
        #expect(shipped.tierSet.diagnostics.isEmpty, "\(summary(shipped.tierSet.diagnostics))")
        for name in ["free", "standard", "premium", "enterprise"] {
            let layout = shipped.tierSet.layout(named: name)
            #expect(layout != nil)
            #expect(layout?.hasErrors == false)
            #expect(layout?.environments == ["development", "staging", "production"])
        }
    }

    @Test(arguments: examples)
    func examplesResolveWithNoErrors(_ id: String) {
        let r = shipped.resolve(id)
        #expect(r != nil)
        #expect(r?.diagnostics.filter { $0.severity == .error }.isEmpty == true, "\(summary(r?.diagnostics ?? []))")
        #expect(r?.tenant?.id == id)
        #expect(r?.environment == "production")
        #expect(value(id, "tenant_info.tenant_id") == .string(id))
        #expect(value(id, "databases.postgresql.schemas.tenant_data") == .string("\(id)_data"))
        #expect(value(id, "databases.redis.namespaces.cache") == .string("cache:\(id):"))
        #expect(value(id, "access_control.admin_users.0.username") == .string("\(id)_admin"))
    }

    @Test func limitsPerTier() {
        let rows: [(String, String, Int64, Int64, Int64, Value)] = [
            ("demo_free_001", "free", 250, 512 * MiB, 1 * GiB, .int(10)),
            ("existing_tenant", "standard", 2000, 8 * GiB, 100 * GiB, .int(1000)),
            ("custom_tenant_001", "premium", 8000, 32 * GiB, 1024 * GiB, .int(10_000)),
            ("corp_enterprise_001", "enterprise", 32_000, 128 * GiB, 10 * 1024 * GiB, .int(100_000)),
        ]
        for (id, tier, c, m, s, users) in rows {
            #expect(value(id, "tenant_info.tenant_type") == .string(tier))
            #expect(value(id, "limits.cpu") == cpu(c), "\(id)")
            #expect(value(id, "limits.memory") == size(m), "\(id)")
            #expect(value(id, "limits.storage") == size(s), "\(id)")
            #expect(value(id, "limits.max_users") == users, "\(id)")
        }
        #expect(value("corp_enterprise_001", "limits.storage")?.sourceText == "10TiB")
    }

    @Test func databaseModesAndShares() {
        #expect(value("demo_free_001", "databases.postgresql.mode") == .string("shared"))
        #expect(value("existing_tenant", "databases.postgresql.mode") == .string("dedicated"))
        #expect(value("custom_tenant_001", "databases.postgresql.mode") == .string("cluster"))
        #expect(value("corp_enterprise_001", "databases.mongodb.mode") == .string("sharded_cluster"))
        #expect(value("corp_enterprise_001", "databases.postgresql.isolation") == .string("database"))
        // 40% of the tier's CPU, exactly.
        #expect(value("demo_free_001", "databases.postgresql.resources.cpu") == cpu(100))
        #expect(value("existing_tenant", "databases.postgresql.resources.cpu") == cpu(800))
        #expect(value("custom_tenant_001", "databases.postgresql.resources.cpu") == cpu(3200))
        #expect(value("existing_tenant", "databases.postgresql.resources.memory") == size(4 * GiB))
        #expect(value("demo_free_001", "databases.clickhouse.enabled") == .bool(false))
        #expect(value("custom_tenant_001", "databases.clickhouse.enabled") == .bool(true))
    }

    @Test func tenantOverridesInExamples() {
        #expect(value("custom_tenant_001", "databases.postgresql.performance.max_connections") == .int(200))
        #expect(value("custom_tenant_001", "databases.postgresql.performance.shared_buffers")?.sourceText == "1GB")
        #expect(value("custom_tenant_001", "monitoring.custom_metrics") ==
                .list([.record(Record(["name": .string("business_kpis"), "retention": duration(2 * 365 * 86_400_000)]))]))
        #expect(value("startup_001", "tenant_info.contact_email") == .string("admin@startup.com"))
        if case .record(let info)? = value("demo_free_001", "tenant_info") {
            #expect(info.keys == ["tenant_id", "tenant_name", "tenant_type", "environment", "region"])
        } else {
            Issue.record("no tenant_info")
        }
    }

    @Test func inheritedListsAndSuper() {
        #expect(value("demo_free_001", "monitoring.metrics") == strings("api_calls", "storage_usage"))
        #expect(value("existing_tenant", "monitoring.metrics") ==
                strings("api_calls", "storage_usage", "database_performance", "resource_usage", "connection_metrics"))
        #expect(value("corp_enterprise_001", "monitoring.alerts.channels") == strings("email", "slack", "pagerduty", "webhook"))
        #expect(value("existing_tenant", "access_control.service_accounts.1.username") == .string("existing_tenant_readonly"))
        #expect(value("corp_enterprise_001", "support.channels") == strings("documentation", "forum", "email", "phone", "dedicated_team"))
    }

    @Test func disasterRecoveryAndFailoverRegions() {
        #expect(value("corp_enterprise_001", "backup.disaster_recovery.enabled") == .bool(true))
        #expect(value("corp_enterprise_001", "backup.disaster_recovery.rpo") == duration(15 * 60_000))
        #expect(value("corp_enterprise_001", "backup.disaster_recovery.rpo")?.sourceText == "15m")
        #expect(value("corp_enterprise_001", "backup.disaster_recovery.rto")?.sourceText == "1h")
        // 24h is written back in the largest exact unit of its family.
        #expect(value("demo_free_001", "backup.disaster_recovery.rpo")?.sourceText == "1d")
        // Every main region but the tenant's own.
        #expect(value("corp_enterprise_001", "backup.disaster_recovery.failover_regions") == strings("us-east-1", "eu-west-1"))
        #expect(value("global_corp_001", "backup.disaster_recovery.failover_regions") == strings("us-west-2", "eu-west-1"))
        #expect(value("demo_free_001", "backup.disaster_recovery.failover_regions") == strings("us-west-2", "eu-west-1"))
    }

    @Test func developmentEnvironment() {
        let id = "existing_tenant"
        #expect(shipped.resolve(id, env: "development")?.environment == "development")
        #expect(value(id, "tenant_info.environment", env: "development") == .string("development"))
        // 2cores × 40% × 50%.
        #expect(value(id, "databases.postgresql.resources.cpu", env: "development") == cpu(400))
        #expect(value(id, "databases.postgresql.resources.memory", env: "development") == size(2 * GiB))
        #expect(value(id, "databases.mongodb.resources.cpu", env: "development") == cpu(300))
        #expect(value(id, "security.ssl.enabled", env: "development") == .bool(false))
        #expect(value(id, "security.encryption.enabled", env: "development") == .bool(false))
        // Limits are never scaled.
        #expect(value(id, "limits.cpu", env: "development") == cpu(2000))
        #expect(value(id, "security.all_features", env: "development") == .bool(false))
    }

    @Test func stagingAndProductionEnvironments() {
        let id = "existing_tenant"
        #expect(value(id, "databases.postgresql.resources.cpu", env: "staging") == cpu(560))
        #expect(value(id, "backup.retention", env: "staging")?.sourceText == "7d")
        #expect(value(id, "backup.retention")?.sourceText == "30d")
        #expect(value(id, "security.all_features") == .bool(true))
        #expect(value(id, "monitoring.level") == .string("full"))
        #expect(value(id, "security.ssl.enabled") == .bool(true))
    }

    @Test func complianceRulesFailWhereTheyShould() {
        // HIPAA needs TLS: the development overlay switches it off.
        let r = shipped.resolve("corp_enterprise_001", env: "development")
        #expect(r?.diagnostics.contains { $0.code.id == "E0310" && $0.message == "HIPAA and PCI-DSS require encryption at rest and enforced TLS" } == true,
                "\(summary(r?.diagnostics ?? []))")
        #expect(r?.tenant == nil)
    }

    static let invalid: [(String, String)] = [
        ("bad_enum", "E0308"), ("clickhouse_on_free", "E0310"), ("cpu_over_limit", "E0310"), ("locked_limit", "E0303"),
        ("missing_name", "E0304"), ("reference_cycle", "E0401"), ("sox_retention", "E0310"), ("typo_field", "E0301"),
        ("unknown_tier", "E0203"), ("wrong_type", "E0305"),
    ]

    @Test(arguments: invalid)
    func invalidExamplesFail(_ name: String, _ code: String) throws {
        let url = repositoryRoot.appendingPathComponent("examples/invalid/\(name).tenant")
        let text = try #require(FileManager.default.contents(atPath: url.path)).map { $0 }
        let c = compileWithShippedTiers(String(decoding: text, as: UTF8.self), path: "examples/invalid/\(name).tenant")
        #expect(c.tierDiagnostics.isEmpty)
        #expect(c.result?.diagnostics.map(\.code.id).contains(code) == true, "\(name): \(summary(c.diagnostics))")
        #expect(c.tenant == nil)
    }

    @Test func cpuOverLimitExplainsItself() throws {
        let url = repositoryRoot.appendingPathComponent("examples/invalid/cpu_over_limit.tenant")
        let text = String(decoding: try #require(FileManager.default.contents(atPath: url.path)), as: UTF8.self)
        let c = compileWithShippedTiers(text, path: "tenants/acme.tenant")
        let d = c.result?.diagnostics.first { $0.code.id == "E0310" }
        #expect(d?.message == "databases need 5.2cores of CPU; tier `standard` allows 2cores")
        #expect(c.source(d?.span) == "4cores")
        #expect(c.location(d?.span) == "tenants/acme.tenant:4")
        #expect(d?.notes.contains("limits.cpu = 2cores") == true, "\(d?.notes ?? [])")
        #expect(d?.notes.contains("sum([db.resources.cpu for db in databases.* if db.enabled]) = 5.2cores") == true, "\(d?.notes ?? [])")
        let limit = d?.related.first { $0.message == "limit of tier `standard`" }
        #expect(c.location(limit?.span) == "tiers/standard.tenant:6")
        #expect(c.source(limit?.span) == "2cores")
        #expect(d?.help.contains("raise the tenant to `premium` (limits.cpu = 8cores), or lower the value") == true, "\(d?.help ?? [])")
    }

    @Test func aCustomDealExtendsEnterprise() {
        let c = compileWithShippedTiers("""
        tier globex_deal extends enterprise { limits { cpu = 64cores } }
        tenant globex extends globex_deal { tenant_info.tenant_name = "Globex" }
        """)
        #expect(c.errors.isEmpty, "\(summary(c.errors))")
        #expect(c["limits.cpu"] == cpu(64_000))
        #expect(c["databases.postgresql.resources.cpu"] == cpu(25_600))
        #expect(c["tenant_info.tenant_type"] == .string("globex_deal"))
    }
}
