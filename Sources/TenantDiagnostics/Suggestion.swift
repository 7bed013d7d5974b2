/// The candidate the user most likely meant by `name`, for a "did you mean" help line; nil when
/// nothing is close enough to be worth suggesting.
///
/// In order of preference (the first candidate wins within a rank, so output is deterministic):
/// 1. a candidate equal to `name` ignoring case (`Databases` → `databases`);
/// 2. a candidate equal ignoring case and the separators `_`/`-` (`max-conn` → `max_conn`);
/// 3. the candidate at the smallest case-insensitive optimal-string-alignment distance (an
///    adjacent transposition counts as one edit), if that distance is at most
///    `max(1, count / 3)` scalars of `name` — the threshold rustc uses, which keeps short names
///    from matching everything — and smaller than both lengths, so a suggestion always
///    shares something with the name.
///
/// A candidate identical to `name` is never suggested: "did you mean `x`?" for `x` helps nobody.
/// Abbreviations are deliberately not matched (`prod` does not suggest `production`): a prefix
/// rule would make one-letter names suggest arbitrary fields.
///
/// Called once per unknown name, possibly over every field of a schema, so it folds each
/// candidate into one reused buffer and reuses the distance rows instead of allocating per pair.
public func suggestion(for name: String, among candidates: some Sequence<String>) -> String? {
    var target: [UInt32] = []
    target.reserveCapacity(name.utf8.count)
    for scalar in name.unicodeScalars { target.append(foldCase(scalar)) }
    guard !target.isEmpty else { return nil }

    let threshold = max(1, target.count / 3)
    var folded: [UInt32] = []
    folded.reserveCapacity(32)
    var rows = EditRows()

    // Rank 0: equal ignoring case; 1: equal ignoring case and separators; 2 + d: distance d.
    var best: String?
    var bestRank = Int.max
    for candidate in candidates {
        folded.removeAll(keepingCapacity: true)
        for scalar in candidate.unicodeScalars { folded.append(foldCase(scalar)) }

        if folded == target {
            if candidate == name { continue }
            return candidate  // nothing can outrank it, and earlier candidates win ties
        }
        if bestRank <= 1 { continue }
        if equalIgnoringSeparators(folded, target) {
            best = candidate
            bestRank = 1
            continue
        }
        // The distance is at least the length gap, so most candidates are rejected here, unscanned.
        let gap = abs(folded.count - target.count)
        let limit = min(threshold, bestRank - 3)  // only a strictly smaller distance can win
        if gap > limit { continue }
        guard let distance = rows.distance(target, folded, limit: limit) else { continue }
        if distance < max(target.count, folded.count) {
            best = candidate
            bestRank = 2 + distance
        }
    }
    return best
}

/// Simple (one-to-one) lowercase mapping; ASCII takes the fast path without touching the
/// Unicode tables.
@inline(__always)
private func foldCase(_ scalar: Unicode.Scalar) -> UInt32 {
    let v = scalar.value
    if v < 0x80 { return (v &- 0x41) < 26 ? v + 0x20 : v }
    var lowered = scalar.properties.lowercaseMapping.unicodeScalars.makeIterator()
    if let first = lowered.next(), lowered.next() == nil { return first.value }
    return v
}

@inline(__always)
private func isSeparator(_ v: UInt32) -> Bool { v == 0x5F || v == 0x2D }  // `_`, `-`

private func equalIgnoringSeparators(_ a: [UInt32], _ b: [UInt32]) -> Bool {
    var i = 0
    var j = 0
    while true {
        while i < a.count, isSeparator(a[i]) { i += 1 }
        while j < b.count, isSeparator(b[j]) { j += 1 }
        if i == a.count || j == b.count { return i == a.count && j == b.count }
        if a[i] != b[j] { return false }
        i += 1
        j += 1
    }
}

/// Three rolling rows of the optimal-string-alignment table, kept between candidates.
private struct EditRows {
    var previous2: [Int] = []
    var previous: [Int] = []
    var current: [Int] = []

    /// The OSA distance between `a` and `b`, or nil as soon as it must exceed `limit`.
    mutating func distance(_ a: [UInt32], _ b: [UInt32], limit: Int) -> Int? {
        let width = b.count + 1
        if previous.count < width {
            previous2 = Array(repeating: 0, count: width)
            previous = Array(repeating: 0, count: width)
            current = Array(repeating: 0, count: width)
        }
        for j in 0..<width { previous[j] = j }
        if a.isEmpty { return b.count <= limit ? b.count : nil }
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = i
            for j in 1..<width {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            // Every later row only grows from this one's minimum.
            if rowMinimum > limit { return nil }
            swap(&previous2, &previous)
            swap(&previous, &current)
        }
        let result = previous[b.count]
        return result <= limit ? result : nil
    }
}
