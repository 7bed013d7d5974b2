import TenantDiagnostics
import TenantModel
import TenantSyntax

/// Ops and rules an environment's overlays add, for one tier chain.
struct Overlay: Sendable {
    var ops: [LayerOp] = []
    var rules: [Rule] = []
    var diagnostics: [Diagnostic] = []
}

/// One tier, resolved once per run: the schema of its chain, the definitions of every layer
/// from the root down to it, its rules, and its environment overlays.
public final class TierLayout: Sendable {
    public let name: String
    public let index: Int
    public let schema: Schema
    let defs: [[Definition]]
    let rules: [Rule]
    let envBlocks: [EnvBlock]
    /// Valid environment names (the root's `tenant_info.environment` enum); empty when free-form.
    public let environments: [String]
    /// The environments a self-check covers.
    public let checkedEnvironments: [String]
    /// True when this tier or one above it has errors: its tenants cannot be built.
    public let hasErrors: Bool
    /// Overlays for each checked environment, computed once.
    let overlays: [String: Overlay]
    public let headerSpan: Span

    init(name: String, index: Int, schema: Schema, defs: [[Definition]], rules: [Rule], envBlocks: [EnvBlock],
         environments: [String], hasErrors: Bool, headerSpan: Span, sources: SourceMap) {
        self.name = name
        self.index = index
        self.schema = schema
        self.defs = defs
        self.rules = rules
        self.envBlocks = envBlocks
        self.environments = environments
        self.hasErrors = hasErrors
        self.headerSpan = headerSpan
        var checked = environments
        if checked.isEmpty {
            checked = ["production"]
            for b in envBlocks where !checked.contains(b.name.text) { checked.append(b.name.text) }
        }
        checkedEnvironments = checked
        var overlays: [String: Overlay] = [:]
        for env in checked {
            overlays[env] = TierLayout.overlay(env, blocks: envBlocks, schema: schema, environments: environments, sources: sources)
        }
        self.overlays = overlays
        requiredFields = schema.slots.indices.compactMap { i in
            let slot = schema.slots[i]
            return !slot.isRecord && i > 0 && defs[i].isEmpty && !slot.type.isOptional ? Int32(i) : nil
        }
    }

    /// The leaf fields a tenant of this tier must set: declared without a default, not optional.
    public let requiredFields: [Int32]

    /// Whether the tier gives `slot` its value by a formula or a `scale` (its value follows
    /// other fields), rather than a constant.
    public func isComputed(_ slot: Int32) -> Bool {
        guard Int(slot) < defs.count, let last = defs[Int(slot)].last else { return false }
        switch last.kind {
        case .scale: return true
        case .value(let e): return e.constantValue == nil
        }
    }

    /// The field whose value the tier gives `slot` as it is (`limits.cpu_cores = _limits.cpu_cores`),
    /// when its definition is that reference alone.
    public func copiedField(_ slot: Int32) -> Int32? {
        guard Int(slot) < defs.count, let last = defs[Int(slot)].last, case .value(.slot(let source, _)) = last.kind, source != slot else { return nil }
        return source
    }

    /// The constant the tier gives `slot` (before any environment overlay), if it gives one.
    public func constant(_ slot: Int32) -> Value? {
        guard Int(slot) < defs.count, let last = defs[Int(slot)].last, case .value(let e) = last.kind else { return nil }
        return e.constantValue
    }

    /// Applies the `env` blocks of the chain (root first) for `env`, against `schema`.
    static func overlay(_ env: String, blocks: [EnvBlock], schema: Schema, environments: [String], sources: SourceMap) -> Overlay {
        var out = Overlay()
        for block in blocks where block.name.text == env {
            let origin: LayerOrigin
            switch block.origin {
            case .tier(let t): origin = .tierEnv(tier: t, env: env)
            case .tenant(let t): origin = .tenantEnv(tenant: t, env: env)
            default: origin = block.origin
            }
            var builder = LayerBuilder(schema: schema, origin: origin, isRoot: false, isTenant: block.origin.isTenant,
                                       environments: environments, overlayEnvironment: env)
            builder.sources = sources
            builder.applyOverlay(block.body, base: block.base)
            out.ops += builder.ops
            out.rules += builder.rules
            out.diagnostics += builder.diagnostics
        }
        return out
    }

