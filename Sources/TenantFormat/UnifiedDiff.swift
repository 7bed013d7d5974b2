/// `tenantc fmt --diff`: what formatting changes in a file, as `diff -u` (and git) show it.
public enum UnifiedDiff {
    /// The unified diff from `old` to `new`, two versions of the file shown as `path`: the
    /// headers `--- a/PATH` and `+++ b/PATH`, then hunks `@@ -l,n +l,n @@` with `context` lines
    /// of context, where changes closer than twice that share a hunk. A last line without a
    /// line break is followed by `\ No newline at end of file`. Empty when the two are equal.
    public static func make(old: [UInt8], new: [UInt8], path: String, context: Int = 3) -> [UInt8] {
        guard old != new else { return [] }
        let table = LineTable(old: old, new: new)
        let diff = LineDiff(old: table.oldIDs, new: table.newIDs, distinct: table.distinct)
        let blocks = changeBlocks(deleted: diff.deleted, inserted: diff.inserted)
        // An absolute path loses its leading slash after the prefix, as in git.
        let shown = path.hasPrefix("/") ? String(path.dropFirst()) : path
        var out = Array("--- a/\(shown)\n+++ b/\(shown)\n".utf8)
        let writer = HunkWriter(old: old, new: new, oldLines: table.oldLines, newLines: table.newLines, context: max(0, context))
        for group in hunkGroups(blocks, context: max(0, context)) {
            writer.write(group, into: &out)
        }
        return out
    }

    /// The old lines `old` replaced by the new lines `new`: one run of changes.
    struct Block {
        var old: Range<Int>
        var new: Range<Int>
    }

    /// The runs of changed lines, in order. The lines that are neither deleted nor inserted
    /// pair up in order, the i-th old one with the i-th new one.
    static func changeBlocks(deleted: [Bool], inserted: [Bool]) -> [Block] {
        var blocks: [Block] = []
        var i = 0, j = 0
        while i < deleted.count || j < inserted.count {
            if i < deleted.count, j < inserted.count, !deleted[i], !inserted[j] {
                i += 1
                j += 1
                continue
            }
            let i0 = i, j0 = j
            while i < deleted.count, deleted[i] { i += 1 }
            while j < inserted.count, inserted[j] { j += 1 }
            if i == i0, j == j0 {
                // Unpaired kept lines cannot happen; if they did, the rest is one change.
                i = deleted.count
                j = inserted.count
            }
            blocks.append(Block(old: i0..<i, new: j0..<j))
        }
        return blocks
    }

    /// The blocks grouped into hunks: a group ends where more than `2 × context` unchanged
    /// lines separate two blocks.
    static func hunkGroups(_ blocks: [Block], context: Int) -> [ArraySlice<Block>] {
        var groups: [ArraySlice<Block>] = []
        var start = 0
        for i in blocks.indices where i + 1 == blocks.count || blocks[i + 1].old.lowerBound - blocks[i].old.upperBound > 2 * context {
            groups.append(blocks[start...i])
            start = i + 1
        }
        return groups
    }
}

/// Writes hunks: their header, context lines, deletions, insertions.
private struct HunkWriter {
    let old: [UInt8]
    let new: [UInt8]
    let oldLines: [Range<Int>]
    let newLines: [Range<Int>]
    let context: Int

    init(old: [UInt8], new: [UInt8], oldLines: [Range<Int>], newLines: [Range<Int>], context: Int) {
        self.old = old
        self.new = new
        self.oldLines = oldLines
        self.newLines = newLines
        self.context = context
    }

    func write(_ group: ArraySlice<UnifiedDiff.Block>, into out: inout [UInt8]) {
        guard let first = group.first, let last = group.last else { return }
        // Context lines are unchanged, so each side has as many before and after the group.
        let before = min(context, first.old.lowerBound)
        let after = min(context, oldLines.count - last.old.upperBound)
        let oldStart = first.old.lowerBound - before, oldEnd = last.old.upperBound + after
        let newStart = first.new.lowerBound - before, newEnd = last.new.upperBound + after
        out += Array("@@ -\(Self.range(oldStart, oldEnd)) +\(Self.range(newStart, newEnd)) @@\n".utf8)
        var at = oldStart
        for block in group {
            for i in at..<block.old.lowerBound { line(UInt8(ascii: " "), old, oldLines[i], into: &out) }
            for i in block.old { line(UInt8(ascii: "-"), old, oldLines[i], into: &out) }
            for j in block.new { line(UInt8(ascii: "+"), new, newLines[j], into: &out) }
            at = block.old.upperBound
        }
        for i in at..<oldEnd { line(UInt8(ascii: " "), old, oldLines[i], into: &out) }
    }

    /// A hunk's range as `diff -u` writes it: `l,n`, just `l` for one line, and for none the
    /// line before it (`0,0` at the start).
    static func range(_ start: Int, _ end: Int) -> String {
        switch end - start {
        case 0: "\(start),0"
        case 1: "\(start + 1)"
        default: "\(start + 1),\(end - start)"
        }
    }

    private func line(_ mark: UInt8, _ bytes: [UInt8], _ range: Range<Int>, into out: inout [UInt8]) {
        out.append(mark)
        out += bytes[range]
        if range.isEmpty || bytes[range.upperBound - 1] != UInt8(ascii: "\n") {
            out += Array("\n\\ No newline at end of file\n".utf8)
        }
    }
}

/// The lines of both versions (each with its line break, so that a last line without one
/// differs from the same text with one), numbered so that equal lines get equal numbers.
struct LineTable {
    let oldLines: [Range<Int>]
    let newLines: [Range<Int>]
    private(set) var oldIDs: [Int32] = []
    private(set) var newIDs: [Int32] = []
    private(set) var distinct = 0

    init(old: [UInt8], new: [UInt8]) {
        oldLines = Self.lines(old)
        newLines = Self.lines(new)
        var ids: [LineKey: Int32] = [:]
        ids.reserveCapacity(oldLines.count + newLines.count)
        func intern(_ bytes: [UInt8], _ range: Range<Int>) -> Int32 {
            let key = LineKey(bytes: bytes[range])
            if let id = ids[key] { return id }
            let id = Int32(ids.count)
            ids[key] = id
            return id
        }
        oldIDs = oldLines.map { intern(old, $0) }
        newIDs = newLines.map { intern(new, $0) }
        distinct = ids.count
    }

    static func lines(_ bytes: [UInt8]) -> [Range<Int>] {
        var lines: [Range<Int>] = []
        var start = 0
        for (i, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            lines.append(start..<(i + 1))
            start = i + 1
        }
        if start < bytes.count { lines.append(start..<bytes.count) }
        return lines
    }
}

/// A line's bytes as a dictionary key, hashed as one block rather than byte by byte.
private struct LineKey: Hashable {
    let bytes: ArraySlice<UInt8>

    static func == (a: LineKey, b: LineKey) -> Bool { a.bytes.elementsEqual(b.bytes) }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
