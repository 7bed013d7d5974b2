import TenantDiagnostics
import TenantModel
import TenantSyntax

/// The outcome of compiling one tenant: its resolved config when it has no errors.
public struct TenantResult: Sendable {
    public var id: String
    public var environment: String
    /// The resolved config: set when the tenant builds and its artifact was asked for.
    public var tenant: ResolvedTenant?
    public var diagnostics: [Diagnostic]
    /// True when the tenant could not be built (its own errors, or its tier's).
    public var failed: Bool
    /// When asked for: the fields holding secrets (dotted paths), each with the definition
    /// that set it, so that a secret that does not decrypt is reported where it was written.
    public var secretSources: [String: Span] = [:]
    /// The config as a tree instead of `tenant`, when asked for (`resolve(…, artifactTree: true)`).
    public var tree: (any ConfigTree)?
    /// The artifact's leaf values by schema slot instead of `tenant`, when asked for
    /// (`ResolveOptions.Output.fields`).
    public var fields: [Value?]?
    /// When asked for (`build --annotate`): for each field of the artifact (dotted path), where
    /// the layer that set it is (`tiers/free.tenant:57 (formula, tier free)`).
    public var annotations: FieldAnnotations?

    public init(id: String, environment: String, tenant: ResolvedTenant?, diagnostics: [Diagnostic], failed: Bool) {
        self.id = id
        self.environment = environment
        self.tenant = tenant
        self.diagnostics = diagnostics
        self.failed = failed
    }
}

/// Tenant ids become file names, SQL identifiers and key prefixes: `[a-z][a-z0-9_]{0,62}`.
public func isValidTenantID(_ id: String) -> Bool {
    let b = Array(id.utf8)
    guard let first = b.first, b.count <= 63, first >= 0x61 && first <= 0x7A else { return false }
    return b.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
}

/// One tenant's layers and the evaluator over them, before anything is evaluated.
struct TenantResolution {
    var id: String
    var header: Span
    var tier: TierLayout
    var environment: String
    var schema: Schema
    var defs: DefinitionTable
    var evaluator: Evaluator
    var baseline: Baseline?
    /// The fields to evaluate: all of them, or those the tenant may have changed from the baseline.
    var leaves: [Int32]
    /// The rules that apply in `environment`, the tiers' first.
    var rules: [Rule]
    var explicit: [Int32: Definition]
    var tierOverlay: Overlay
    var ownOverlay: Overlay
    var diagnostics: [Diagnostic]
}

/// How `TierSet.resolve` compiles one tenant: one named value instead of a row of flags.
public struct ResolveOptions: Sendable {
    /// What the resolution hands back besides the diagnostics.
    public enum Output: Sendable {
        /// Nothing: `check` only needs the diagnostics.
        case diagnosticsOnly
        /// The resolved config, built as a `Record` (`TenantResult.tenant`).
        case built
        /// The config as `TenantResult.tree`, to be walked: a build that only writes the
        /// artifact needs no `Record` of it.
        case walked
        /// The artifact's leaf values by slot (`TenantResult.fields`): what `import` compares
        /// with a document, field by field.
        case fields
    }

    /// `--env`, when given; else the tenant's own environment.
    public var environment: String?
    /// The tenant's file did not parse cleanly: problems that follow from the missing parts
    /// (required fields, rules) are not reported on top of the syntax errors.
    public var afterSyntaxErrors = false
    public var output: Output = .built
    /// Say where each field holding a secret was set (`TenantResult.secretSources`).
    public var secretSources = false
    /// Build the config of a tenant whose checks fail too, when every field still has a value (a
    /// migration plan shows what would change along with what would fail); the result stays `failed`.
    public var evenIfFailing = false
    /// Refuse (E0506) a config whose artifact would be larger, by the estimate of its values,
    /// before anything renders it.
    public var maxArtifactBytes: Int?
    /// The evaluation budget shared by the tenants of one file.
    public var stepBudget: SharedBudget?
    /// Start from the tier's baseline (its config evaluated once per environment) and evaluate
    /// only what the tenant changes. Off: every field is evaluated from the layers (the clear
    /// path, for debugging; the result is the same).
    public var usesTierBaselines = true
    /// Let the backends keep what they render of a walked config's entries shared with the
    /// tier's baseline, and copy those bytes for the next tenant. Off: every entry is rendered.
    public var sharesRenderings = true
    /// Say where each field of the artifact was set (`TenantResult.annotations`).
    public var annotations = false

    public init(environment: String? = nil, afterSyntaxErrors: Bool = false, output: Output = .built) {
        self.environment = environment
        self.afterSyntaxErrors = afterSyntaxErrors
        self.output = output
    }
}

