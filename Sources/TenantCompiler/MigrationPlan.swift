import TenantDiagnostics
import TenantModel
import TenantSemantics

/// What `tenantc plan FILE --to TIER` shows (docs/migration.md): how the tenant's resolved
/// configuration changes when its `extends` names another tier, what the move risks, and the
/// steps to carry it out. A plan is computed, never applied: `tenantc migrate` only rewrites the
/// `extends` clause, and the operators run the steps.
public struct MigrationPlan: Sendable {
    public enum Direction: String, Sendable {
        /// The target tier extends the current one.
        case upgrade
        /// The current tier extends the target.
        case downgrade
        /// Neither extends the other.
        case lateral
        /// The tenant is on that tier already.
        case none
    }

    public enum Category: String, Sendable, CaseIterable {
        case database, instanceMode = "instance_mode", resource, limit, feature, backup, security, compliance, setting

        public var heading: String {
            switch self {
            case .database: "Databases"
            case .instanceMode: "Isolation and instance mode"
            case .resource: "Resources"
            case .limit: "Limits"
            case .feature: "Features"
            case .backup: "Backup, retention and disaster recovery"
            case .security: "Security"
            case .compliance: "Compliance"
            case .setting: "Other settings"
            }
        }

        /// How `migrate` counts the changes of the category: "1 resource", "2 security changes".
        public func counted(_ n: Int) -> String {
            switch self {
            case .database: plural(n, "database change")
            case .instanceMode: plural(n, "isolation or instance mode change", "isolation and instance mode changes")
            case .resource: plural(n, "resource")
            case .limit: plural(n, "limit")
            case .feature: plural(n, "feature")
            case .backup: plural(n, "backup or retention change", "backup and retention changes")
            case .security: plural(n, "security change")
            case .compliance: plural(n, "compliance change")
            case .setting: plural(n, "other setting")
            }
        }
    }

    public enum Effect: String, Sendable {
        case up, down, added, removed, changed
    }

    public struct Change: Sendable {
        public var change: ConfigChange
        public var category: Category
        public var effect: Effect
        /// For a share of the tier's amount (`databases.<db>.resources.cpu_share`) whose percentage
        /// moves against the amount it gives (`….cpu`): that amount before and after, which
        /// decides whether the share is raised or lowered.
        public var amount: (path: String, old: Value, new: Value)?
    }

    public struct Risk: Sendable {
        public enum Kind: String, Sendable {
            case databaseRemoved = "database_removed"
            case retentionShrinks = "retention_shrinks"
            case dataMoves = "data_moves"
            case entitlementInUse = "entitlement_in_use"
        }
        public var kind: Kind
        public var path: String
        public var message: String
    }

    public struct Step: Sendable {
        public enum Kind: String, Sendable {
            case backup, export, provision, moveData = "move_data", switchOver = "switch_over", release, validate, rollback
        }
        public var kind: Kind
        /// For the backup: required (data moves or disappears) or only recommended.
        public var required: Bool
        public var text: String
        public var details: [String] = []
    }

    public var tenant: String
    public var file: String
    public var environment: String
    public var from: String
    public var to: String
    public var direction: Direction
    public var changes: [Change]
    public var risks: [Risk]
    public var steps: [Step]
    /// False when the tenant does not build under its current tier: there is nothing to plan
    /// from, and the diagnostics are its current problems.
    public var buildsNow: Bool
    /// The tenant under the target tier: the checks it would fail, as ordinary diagnostics
    /// (with the tiers' and the file's own problems). Sorted, deduplicated.
    public var diagnostics: [Diagnostic]
    public var counts: DiagnosticCounts
    /// The source map the diagnostics point into.
    public var sources: SourceMap

    public var hasErrors: Bool { counts.errors > 0 }
}

extension MigrationPlan {
    /// Plans the move of the workspace's tenant to `target`. Throws on a usage problem (unknown
    /// tier or environment); a tenant that does not resolve gives a plan with errors.
    public static func make(_ workspace: TenantWorkspace, to target: String, environment: String? = nil) throws(UsageFailure) -> MigrationPlan {
        try workspace.validate(tier: target)
        try workspace.validate(environment: environment)
        let from = workspace.tierName
        let current = workspace.resolve(environment: environment)
        let direction: Direction = target == from ? .none
            : workspace.tier(target, extends: from) ? .upgrade
            : workspace.tier(from, extends: target) ? .downgrade : .lateral
        // The current configuration must build: a plan from a broken one would be guesswork.
        // Its problems are shown; under the target, only the target's are (they include the
        // tenant's own, which both share).
        let moved = current.failed ? current : workspace.resolve(under: target, environment: environment, evenIfFailing: true)
        let (diagnostics, counts) = workspace.finalized(current.failed ? current.diagnostics : moved.diagnostics)
        var plan = MigrationPlan(tenant: workspace.tenant.name.text, file: workspace.path, environment: current.environment,
                                 from: from, to: target, direction: direction, changes: [], risks: [], steps: [],
                                 buildsNow: !current.failed, diagnostics: diagnostics, counts: counts, sources: workspace.sources)
        guard let old = current.tenant?.config, let new = moved.tenant?.config else { return plan }
        plan.changes = diffConfigs(old, new).map { followAmount(classify($0), old: old, new: new) }
        plan.risks = risks(plan.changes, old: old, new: new, to: target)
        let rules = workspace.tiers.layout(named: target)?.ruleCounts(environment: moved.environment, sources: workspace.sources)
        if direction != .none { plan.steps = steps(plan, new: new, rules: rules ?? (0, 0)) }
        return plan
    }

