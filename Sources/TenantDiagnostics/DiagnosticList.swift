/// How many errors and warnings a compilation produced.
///
/// Kept apart from the rendered list because that list may be capped: summaries and the JSON
/// envelope must report the true totals, not the number that happened to be printed.
public struct DiagnosticCounts: Hashable, Sendable {
    public var errors: Int
    public var warnings: Int

    public init(errors: Int = 0, warnings: Int = 0) {
        self.errors = errors
        self.warnings = warnings
    }

    /// Counts `diagnostics` as given (no deduplication).
    public init(counting diagnostics: some Sequence<Diagnostic>) {
        self.init()
        for diagnostic in diagnostics {
            switch diagnostic.severity {
            case .error: errors += diagnostic.countsFor
            case .warning: warnings += diagnostic.countsFor
            case .note: break
            }
        }
    }

    /// The configuration is usable: warnings do not make it invalid.
    public var isValid: Bool { errors == 0 }
}

/// Collects diagnostics from every phase and turns them into the list the user sees.
///
/// Phases report in whatever order they discover problems (and concurrent checks may report
/// the same one twice); users and golden tests need one stable, duplicate-free order, and a
/// broken file must not flood the terminal with thousands of follow-on errors.
public struct DiagnosticList: Sendable {
    /// What was appended, in arrival order, duplicates included, up to `storageCap`.
    public private(set) var diagnostics: [Diagnostic] = []
    /// Diagnostics past `storageCap`: counted (once each), not kept.
    private var overflow = DiagnosticCounts()
    private var overflowNotes = 0
    private var overflowSeen: Set<Int> = []

    /// Most diagnostics kept: far more than are shown, so that the ones shown are the first in
    /// order among all of them in any real run; past it, a flood costs no memory but its count.
    public static let storageCap = 10 * defaultCap

    /// The default for `finalized(sourceMap:cap:)`: large enough for any real mistake, small
    /// enough that a binary file fed in by accident stays readable.
    public static let defaultCap = 1000

    public init() {}

    public init(_ diagnostics: some Sequence<Diagnostic>) {
        append(contentsOf: diagnostics)
    }

    public mutating func append(_ diagnostic: Diagnostic) {
        guard diagnostics.count < Self.storageCap else { return count(diagnostic) }
        diagnostics.append(diagnostic)
    }

    public mutating func append(contentsOf other: some Sequence<Diagnostic>) {
        for d in other { append(d) }
    }

    /// Counts a diagnostic past `storageCap` (duplicates are told apart by their hash).
    private mutating func count(_ diagnostic: Diagnostic) {
        guard overflowSeen.insert(diagnostic.hashValue).inserted else { return }
        let one = DiagnosticCounts(counting: CollectionOfOne(diagnostic))
        overflow.errors += one.errors
        overflow.warnings += one.warnings
        if diagnostic.severity == .note { overflowNotes += diagnostic.countsFor }
    }

    public var isEmpty: Bool { diagnostics.isEmpty }

    /// Whether any error was reported; cheap, for deciding whether to go on to the next phase.
    public var hasErrors: Bool { overflow.errors > 0 || diagnostics.contains { $0.severity == .error } }

    /// Errors and warnings after removing duplicates and before any cap — the totals to report.
    public var counts: DiagnosticCounts {
        var c = DiagnosticCounts(counting: Self.unique(diagnostics))
        c.errors += overflow.errors
        c.warnings += overflow.warnings
        return c
    }