extension TierSet {
    /// Compiles one tenant (docs/language.md): tier chain, tenant body, environment overlays, then every
    /// field and rule, as `options` say.
    public func resolve(_ decl: Declaration, _ options: ResolveOptions) -> TenantResult {
        withStackSpace { resolveHere(decl, options) }
    }

    /// The tenant resolved with the default options, in `environment` when given.
    public func resolve(_ decl: Declaration, environment: String? = nil) -> TenantResult {
        resolve(decl, ResolveOptions(environment: environment))
    }

    private func resolveHere(_ decl: Declaration, _ options: ResolveOptions) -> TenantResult {
        let r: TenantResolution
        switch prepare(decl, options) {
        case .failure(let early): return early.result
        case .success(let prepared): r = prepared
        }
        let artifact = options.output != .diagnosticsOnly
        let evaluator = r.evaluator
        for s in r.leaves where !r.schema[s].isRecord { _ = try? evaluator.value(s) }
        if !options.afterSyntaxErrors {
            evaluator.checkRequired(among: r.leaves)
            evaluator.run(r.rules, upgradeHint: upgradeHint(from: r.tier, env: r.environment), known: r.baseline?.rules ?? [])
        }
        var diagnostics = r.diagnostics + evaluator.diagnostics
        if !options.afterSyntaxErrors {
            diagnostics += OverlayOverrides.diagnostics(tenant: r.id, environment: r.environment, explicit: r.explicit, tierOps: r.tierOverlay.ops,
                                                        ownOps: r.ownOverlay.ops, evaluator: evaluator, sources: sources)
        }
        if artifact, let maxArtifactBytes = options.maxArtifactBytes {
            let estimate = r.baseline.map { evaluator.outputEstimate.adding($0.outputEstimate) } ?? evaluator.outputEstimate
            if estimate.bytes > maxArtifactBytes {
                diagnostics.append(artifactTooLarge(r.id, estimate, limit: maxArtifactBytes, schema: r.schema, defs: r.defs, at: decl.headerSpan))
            }
        }
        return finish(r, diagnostics: diagnostics, options)
    }

    /// The result once every field is computed: building the artifact cannot fail any more.
    private func finish(_ r: TenantResolution, diagnostics: [Diagnostic], _ options: ResolveOptions) -> TenantResult {
        let artifact = options.output != .diagnosticsOnly
        let evaluator = r.evaluator
        let failed = r.tier.hasErrors || options.afterSyntaxErrors || diagnostics.contains { $0.severity == .error }
        var tenant: ResolvedTenant?
        var tree: EvaluatedConfig?
        var fields: [Value?]?
        if !failed || (options.evenIfFailing && !r.tier.hasErrors && !options.afterSyntaxErrors), artifact {
            if options.output == .fields {
                fields = try? evaluator.artifactFields()
            } else if options.output == .walked {
                tree = EvaluatedConfig(id: r.id, tier: r.tier.name, environment: r.environment, evaluator: evaluator,
                                       sharesRenderings: options.sharesRenderings)
            } else if let config = try? evaluator.artifact() {
                tenant = ResolvedTenant(id: r.id, tier: r.tier.name, environment: r.environment, config: config)
            }
        }
        var result = TenantResult(id: r.id, environment: r.environment, tenant: tenant, diagnostics: diagnostics,
                                  failed: failed || (artifact && tenant == nil && tree == nil && fields == nil))
        result.tree = tree
        result.fields = fields
        if options.annotations, tenant != nil || tree != nil { result.annotations = FieldAnnotations(r, sources: sources) }
        if options.secretSources, !failed {
            for s in 0..<r.schema.count where !r.schema.slots[s].isRecord {
                guard let v = try? evaluator.value(Int32(s)), v.containsSecret else { continue }
                result.secretSources[r.schema.slots[s].path] = r.defs[s].last?.span ?? r.header
            }
        }
        return result
    }

    /// A tenant that cannot be resolved at all (no tier, an unknown tier): its result.
    struct Unresolvable: Error {
        var result: TenantResult
    }

