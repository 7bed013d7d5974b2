import TenantDiagnostics
import TenantModel

/// Suggests a tier whose limit would let a failing rule pass: (locked field, its value) → help text.
typealias UpgradeHint = (Int32, Value) -> String?

extension Evaluator {
    /// Evaluates rules; a failed one becomes a diagnostic showing the values it compared and
    /// the lines that set them (docs/language.md, docs/diagnostics.md).
    ///
    /// `known`: what the tier's baseline learnt of the first rules of the list; a rule that
    /// passed there and reads nothing this tenant changed passes here too.
    @discardableResult
    func run(_ rules: [Rule], upgradeHint: UpgradeHint?, known: [Baseline.RuleRecord] = []) -> [Baseline.RuleRecord] {
        var records: [Baseline.RuleRecord] = []
        for (k, rule) in rules.enumerated() {
            if k < known.count, known[k].passed, !known[k].readsTenantID, known[k].reads.allSatisfy({ !dirty[Int($0)] }) {
                continue
            }
            recorder?.ruleReads = []
            recorder?.ruleReadsTenantID = false
            var passed = false
            defer {
                if let recorder {
                    records.append(Baseline.RuleRecord(passed: passed, readsTenantID: recorder.ruleReadsTenantID, reads: recorder.ruleReads ?? []))
                    recorder.ruleReads = nil
                }
            }
            let result: Value
            do { result = try eval(rule.condition, frame: .none) } catch { continue }  // reported, or pending
            guard case .bool(let ok) = result else {
                report(.error(.checkNotBool, "a rule's condition must be a bool, found \(describe(result))", at: rule.conditionSpan,
                              help: ["write a comparison, like `x <= limits.cpu`"]))
                continue
            }
            if ok {
                passed = true
            } else {
                reportFailure(rule, upgradeHint: upgradeHint)
            }
        }
        return records
    }

    private func isOwn(_ origin: LayerOrigin) -> Bool {
        switch (origin, subject.origin) {
        case (.tenant(let a), .tenant(let b)), (.tenantEnv(let a, _), .tenant(let b)): a == b
        case (.tier(let a), .tier(let b)), (.tierEnv(let a, _), .tier(let b)): a == b
        default: false
        }
    }

    /// A definition of the subject's own that a field's value comes from.
    struct OwnSource {
        var slot: Int32
        var definition: Definition
        /// The field the rule read, whose value this definition decides.
        var via: Int32
        /// The overlay that scales this very field on top of the definition, if one does.
        var scaledBy: LayerOrigin?
    }

    /// The subject's own definitions the values of `fields` come from when a tier's definition
    /// is on top: through the fields its formulas read, `super` and `scale`, in the order found.
    /// Bounded: a failed rule's report looks a few hundred definitions deep at most.
    func ownSources(of fields: [Int32]) -> [OwnSource] {
        struct Visit: Hashable {
            var slot: Int32
            var index: Int
        }
        var queue: [(visit: Visit, via: Int32, scaledBy: LayerOrigin?)] = []
        var seen: Set<Visit> = []
        var found: [OwnSource] = []
        var shown: Set<Span> = []
        func enqueue(_ slot: Int32, _ index: Int, via: Int32, scaledBy: LayerOrigin?) {
            for s in schema[slot].isRecord ? schema.subtree(slot) : [slot] where !schema[s].isRecord {
                let i = s == slot ? index : defs[Int(s)].count - 1
                guard i >= 0 else { continue }
                let v = Visit(slot: s, index: i)
                if seen.insert(v).inserted { queue.append((v, via, s == slot ? scaledBy : nil)) }
            }
        }
        for s in fields { enqueue(s, defs[Int(s)].count - 1, via: s, scaledBy: nil) }
        var next = 0
        while next < queue.count, next < 512 {
            let (v, via, scaledBy) = queue[next]
            next += 1
            let d = defs[Int(v.slot)][v.index]
            if isOwn(d.origin) {
                if shown.insert(d.span).inserted {
                    found.append(OwnSource(slot: v.slot, definition: d, via: via, scaledBy: scaledBy))
                }
                continue
            }
            var refs: [Int32] = []
            var readsSuper = false
            switch d.kind {
            case .scale(let factor):
                factor.references(into: &refs, super: &readsSuper, schema: schema)
                enqueue(v.slot, v.index - 1, via: via, scaledBy: v.slot == via ? (scaledBy ?? d.origin) : nil)
            case .value(let e):
                e.references(into: &refs, super: &readsSuper, schema: schema)
                if readsSuper { enqueue(v.slot, v.index - 1, via: via, scaledBy: nil) }
            }
            // A field read by a formula is reported as read through the field the rule read.
            for r in refs { enqueue(r, defs[Int(r)].count - 1, via: via, scaledBy: nil) }
        }
        return found
    }

