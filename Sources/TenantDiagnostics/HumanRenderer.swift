/// Renders diagnostics for people, in rustc's layout (see `docs/diagnostics.md`): users already
/// know how to read it, and it shows the offending source instead of only naming a position.
///
/// Every diagnostic is followed by a blank line, so a summary line can be appended directly.
public func renderHuman(_ diagnostics: [Diagnostic], sourceMap: SourceMap, style: RenderStyle = .plain) -> String {
    let renderer = HumanRenderer(sourceMap: sourceMap, palette: Palette(enabled: style.color))
    var out = ""
    for diagnostic in diagnostics {
        renderer.render(diagnostic, into: &out)
        out += "\n"
    }
    return out
}

/// The closing line, e.g. `error: 2 errors and 1 warning emitted` (with a trailing newline);
/// empty when there is nothing to report, so a clean run prints nothing.
public func renderSummary(errors: Int, warnings: Int, color: Bool) -> String {
    guard errors > 0 || warnings > 0 else { return "" }
    var parts: [String] = []
    if errors > 0 { parts.append(plural(errors, "error")) }
    if warnings > 0 { parts.append(plural(warnings, "warning")) }
    let severity: Severity = errors > 0 ? .error : .warning
    let palette = Palette(enabled: color)
    return palette.paint(severity.rawValue, Palette.color(of: severity))
        + palette.paint(": " + parts.joined(separator: " and ") + " emitted", Palette.bold) + "\n"
}

public func renderSummary(_ counts: DiagnosticCounts, color: Bool) -> String {
    renderSummary(errors: counts.errors, warnings: counts.warnings, color: color)
}

struct HumanRenderer {
    let sourceMap: SourceMap
    let palette: Palette

    /// Lines wider than this are clipped around the underlined part, so one minified line
    /// cannot push the carets off every screen.
    static let maxLineWidth = 120

    struct Mark {
        var span: Span
        var message: String
        var isPrimary: Bool
        var order: Int
    }

    /// One excerpt: the primary file (`-->`) or one other file (`:::`).
    struct Snippet {
        var file: SourceFile
        var marks: [Mark]
        var isPrimary: Bool
    }

    func render(_ diagnostic: Diagnostic, into out: inout String) {
        let diagnostic = diagnostic.redactingSecretValues(sourceMap)
        var snippets: [Snippet] = []
        // Labels whose file is not in the map still carry information: they become notes.
        var orphanLabels: [String] = []
        if let span = diagnostic.span {
            if let file = sourceMap.file(span.file) {
                let mark = Mark(span: span, message: diagnostic.label, isPrimary: true, order: 0)
                snippets.append(Snippet(file: file, marks: [mark], isPrimary: true))
            } else if !diagnostic.label.isEmpty {
                orphanLabels.append(diagnostic.label)
            }
        }
        for (index, related) in diagnostic.related.enumerated() {
            guard let file = sourceMap.file(related.span.file) else {
                if !related.message.isEmpty { orphanLabels.append(related.message) }
                continue
            }
            let mark = Mark(span: related.span, message: related.message, isPrimary: false, order: index + 1)
            if let existing = snippets.firstIndex(where: { $0.file.id == file.id }) {
                snippets[existing].marks.append(mark)
            } else {
                snippets.append(Snippet(file: file, marks: [mark], isPrimary: false))
            }
        }

        var largestLine = 1
        for snippet in snippets {
            for mark in snippet.marks {
                largestLine = max(largestLine, snippet.file.lineIndex(ofByte: Int(mark.span.start)) + 1)
            }
        }
        let gutter = decimalDigits(largestLine)

        out += palette.paint("\(diagnostic.severity.rawValue)[\(diagnostic.code.id)]", Palette.color(of: diagnostic.severity))
        out += palette.paint(": " + sanitized(diagnostic.message, keepNewlines: true), Palette.bold)
        out += "\n"

        for (index, snippet) in snippets.enumerated() {
            let anchor = snippet.isPrimary
                ? snippet.marks[0].span
                : snippet.marks.min { ($0.span.start, $0.order) < ($1.span.start, $1.order) }!.span  // a snippet always holds a mark
            let position = snippet.file.position(ofByte: Int(anchor.start))
            let location = "\(sanitized(snippet.file.path, keepNewlines: false)):\(position.line):\(position.column)"
            if snippet.isPrimary {
                out += spaces(gutter + 1) + palette.paint("-->", Palette.blue) + " " + location + "\n"
            } else {
                if index > 0 { emptyGutterLine(gutter, into: &out) }
                out += spaces(gutter + 1) + palette.paint(":::", Palette.blue) + " " + location + "\n"
            }
            if diagnostic.hidesSource {
                // Locations only; the labels follow as notes.
                orphanLabels += snippet.marks.map(\.message).filter { !$0.isEmpty }
                continue
            }
            emptyGutterLine(gutter, into: &out)
            renderLines(of: snippet, gutter: gutter, severity: diagnostic.severity, into: &out)
        }

        let trailer = orphanLabels.map { ("note", $0) } + diagnostic.notes.map { ("note", $0) }
            + diagnostic.help.map { ("help", $0) }
        guard !trailer.isEmpty else { return }
        emptyGutterLine(gutter, into: &out)
        for (kind, text) in trailer {
            out += spaces(gutter + 2) + palette.paint("=", Palette.blue) + " " + palette.paint(kind, Palette.bold) + ": "
            // Continuation lines line up with the text after `= note: `.
            let indent = spaces(gutter + 2 + 2 + kind.count + 2)
            let lines = sanitized(text, keepNewlines: true).split(separator: "\n", omittingEmptySubsequences: false)
            for (lineNumber, line) in lines.enumerated() {
                if lineNumber > 0 { out += line.isEmpty ? "\n" : "\n" + indent }
                out += line
            }
            out += "\n"
        }
    }

