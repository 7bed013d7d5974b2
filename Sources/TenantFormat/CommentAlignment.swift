/// Trailing `//` comments of consecutive lines at one indentation level start in one column, as
/// `gofmt` aligns them: the column is one space past the longest code of the run.
///
/// Runs never cross a blank line or a change of level, so a declaration's header line (its only
/// line at level 0 before its body) is always a run of its own: `migrate`, which rewrites the
/// tier name there, cannot misalign a formatted file.
struct CommentAlignment {
    private struct Trailing {
        var line: Int
        var indent: Int
        /// Where the code before the comment ends in the output (the space before it follows).
        var codeEnd: Int
        /// Columns from the start of the line to `codeEnd`.
        var width: Int
    }

    private var trailing: [Trailing] = []

    /// Notes a trailing comment about to be written after `out`'s last byte.
    mutating func note(after out: [UInt8], line: Int, indent: Int) {
        var start = out.count
        while start > 0, out[start - 1] != 0x0A { start -= 1 }
        // Columns are Unicode scalars: UTF-8 continuation bytes do not count.
        let width = out[start...].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        trailing.append(Trailing(line: line, indent: indent, codeEnd: out.count, width: width))
    }

    /// `out` with the spaces that align each run inserted.
    func apply(to out: [UInt8]) -> [UInt8] {
        var padding: [(at: Int, count: Int)] = []
        var runStart = 0
        while runStart < trailing.count {
            var runEnd = runStart + 1
            while runEnd < trailing.count, trailing[runEnd].line == trailing[runEnd - 1].line + 1,
                  trailing[runEnd].indent == trailing[runStart].indent {
                runEnd += 1
            }
            let column = trailing[runStart..<runEnd].map(\.width).max() ?? 0
            for t in trailing[runStart..<runEnd] where t.width < column { padding.append((t.codeEnd, column - t.width)) }
            runStart = runEnd
        }
        guard !padding.isEmpty else { return out }
        var aligned: [UInt8] = []
        aligned.reserveCapacity(out.count + padding.reduce(0) { $0 + $1.count })
        var copied = 0
        for p in padding {
            aligned.append(contentsOf: out[copied..<p.at])
            aligned.append(contentsOf: repeatElement(0x20, count: p.count))
            copied = p.at
        }
        aligned.append(contentsOf: out[copied...])
        return aligned
    }
}