    private func reportFailure(_ rule: Rule, upgradeHint: UpgradeHint?) {
        // Evaluate again, recording the fields the rule reads (values are memoised: this is cheap).
        readLog = []
        _ = try? eval(rule.condition, frame: .none)
        var notes: [String] = []
        for p in rule.probes {
            if let v = try? eval(p.expr, frame: .none) {
                let note = "\(p.text) = \(v.sourceText)"
                if !notes.contains(note) { notes.append(note) }
            }
        }
        var reads: [Int32] = []
        var seen: Set<Int32> = []
        for s in readLog ?? [] where seen.insert(s).inserted { reads.append(s) }
        readLog = nil

        var message = "rule failed: \(rule.text)"
        if let m = rule.message, let v = try? eval(m, frame: .none) {
            if case .string(let s) = v { message = s } else { message = v.sourceText }
        }

        var primary: (Span, String)?
        var related: [DiagnosticLabel] = []
        var help: [String] = []
        var ownShown = 0
        var others: [DiagnosticLabel] = []
        for s in reads {
            guard let d = defs[Int(s)].last else { continue }
            let field = schema[s]
            if isOwn(d.origin) {
                if primary == nil {
                    primary = (d.span, "`\(field.path)` set here")
                } else if ownShown < 3 {
                    related.append(DiagnosticLabel(d.span, "`\(field.path)` set here"))
                    ownShown += 1
                }
            } else if field.locked, let tier = d.origin.tierName {
                let what = field.path.hasPrefix("limits.") ? "limit" : "`\(field.path)`"
                related.append(DiagnosticLabel(d.span, "\(what) of tier `\(tier)`"))
                if let v = try? value(s), let hint = upgradeHint?(s, v) { help.append(hint) }
            } else if others.count < 3 {
                others.append(DiagnosticLabel(d.span, "`\(field.path)` set by \(d.origin.description)"))
            }
        }
        // A value of the tenant's own that decided the rule through a formula or a scale (the
        // tier's `cpu = limits.cpu * cpu_share` reading the tenant's share): its line, not the header.
        if primary == nil, !subject.isTierSelfCheck {
            for (k, found) in ownSources(of: reads).enumerated() {
                let field = schema[found.slot]
                var label = "`\(field.path)` set here"
                if found.via != found.slot {
                    label += " (read through `\(schema[found.via].path)`)"
                } else if let scale = found.scaledBy {
                    label += " (scaled by \(scale.description))"
                }
                if k == 0 {
                    primary = (found.definition.span, label)
                } else if ownShown < 3 {
                    related.append(DiagnosticLabel(found.definition.span, label))
                    ownShown += 1
                }
            }
        }
        // Values set elsewhere only help when nothing closer explains the failure.
        if primary == nil, related.isEmpty { related = others }
        let ruleLabel = "rule defined in \(rule.origin.description)"
        let (span, label): (Span, String)
        if let primary {
            (span, label) = primary
            related.append(DiagnosticLabel(rule.span, ruleLabel))
        } else if subject.isTierSelfCheck {
            (span, label) = (rule.span, "this rule fails for tier `\(subject.tierName)`")
        } else {
            (span, label) = (subject.headerSpan, "tenant `\(subject.tenantID)` breaks this rule")
            related.append(DiagnosticLabel(rule.span, ruleLabel))
        }
        if !subject.isTierSelfCheck, subject.environment != "production" {
            notes.append("tenant `\(subject.tenantID)` in environment `\(subject.environment)`")
        }
        let code: DiagnosticCode = rule.severity == .error ? .checkFailed : .warnFailed
        report(Diagnostic(rule.severity == .error ? .error : .warning, code, message, at: span, label: label,
                          related: related, notes: notes, help: help))
    }
}
