/// A comment the tier could not keep, and why.
public struct DroppedComment: Sendable, Equatable, CustomStringConvertible {
    public var comment: YAMLComment
    public var reason: String

    public var description: String { "\(comment.line):\(comment.column): comment `#\(comment.text)` dropped: \(reason)" }
}

/// A node of the template a comment can be attached to: a key or a list item, named by its
/// path from the root (`databases.postgresql`, `monitoring.alerts.rules.0.name`), at the line
/// where it starts.
struct CommentAnchor {
    var path: String
    var line: Int

    /// Every key and list item of `root`, in document order. Keys of a mapping copied by an
    /// alias have no lines of their own and take no comment.
    static func all(in root: ImportedNode) -> [CommentAnchor] {
        var out: [CommentAnchor] = []
        collect(root, path: "", into: &out)
        // By line; the outer node first on a shared line (`- name: x`), as the walk visits it.
        return out.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
    }

    private static func collect(_ node: ImportedNode, path: String, into out: inout [CommentAnchor]) {
        let prefix = path.isEmpty ? "" : path + "."
        switch node.kind {
        case .record(let entries):
            for (i, entry) in entries.enumerated() {
                if node.keyLines.count == entries.count { out.append(CommentAnchor(path: prefix + entry.key, line: node.keyLines[i])) }
                collect(entry.value, path: prefix + entry.key, into: &out)
            }
        case .list(let items):
            for (i, item) in items.enumerated() {
                out.append(CommentAnchor(path: prefix + String(i), line: item.line))
                collect(item, path: prefix + String(i), into: &out)
            }
        case .scalar:
            break
        }
    }
}

/// The comments of a template attached to what they talk about: a comment on a line of its
/// own to the key or item that follows it; a comment after a value to the key or item its
/// line starts with — inside a flow collection (`[a,  # why`), to the last item before it —
/// else to the one that line continues. Comments before the first key go above the tier when
/// a blank line separates them from it, else above that key; comments after the last key
/// have nothing to go with and are dropped.
struct PlacedComments {
    var header: [YAMLComment] = []
    var before: [String: [YAMLComment]] = [:]
    var trailing: [String: [YAMLComment]] = [:]
    var dropped: [DroppedComment] = []
    /// The anchors that carry a comment, and every path above one.
    private(set) var commented: Set<String> = []

    init(_ comments: [YAMLComment], anchors: [CommentAnchor], blankLines: Set<Int>) {
        let lines = anchors.map(\.line)
        var preamble: [YAMLComment] = []
        for comment in comments {
            if anchors.isEmpty || comment.line < lines[0] {
                preamble.append(comment)
            } else if comment.ownLine {
                let next = Self.firstIndex(in: lines) { $0 > comment.line }
                guard next < anchors.count else {
                    dropped.append(DroppedComment(comment: comment, reason: "it follows the last key, and a comment goes with the key after it"))
                    continue
                }
                before[anchors[next].path, default: []].append(comment)
            } else {
                let index = comment.insideFlow ? Self.lastAnchor(before: comment.line, lines) : Self.lineAnchor(comment.line, lines)
                trailing[anchors[index].path, default: []].append(comment)
            }
        }
        place(preamble, first: anchors.first, blankLines: blankLines)
        for path in Array(before.keys) + Array(trailing.keys) { markCommented(path) }
    }

    /// Whether a comment goes with `path` or with something inside it.
    func isCommented(_ path: String) -> Bool { commented.contains(path) }

    /// Whether a comment goes with `path` itself.
    func hasOwn(_ path: String) -> Bool { before[path] != nil || trailing[path] != nil }

    /// The comments before the first key: up to the last one a blank line follows, the
    /// tier's; the rest, the first key's.
    private mutating func place(_ preamble: [YAMLComment], first: CommentAnchor?, blankLines: Set<Int>) {
        guard let first else {
            header = preamble
            return
        }
        let split = (preamble.lastIndex { blankLines.contains($0.line + 1) }).map { $0 + 1 } ?? 0
        header = Array(preamble[..<split])
        if split < preamble.count { before[first.path, default: []].insert(contentsOf: preamble[split...], at: 0) }
    }

    private mutating func markCommented(_ path: String) {
        var prefix = ""
        for part in path.split(separator: ".") {
            prefix += prefix.isEmpty ? String(part) : "." + part
            commented.insert(prefix)
        }
    }

    /// The anchor a trailing comment on `line` goes with: the first that starts on the line,
    /// else the first of the last line that starts before it.
    private static func lineAnchor(_ line: Int, _ lines: [Int]) -> Int {
        let at = firstIndex(in: lines) { $0 >= line }
        if at < lines.count, lines[at] == line { return at }
        guard at > 0 else { return 0 }
        let previous = lines[at - 1]
        return firstIndex(in: lines) { $0 >= previous }
    }

    /// The anchor a trailing comment inside a flow collection goes with: the last that starts
    /// on its line or before.
    private static func lastAnchor(before line: Int, _ lines: [Int]) -> Int {
        max(0, firstIndex(in: lines) { $0 > line } - 1)
    }

    /// The first index whose line satisfies `isAbove` (a predicate false then true along
    /// the sorted lines), or `lines.count`.
    private static func firstIndex(in lines: [Int], where isAbove: (Int) -> Bool) -> Int {
        var low = 0
        var high = lines.count
        while low < high {
            let mid = (low + high) / 2
            if isAbove(lines[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
