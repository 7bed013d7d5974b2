import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Identifies a source file within one compilation (an index into its `SourceMap`).
public struct FileID: Hashable, Sendable, Comparable {
    public let raw: UInt32
    public init(raw: UInt32) { self.raw = raw }
    public static func < (a: FileID, b: FileID) -> Bool { a.raw < b.raw }
}

/// A half-open byte range `[start, end)` in one source file.
public struct Span: Hashable, Sendable {
    public var file: FileID
    public var start: UInt32
    public var end: UInt32

    public init(file: FileID, start: UInt32, end: UInt32) {
        self.file = file
        self.start = start
        self.end = max(start, end)
    }

    public init(file: FileID, start: Int, end: Int) {
        self.init(file: file, start: UInt32(clamping: start), end: UInt32(clamping: end))
    }

    /// The smallest span covering both (same file assumed; else `self`).
    public func union(_ other: Span) -> Span {
        guard other.file == file else { return self }
        return Span(file: file, start: min(start, other.start), end: max(end, other.end))
    }

    public var isEmpty: Bool { start == end }
}

/// A 1-based line and column. Columns count Unicode scalar values.
public struct SourcePosition: Hashable, Sendable {
    public var line: Int
    public var column: Int
    /// 0-based byte offset in the file.
    public var byte: Int

    public init(line: Int, column: Int, byte: Int) {
        self.line = line
        self.column = column
        self.byte = byte
    }
}

/// One source file's bytes, with a line table for positions.
public final class SourceFile: Sendable {
    public let id: FileID
    /// The path as the user gave it (or as discovered); shown in diagnostics.
    public let path: String
    public let bytes: [UInt8]
    /// Byte offset of the first byte of each line.
    public let lineStarts: [Int]

    public init(id: FileID, path: String, bytes: [UInt8]) {
        self.id = id
        self.path = path
        self.bytes = bytes
        // Line breaks found with `memchr` (vectorised), counted first and then stored: every
        // input is indexed twice (when it is outlined and when it is compiled), and a byte loop
        // growing the array line by line was most of the cost.
        self.lineStarts = bytes.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress else { return [0] }
            let end = base + buf.count
            func nextBreak(after p: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
                memchr(p, 0x0A, end - p).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) }
            }
            var lines = 1
            var p = base
            while p < end, let nl = nextBreak(after: p) {
                lines += 1
                p = nl + 1
            }
            return [Int](unsafeUninitializedCapacity: lines) { starts, initialized in
                starts[0] = 0
                var k = 1
                var q = base
                while k < lines, q < end, let nl = nextBreak(after: q) {
                    starts[k] = nl + 1 - base
                    k += 1
                    q = nl + 1
                }
                initialized = k
            }
        }
    }

    /// The 0-based index of the line holding `offset`.
    public func lineIndex(ofByte offset: Int) -> Int {
        let o = min(max(offset, 0), bytes.count)
        var lo = 0
        var hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= o { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// Line and column (1-based; the column counts Unicode scalars, a UTF-8 BOM counts for nothing).
    public func position(ofByte offset: Int) -> SourcePosition {
        let o = min(max(offset, 0), bytes.count)
        let li = lineIndex(ofByte: o)
        var start = lineStarts[li]
        if li == 0, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF, o >= 3 { start = 3 }
        var col = 1
        var i = start
        while i < o {
            if bytes[i] & 0xC0 != 0x80 { col += 1 }
            i += 1
        }
        return SourcePosition(line: li + 1, column: col, byte: o)
    }

    /// The bytes of line `index` (0-based) without its line terminator (`\n` or `\r\n`).
    public func lineBytes(_ index: Int) -> ArraySlice<UInt8> {
        guard index >= 0, index < lineStarts.count else { return [] }
        let start = lineStarts[index]
        var end = index + 1 < lineStarts.count ? lineStarts[index + 1] - 1 : bytes.count
        if end > start, bytes[end - 1] == 0x0D { end -= 1 }
        return bytes[start..<max(start, end)]
    }

    /// Byte ranges that hold the value written for a `secret` field (possibly a plaintext
    /// pasted there by mistake): renderers mask them in excerpts, and a diagnostic located in
    /// one does not quote its text. Marked after parsing, by whoever knows which fields are
    /// secret (`claimSecretScan` lets it scan each file once).
    private let sensitive = Mutex<(ranges: [Range<Int>], scanned: Bool)>(([], false))

    public func markSensitive(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        sensitive.withLock { $0.ranges.append(range) }
    }

    /// The sensitive ranges, sorted, overlapping ones merged.
    public var sensitiveRanges: [Range<Int>] {
        let ranges = sensitive.withLock { $0.ranges }.sorted { $0.lowerBound < $1.lowerBound }
        var merged: [Range<Int>] = []
        for r in ranges {
            if let last = merged.last, r.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, r.upperBound)
            } else {
                merged.append(r)
            }
        }
        return merged
    }

    /// True the first time it is called for this file: the caller scans it then.
    public func claimSecretScan() -> Bool {
        sensitive.withLock { state in
            defer { state.scanned = true }
            return !state.scanned
        }
    }

    /// Whether the byte at `offset` lies in a value of a secret field.
    public func isSensitive(byte offset: Int) -> Bool {
        sensitive.withLock { $0.ranges.contains { $0.contains(offset) } }
    }

    public func text(_ span: Span) -> String {
        let s = min(Int(span.start), bytes.count)
        let e = min(Int(span.end), bytes.count)
        return String(decoding: bytes[s..<max(s, e)], as: UTF8.self)
    }

    /// The text of `span` with every value written for a secret field (`sensitiveRanges`) shown
    /// as `…`: what a command that quotes source shows.
    public func maskedText(_ span: Span) -> String {
        let s = min(Int(span.start), bytes.count)
        let e = max(s, min(Int(span.end), bytes.count))
        var out = ""
        var cursor = s
        for r in sensitiveRanges where r.overlaps(s..<e) {
            let lower = max(r.lowerBound, cursor)
            if lower > cursor { out += String(decoding: bytes[cursor..<lower], as: UTF8.self) }
            out += "…"
            cursor = max(cursor, min(r.upperBound, e))
        }
        return out + String(decoding: bytes[cursor..<e], as: UTF8.self)
    }

    /// Line `index` (0-based) as `maskedText` shows it, without its line break.
    public func maskedLine(_ index: Int) -> String {
        let line = lineBytes(index)
        return maskedText(Span(file: id, start: UInt32(line.startIndex), end: UInt32(line.endIndex)))
    }
}

