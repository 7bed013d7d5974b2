#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The fast path of `DocumentReader`: the block-style YAML that tools write for resolved
/// configurations (tenantc's own artifacts, PyYAML's `dump`), read in one pass over the bytes
/// into the same trees libyaml's events give. Nil for anything else — a comment, a blank line,
/// a tab, a byte outside printable ASCII, a flow collection that is not empty, a block or
/// multi-line scalar, an escape, an anchor, a tag, a null, a duplicate key — which libyaml then
/// reads (the clear path). The tests compare the two readers' trees, positions included.
enum BlockYAMLReader {
    static func read(_ bytes: [UInt8]) -> [ImportedNode]? {
        bytes.withUnsafeBufferPointer { buffer in
            // Every byte of a line is looked at by the parser, and must be printable ASCII; the
            // last one ends the last line.
            guard buffer.last == newline else { return nil }
            var parser = BlockYAMLParser(buffer)
            return try? parser.stream()
        }
    }

    /// Printable ASCII: 0x20...0x7E, one comparison after a wrapping subtraction.
    static func isPrintable(_ c: UInt8) -> Bool { c &- 0x20 <= 0x5E }

    static let newline = UInt8(ascii: "\n")
}

/// Not in the subset `BlockYAMLReader` reads.
private struct OutOfSubset: Error {}

