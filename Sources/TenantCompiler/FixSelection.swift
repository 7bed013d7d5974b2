import TenantDiagnostics

/// One edit of a file's bytes: replace `range` with `replacement` (an empty range inserts).
public struct FixEdit: Hashable, Sendable {
    public var range: Range<Int>
    public var replacement: [UInt8]

    public init(range: Range<Int>, replacement: [UInt8]) {
        self.range = range
        self.replacement = replacement
    }

    /// `bytes` with `edits` made; the edits are in order, front to back, and do not overlap.
    public static func apply(_ edits: [FixEdit], to bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + edits.reduce(0) { $0 + $1.replacement.count })
        var at = 0
        for edit in edits {
            out += bytes[at..<edit.range.lowerBound]
            out += edit.replacement
            at = edit.range.upperBound
        }
        out += bytes[at...]
        return out
    }
}

/// The fix-its of one file that can be applied together, and the file they make: pure, for
/// `check --fix` and for an editor's code actions alike.
///
/// Fixes are taken back to front; one that overlaps a fix already taken is left out (it may
/// apply once the others are in: check again). Identical fixes count once. A fix whose range
/// touches the value of a secret field is never taken, so that no edit rewrites or moves a
/// secret's text; nor is one that would change nothing, or whose range lies outside the bytes.
public struct FixSelection: Sendable {
    /// The edits taken, front to back, none overlapping another.
    public private(set) var edits: [FixEdit] = []
    /// Fixes left out because they overlap one taken.
    public private(set) var overlapping = 0
    /// Fixes left out because they touch a secret's value.
    public private(set) var touchingSecrets = 0

    /// `sensitive`: the file's secret values (`SourceFile.sensitiveRanges`).
    public init(_ fixes: [FixIt], in bytes: [UInt8], sensitive: [Range<Int>]) {
        var seen: Set<FixIt> = []
        var candidates: [FixEdit] = []
        for fix in fixes where seen.insert(fix).inserted {
            let edit = FixEdit(range: Int(fix.span.start)..<Int(fix.span.end), replacement: Array(fix.replacement.utf8))
            guard edit.range.upperBound <= bytes.count, !bytes[edit.range].elementsEqual(edit.replacement) else { continue }
            if sensitive.contains(where: { FixSelection.touches(edit.range, $0) }) {
                touchingSecrets += 1
            } else {
                candidates.append(edit)
            }
        }
        // Back to front; of fixes that start at one place, the first offered wins.
        let order = candidates.indices.sorted { a, b in
            candidates[a].range.lowerBound != candidates[b].range.lowerBound
                ? candidates[a].range.lowerBound > candidates[b].range.lowerBound : a < b
        }
        var taken: [FixEdit] = []
        for i in order {
            if let last = taken.last, FixSelection.conflicts(candidates[i].range, before: last.range) {
                overlapping += 1
            } else {
                taken.append(candidates[i])
            }
        }
        edits = taken.reversed()
    }

    /// The fixes of `diagnostics` whose range lies in `file`, except those of a diagnostic whose
    /// source must not be shown (it concerns a secret's value).
    public static func fixes(of diagnostics: [Diagnostic], in file: FileID) -> [FixIt] {
        diagnostics.filter { !$0.hidesSource }.flatMap(\.fixes).filter { $0.span.file == file }
    }

    /// `bytes` with the edits made: the bytes the selection was made from.
    public func applied(to bytes: [UInt8]) -> [UInt8] { FixEdit.apply(edits, to: bytes) }

    /// Whether an edit of `range`, taken after the edit of `later` (which starts at or after it),
    /// would overlap it. Two edits at one place conflict: which goes first is not known.
    private static func conflicts(_ range: Range<Int>, before later: Range<Int>) -> Bool {
        range.upperBound > later.lowerBound || range.lowerBound == later.lowerBound
    }

    /// Whether `range` overlaps or borders `secret`: text typed right against a value would
    /// become part of it.
    private static func touches(_ range: Range<Int>, _ secret: Range<Int>) -> Bool {
        range.lowerBound <= secret.upperBound && secret.lowerBound <= range.upperBound
    }
}