    private func emptyGutterLine(_ gutter: Int, into out: inout String) {
        out += spaces(gutter + 2) + palette.paint("|", Palette.blue) + "\n"
    }

    private func renderLines(of snippet: Snippet, gutter: Int, severity: Severity, into out: inout String) {
        let file = snippet.file
        var byLine: [Int: [Mark]] = [:]
        for mark in snippet.marks {
            byLine[file.lineIndex(ofByte: Int(mark.span.start)), default: []].append(mark)
        }
        var previous: Int?
        for lineIndex in byLine.keys.sorted() {
            if let previous, lineIndex > previous + 1 {
                out += palette.paint("...", Palette.blue) + "\n"
            }
            previous = lineIndex

            let line = DisplayLine(file: file, lineIndex: lineIndex, around: byLine[lineIndex]?.map { Int($0.span.start) }.min())
            var placed: [(start: Int, end: Int, mark: Mark)] = byLine[lineIndex]!.map { mark in  // iterating byLine's own keys
                let start = line.column(ofByte: Int(mark.span.start))
                // A span running past this line is underlined to the line's end.
                let end = max(start, line.endColumn(ofByte: Int(mark.span.end)))
                return (start, end, mark)
            }
            let excerpt = line.excerpt(covering: placed.map { ($0.start, max($0.end, $0.start + 1)) })

            let number = String(lineIndex + 1)
            out += " " + palette.paint(spaces(gutter - number.count) + number + " |", Palette.blue)
            out += excerpt.text.isEmpty ? "\n" : " " + excerpt.text + "\n"

            // Rightmost first, so each label's row reads naturally above the ones starting left of it.
            placed.sort { a, b in
                if a.start != b.start { return a.start > b.start }
                if a.mark.isPrimary != b.mark.isPrimary { return a.mark.isPrimary }
                return a.mark.order < b.mark.order
            }
            for item in placed {
                let start = excerpt.place(item.start)
                let width = max(1, excerpt.place(item.end) - start)
                let marker: Character = item.mark.isPrimary ? "^" : "-"
                var underline = String(repeating: marker, count: width)
                let label = sanitized(item.mark.message, keepNewlines: false)
                if !label.isEmpty { underline += " " + label }
                let color = item.mark.isPrimary ? Palette.color(of: severity) : Palette.blue
                out += spaces(gutter + 2) + palette.paint("|", Palette.blue) + " " + spaces(start)
                out += palette.paint(underline, color) + "\n"
            }
        }
    }
}

/// One source line as it is printed: tabs expanded to four spaces, control characters made
/// visible, and a display column for every byte so carets land under the right characters.
struct DisplayLine {
    struct Cell {
        var byte: Int  // file offset of the scalar's first byte
        var column: Int  // 0-based display column where it starts
        var width: Int
        var glyph: String
        /// Inside a masked value, after its stand-in: the column where the stand-in ends.
        var maskEnd: Int?
    }

    var cells: [Cell] = []
    var width = 0
    /// File offset just past the line's content (before `\n` or `\r\n`).
    var contentEnd: Int
    /// The line is longer than `longLine` bytes and only a window of it from after its start is read.
    var startsInside = false

    /// Lines longer than this are read only around the marks: an excerpt shows about 120
    /// columns, and reading a 16 MiB line for each of a thousand diagnostics would take minutes.
    static let longLine = 8 << 10