    /// The category of a change, from the path conventions of the tier table (see docs/migration.md).
    static func classify(_ c: ConfigChange) -> Change {
        let parts = c.path.split(separator: ".").map(String.init)
        let top = parts.first ?? ""
        let leaf = parts.last ?? ""
        func ordered() -> Effect {
            guard let a = c.old, let b = c.new else { return c.old == nil ? .added : .removed }
            if case .bool(let x) = a, case .bool(let y) = b { return x ? .removed : y ? .added : .changed }
            if c.isList {
                if c.removedItems.isEmpty, !c.addedItems.isEmpty { return .added }
                if c.addedItems.isEmpty, !c.removedItems.isEmpty { return .removed }
                return .changed
            }
            return .changed
        }
        func magnitude() -> Effect {
            guard let a = c.old, let b = c.new else { return c.old == nil ? .added : .removed }
            // Amounts only: strings and enum members have no "more".
            guard a.isAmount, b.isAmount, let order = compareForBounds(a, b), order != 0 else { return ordered() }
            return order < 0 ? .up : .down
        }
        if top == "databases", parts.count >= 2 {
            if parts.count == 2 || (parts.count == 3 && leaf == "enabled") {
                return Change(change: c, category: .database, effect: ordered())
            }
            if parts.count == 3, leaf == "mode" || leaf == "isolation" {
                return Change(change: c, category: .instanceMode, effect: .changed)
            }
            if parts.count >= 3, ["resources", "performance", "replication"].contains(parts[2]) {
                return Change(change: c, category: .resource, effect: magnitude())
            }
        }
        switch top {
        case "limits":
            return Change(change: c, category: .limit, effect: magnitude())
        case "auto_scaling" where leaf == "enabled" || leaf == "predictive_scaling":
            return Change(change: c, category: .feature, effect: ordered())
        case "auto_scaling", "performance_tier":
            return Change(change: c, category: .resource, effect: magnitude())
        case "backup":
            return Change(change: c, category: .backup, effect: ordered())
        case "security", "access_control":
            return Change(change: c, category: .security, effect: ordered())
        case "compliance":
            return Change(change: c, category: .compliance, effect: ordered())
        case "entitlements", "multi_region", "ml_services", "monitoring", "support":
            return Change(change: c, category: .feature, effect: ordered())
        default:
            return Change(change: c, category: .setting, effect: ordered())
        }
    }

    /// A share of the tier's amount (`cpu_share`, `memory_share`, `storage_share` of a database)
    /// goes up or down with the amount it gives (`cpu`, `memory`, `storage` beside it), not with
    /// its percentage: 30% of 2cores going to 20% of 8cores is 0.6cores going to 1.6cores, raised.
    static func followAmount(_ c: Change, old: Record, new: Record) -> Change {
        guard c.category == .resource, c.change.path.hasSuffix("_share"),
              let a = c.change.old, let b = c.change.new, a.isAmount, b.isAmount else { return c }
        let amountPath = String(c.change.path.dropLast("_share".count))
        guard let x = old.value(at: amountPath), let y = new.value(at: amountPath), x.isAmount, y.isAmount,
              let order = compareForBounds(x, y), order != 0 else { return c }
        var out = c
        out.effect = order < 0 ? .up : .down
        // Shown beside the percentages when they alone would say the opposite.
        if let own = compareForBounds(a, b), own != 0, (own < 0) != (order < 0) { out.amount = (amountPath, x, y) }
        return out
    }