/// The files of one compilation. Adding is serialised; reading is safe from any thread.
public final class SourceMap: Sendable {
    private let files = Mutex<[SourceFile]>([])

    public init() {}

    /// Registers a file and returns it with its new id.
    @discardableResult
    public func add(path: String, bytes: [UInt8]) -> SourceFile {
        // The file (its line table) is made outside the lock: inputs are registered by many
        // threads at once, and the lock only hands out an id and stores the result.
        let id = files.withLock { list in
            list.append(SourceMap.placeholder)
            return FileID(raw: UInt32(list.count - 1))
        }
        let file = SourceFile(id: id, path: path, bytes: bytes)
        files.withLock { $0[Int(id.raw)] = file }
        return file
    }

    private static let placeholder = SourceFile(id: FileID(raw: 0), path: "", bytes: [])

    /// Replaces the bytes of a registered file, keeping its id and path: for tools that check
    /// one buffer again and again against the same tiers (an editor's unsaved buffer, a fuzzer).
    @discardableResult
    public func replace(_ id: FileID, bytes: [UInt8]) -> SourceFile? {
        files.withLock { list in
            guard Int(id.raw) < list.count else { return nil }
            let file = SourceFile(id: id, path: list[Int(id.raw)].path, bytes: bytes)
            list[Int(id.raw)] = file
            return file
        }
    }

    /// Drops a file's text, keeping its path: for a compiler that streams thousands of inputs
    /// and only needs the text of those that diagnostics show.
    public func forget(_ id: FileID) {
        guard let path = file(id)?.path else { return }
        let emptied = SourceFile(id: id, path: path, bytes: [])
        // The old file is released after the lock, with the last reference to its text.
        let old: SourceFile? = files.withLock { list in
            guard Int(id.raw) < list.count else { return nil }
            let old = list[Int(id.raw)]
            list[Int(id.raw)] = emptied
            return old
        }
        _ = old
    }

    public func file(_ id: FileID) -> SourceFile? {
        files.withLock { list in Int(id.raw) < list.count ? list[Int(id.raw)] : nil }
    }

    public var all: [SourceFile] { files.withLock { $0 } }

    public func position(_ span: Span) -> (file: SourceFile, start: SourcePosition, end: SourcePosition)? {
        guard let f = file(span.file) else { return nil }
        return (f, f.position(ofByte: Int(span.start)), f.position(ofByte: Int(span.end)))
    }
}