    init(file: SourceFile, lineIndex: Int, around: Int? = nil) {
        var content = file.lineBytes(lineIndex)
        if content.count > DisplayLine.longLine, let around {
            var lower = max(content.startIndex, around - DisplayLine.longLine / 4)
            // Start on a character, not inside one.
            while lower < around, lower > content.startIndex, content[lower] & 0xC0 == 0x80 { lower += 1 }
            let upper = min(content.endIndex, lower + DisplayLine.longLine / 2)
            startsInside = lower > content.startIndex
            content = content[lower..<upper]
        }
        contentEnd = content.endIndex
        let hidden = file.sensitiveRanges.filter { $0.overlaps(content.startIndex..<max(content.startIndex, content.endIndex)) }
        var hiddenRange: Range<Int>?  // the one the previous character was in
        var offset = content.startIndex
        while offset < content.endIndex {
            var parser = Unicode.UTF8.ForwardParser()
            var bytes = content[offset...].makeIterator()
            let scalar: Unicode.Scalar
            let length: Int
            switch parser.parseScalar(from: &bytes) {
            case .valid(let encoded):
                scalar = Unicode.UTF8.decode(encoded)
                length = encoded.count
            case .error(let invalidLength):
                scalar = "\u{FFFD}"
                length = max(1, invalidLength)
            case .emptyInput:
                return
            }
            defer { offset += length }
            // A byte-order mark is no character of the line (`SourceFile.position` agrees).
            if offset == 0, scalar == "\u{FEFF}" { continue }

            let glyph: String
            let cellWidth: Int
            let v = scalar.value
            if let range = hidden.first(where: { $0.contains(offset) }) {
                // A value of a secret field: one stand-in, then characters of no width, so that
                // carets under any part of it underline the stand-in.
                if range == hiddenRange, let standIn = cells.last {
                    cells.append(Cell(byte: offset, column: standIn.column, width: 0, glyph: "", maskEnd: width))
                } else {
                    cells.append(Cell(byte: offset, column: width, width: redactedExcerpt.count, glyph: redactedExcerpt))
                    width += redactedExcerpt.count
                }
                hiddenRange = range
                continue
            }
            hiddenRange = nil
            if v == 0x09 {
                glyph = "    "
                cellWidth = 4
            } else if v < 0x20 || (0x7F...0x9F).contains(v) || isBidiControl(v) {
                glyph = String(Character(visible(scalar)))
                cellWidth = 1
            } else {
                glyph = String(Character(scalar))
                cellWidth = displayWidth(scalar)
            }
            cells.append(Cell(byte: offset, column: width, width: cellWidth, glyph: glyph))
            width += cellWidth
        }
    }

    /// The column where the character holding `byte` starts; past the content, the line's end.
    func column(ofByte byte: Int) -> Int {
        if byte >= contentEnd { return width }
        var result = 0
        for cell in cells {
            if cell.byte > byte { break }
            result = cell.column
        }
        return result
    }

    /// The column just past a range ending at `byte` (rounding up inside a character).
    func endColumn(ofByte byte: Int) -> Int {
        if byte >= contentEnd { return width }
        for cell in cells where cell.byte >= byte { return cell.maskEnd ?? cell.column }
        return width
    }

    struct Excerpt {
        var text: String
        var windowStart: Int
        var windowEnd: Int
        var clippedLeft: Bool

        /// Where a line column appears in `text`.
        func place(_ column: Int) -> Int {
            (clippedLeft ? 1 : 0) + min(max(column, windowStart), windowEnd) - windowStart
        }
    }

    /// The printed text, clipped to a window around `ranges` (display columns) when the line is
    /// too wide, with `…` marking each cut end.
    func excerpt(covering ranges: [(start: Int, end: Int)]) -> Excerpt {
        let limit = HumanRenderer.maxLineWidth
        guard width > limit, let first = ranges.map(\.start).min(), let last = ranges.map(\.end).max() else {
            return Excerpt(text: cells.map(\.glyph).joined(), windowStart: 0, windowEnd: width, clippedLeft: false)
        }
        let budget = limit - 2  // both ends may need an ellipsis
        let regionWidth = last - first
        var start = regionWidth >= budget ? first : first - (budget - regionWidth) / 2
        start = max(0, min(start, width - budget))
        let end = min(width, start + budget)

        // Snap to whole characters inside the window.
        var text = ""
        var windowStart: Int?
        var windowEnd = start
        for cell in cells where cell.column >= start && cell.column + cell.width <= end {
            if windowStart == nil { windowStart = cell.column }
            text += cell.glyph
            windowEnd = cell.column + cell.width
        }
        let actualStart = windowStart ?? start
        let clippedLeft = actualStart > 0 || startsInside
        if clippedLeft { text = "…" + text }
        if windowEnd < width { text += "…" }
        return Excerpt(text: text, windowStart: actualStart, windowEnd: windowEnd, clippedLeft: clippedLeft)
    }
}
