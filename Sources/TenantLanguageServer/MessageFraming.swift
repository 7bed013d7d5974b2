/// The base protocol's framing: `Content-Length: N\r\n` (other headers allowed and ignored)
/// and a blank line, then N bytes of JSON. The decoder takes bytes as they arrive and hands
/// out whole messages; a header it cannot read is skipped up to its blank line and reported,
/// so one bad frame costs one error, not the session.
public struct FrameDecoder {
    public enum Frame: Equatable {
        case message([UInt8])
        case malformed(String)
    }

    /// Larger headers are not a client's: give up on them.
    static let maxHeaderBytes = 8 << 10
    /// A message may carry a buffer of the largest source file, escaped.
    static let maxContentBytes = 128 << 20

    private var buffer: [UInt8] = []
    private var start = 0
    /// Bytes still to drop: the body of a frame refused for its size.
    private var skipping = 0

    public init() {}

    public mutating func append(_ bytes: some Collection<UInt8>) {
        if start > 0, start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: bytes)
        dropSkipped()
    }

    private mutating func dropSkipped() {
        let dropped = min(skipping, buffer.count - start)
        start += dropped
        skipping -= dropped
    }

    /// The next complete frame, or nil until more bytes arrive.
    public mutating func next() -> Frame? {
        guard skipping == 0 else { return nil }
        guard let headerEnd = findHeaderEnd() else {
            guard buffer.count - start > FrameDecoder.maxHeaderBytes else { return nil }
            start = buffer.count
            return .malformed("a header longer than \(FrameDecoder.maxHeaderBytes) bytes without its blank line")
        }
        let header = String(decoding: buffer[start..<headerEnd], as: UTF8.self)
        let bodyStart = headerEnd + 4
        switch FrameDecoder.contentLength(header) {
        case .failure(let problem):
            start = bodyStart
            skipping = problem.skip
            dropSkipped()
            return .malformed(problem.description)
        case .success(let length):
            guard buffer.count - bodyStart >= length else { return nil }
            let body = Array(buffer[bodyStart..<bodyStart + length])
            start = bodyStart + length
            compact()
            return .message(body)
        }
    }

    private mutating func compact() {
        if start > 1 << 20 {
            buffer.removeFirst(start)
            start = 0
        }
    }

    private func findHeaderEnd() -> Int? {
        var k = start
        let limit = min(buffer.count, start + FrameDecoder.maxHeaderBytes + 4)
        while k + 3 < limit {
            if buffer[k] == 0x0D, buffer[k + 1] == 0x0A, buffer[k + 2] == 0x0D, buffer[k + 3] == 0x0A { return k }
            k += 1
        }
        return nil
    }

    private static func contentLength(_ header: String) -> Result<Int, Failure> {
        var length: Int?
        for line in header.split(separator: "\r\n", omittingEmptySubsequences: false) {
            guard let colon = line.firstIndex(of: ":") else { return .failure(Failure("a header line without `:`")) }
            let name = line[..<colon].trimmingSpaces.lowercased()
            guard name == "content-length" else { continue }
            guard let n = Int(line[line.index(after: colon)...].trimmingSpaces), n >= 0 else {
                return .failure(Failure("an invalid Content-Length"))
            }
            guard n <= maxContentBytes else { return .failure(Failure("a Content-Length over \(maxContentBytes >> 20) MiB", skip: n)) }
            length = n
        }
        guard let length else { return .failure(Failure("a header without Content-Length")) }
        return .success(length)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        /// The body's bytes, when the length was read but refused.
        var skip = 0
        init(_ description: String, skip: Int = 0) {
            self.description = description
            self.skip = skip
        }
    }

    /// One message, framed.
    public static func frame(_ body: [UInt8]) -> [UInt8] {
        Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
    }
}

extension Substring {
    var trimmingSpaces: String {
        var s = self
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}