    /// Entitlements whose loss matters when the current configuration uses them: the field that
    /// shows the use, and the value that means "in use" (nil: any value but `shared`).
    static let entitlementUses: [(entitlement: String, path: String, inUse: Value?)] = [
        ("dedicated_instances", "databases.*.mode", nil),
        ("multi_region", "multi_region.enabled", .bool(true)),
        ("disaster_recovery", "backup.disaster_recovery.enabled", .bool(true)),
        ("cross_region_replication", "backup.cross_region.enabled", .bool(true)),
        ("hsm", "security.encryption.key_management", .string("hsm")),
        ("predictive_scaling", "auto_scaling.predictive_scaling", .bool(true)),
        ("ml_services", "ml_services.enabled", .bool(true)),
        ("clickhouse", "databases.clickhouse.enabled", .bool(true)),
        ("elasticsearch", "databases.elasticsearch.enabled", .bool(true)),
    ]

    static func risks(_ changes: [Change], old: Record, new: Record, to target: String) -> [Risk] {
        var out: [Risk] = []
        var removedDatabases: Set<String> = []
        // A database that goes away is reported as removed, and only so: its data is exported,
        // not moved to another kind of instance.
        let goingAway: Set<String> = Set(changes.compactMap { c in
            let parts = c.change.path.split(separator: ".").map(String.init)
            guard c.category == .database, c.effect == .removed, parts.count >= 2 else { return nil }
            if case .bool(false)? = old.value(at: "databases.\(parts[1]).enabled") { return nil }
            return parts[1]
        })
        var moving: [String: [String]] = [:]  // database → what changes
        var movingOrder: [String] = []
        for c in changes {
            let parts = c.change.path.split(separator: ".").map(String.init)
            switch (c.category, c.effect) {
            case (.database, .removed) where parts.count >= 2:
                let db = parts[1]
                // A database that was off loses nothing.
                if case .bool(false)? = old.value(at: "databases.\(db).enabled") { continue }
                removedDatabases.insert(db)
                out.append(Risk(kind: .databaseRemoved, path: c.change.path,
                                message: "\(databaseDisplayName(db)) is not provisioned on tier \(target): its data is lost unless it is exported first"))
            case (.instanceMode, _) where parts.count == 3:
                if case .bool(false)? = old.value(at: "databases.\(parts[1]).enabled") { continue }
                if goingAway.contains(parts[1]) { continue }
                if moving[parts[1]] == nil { movingOrder.append(parts[1]) }
                let what = parts[2] == "mode" ? "instance" : "isolation"
                moving[parts[1], default: []].append("\(what) \(plainText(c.change.old)) → \(plainText(c.change.new))")
            default:
                break
            }
            if parts.last?.contains("retention") == true, case .duration(let a)? = c.change.old, case .duration(let b)? = c.change.new, b < a {
                out.append(Risk(kind: .retentionShrinks, path: c.change.path,
                                message: "`\(c.change.path)` shrinks from \(a.canonical) to \(b.canonical): what is older than \(b.canonical) is deleted"))
            }
        }
        for db in movingOrder {
            out.append(Risk(kind: .dataMoves, path: "databases.\(db)",
                            message: "\(databaseDisplayName(db)) changes \(moving[db, default: []].joined(separator: ", ")): its data must be moved"))
        }
        for use in entitlementUses {
            guard case .bool(true)? = old.value(at: "entitlements.\(use.entitlement)"),
                  case .bool(false)? = new.value(at: "entitlements.\(use.entitlement)") else { continue }
            let used: [String]
            if use.path.hasPrefix("databases.*.") {
                let field = String(use.path.dropFirst("databases.*.".count))
                used = old.databaseNames.filter { db in
                    guard case .bool(true)? = old.value(at: "databases.\(db).enabled") else { return false }
                    if case .string(let mode)? = old.value(at: "databases.\(db).\(field)") { return mode != "shared" }
                    return false
                }.map { "databases.\($0).\(field)" }
            } else if old.value(at: use.path) == use.inUse {
                used = [use.path]
            } else {
                used = []
            }
            // A database that disappears is reported as such.
            let uncovered = used.filter { path in !removedDatabases.contains { path.hasPrefix("databases.\($0).") } }
            guard !uncovered.isEmpty else { continue }
            out.append(Risk(kind: .entitlementInUse, path: "entitlements.\(use.entitlement)",
                            message: "tier \(target) does not include `\(use.entitlement)`, which the tenant uses (\(uncovered.map { "`\($0)`" }.joined(separator: ", ")))"))
        }
        return out
    }