    /// Everything up to evaluation (docs/language.md, "Layers"): the tier, the tenant's layer,
    /// its environment, the overlays, and an evaluator over them — shared by `resolve` and
    /// `explain`.
    func prepare(_ decl: Declaration, _ options: ResolveOptions) -> Result<TenantResolution, Unresolvable> {
        let id = decl.name.text
        var diagnostics: [Diagnostic] = []
        if !isValidTenantID(id) {
            diagnostics.append(invalidTenantID(decl.name))
        }
        let unresolvable = Unresolvable(result: TenantResult(id: id, environment: options.environment ?? "production", tenant: nil,
                                                             diagnostics: diagnostics, failed: true))
        guard let parentName = decl.parent else { return .failure(unresolvable) }
        guard let tier = layout(named: parentName.text) else {
            var early = unresolvable
            if graph.index[parentName.text] == nil {
                if tenantNames.contains(parentName.text) {
                    early.result.diagnostics.append(.error(.extendsTenant, "tenant `\(id)` extends `\(parentName.text)`, which is a tenant", at: parentName.span,
                                                           help: ["a tenant extends a tier; to share settings between tenants, define a tier for them"]))
                } else {
                    early.result.diagnostics.append(TierGraph.unknownTier(parentName, among: graph.tiers.map(\.name)))
                }
            }
            return .failure(early)
        }
        return .success(prepare(decl, tier: tier, options, diagnostics: diagnostics))
    }

    private func prepare(_ decl: Declaration, tier: TierLayout, _ options: ResolveOptions, diagnostics: [Diagnostic]) -> TenantResolution {
        let id = decl.name.text
        // Layer 2: the tenant's body.
        let origin = LayerOrigin.tenant(id)
        var builder = LayerBuilder(schema: tier.schema, origin: origin, isRoot: false, isTenant: true, environments: tier.environments)
        builder.sources = sources
        builder.apply(decl.body)
        let schema = builder.schema
        var defs = DefinitionTable(base: tier.defs, count: schema.count)
        defs.execute(builder.ops, schema: schema)
        // What the body sets with `=` and keeps (a later record literal of its own may drop it).
        let explicit = builder.explicitValues.filter { defs[Int($0.key)].last?.span == $0.value.span }

        // The environment: --env, else the tenant's `tenant_info.environment` before overlays.
        let envSlot = schema.lookup(environmentFieldPath)
        let env = tenantEnvironment(decl, given: options.environment, slot: envSlot, schema: schema, defs: &defs, tier: tier.name,
                                    origin: origin, budget: options.stepBudget)

        // Layer 3: overlays of the tiers (root first), then the tenant's own.
        let tierOverlay = tier.overlay(env, schema: schema, sources: sources)
        defs.execute(tierOverlay.ops, schema: schema)
        let ownOverlay = TierLayout.overlay(env, blocks: builder.envBlocks, schema: schema, environments: tier.environments, sources: sources)
        defs.execute(ownOverlay.ops, schema: schema)

        var subject = EvaluationSubject(tenantID: id, tierName: tier.name, environment: env, headerSpan: decl.headerSpan,
                                        isTierSelfCheck: false, origin: origin)
        subject.afterSyntaxErrors = options.afterSyntaxErrors
        // Reuse the tier's baseline for everything this tenant's layers cannot have changed.
        let baseline = options.usesTierBaselines && schema.count == tier.schema.count ? self.baseline(tier, env) : nil
        let dirty = baseline.map {
            TierSet.changedFields(from: $0, ops: [builder.ops, ownOverlay.ops], envSlot: options.environment != nil ? envSlot : nil, schema: schema)
        }
        let evaluator = Evaluator(schema: schema, defs: defs, subject: subject, baseline: baseline, dirty: dirty, shared: options.stepBudget)
        evaluator.countsOutput = options.output != .diagnosticsOnly && options.maxArtifactBytes != nil
        let inherited = baseline?.inheritedRules ?? (tier.rules + tierOverlay.rules).filter { $0.environment == nil || $0.environment == env }
        let own = (builder.rules + ownOverlay.rules).filter { $0.environment == nil || $0.environment == env }
        return TenantResolution(id: id, header: decl.headerSpan, tier: tier, environment: env, schema: schema, defs: defs, evaluator: evaluator,
                                baseline: baseline, leaves: dirty?.fields ?? (0..<schema.count).map { Int32($0) },
                                rules: own.isEmpty ? inherited : inherited + own, explicit: explicit, tierOverlay: tierOverlay,
                                ownOverlay: ownOverlay, diagnostics: diagnostics + builder.diagnostics + ownOverlay.diagnostics)
    }

    /// The environment a tenant is resolved in: `--env` (then set as its
    /// `tenant_info.environment`), else that field's value before the overlays, else production.
    private func tenantEnvironment(_ decl: Declaration, given: String?, slot: Int32?, schema: Schema, defs: inout DefinitionTable,
                                   tier: String, origin: LayerOrigin, budget: SharedBudget?) -> String {
        if let given {
            if let slot {
                defs.append(Definition(kind: .value(.constant(.string(given))), span: decl.headerSpan,
                                       statementSpan: decl.headerSpan, origin: .commandLine), to: Int(slot))
            }
            return given
        }
        guard let slot, let top = defs[Int(slot)].last else { return "production" }
        if case .value(let e) = top.kind, case .string(let s)? = e.constantValue { return s }
        let probe = Evaluator(schema: schema, defs: defs, subject: EvaluationSubject(
            tenantID: decl.name.text, tierName: tier, environment: "production", headerSpan: decl.headerSpan, isTierSelfCheck: false,
            origin: origin), shared: budget)
        if case .string(let s)? = try? probe.value(slot) { return s }
        return "production"
    }