    /// The overlay for `env`: cached for known environments.
    /// How many checks and warnings hold a tenant of this tier in `env` (its parents' and the
    /// environment overlays' included): what a post-migration `tenantc check` runs.
    public func ruleCounts(environment env: String, sources: SourceMap) -> (checks: Int, warnings: Int) {
        let all = (rules + overlay(env, schema: schema, sources: sources).rules).filter { $0.environment == nil || $0.environment == env }
        let checks = all.filter { $0.severity == .error }.count
        return (checks, all.count - checks)
    }

    func overlay(_ env: String, schema tenantSchema: Schema, sources: SourceMap) -> Overlay {
        if tenantSchema.count == schema.count, let o = overlays[env] { return o }
        return TierLayout.overlay(env, blocks: envBlocks, schema: tenantSchema, environments: environments, sources: sources)
    }
}

/// The valid environments: members of the root's `tenant_info.environment` enum.
func environmentNames(_ schema: Schema) -> [String] {
    guard let s = schema.lookup(environmentFieldPath) else { return [] }
    if case .enumeration(let m) = schema[s].type.nonOptional { return m }
    return []
}

/// Every tier of a compilation, each resolved once, with the tier self-checks (docs/language.md).
public final class TierSet: Sendable {
    public let graph: TierGraph
    public let layouts: [TierLayout?]
    /// Problems in the tiers themselves: the graph, their bodies, their self-checks.
    public let diagnostics: [Diagnostic]
    let sources: SourceMap
    /// The tenants of the compilation: an `extends` naming one is reported as such.
    let tenantNames: Set<String>
    /// Values of locked fields per tier and environment, for "raise the tenant to …" hints.
    let lockedValues: [[String: [Int32: Value]]]
    /// Per tier and environment: the self-check's values, reused by the tier's tenants.
    let baselines: [[String: Baseline]]

    public init(declarations: [Declaration], tenantNames: Set<String>, sources: SourceMap) {
        self.sources = sources
        self.tenantNames = tenantNames
        let built = withStackSpace { TierSet.build(declarations, tenantNames, sources) }
        graph = built.graph
        layouts = built.layouts
        diagnostics = built.diagnostics
        lockedValues = built.lockedValues
        baselines = built.baselines
    }

    /// The tier context of parsed files: the tiers `units` declare, knowing the tenants they
    /// declare and `otherTenants` (an `extends` naming a tenant is reported as such). Every
    /// tool that loads tiers from files — the driver, the one-tenant commands, the fuzzer, the
    /// tests — builds its set this way.
    public convenience init(units: [SourceUnit], otherTenants: Set<String> = [], sources: SourceMap) {
        var tiers: [Declaration] = []
        var tenants = otherTenants
        for unit in units {
            for d in unit.declarations {
                if d.kind == .tier { tiers.append(d) } else { tenants.insert(d.name.text) }
            }
        }
        self.init(declarations: tiers, tenantNames: tenants, sources: sources)
    }