    static func steps(_ plan: MigrationPlan, new: Record, rules: (checks: Int, warnings: Int)) -> [Step] {
        let risks = plan.risks
        let changes = plan.changes
        var steps: [Step] = []
        let removed = risks.filter { $0.kind == .databaseRemoved }.compactMap { $0.path.split(separator: ".").dropFirst().first.map(String.init) }
        let moves = risks.filter { $0.kind == .dataMoves }
        let dataAtRisk = !removed.isEmpty || !moves.isEmpty
        var why: [String] = []
        if !moves.isEmpty { why.append("data moves") }
        if !removed.isEmpty { why.append("a database is removed") }
        steps.append(Step(kind: .backup, required: dataAtRisk,
                          text: dataAtRisk ? "Take a full backup of every database of the tenant (required: \(why.joined(separator: " and ")))"
                                           : "Take a full backup of every database of the tenant (recommended)"))
        if !removed.isEmpty {
            steps.append(Step(kind: .export, required: true,
                              text: "Export the data of \(removed.map(databaseDisplayName).joined(separator: ", ")): tier \(plan.to) does not provision \(removed.count == 1 ? "it" : "them")"))
        }
        var provision: [String] = []
        for c in changes where c.category == .database && c.effect == .added {
            let parts = c.change.path.split(separator: ".")
            guard parts.count >= 2 else { continue }
            let db = String(parts[1])
            let mode = new.value(at: "databases.\(db).mode").map { " (\(plainText($0)))" } ?? ""
            provision.append(databaseDisplayName(db) + mode)
        }
        let raised = changes.filter { ($0.category == .resource || $0.category == .limit) && $0.effect == .up }
        if !raised.isEmpty { provision.append(plural(raised.count, "resource or limit", "resources and limits") + " raised (see Changes)") }
        let features = changes.filter { $0.category == .feature && $0.effect == .added }
        if !features.isEmpty { provision.append(plural(features.count, "feature") + " added (see Changes)") }
        if !provision.isEmpty {
            steps.append(Step(kind: .provision, required: true, text: "Provision what tier \(plan.to) adds, before the switch-over", details: provision))
        }
        if !moves.isEmpty {
            steps.append(Step(kind: .moveData, required: true, text: "Move the data that changes place, and verify it against the backup",
                              details: moves.map { $0.message.replacingSuffix(": its data must be moved", with: "") }))
        }
        steps.append(Step(kind: .switchOver, required: true,
                          text: "Switch the tenant to tier \(plan.to): `tenantc migrate \(plan.file) --to \(plan.to)`, then build and deploy its artifact"))
        var release: [String] = []
        let lowered = changes.filter { ($0.category == .resource || $0.category == .limit) && $0.effect == .down }
        if !lowered.isEmpty { release.append(plural(lowered.count, "resource or limit", "resources and limits") + " lowered (see Changes)") }
        let lost = changes.filter { $0.category == .feature && $0.effect == .removed }
        if !lost.isEmpty { release.append(plural(lost.count, "feature") + " removed (see Changes)") }
        release += removed.map { "\(databaseDisplayName($0)), once its export is verified" }
        if !release.isEmpty {
            steps.append(Step(kind: .release, required: true, text: "Release what tier \(plan.to) no longer includes, after the switch-over", details: release))
        }
        var validate = ["`tenantc check \(plan.file)`: the \(plural(rules.checks, "check")) and \(plural(rules.warnings, "warning")) of tier \(plan.to)"]
        for db in new.databaseNames {
            guard case .bool(true)? = new.value(at: "databases.\(db).enabled") else { continue }
            validate.append("`tenantc access \(plan.file) \(db) read`")
        }
        steps.append(Step(kind: .validate, required: true, text: "Validate after the switch-over", details: validate))
        steps.append(Step(kind: .rollback, required: true,
                          text: "To roll back: `tenantc migrate \(plan.file) --to \(plan.from)`" + (dataAtRisk ? ", then restore the pre-migration backup" : "")))
        return steps
    }
}

extension Value {
    /// A number or a quantity: what "raised" and "lowered" apply to.
    var isAmount: Bool {
        switch self {
        case .int, .float, .size, .duration, .cpu, .percent, .unlimited: true
        default: false
        }
    }
}

/// A value as written in `.tenant` source, for messages; "nothing" for an absent one.
func plainText(_ value: Value?) -> String {
    guard let value else { return "nothing" }
    if case .string(let s) = value { return s }
    return value.sourceText
}

/// How people write the names of the databases of the tier table.
public func databaseDisplayName(_ key: String) -> String {
    switch key {
    case "postgresql": "PostgreSQL"
    case "mongodb": "MongoDB"
    case "redis": "Redis"
    case "clickhouse": "ClickHouse"
    case "elasticsearch": "Elasticsearch"
    case "mysql": "MySQL"
    default: key
    }
}

extension Record {
    /// The keys of `databases`, in order.
    var databaseNames: [String] {
        guard case .record(let r)? = self["databases"] else { return [] }
        return r.keys
    }
}

extension String {
    fileprivate func replacingSuffix(_ suffix: String, with other: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) + other : self
    }
}