    /// The diagnostics to show: sorted by (file path, start byte, end byte, severity, code,
    /// message) with span-less ones first, exact duplicates removed, and at most `cap` of them.
    ///
    /// When more than `cap` remain, the rest are dropped and one `.tooManyDiagnostics` diagnostic
    /// saying how many were omitted is appended (so the result holds `cap + 1`). It takes the
    /// gravest severity among the omitted ones, so a list whose errors were all cut still reads
    /// as failing. Pass `Int.max` for no cap.
    public func finalized(sourceMap: SourceMap, cap: Int = DiagnosticList.defaultCap) -> [Diagnostic] {
        let unique = Self.unique(diagnostics)
        var keyed: [(key: SortKey, diagnostic: Diagnostic)] = []
        keyed.reserveCapacity(unique.count)
        for (index, diagnostic) in unique.enumerated() {
            keyed.append((SortKey(diagnostic, index: index, sourceMap: sourceMap), diagnostic))
        }
        keyed.sort { $0.key < $1.key }
        var sorted = keyed.map(\.diagnostic)

        let cap = max(0, cap)
        let notKept = overflow.errors + overflow.warnings + overflowNotes
        guard sorted.count > cap || notKept > 0 else { return sorted }
        let omitted = sorted[min(cap, sorted.count)...]
        var omittedCounts = DiagnosticCounts(counting: omitted)
        omittedCounts.errors += overflow.errors
        omittedCounts.warnings += overflow.warnings
        let severity = overflow.errors > 0 ? .error : overflow.warnings > 0 ? .warning : omitted.lazy.map(\.severity).min() ?? .note
        let total = omitted.reduce(0) { $0 + $1.countsFor } + notKept
        var breakdown: [String] = []
        if omittedCounts.errors > 0 { breakdown.append(plural(omittedCounts.errors, "error")) }
        if omittedCounts.warnings > 0 { breakdown.append(plural(omittedCounts.warnings, "warning")) }
        let graded = omittedCounts.errors + omittedCounts.warnings
        if total > graded { breakdown.append(plural(total - graded, "note")) }
        let summary = Diagnostic(
            severity, .tooManyDiagnostics,
            "too many diagnostics: \(total) more \(total == 1 ? "was" : "were") omitted",
            at: nil,
            notes: [
                "only the first \(plural(cap, "diagnostic")) are shown",
                "omitted: " + breakdown.joined(separator: ", "),
            ]
        )
        sorted.removeSubrange(min(cap, sorted.count)...)
        sorted.append(summary)
        return sorted
    }

    /// First occurrence of each diagnostic, in arrival order.
    private static func unique(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        seen.reserveCapacity(diagnostics.count)
        return diagnostics.filter { seen.insert($0).inserted }
    }
}

/// "1 error", "3 errors"; `plural` for nouns that do not just take an `s`.
public func plural(_ count: Int, _ noun: String, _ plural: String? = nil) -> String {
    count == 1 ? "1 \(noun)" : "\(count) \(plural ?? noun + "s")"
}

/// The order of `finalized`; arrival index last so equal keys keep a reproducible order.
private struct SortKey: Comparable {
    var hasSpan: Bool
    var path: String
    var file: UInt32
    var start: UInt32
    var end: UInt32
    var severity: Severity
    var code: String
    var message: String
    var index: Int

    init(_ diagnostic: Diagnostic, index: Int, sourceMap: SourceMap) {
        let span = diagnostic.span
        hasSpan = span != nil
        path = span.flatMap { sourceMap.file($0.file)?.path } ?? ""
        file = span?.file.raw ?? 0
        start = span?.start ?? 0
        end = span?.end ?? 0
        severity = diagnostic.severity
        code = diagnostic.code.id
        message = diagnostic.message
        self.index = index
    }

    static func < (a: SortKey, b: SortKey) -> Bool {
        if a.hasSpan != b.hasSpan { return !a.hasSpan }
        if a.path != b.path { return a.path < b.path }
        if a.file != b.file { return a.file < b.file }
        if a.start != b.start { return a.start < b.start }
        if a.end != b.end { return a.end < b.end }
        if a.severity != b.severity { return a.severity < b.severity }
        if a.code != b.code { return a.code < b.code }
        if a.message != b.message { return a.message < b.message }
        return a.index < b.index
    }
}