    /// The fields a tenant's layers (`ops`) may have changed from its tier's baseline, with what
    /// depends on them: only these are evaluated again.
    private static func changedFields(from baseline: Baseline, ops: [[LayerOp]], envSlot: Int32?, schema: Schema) -> DirtySet {
        var d = DirtySet(schema: schema)
        for op in ops.joined() {
            switch op {
            case .define(let s, _): d.mark(s)
            case .clear(let s): for t in schema.subtree(s) { d.mark(t) }
            case .scale(let slots, _): for s in slots { d.mark(s) }
            }
        }
        if let envSlot { d.mark(envSlot) }
        for s in baseline.unavailable { d.mark(s) }
        for s in baseline.readsTenantID { d.mark(s) }
        d.propagate(baseline)
        return d
    }

    private func artifactTooLarge(_ id: String, _ estimate: OutputEstimate, limit: Int, schema: Schema, defs: DefinitionTable,
                                  at header: Span) -> Diagnostic {
        let field = estimate.largest >= 0 ? schema[estimate.largest] : nil
        let span = field.flatMap { _ in defs[Int(estimate.largest)].last?.span } ?? header
        var related: [DiagnosticLabel] = []
        if span != header { related.append(DiagnosticLabel(header, "the tenant")) }
        return .error(.artifactTooLarge, "the artifact of `\(id)` would be about \(approximateSize(estimate.bytes)), more than the \(approximateSize(limit)) allowed",
                      at: span, label: field.map { "`\($0.path)` alone is about \(approximateSize(estimate.largestBytes))" } ?? "",
                      related: related,
                      help: ["an artifact this large is a formula multiplying its output; if it is meant, raise the bound with `--max-artifact-size`"])
    }

    private func invalidTenantID(_ name: Name) -> Diagnostic {
        var fixed = String(name.text.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }.filter { $0.isASCII })
        if let f = fixed.first, !f.isLetter { fixed = "t_" + fixed }
        if fixed.isEmpty { fixed = "tenant" }
        fixed = String(fixed.prefix(63))
        return .error(.invalidTenantID, "tenant id `\(name.text)` is invalid", at: name.span,
                      label: "ids are lower-case letters, digits and `_`, starting with a letter, at most 63 characters",
                      help: ["tenant ids become file names, SQL identifiers and key prefixes; try `\(fixed)`"],
                      fixes: [FixIt(name.span, fixed)])
    }
}

/// A built tenant's config as its evaluator holds it, for backends that write while walking.
/// Used by one thread at a time (the one that resolved it): the evaluator is not shared.
final class EvaluatedConfig: ConfigTree, @unchecked Sendable {
    let id: String
    let tier: String
    let environment: String
    private let evaluator: Evaluator
    /// The built config, once a backend asked for it: the next one (`--emit json,NAME`) reuses it.
    /// Unlocked: a tenant's backends run one after another on the worker that resolved it.
    private var built: ResolvedTenant?
    private let sharesRenderings: Bool

    init(id: String, tier: String, environment: String, evaluator: Evaluator, sharesRenderings: Bool) {
        self.id = id
        self.tier = tier
        self.environment = environment
        self.evaluator = evaluator
        self.sharesRenderings = sharesRenderings
    }

    // Every field is computed before a tree is handed over: `IncompleteConfig` does not happen.
    func walk(_ visitor: any ConfigVisitor) throws {
        do {
            try evaluator.walkArtifact(Schema.root, visitor)
        } catch is EvalFailure {
            throw IncompleteConfig(tenant: id)
        }
    }

    var shared: SharedRenderings? { sharesRenderings ? evaluator.baseline?.renderings : nil }

    func resolved() throws -> ResolvedTenant {
        if let built { return built }
        guard let config = try? evaluator.artifact() else { throw IncompleteConfig(tenant: id) }
        let tenant = ResolvedTenant(id: id, tier: tier, environment: environment, config: config)
        built = tenant
        return tenant
    }
}

/// A config that could not be walked to the end (a value failed to compute).
struct IncompleteConfig: Error, CustomStringConvertible {
    let tenant: String
    var description: String { "the config of tenant `\(tenant)` has values that could not be computed" }
}
