import TenantDiagnostics
import TenantSyntax

/// What `tenantc migrate` did.
public struct MigrationOutcome: Sendable {
    public var plan: MigrationPlan
    /// The file was rewritten.
    public var applied: Bool
    /// Why the file was left as it was, when it was.
    public var refusal: String?
}

/// `tenantc migrate FILE --to TIER`: the plan, then — when it has no errors, or with `force` —
/// the tenant's `extends` clause rewritten in place. Only the tier name's bytes change, so
/// comments and layout stay byte for byte, and the file is replaced by one rename.
public enum TierMigration {
    public static func run(_ workspace: TenantWorkspace, to target: String, environment: String? = nil,
                           force: Bool = false) throws(UsageFailure) -> MigrationOutcome {
        let plan = try MigrationPlan.make(workspace, to: target, environment: environment)
        var outcome = MigrationOutcome(plan: plan, applied: false, refusal: nil)
        if plan.direction == .none {
            outcome.refusal = "tenant \(plan.tenant) is on tier \(target) already; nothing to change"
            return outcome
        }
        if workspace.hasSyntaxErrors {
            outcome.refusal = "\(workspace.path) has syntax errors; fix them first (not even --force rewrites a file that does not parse)"
            return outcome
        }
        if plan.hasErrors, !force {
            outcome.refusal = "the plan has errors; \(workspace.path) is left as it was (--force migrates anyway)"
            return outcome
        }
        guard let parent = workspace.tenant.parent, let source = workspace.sources.file(workspace.tenant.headerSpan.file) else {
            outcome.refusal = "tenant \(plan.tenant) has no `extends` clause to rewrite"
            return outcome
        }
        let bytes = source.bytes
        let range = Int(parent.span.start)..<Int(parent.span.end)
        // The span comes from the parser of these very bytes; checked all the same, since a
        // wrong rewrite would damage the user's file.
        guard range.upperBound <= bytes.count, bytes[range].elementsEqual(parent.text.utf8) else {
            outcome.refusal = "the `extends` clause of \(plan.tenant) was not found where it was parsed; \(workspace.path) is left as it was"
            return outcome
        }
        var out = Array(bytes[..<range.lowerBound])
        out += target.utf8
        out += bytes[range.upperBound...]
        if let failure = FileSystem.replaceFile(workspace.absolutePath, with: out) {
            throw UsageFailure("cannot write \(workspace.path): \(failure)")
        }
        outcome.applied = true
        return outcome
    }
}

extension MigrationPlan {
    /// What `migrate` prints: the move, the changes counted by category, the risks and the steps
    /// (the switch-over marked done when the file was rewritten).
    public func summary(applied: Bool) -> String {
        var out = "Tenant \(tenant) (\(file)): tier \(from) → \(to) (\(direction.rawValue)), environment \(environment)\n"
        var counted: [String] = []
        for category in Category.allCases {
            let n = changes.filter { $0.category == category }.count
            if n > 0 { counted.append(category.counted(n)) }
        }
        out += "  " + plural(changes.count, "change") + (counted.isEmpty ? "" : ": " + counted.joined(separator: ", ")) + "\n"
        if counts.errors > 0 { out += "  \(plural(counts.errors, "error")) under tier \(to) (see the diagnostics)\n" }
        for r in risks { out += "  ! " + r.message + "\n" }
        guard !steps.isEmpty else { return out }
        out += "Steps (`tenantc plan \(file) --to \(to)` shows them in full):\n"
        for (i, s) in steps.enumerated() {
            out += "  \(i + 1). " + s.text + (applied && s.kind == .switchOver ? " (done: the file now extends \(to))" : "") + "\n"
        }
        return out
    }
}