    /// Resolves every tier once (root first), then self-checks each in every environment.
    private static func build(_ declarations: [Declaration], _ tenantNames: Set<String>, _ sources: SourceMap)
        -> (graph: TierGraph, layouts: [TierLayout?], diagnostics: [Diagnostic], lockedValues: [[String: [Int32: Value]]],
            baselines: [[String: Baseline]]) {
        let graph = TierGraph(declarations: declarations, tenantNames: tenantNames)
        var diagnostics = graph.diagnostics
        var layouts = [TierLayout?](repeating: nil, count: graph.tiers.count)
        for i in graph.topologicalOrder {
            let tier = graph.tiers[i]
            let decl = tier.declaration
            let parent = tier.parent.flatMap { layouts[$0] }
            if tier.parent != nil && parent == nil { continue }
            let schema = parent?.schema ?? Schema(rootSpan: decl.headerSpan, origin: .tier(tier.name))
            var builder = LayerBuilder(schema: schema, origin: .tier(tier.name), isRoot: parent == nil, isTenant: false,
                                       environments: parent?.environments ?? [])
            builder.sources = sources
            builder.apply(decl.body)
            let envs = parent?.environments ?? environmentNames(builder.schema)
            if parent == nil, !envs.isEmpty {
                // The root's environments are only known now: check its own `env` blocks.
                for b in builder.envBlocks where !envs.contains(b.name.text) {
                    builder.diagnostics.append(TierSet.unknownEnvironment(b.name, envs))
                }
                builder.envBlocks.removeAll { !envs.contains($0.name.text) }
            }
            var table = DefinitionTable(base: parent?.defs ?? [], count: builder.schema.count)
            table.execute(builder.ops, schema: builder.schema)
            let defs = table.flattened()
            let hasErrors = (parent?.hasErrors ?? false) || builder.diagnostics.contains { $0.severity == .error }
            diagnostics += builder.diagnostics
            let layout = TierLayout(name: tier.name, index: i, schema: builder.schema, defs: defs,
                                    rules: (parent?.rules ?? []) + builder.rules,
                                    envBlocks: (parent?.envBlocks ?? []) + builder.envBlocks,
                                    environments: envs, hasErrors: hasErrors, headerSpan: decl.headerSpan, sources: sources)
            for o in layout.overlays.values { diagnostics += o.diagnostics }
            layouts[i] = layout
        }
        // Tier self-checks: every tier, every environment, as if a tenant set nothing.
        var locked = [[String: [Int32: Value]]](repeating: [:], count: layouts.count)
        var baselines = [[String: Baseline]](repeating: [:], count: layouts.count)
        let budget = SharedBudget(filesOf: declarations, sources: sources)
        for case let layout? in layouts where !layout.hasErrors {
            // A rule that fails in several environments is reported once, naming them all.
            var failures: [Diagnostic] = []
            var environmentsOf: [Diagnostic: [String]] = [:]
            for env in layout.checkedEnvironments {
                let (evaluator, baseline) = TierSet.evaluate(layout: layout, env: env, sources: sources, budget: budget)
                baselines[layout.index][env] = baseline
                for d in evaluator.diagnostics {
                    if environmentsOf[d] == nil { failures.append(d) }
                    environmentsOf[d, default: []].append(env)
                }
                var values: [Int32: Value] = [:]
                for i in 0..<layout.schema.count where layout.schema.slots[i].locked && !layout.schema.slots[i].isRecord {
                    if let v = try? evaluator.value(Int32(i)) { values[Int32(i)] = v }
                }
                locked[layout.index][env] = values
            }
            for var d in failures {
                if d.code == .checkFailed || d.code == .warnFailed {
                    let envs = environmentsOf[d] ?? []
                    let which = envs.count == 1 ? "environment `\(envs[0])`" : "environments " + envs.map { "`\($0)`" }.joined(separator: ", ")
                    d.notes.append("tier `\(layout.name)` checked on its own (as if a tenant set nothing), in \(which)")
                }
                diagnostics.append(d)
            }
        }
        return (graph, layouts, diagnostics, locked, baselines)
    }


    static func unknownEnvironment(_ name: Name, _ envs: [String]) -> Diagnostic {
        var help = ["the environments are \(envs.map { "`\($0)`" }.joined(separator: ", "))"]
        var fixes: [FixIt] = []
        if let s = suggestion(for: name.text, among: envs) {
            help.insert("did you mean `\(s)`?", at: 0)
            fixes.append(FixIt(name.span, s))
        }
        return .error(.unknownEnvironment, "unknown environment `\(name.text)`", at: name.span, help: help, fixes: fixes)
    }

