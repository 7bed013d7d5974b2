import TenantDiagnostics
import TenantSyntax

/// The steps that the configs of one file still have between them. Each config has its own
/// budget (`EvaluationLimits.maxSteps`); the configs of one file (its tenants in every
/// environment, or the self-checks of a set of tiers) also share this one, so that the work a
/// file causes is bounded by its size, not by how many of its configs exhaust their own budget.
/// Used by one thread at a time (the one compiling the file).
public final class SharedStepBudget: @unchecked Sendable {
    public private(set) var left: Int

    public init(steps: Int) { left = max(0, steps) }

    /// The budget of the configs declared in `bytes` bytes of source.
    public convenience init(sourceBytes bytes: Int) {
        self.init(steps: EvaluationLimits.sharedSteps(sourceBytes: bytes))
    }

    /// The budget of the configs declared in `declarations`' files.
    convenience init(filesOf declarations: [Declaration], sources: SourceMap) {
        var files: Set<FileID> = []
        var bytes = 0
        for d in declarations where files.insert(d.headerSpan.file).inserted {
            bytes += sources.file(d.headerSpan.file)?.bytes.count ?? 0
        }
        self.init(sourceBytes: bytes)
    }

    func take(_ steps: Int) { left = max(0, left - max(0, steps)) }
}

extension EvaluationLimits {
    /// What the configs of `bytes` bytes of source may take together: two configs' full
    /// budgets, and two steps a byte (real tenants take well under one).
    public static func sharedSteps(sourceBytes bytes: Int) -> Int {
        2 * maxSteps + 2 * max(0, bytes)
    }
}
