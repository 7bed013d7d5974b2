import CYAML

/// A `#` comment of a YAML template.
public struct YAMLComment: Sendable, Equatable {
    /// What follows the `#`, trailing spaces left out.
    public var text: String
    /// 1-based line and column (in characters) of the `#`.
    public var line: Int
    public var column: Int
    /// Alone on its line; else it follows something on it (`key: value  # why`).
    public var ownLine: Bool
    /// Inside a flow collection (`[a,  # why`): it follows an item rather than its key.
    public var insideFlow: Bool

    public init(text: String, line: Int, column: Int, ownLine: Bool, insideFlow: Bool = false) {
        self.text = text
        self.line = line
        self.column = column
        self.ownLine = ownLine
        self.insideFlow = insideFlow
    }
}

/// What the scanner found in a template's text.
public struct CommentScan: Sendable {
    public var comments: [YAMLComment]
    /// Lines holding nothing but spaces: where the template separates groups of keys.
    public var blankLines: Set<Int>
}

/// Finds the comments of a YAML text. libyaml's parser skips them, but its scanner says where
/// every scalar, anchor, alias and tag starts and ends: a `#` between those tokens starts a
/// comment, one inside them is text (`"a # b"`, a block scalar's `# line`). Only the header
/// line of a block scalar (`key: |  # why`) holds a comment inside the token, and it is looked
/// for there. Lines are counted as libyaml counts them, so they match the reader's.
public enum CommentScanner {
    /// nil when the text cannot be scanned: it is not UTF-8 (libyaml also reads UTF-16, whose
    /// positions this scan does not follow), or libyaml's scanner refuses it.
    public static func scan(_ bytes: [UInt8]) -> CommentScan? {
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        guard let text = String(validating: body, as: UTF8.self), let tokens = textTokens(bytes) else { return nil }
        var walk = CommentWalk(chars: Array(text.unicodeScalars), tokens: tokens)
        walk.run()
        return CommentScan(comments: walk.comments, blankLines: walk.blankLines)
    }

    /// The tokens that hold text (scalars, anchors, aliases, tags, directives) and those that
    /// open and close flow collections, in order.
    private static func textTokens(_ bytes: [UInt8]) -> [TextToken]? {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else { return nil }
        defer { yaml_parser_delete(parser) }
        return bytes.withUnsafeBufferPointer { buf -> [TextToken]? in
            yaml_parser_set_input_string(parser, buf.baseAddress, buf.count)
            var tokens: [TextToken] = []
            while true {
                var token = yaml_token_t()
                guard yaml_parser_scan(parser, &token) == 1 else { return nil }
                defer { yaml_token_delete(&token) }
                if token.type == YAML_STREAM_END_TOKEN { return tokens }
                if let t = TextToken(token) { tokens.append(t) }
            }
        }
    }
}

/// Where a token that holds text, or opens or closes a flow collection, lies, in characters:
/// libyaml's marks count characters, not bytes, and not a byte order mark.
struct TextToken {
    var start: Int
    var end: Int
    /// A `|` or `>` scalar, whose header line may end with a comment.
    var isBlockScalar = false
    /// +1 for `[` and `{`, -1 for `]` and `}`, 0 for a token that holds text.
    var flow = 0

    init?(_ token: yaml_token_t) {
        start = Int(token.start_mark.index)
        end = max(start, Int(token.end_mark.index))
        switch token.type {
        case YAML_SCALAR_TOKEN:
            let style = token.data.scalar.style
            isBlockScalar = style == YAML_LITERAL_SCALAR_STYLE || style == YAML_FOLDED_SCALAR_STYLE
        case YAML_ANCHOR_TOKEN, YAML_ALIAS_TOKEN, YAML_TAG_TOKEN, YAML_VERSION_DIRECTIVE_TOKEN, YAML_TAG_DIRECTIVE_TOKEN:
            break
        case YAML_FLOW_SEQUENCE_START_TOKEN, YAML_FLOW_MAPPING_START_TOKEN:
            flow = 1
        case YAML_FLOW_SEQUENCE_END_TOKEN, YAML_FLOW_MAPPING_END_TOKEN:
            flow = -1
        default:
            return nil
        }
    }
}

/// One pass over the characters: comments outside the text tokens, and blank lines.
struct CommentWalk {
    let chars: [Unicode.Scalar]
    let tokens: [TextToken]
    private(set) var comments: [YAMLComment] = []
    private(set) var blankLines: Set<Int> = []
    private var line = 1
    private var lineStart = 0
    private var lineHasText = false
    /// The next token to enter.
    private var next = 0
    /// Characters before this one are inside a token.
    private var opaqueEnd = 0
    /// The end of the block scalar whose header line is being read.
    private var headerOf: Int?
    /// How many flow collections are open.
    private var flowDepth = 0

    init(chars: [Unicode.Scalar], tokens: [TextToken]) {
        self.chars = chars
        self.tokens = tokens
    }

    mutating func run() {
        var i = 0
        while i < chars.count {
            enterTokens(at: i)
            if let width = breakWidth(at: i) {
                i += width
                endLine(at: i)
                continue
            }
            if chars[i] == "#", i >= opaqueEnd {
                i = comment(at: i)
                continue
            }
            if chars[i] != " ", chars[i] != "\t" { lineHasText = true }
            i += 1
        }
        endLine(at: i)
    }

    private mutating func enterTokens(at i: Int) {
        while next < tokens.count, tokens[next].start <= i {
            let token = tokens[next]
            if token.flow != 0 {
                flowDepth += token.flow
            } else if token.isBlockScalar {
                headerOf = token.end
            } else {
                opaqueEnd = max(opaqueEnd, token.end)
            }
            next += 1
        }
    }

    /// Reads the comment whose `#` is at `start`; returns where its line ends.
    private mutating func comment(at start: Int) -> Int {
        var end = start + 1
        while end < chars.count, breakWidth(at: end) == nil { end += 1 }
        var text = String(String.UnicodeScalarView(chars[(start + 1)..<end]))
        while let last = text.unicodeScalars.last, last == " " || last == "\t" { text.unicodeScalars.removeLast() }
        comments.append(YAMLComment(text: text, line: line, column: start - lineStart + 1, ownLine: !lineHasText, insideFlow: flowDepth > 0))
        lineHasText = true
        return end
    }

    private mutating func endLine(at nextLineStart: Int) {
        if !lineHasText { blankLines.insert(line) }
        line += 1
        lineStart = nextLineStart
        lineHasText = false
        // Past a block scalar's header line, its text begins.
        if let end = headerOf {
            opaqueEnd = max(opaqueEnd, end)
            headerOf = nil
        }
    }

    /// libyaml's line breaks: CR LF, CR, LF, NEL, LS and PS.
    private func breakWidth(at i: Int) -> Int? {
        switch chars[i] {
        case "\r": i + 1 < chars.count && chars[i + 1] == "\n" ? 2 : 1
        case "\n", "\u{85}", "\u{2028}", "\u{2029}": 1
        default: nil
        }
    }
}
