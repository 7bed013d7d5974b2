import TenantDiagnostics

/// How a position's `character` counts: UTF-16 code units (the protocol's default) or UTF-8
/// bytes (when the client offers `utf-8` in `general.positionEncodings`).
enum PositionEncoding: String {
    case utf16 = "utf-16"
    case utf8 = "utf-8"
}

/// A protocol position: zero-based line, and character in the session's encoding.
struct LSPPosition: Equatable {
    var line: Int
    var character: Int
}

struct LSPRange: Equatable {
    var start: LSPPosition
    var end: LSPPosition
}

/// Line starts of a text, converting between byte offsets and protocol positions. Out-of-range
/// positions are clamped (a line past the end to the end, a character past its line to the
/// line's end), as the protocol asks; a position inside a character's encoding moves to its start.
struct LineMap {
    let bytes: [UInt8]
    let starts: [Int]
    let encoding: PositionEncoding

    init(_ bytes: [UInt8], encoding: PositionEncoding) {
        self.bytes = bytes
        self.encoding = encoding
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == 0x0A { starts.append(i + 1) }
        self.starts = starts
    }

    /// The line's end, before its `\n` (and a `\r` before it).
    private func lineEnd(_ line: Int) -> Int {
        var end = line + 1 < starts.count ? starts[line + 1] - 1 : bytes.count
        if end > starts[line], end <= bytes.count, end - 1 >= 0, bytes[end - 1] == 0x0D, line + 1 < starts.count { end -= 1 }
        return end
    }

    func offset(of position: LSPPosition) -> Int {
        guard position.line >= 0 else { return 0 }
        guard position.line < starts.count else { return bytes.count }
        let start = starts[position.line]
        let end = lineEnd(position.line)
        var units = 0
        var i = start
        while i < end {
            let length = LineMap.sequenceLength(bytes[i])
            let width = encoding == .utf8 ? length : (length == 4 ? 2 : 1)
            if units + width > position.character { break }
            units += width
            i = min(end, i + length)
        }
        return i
    }

    func position(of offset: Int) -> LSPPosition {
        let offset = max(0, min(offset, bytes.count))
        var lo = 0
        var hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        let start = starts[lo]
        guard encoding == .utf16 else { return LSPPosition(line: lo, character: offset - start) }
        var units = 0
        var i = start
        while i < offset {
            let length = LineMap.sequenceLength(bytes[i])
            units += length == 4 ? 2 : 1
            i += length
        }
        return LSPPosition(line: lo, character: units)
    }

    func range(_ start: Int, _ end: Int) -> LSPRange { LSPRange(start: position(of: start), end: position(of: end)) }

    /// The bytes a UTF-8 sequence starting with `lead` takes (1 for a stray continuation byte).
    static func sequenceLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xF0...0xF7: 4
        case 0xE0...0xEF: 3
        case 0xC0...0xDF: 2
        default: 1
        }
    }
}

extension LSPPosition {
    init?(_ json: JSONValue?) {
        guard let json, let line = json["line"]?.intValue, let character = json["character"]?.intValue else { return nil }
        self.init(line: line, character: character)
    }

    var json: JSONValue { .compactObject([("line", .int(line)), ("character", .int(character))]) }
}

extension LSPRange {
    init?(_ json: JSONValue?) {
        guard let json, let start = LSPPosition(json["start"]), let end = LSPPosition(json["end"]) else { return nil }
        self.init(start: start, end: end)
    }

    var json: JSONValue { .object([("start", start.json), ("end", end.json)]) }
}