private struct BlockYAMLParser {
    private let b: UnsafeBufferPointer<UInt8>
    /// The current line: where it starts, its 1-based number, and where its content starts
    /// (after the indentation, or after a sequence entry's `- ` when a mapping starts there).
    private var lineStart = 0
    private var line = 1
    private var contentStart = 0
    /// The current line's indentation; a mapping that starts after `- ` has that column.
    private var indent = 0
    private var depth = 0
    private var nodes = 0
    /// The entries of the mappings and the items of the sequences being read, innermost last:
    /// each collection's array is allocated once, at its size, when it is complete.
    private var openEntries: [(key: String, value: ImportedNode)] = []
    private var openKeyLines: [Int] = []
    private var openItems: [ImportedNode] = []
    private static let maxDepth = 500
    /// libyaml reads a key of at most 1,024 characters without a `?`.
    private static let maxKeyLength = 1000

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        b = buffer
        enter(0)
    }

    mutating func stream() throws(OutOfSubset) -> [ImportedNode] {
        var documents: [ImportedNode] = []
        if isMarker("---") { next() }
        while true {
            guard !atEnd, indent == 0, !isMarker("---"), !isMarker("...") else { throw OutOfSubset() }
            documents.append(try block())
            if atEnd { return documents }
            guard isMarker("---") else { throw OutOfSubset() }
            next()
        }
    }

    // MARK: Lines

    private var atEnd: Bool { lineStart >= b.count }

    /// Moves to the line starting at `start`.
    private mutating func enter(_ start: Int) {
        lineStart = start
        var p = start
        while p < b.count, b[p] == UInt8(ascii: " ") { p += 1 }
        contentStart = p
        indent = p - start
    }

    private mutating func next() {
        let rest = b.count - contentStart
        guard rest > 0, let base = b.baseAddress, let found = memchr(base + contentStart, Int32(BlockYAMLReader.newline), rest) else {
            line += 1
            enter(b.count)
            return
        }
        line += 1
        enter(base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1)
    }

    /// The current line is exactly `marker` at column 0.
    private func isMarker(_ marker: StaticString) -> Bool {
        let count = marker.utf8CodeUnitCount
        guard indent == 0, lineStart + count < b.count, b[lineStart + count] == BlockYAMLReader.newline else { return false }
        return (0..<count).allSatisfy { b[lineStart + $0] == marker.utf8Start[$0] }
    }

    private func endOfLine(_ p: Int) -> Bool { b[p] == BlockYAMLReader.newline }

    private var isSequenceEntry: Bool {
        b[contentStart] == UInt8(ascii: "-") && (endOfLine(contentStart + 1) || b[contentStart + 1] == UInt8(ascii: " "))
    }

    // MARK: Nodes

    /// The block node at the current line's indentation: a sequence or a mapping.
    private mutating func block() throws(OutOfSubset) -> ImportedNode {
        guard !endOfLine(contentStart), b[contentStart] != UInt8(ascii: "#") else { throw OutOfSubset() }
        return isSequenceEntry ? try sequence() : try mapping()
    }

    private mutating func deeper() throws(OutOfSubset) {
        depth += 1
        guard depth <= Self.maxDepth else { throw OutOfSubset() }
        try count()
    }

    /// One node more, within `DocumentReader`'s budget: past it, libyaml's reading reports it.
    private mutating func count() throws(OutOfSubset) {
        nodes += 1
        guard nodes <= DocumentReader.maxNodes else { throw OutOfSubset() }
    }

    private mutating func mapping() throws(OutOfSubset) -> ImportedNode {
        try deeper()
        defer { depth -= 1 }
        let at = indent
        var node = ImportedNode(.record([]), line: line, column: at + 1)
        let first = openEntries.count, firstKeyLine = openKeyLines.count
        while !atEnd, indent == at, !(at == 0 && (isMarker("---") || isMarker("..."))) {
            guard let colon = keyEnd(contentStart) else { throw OutOfSubset() }
            let key = text(contentStart, colon)
            guard !openEntries[first...].contains(where: { $0.key == key }) else { throw OutOfSubset() }
            openKeyLines.append(line)
            let value = try value(after: colon + 1, inBlockAt: at)
            openEntries.append((key, value))
        }
        guard atEnd || indent < at || isMarker("---") else { throw OutOfSubset() }
        node.kind = .record(Array(openEntries[first...]))
        node.keyLines = Array(openKeyLines[firstKeyLine...])
        openEntries.removeSubrange(first...)
        openKeyLines.removeSubrange(firstKeyLine...)
        return node
    }

    /// The value of a mapping's key at indentation `at`, whose `:` ends before `p`: on the same
    /// line, or the block below it (deeper, or a sequence at the key's own indentation).
    private mutating func value(after p: Int, inBlockAt at: Int) throws(OutOfSubset) -> ImportedNode {
        if endOfLine(p) {
            next()
            guard !atEnd, !endOfLine(contentStart) else { throw OutOfSubset() }
            if indent > at { return try block() }
            guard indent == at, isSequenceEntry else { throw OutOfSubset() }
            return try sequence()
        }
        var start = p
        while b[start] == UInt8(ascii: " ") { start += 1 }
        let node = try inline(start)
        next()
        guard atEnd || indent <= at else { throw OutOfSubset() }
        return node
    }

    private mutating func sequence() throws(OutOfSubset) -> ImportedNode {
        try deeper()
        defer { depth -= 1 }
        let at = indent
        var node = ImportedNode(.list([]), line: line, column: at + 1)
        let first = openItems.count
        while !atEnd, indent == at, isSequenceEntry {
            let start = contentStart + 2
            guard !endOfLine(contentStart + 1), b[start] != UInt8(ascii: " ") else { throw OutOfSubset() }
            if keyEnd(start) != nil {
                // `- key: value`: a mapping whose keys are at the column after `- `.
                contentStart = start
                indent = at + 2
                let item = try mapping()
                openItems.append(item)
            } else {
                guard !(b[start] == UInt8(ascii: "-") && (endOfLine(start + 1) || b[start + 1] == UInt8(ascii: " "))) else { throw OutOfSubset() }
                openItems.append(try inline(start))
                next()
                guard atEnd || indent <= at else { throw OutOfSubset() }
            }
        }
        guard atEnd || indent < at || (indent == at && !isSequenceEntry) else { throw OutOfSubset() }
        node.kind = .list(Array(openItems[first...]))
        openItems.removeSubrange(first...)
        return node
    }

    /// Where the `:` of a simple key starting at `p` is (letters, digits, `_`, `-`, `.`, then
    /// `:` and a space or the end of the line), if one starts there.
    private func keyEnd(_ p: Int) -> Int? {
        guard Self.isKeyStart(b[p]) else { return nil }
        var q = p + 1
        while Self.isKeyByte(b[q]) { q += 1 }
        guard q - p <= Self.maxKeyLength, b[q] == UInt8(ascii: ":"), endOfLine(q + 1) || b[q + 1] == UInt8(ascii: " ") else { return nil }
        return q
    }

    private static func isKeyStart(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "_")
    }

    private static func isKeyByte(_ c: UInt8) -> Bool { isKeyStart(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") }

    /// A value that ends with its line: a quoted or plain scalar, `[]` or `{}`.
    private mutating func inline(_ p: Int) throws(OutOfSubset) -> ImportedNode {
        let column = p - lineStart + 1
        try count()
        switch b[p] {
        case BlockYAMLReader.newline:
            throw OutOfSubset()  // nothing after `key:` but spaces
        case UInt8(ascii: "'"):
            var q = p + 1
            var doubled = false
            while true {
                if !BlockYAMLReader.isPrintable(b[q]) { throw OutOfSubset() }
                if b[q] == UInt8(ascii: "'") {
                    if b[q + 1] != UInt8(ascii: "'") { break }
                    doubled = true
                    q += 1
                }
                q += 1
            }
            try onlySpaces(after: q + 1)
            let quoted = text(p + 1, q)
            return ImportedNode(.scalar(doubled ? quoted.replacing("''", with: "'") : quoted, plain: false), line: line, column: column)
        case UInt8(ascii: "\""):
            var q = p + 1
            while b[q] != UInt8(ascii: "\"") {
                if !BlockYAMLReader.isPrintable(b[q]) || b[q] == UInt8(ascii: "\\") { throw OutOfSubset() }
                q += 1
            }
            try onlySpaces(after: q + 1)
            return ImportedNode(.scalar(text(p + 1, q), plain: false), line: line, column: column)
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let isList = b[p] == UInt8(ascii: "[")
            guard b[p + 1] == (isList ? UInt8(ascii: "]") : UInt8(ascii: "}")) else { throw OutOfSubset() }
            try onlySpaces(after: p + 2)
            return ImportedNode(isList ? .list([]) : .record([]), line: line, column: column)
        default:
            return ImportedNode(.scalar(try plain(p), plain: true), line: line, column: column)
        }
    }

    /// A plain scalar's text, from `p` to the end of its line less trailing spaces.
    private func plain(_ p: Int) throws(OutOfSubset) -> String {
        let first = b[p]
        switch first {
        case UInt8(ascii: "-"):
            guard b[p + 1] != UInt8(ascii: " "), !endOfLine(p + 1) else { throw OutOfSubset() }
        case UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: "#"),
             UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "%"),
             UInt8(ascii: "@"), UInt8(ascii: "`"):
            throw OutOfSubset()
        default:
            break
        }
        var q = p
        var end = p
        while !endOfLine(q) {
            let c = b[q]
            if !BlockYAMLReader.isPrintable(c) { throw OutOfSubset() }
            if c == UInt8(ascii: ":"), endOfLine(q + 1) || b[q + 1] == UInt8(ascii: " ") { throw OutOfSubset() }
            if c == UInt8(ascii: "#"), b[q - 1] == UInt8(ascii: " ") { throw OutOfSubset() }
            q += 1
            if c != UInt8(ascii: " ") { end = q }
        }
        return text(p, end)
    }

    private func onlySpaces(after p: Int) throws(OutOfSubset) {
        var q = p
        while b[q] == UInt8(ascii: " ") { q += 1 }
        guard endOfLine(q) else { throw OutOfSubset() }
    }

    private func text(_ from: Int, _ to: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: b[from..<to]), as: UTF8.self)
    }
}
