import TenantBackends
import TenantCompiler
import TenantDiagnostics
import Testing

/// Every rule of the shipped tiers, with one tenant that breaks it and one that keeps it.
@Suite struct ShippedRuleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var rule: String
        var tier: String
        /// Lines that break the rule.
        var failing: String
        /// Lines that keep it (often the tier's defaults).
        var passing: String = ""
        /// A fragment of the rule's message.
        var message: String
        var warning = false

        var testDescription: String { rule }

        func source(_ body: String, id: String) -> String {
            "tenant \(id) extends \(tier) {\n  tenant_info.tenant_name = \"Rule test\"\n\(body)\n}\n"
        }
    }

    static let cases: [Case] = [
        Case(rule: "CPU within the limit", tier: "standard", failing: "databases.postgresql.resources.cpu = 4cores",
             passing: "databases.postgresql.resources.cpu = 0.8cores", message: "of CPU; tier `standard` allows 2cores"),
        Case(rule: "memory within the limit", tier: "standard", failing: "databases.redis.resources.memory = 8GiB",
             passing: "databases.redis.resources.memory = 2GiB", message: "of memory; tier `standard` allows 8GiB"),
        Case(rule: "storage within the limit", tier: "standard", failing: "databases.mongodb.resources.storage = 100GiB",
             passing: "databases.mongodb.resources.storage = 25GiB", message: "of storage; tier `standard` allows 100GiB"),
        Case(rule: "connections within db_connections", tier: "standard", failing: "databases.redis.performance.max_connections = 60",
             passing: "databases.redis.performance.max_connections = 20", message: "connections; tier `standard` allows 100"),
        Case(rule: "users within max_users", tier: "free",
             failing: "access_control.service_accounts = [" + (1...10).map { "{ username = \"svc\($0)\", roles = [\"tenant_app\"] }" }.joined(separator: ", ") + "]",
             passing: "access_control.service_accounts = [{ username = \"svc1\", roles = [\"tenant_app\"] }]",
             message: "11 database users; tier `free` allows 10"),
        Case(rule: "dedicated instances from standard", tier: "free", failing: "databases.postgresql.mode = \"dedicated\"",
             message: "dedicated and cluster instances start at tier `standard`"),
        Case(rule: "ClickHouse from premium", tier: "standard", failing: "databases.clickhouse.enabled = true",
             message: "ClickHouse is not available on tier `standard`; it requires premium"),
        Case(rule: "Elasticsearch from premium", tier: "free", failing: "databases.elasticsearch.enabled = true",
             message: "Elasticsearch is not available on tier `free`"),
        Case(rule: "predictive scaling from premium", tier: "standard", failing: "auto_scaling.predictive_scaling = true",
             message: "predictive scaling requires premium or enterprise"),
        Case(rule: "multi-region on enterprise", tier: "premium", failing: "multi_region { enabled = true  regions = [\"us-east-1\", \"eu-west-1\"] }",
             message: "multi-region deployments require enterprise"),
        Case(rule: "disaster recovery on enterprise", tier: "premium", failing: "backup.disaster_recovery.enabled = true",
             message: "disaster recovery requires enterprise"),
        Case(rule: "HSM on enterprise", tier: "premium", failing: "security.encryption.key_management = \"hsm\"",
             message: "HSM key management requires enterprise"),
        Case(rule: "ML services on enterprise", tier: "premium", failing: "ml_services.enabled = true",
             message: "ML services require enterprise"),
        Case(rule: "auto-scaling bounds", tier: "standard", failing: "auto_scaling.min_resources = 8cores",
             passing: "auto_scaling.min_resources = 1core", message: "auto-scaling minimum 8cores is above its maximum 4cores"),
        Case(rule: "IOPS guarantee within burst", tier: "standard", failing: "performance_tier.qos.guaranteed_iops = 5_000",
             passing: "performance_tier.qos.guaranteed_iops = 2_000", message: "guaranteed IOPS (5000) cannot exceed burst IOPS (3000)"),
        Case(rule: "HIPAA and PCI-DSS need encryption and TLS", tier: "free", failing: "compliance.regulations = [\"PCI-DSS\"]",
             passing: "compliance.regulations = [\"PCI-DSS\"]\n  security.encryption.enabled = true\n  security.ssl.required = true",
             message: "HIPAA and PCI-DSS require encryption at rest and enforced TLS"),
        Case(rule: "SOX keeps audit logs 7 years", tier: "standard", failing: "compliance.regulations = [\"SOX\"]",
             passing: "compliance.regulations = [\"SOX\"]\n  compliance.auditing.retention = 7y",
             message: "SOX requires keeping audit logs for 7 years; they are kept 1y"),
        Case(rule: "HIPAA keeps audit logs 6 years", tier: "standard", failing: "compliance.regulations = [\"HIPAA\"]",
             passing: "compliance.regulations = [\"HIPAA\"]\n  compliance.auditing.retention = 6y",
             message: "HIPAA requires keeping audit logs for 6 years"),
        Case(rule: "GDPR needs erasure and portability", tier: "standard",
             failing: "compliance.regulations = [\"GDPR\"]\n  compliance.privacy.data_portability = false",
             passing: "compliance.regulations = [\"GDPR\"]", message: "GDPR requires the right to erasure and data portability"),
        Case(rule: "EU residency needs an EU region", tier: "enterprise",
             failing: "compliance.data_residency { enabled = true  requirements = [\"EU_GDPR\"] }",
             passing: "tenant_info.region = \"eu-west-1\"\n  compliance.data_residency { enabled = true  requirements = [\"EU_GDPR\"] }",
             message: "EU data residency needs a region in the EU"),
        Case(rule: "residency flag matches its requirements", tier: "enterprise", failing: "compliance.data_residency.enabled = true",
             passing: "compliance.data_residency { enabled = true  requirements = [\"US_SOX\"] }",
             message: "data residency requirements and `compliance.data_residency.enabled` disagree"),
        Case(rule: "PostgreSQL shared_buffers within 40% of its memory", tier: "standard",
             failing: "databases.postgresql.performance.shared_buffers = 3GiB",
             passing: "databases.postgresql.performance.shared_buffers = 1GiB",
             message: "PostgreSQL shared_buffers (3GiB) above 40% of its memory (4GiB)", warning: true),
        Case(rule: "backups from standard", tier: "premium", failing: "backup.enabled = false",
             message: "tier `premium` includes backups: they cannot be switched off"),
        Case(rule: "enterprise disaster recovery objectives", tier: "enterprise", failing: "backup.disaster_recovery.rpo = 1h",
             passing: "backup.disaster_recovery.rpo = 5m", message: "RPO ≤ 15m and RTO ≤ 1h (configured: RPO 1h, RTO 1h)"),
        Case(rule: "auto-scaling within twice the tier's CPU", tier: "standard", failing: "auto_scaling.max_resources = 64cores",
             passing: "auto_scaling.max_resources = 3cores",
             message: "auto-scaling maximum 64cores is above twice the CPU of tier `standard` (4cores)"),
        Case(rule: "no database offsets another", tier: "free",
             failing: "databases.postgresql.resources.cpu = 100cores\n  databases.postgresql.performance.max_connections = 1\n"
                 + "  databases.extra: { enabled = true  mode = \"shared\"  performance.max_connections = 1\n"
                 + "    resources { cpu: cpu(-100cores..) = -100cores  memory = 0B  storage = 0B } }",
             passing: "databases.postgresql.performance.max_connections = 1\n"
                 + "  databases.extra: { enabled = true  mode = \"shared\"  performance.max_connections = 1\n"
                 + "    resources { cpu = 0cores  memory = 0B  storage = 0B } }",
             message: "a database has a negative CPU, memory, storage or connection count"),
        Case(rule: "enabled backups are kept", tier: "standard", failing: "backup.retention = 0d", passing: "backup.retention = 14d",
             message: "backups are enabled but kept 0d: keep them longer than 0d"),
        Case(rule: "enabled point-in-time recovery is kept", tier: "premium",
             failing: "backup.point_in_time_recovery.retention = 0d", passing: "backup.point_in_time_recovery.retention = 1d",
             message: "point-in-time recovery is enabled but covers 0d"),
    ]

    @Test(arguments: cases)
    func tenantBreakingTheRuleFails(_ c: Case) {
        let outcome = compileSources([("rule_breaker", c.source(c.failing, id: "rule_breaker"))])
        let failures = outcome.diagnostics.filter { $0.code == (c.warning ? .warnFailed : .checkFailed) }
        #expect(failures.count == 1, "\(humanText(outcome))")
        #expect(failures.first?.message.contains(c.message) == true, "\(failures.first?.message ?? "no failure")")
        // The failure points at the tenant's own line that broke the rule.
        if let d = failures.first, let span = d.span {
            #expect(outcome.sources.file(span.file)?.path == "tenants/rule_breaker.tenant")
        }
        #expect(outcome.exitCode == (c.warning ? 0 : 1))
        #expect(outcome.diagnostics.count == failures.count, "\(humanText(outcome))")
    }

    @Test(arguments: cases)
    func tenantKeepingTheRulePasses(_ c: Case) {
        let outcome = compileSources([("rule_keeper", c.source(c.passing, id: "rule_keeper"))])
        #expect(outcome.diagnostics.isEmpty, "\(humanText(outcome))")
        #expect(outcome.exitCode == 0)
        #expect(outcome.tenants.first?.resolved != nil)
    }

    /// A value that would get around a rule if a tenant could write it: refused by its field's
    /// type (a sign or a bound), so no rule ever reads it.
    struct Loophole: CustomTestStringConvertible, Sendable {
        var name: String
        var tier: String
        var lines: String
        var code: DiagnosticCode = .outOfBounds
        /// A fragment of the first diagnostic's message.
        var message: String

        var testDescription: String { name }
    }

    static let loopholes: [Loophole] = [
        Loophole(name: "negative CPU offsets another database's", tier: "free",
                 lines: "databases.postgresql.resources.cpu = 100cores\n  databases.mongodb.resources.cpu = -100cores",
                 message: "`databases.mongodb.resources.cpu`: -100cores is negative: a cpu must not be negative"),
        Loophole(name: "negative memory", tier: "standard",
                 lines: "databases.postgresql.resources.memory = 100GiB\n  databases.redis.resources.memory = -100GiB",
                 message: "`databases.redis.resources.memory`: -100GiB is negative: a size must not be negative"),
        Loophole(name: "negative storage", tier: "premium",
                 lines: "databases.clickhouse.resources.storage = 10TiB\n  databases.elasticsearch.resources.storage = -10TiB",
                 message: "`databases.elasticsearch.resources.storage`: -10TiB is negative: a size must not be negative"),
        Loophole(name: "a formula that ends below zero", tier: "free",
                 lines: "databases.postgresql.resources.cpu = limits.cpu * 40% + 10cores\n  databases.mongodb.resources.cpu = limits.cpu * 30% - 10cores",
                 message: "`databases.mongodb.resources.cpu`: -9.925cores is negative"),
        Loophole(name: "a scale below zero in the tenant's overlay", tier: "standard",
                 lines: "databases.postgresql.resources.cpu = 10cores\n  env production { scale databases.mongodb.resources by -1500% }",
                 message: "`databases.mongodb.resources.cpu`: -9cores is negative"),
        Loophole(name: "negative RPO meets the disaster recovery objective", tier: "enterprise",
                 lines: "backup.disaster_recovery.rpo = -24h", message: "`backup.disaster_recovery.rpo`: -1d is negative: a duration must not be negative"),
        Loophole(name: "negative backup retention", tier: "standard",
                 lines: "backup.retention = -30d", message: "`backup.retention`: -30d is negative"),
        Loophole(name: "negative audit retention", tier: "free",
                 lines: "compliance.auditing.retention = -7y", message: "`compliance.auditing.retention`: -7y is negative"),
        Loophole(name: "negative retention of a custom metric", tier: "free",
                 lines: "monitoring.custom_metrics = [{ name = \"kpi\", retention = -1y }]",
                 message: "item 1 of the list: field `retention`: -1y is negative"),
        Loophole(name: "negative replica count", tier: "standard",
                 lines: "databases.postgresql.replication.replicas = -1",
                 message: "`databases.postgresql.replication.replicas`: -1 is below the minimum 0 of int(0..)"),
    ]

    @Test(arguments: loopholes)
    func loopholeIsRefused(_ l: Loophole) {
        let source = "tenant loophole extends \(l.tier) {\n  tenant_info.tenant_name = \"Loophole\"\n  \(l.lines)\n}\n"
        let outcome = compileSources([("loophole", source)])
        let first = outcome.diagnostics.first { $0.severity == .error }
        #expect(first?.code == l.code, "\(humanText(outcome))")
        #expect(first?.message.contains(l.message) == true, "\(humanText(outcome))")
        #expect(outcome.exitCode == 1)
        #expect(outcome.tenants.first?.resolved == nil)
    }

    /// The attack that found the loopholes: the sum stays within the free tier's limits, one
    /// database's part being negative. Errors, and nothing is written.
    @Test func negativeQuantitiesCannotOffsetTheLimits() {
        let source = """
        tenant attacker extends free {
          tenant_info.tenant_name = "Attacker"
          databases.postgresql.resources { cpu = 100cores  memory = 1000GiB }
          databases.mongodb.resources { cpu = -100cores  memory = -1000GiB }
        }

        """
        let outcome = compileSources([("attacker", source)], emit: EmitPlan(backends: [YAMLBackend()], output: .standardOutput))
        let messages = outcome.diagnostics.filter { $0.code == .outOfBounds }.map(\.message)
        #expect(messages == ["`databases.mongodb.resources.cpu`: -100cores is negative: a cpu must not be negative",
                             "`databases.mongodb.resources.memory`: -1000GiB is negative: a size must not be negative"],
                "\(humanText(outcome))")
        #expect(outcome.exitCode == 1)
        #expect(outcome.written == 0)
        #expect(outcome.standardOutput.isEmpty)
        #expect(outcome.tenants.first?.resolved == nil)
    }

    /// Rules read the final config: a tenant's own overlay cannot scale its databases past the
    /// limits, in the environment it selects or in another one built with `--env`.
    @Test(arguments: [[], ["staging"]])
    func aScaleInTheTenantsOverlayIsChecked(_ environments: [String]) {
        let source = """
        tenant scaler extends standard {
          tenant_info.tenant_name = "Scaler"
          env production { scale databases.*.resources by 300% }
          env staging { scale databases.*.resources by 300% }
        }

        """
        let outcome = compileSources([("scaler", source)], environments: environments)
        let failures = outcome.diagnostics.filter { $0.code == .checkFailed }.map(\.message)
        #expect(failures.contains { $0.contains("of CPU; tier `standard` allows 2cores") }, "\(humanText(outcome))")
        #expect(outcome.exitCode == 1)
    }

    /// Every `check` and `warn` of the shipped tiers has a case above.
    @Test func everyShippedRuleIsCovered() throws {
        var rules = 0
        for tier in ["free", "standard", "premium", "enterprise"] {
            let text = try String(contentsOfFile: repoRoot + "/tiers/\(tier).tenant", encoding: .utf8)
            for line in text.split(separator: "\n") {
                let t = line.drop { $0 == " " }
                if t.hasPrefix("check ") || t.hasPrefix("warn ") { rules += 1 }
            }
        }
        #expect(rules == Self.cases.count)
    }
}