    /// The self-check of a tier in one environment, which is also the baseline its tenants reuse.
    private static func evaluate(layout: TierLayout, env: String, sources: SourceMap, budget: SharedBudget) -> (Evaluator, Baseline) {
        var defs = DefinitionTable(base: layout.defs, count: layout.schema.count)
        let overlay = layout.overlays[env] ?? Overlay()
        defs.execute(overlay.ops, schema: layout.schema)
        let subject = EvaluationSubject(tenantID: layout.name, tierName: layout.name, environment: env,
                                        headerSpan: layout.headerSpan, isTierSelfCheck: true, origin: .tier(layout.name))
        let recorder = DependencyRecorder(count: layout.schema.count)
        let evaluator = Evaluator(schema: layout.schema, defs: defs, subject: subject, recorder: recorder, shared: budget)
        evaluator.countsOutput = true  // once per tier: its tenants' builds start from it
        for i in 0..<layout.schema.count where !layout.schema.slots[i].isRecord { _ = try? evaluator.value(Int32(i)) }
        let rules = (layout.rules + overlay.rules).filter { $0.environment == nil || $0.environment == env }
        let ruleRecords = evaluator.run(rules, upgradeHint: nil)
        let records = evaluator.artifactSubtrees()
        let (values, available) = evaluator.snapshot()
        let baseline = Baseline(count: layout.schema.count, values: values, available: available, recorder: recorder,
                                rules: ruleRecords, inheritedRules: rules, records: records,
                                artifactKeys: evaluator.artifactKeys(), outputEstimate: evaluator.outputEstimate)
        return (evaluator, baseline)
    }

    /// The baseline of a tier in an environment, when the self-check computed one.
    func baseline(_ tier: TierLayout, _ env: String) -> Baseline? { baselines[tier.index][env] }

    /// What every tenant of `tier` in `environment` gets, by slot, for the fields it does not
    /// set: `.unknown` for a field whose value depends on a required field or on the tenant's
    /// id, or cannot be computed. Nil when the tier has no baseline for that environment.
    public func baselineValues(_ tier: TierLayout, environment: String) -> [TierValue]? {
        guard let baseline = baseline(tier, environment) else { return nil }
        var tenantDependent = DirtySet(schema: tier.schema)
        for s in baseline.unavailable { tenantDependent.mark(s) }
        for s in baseline.readsTenantID { tenantDependent.mark(s) }
        tenantDependent.propagate(baseline)
        return baseline.values.indices.map { i in
            if tenantDependent.dirty[i] { return .unknown }
            return baseline.values[i].map(TierValue.value) ?? .unset
        }
    }

    /// The names of the fields (and of the fields of records in lists) whose type holds a
    /// secret, in any tier: where a value may be a plaintext that diagnostics must not show.
    public var secretFieldNames: Set<String> {
        var names: Set<String> = []
        func collect(_ type: FieldType, named name: String) {
            guard type.containsSecret else { return }
            names.insert(name)
            if case .record(let shape) = type.core {
                for field in shape.fields { collect(field.type, named: field.name) }
            } else if case .list(let element) = type.core {
                if case .record(let shape) = element.core {
                    for field in shape.fields { collect(field.type, named: field.name) }
                }
            }
        }
        for case let layout? in layouts {
            for slot in layout.schema.slots where !slot.isRecord { collect(slot.type, named: slot.name) }
        }
        return names
    }

    public func layout(named name: String) -> TierLayout? {
        graph.index[name].flatMap { layouts[$0] }
    }

    /// "raise the tenant to `premium` (limits.cpu = 8cores)" for a locked field a rule read.
    func upgradeHint(from tier: TierLayout, env: String) -> UpgradeHint {
        return { [self] slot, current in
            for d in graph.descendants(of: tier.index) {
                guard let v = lockedValues[d][env]?[slot] ?? lockedValues[d]["production"]?[slot],
                      let c = compareForBounds(v, current), c > 0 else { continue }
                return "raise the tenant to `\(graph.tiers[d].name)` (\(tier.schema[slot].path) = \(v.sourceText)), or lower the value"
            }
            return nil
        }
    }
}
