import TenantDiagnostics
import TenantSyntax

/// The steps and bytes of values that the configs of one file still have between them. Each
/// config has its own budget (`EvaluationLimits.maxSteps`, `maxAllocatedBytes`); the configs of
/// one file (its tenants in every environment, or the self-checks of a set of tiers) also share
/// this one, so that the work a file causes is bounded by its size, not by how many of its
/// configs exhaust their own budget. Used by one thread at a time (the one compiling the file).
public final class SharedBudget: @unchecked Sendable {
    public private(set) var steps: Int
    public private(set) var bytes: Int

    public init(steps: Int, bytes: Int) {
        self.steps = max(0, steps)
        self.bytes = max(0, bytes)
    }

    /// The budget of the configs declared in `size` bytes of source.
    public convenience init(sourceBytes size: Int) {
        self.init(steps: EvaluationLimits.sharedSteps(sourceBytes: size), bytes: EvaluationLimits.sharedBytes(sourceBytes: size))
    }

    /// The budget of the configs declared in `declarations`' files.
    convenience init(filesOf declarations: [Declaration], sources: SourceMap) {
        var files: Set<FileID> = []
        var size = 0
        for d in declarations where files.insert(d.headerSpan.file).inserted {
            size += sources.file(d.headerSpan.file)?.bytes.count ?? 0
        }
        self.init(sourceBytes: size)
    }

    /// Takes what one config spent.
    func take(steps spentSteps: Int, bytes spentBytes: Int) {
        steps = max(0, steps - max(0, spentSteps))
        bytes = max(0, bytes - max(0, spentBytes))
    }
}

extension EvaluationLimits {
    /// The steps the configs of `size` bytes of source may take together: two configs' full
    /// budgets, and two steps a byte (real tenants take well under one).
    public static func sharedSteps(sourceBytes size: Int) -> Int {
        2 * maxSteps + 2 * max(0, size)
    }

    /// The bytes of values the configs of `size` bytes of source may build together: two
    /// configs' full budgets, and 64 bytes a byte of source.
    public static func sharedBytes(sourceBytes size: Int) -> Int {
        2 * maxAllocatedBytes + 64 * max(0, size)
    }
}
