import TenantTestSupport

/// 1,000 tenants of the shipped tiers written in every layout people use — one-line blocks,
/// `;` between statements, dotted paths, comments of every kind, lists on one line or many,
/// odd spacing — deterministic (tenant i depends only on i). All of them compile.
enum GeneratedTenants {
    static func make(_ count: Int) -> [(name: String, text: String)] {
        (0..<count).map { i in
            var r = SplitMix(seed: UInt64(i) &* 0x9E37_79B9 &+ 17)
            let tiers = ["free", "standard", "premium", "enterprise"]
            let tier = tiers[i % 4]
            let id = "g\(1_000_000 + i)".dropFirst(1)
            var lines = [r.pick(["", "// customer \(i)\n", "/// Tenant \(i).\n"]) + "tenant g\(id) extends \(tier) {"]
            lines.append(tenantInfo(i, &r))
            lines.append(contentsOf: overrides(i, tier: tier, &r))
            lines.append(r.pick(["}", "}\n", "  }", "\n}"]))
            return ("g\(id)", lines.joined(separator: r.pick(["\n", "\n\n", "\n  "])) + "\n")
        }
    }

    private static func tenantInfo(_ i: Int, _ r: inout SplitMix) -> String {
        let name = "tenant_name = \"Tenant \(i)\""
        let region = "region = \"\(r.pick(["us-east-1", "eu-west-1", "ap-southeast-1"]))\""
        let env = "environment = \"\(r.pick(["development", "staging", "production"]))\""
        switch r.next() % 4 {
        case 0: return "  tenant_info { \(name)  \(region)  \(env) }"
        case 1: return "  tenant_info {\n    \(name)\n    \(region) // where it runs\n    \(env)\n  }"
        case 2: return "tenant_info{\(name);\(region);\(env)}"
        default: return "  tenant_info.\(name)\n  tenant_info.\(region)\n  /* the environment */ tenant_info.\(env)"
        }
    }

    private static func overrides(_ i: Int, tier: String, _ r: inout SplitMix) -> [String] {
        var out: [String] = []
        if r.next() % 3 == 0 {
            out.append(r.pick(["  security.network.allowed_ips = super + [\"203.0.113.\(i % 250)/32\", \"198.51.100.0/24\"]",
                               "  security.network.allowed_ips = super + [\n      \"203.0.113.\(i % 250)/32\",\n  \"198.51.100.0/24\",\n]",
                               "security.network.allowed_ips=super+[\"203.0.113.\(i % 250)/32\"]"]))
        }
        if r.next() % 4 == 0 { out.append("  compliance.regulations = [ \"GDPR\" ]   // EU customers") }
        if tier != "free", r.next() % 3 == 0 {
            out.append(r.pick(["  backup.retention = \(30 + i % 60)d", "  backup { retention = \(30 + i % 60)d }",
                               "  env staging { backup.retention = 14d }\n  env production {\n\n    backup.retention = 90d\n  }"]))
        }
        if r.next() % 5 == 0 { out.append("  tenant_info.contact_email = \"ops\(i)@example.com\" ; monitoring.metrics = super + [\"custom_\(i)\"]") }
        if tier != "free", r.next() % 4 == 0 {
            out.append("  auto_scaling {\n    enabled = true\n    min_resources = \(r.pick(["0.5cores", "1cores", "1.5cores"]))\n  }")
        }
        return out
    }
}

