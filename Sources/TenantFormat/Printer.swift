import TenantSyntax

/// Lays out a file's items (tokens and comments, in source order) in the canonical layout of
/// docs/format.md. It decides only the whitespace between items: every token and comment is
/// printed as written, in its order, except the `;` and `,` that separate statements (line
/// breaks separate them instead).
///
/// A line break is never added where the grammar reads one (between statements, inside
/// brackets, before the `}` of a body or a record literal), and never removed except before
/// the `{` that opens a body: the tree read back is the tree printed.
struct Printer {
    static let indentWidth = 2

    private let bytes: [UInt8]
    private let tokens: [Token]
    private let shape: SyntaxShape
    private(set) var out: [UInt8] = []
    /// Indices of the separator tokens left out.
    private(set) var dropped: [Int] = []

    /// An open bracket, and the level of the line it opened on.
    private struct Frame {
        enum Kind { case top, body, record, bracket }
        var kind: Kind
        var indent: Int
        /// Something was printed inside it.
        var hasContent = false
        /// A line break followed the opener: the closer goes on a line of its own.
        var multiline = false
    }

    private var frames = [Frame(kind: .top, indent: -1)]
    /// The indentation level of the line being written.
    private var lineIndent = 0
    private var previous: LayoutItem?
    private var previousToken: TokenKind?
    private var previousWasUnary = false
    /// The output's line breaks so far.
    private var line = 0
    private var alignment = CommentAlignment()
    /// The item printed last opened its line.
    private var previousStartedLine = true
    /// A top-level declaration closed on the line being written: a blank line follows it.
    private var closedDeclaration = false

    init(bytes: [UInt8], tokens: [Token], shape: SyntaxShape) {
        self.bytes = bytes
        self.tokens = tokens
        self.shape = shape
        out.reserveCapacity(bytes.count + bytes.count / 8)
    }

    mutating func print(_ items: [LayoutItem]) {
        for item in items { place(item) }
        if !out.isEmpty { out.append(0x0A) }
        out = alignment.apply(to: out)
    }

    // MARK: - One item

    private mutating func place(_ item: LayoutItem) {
        if case .token(let kind) = item.kind, kind == .semicolon || kind == .comma,
           frames[frames.count - 1].kind == .top || frames[frames.count - 1].kind == .body {
            dropped.append(item.token)
            return
        }
        let breaks = sourceBreaks(before: item)
        if previous != nil {
            previousStartedLine = startsLine(item, breaks)
            if previousStartedLine {
                newLines(blank: keepsBlankLine(item, breaks))
                closedDeclaration = false
                lineIndent = indent(of: item)
                out.append(contentsOf: repeatElement(0x20, count: lineIndent * Printer.indentWidth))
            } else if spaced(item) {
                if case .comment(let kind) = item.kind, kind != .block {
                    alignment.note(after: out, line: line, indent: lineIndent)
                }
                out.append(0x20)
            }
        }
        let text = bytes[Int(item.start)..<Int(item.end)]
        out.append(contentsOf: text)
        if item.kind == .token(.stringStart) || item.kind == .comment(.block) {
            line += text.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        }
        record(item)
    }

    /// Line breaks in the source between the item printed last and this one: 0, 1, or 2 for
    /// one or more blank lines.
    private func sourceBreaks(before item: LayoutItem) -> Int {
        guard let previous else { return 0 }
        var count = 0
        for b in bytes[Int(previous.end)..<Int(item.start)] where b == 0x0A {
            count += 1
            if count == 2 { break }
        }
        return count
    }

    private mutating func newLines(blank: Bool) {
        out.append(0x0A)
        line += 1
        if blank {
            out.append(0x0A)
            line += 1
        }
    }

    /// Updates the state after printing `item`.
    private mutating func record(_ item: LayoutItem) {
        frames[frames.count - 1].hasContent = true
        previous = item
        guard case .token(let kind) = item.kind else { return }
        previousWasUnary = kind == .bang || (kind == .minus && Printer.unaryContext(previousToken))
        previousToken = kind
        switch kind {
        case .lbrace:
            frames.append(Frame(kind: shape.bodyBraces.contains(item.token) ? .body : .record, indent: lineIndent))
        case .lbracket, .lparen:
            frames.append(Frame(kind: .bracket, indent: lineIndent))
        case .rbrace, .rbracket, .rparen:
            guard frames.count > 1 else { return }
            let closed = frames.removeLast()
            if closed.kind == .body && frames.count == 1 { closedDeclaration = true }
        default:
            break
        }
    }

    // MARK: - Line breaks

    /// Whether `item` starts a new line.
    private mutating func startsLine(_ item: LayoutItem, _ breaks: Int) -> Bool {
        if case .comment(let kind) = previous?.kind, kind != .block { return true }
        let frame = frames[frames.count - 1]
        if !frame.hasContent, breaks > 0 { frames[frames.count - 1].multiline = true }
        guard case .token(let kind) = item.kind else { return breaks > 0 }
        if Printer.isCloser(kind) {
            return frame.hasContent && (frame.kind == .body || frame.multiline || breaks > 0)
        }
        let start = tokens[item.token].start
        if shape.declarationStarts.contains(start) || shape.statementStarts.contains(start) {
            // `/* why */ replicas = 3`: a block comment that opens the line stays before its statement.
            return !(previous?.kind == .comment(.block) && previousStartedLine && breaks == 0)
        }
        if kind == .lbrace, shape.bodyBraces.contains(item.token), case .token = previous?.kind { return false }
        return breaks > 0
    }

    /// At most one blank line, kept where the source has one; one always after a top-level
    /// declaration; none after an opening bracket or before a closing one.
    private func keepsBlankLine(_ item: LayoutItem, _ breaks: Int) -> Bool {
        if case .token(let kind) = item.kind, Printer.isCloser(kind) { return false }
        guard frames[frames.count - 1].hasContent else { return false }
        return closedDeclaration || breaks > 1
    }

    /// The indentation level of a line starting with `item`: the level of the line its
    /// innermost bracket opened on, one more inside it, one more again for a line that continues
    /// a statement or an entry.
    private func indent(of item: LayoutItem) -> Int {
        let frame = frames[frames.count - 1]
        if case .token(let kind) = item.kind, Printer.isCloser(kind) { return max(frame.indent, 0) }
        let base = frame.indent + 1
        return continues(at: nextPrinted(from: item.token, in: frame), in: frame) ? base + 1 : base
    }

    /// The first token from `index` on that is printed: a comment before a separator that is
    /// left out is laid out by what follows the separator.
    private func nextPrinted(from index: Int, in frame: Frame) -> Int {
        guard frame.kind == .top || frame.kind == .body else { return index }
        var i = index
        while i < tokens.count - 1, tokens[i].kind == .semicolon || tokens[i].kind == .comma { i += 1 }
        return i
    }

    /// Whether a line starting at token `index` continues what the line before started.
    private func continues(at index: Int, in frame: Frame) -> Bool {
        let token = tokens[index]
        if Printer.isCloser(token.kind) || token.kind == .eof { return false }
        switch frame.kind {
        case .top:
            return !shape.declarationStarts.contains(token.start)
        case .body:
            return !shape.statementStarts.contains(token.start)
        case .bracket:
            return previousToken.map { !Printer.isOpener($0) && $0 != .comma } ?? false
        case .record:
            guard let p = previousToken, !Printer.isOpener(p), p != .comma, p != .semicolon else { return false }
            return Printer.asksForOperand(p) || Printer.continuesOperand(token.kind)
        }
    }

    // MARK: - Spaces

    /// Whether a space separates `item` from the item before it on the same line.
    private func spaced(_ item: LayoutItem) -> Bool {
        guard case .token(let next) = item.kind, case .token(let prev) = previous?.kind else { return true }
        switch next {
        case .rparen, .rbracket, .comma, .semicolon, .dot, .dotdot, .question, .colon: return false
        case .lparen where prev == .identifier || prev == .rbracket || prev == .rparen: return false
        case .rbrace where prev == .lbrace: return false
        default: break
        }
        switch prev {
        case .lparen, .lbracket, .dot, .dotdot: return false
        default: return !previousWasUnary
        }
    }

    // MARK: - Token classes

    private static func isOpener(_ kind: TokenKind) -> Bool { kind == .lbrace || kind == .lbracket || kind == .lparen }
    private static func isCloser(_ kind: TokenKind) -> Bool { kind == .rbrace || kind == .rbracket || kind == .rparen }

    private static func isBinaryOperator(_ kind: TokenKind) -> Bool {
        switch kind {
        case .plus, .minus, .star, .slash, .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual,
             .andAnd, .orOr, .kwIn, .kwImplies, .pipe:
            true
        default:
            false
        }
    }

    /// After this token a `-` negates: no operand precedes it.
    private static func unaryContext(_ previous: TokenKind?) -> Bool {
        guard let previous else { return true }
        if isBinaryOperator(previous) || isOpener(previous) { return true }
        switch previous {
        case .assign, .colon, .comma, .semicolon, .dotdot, .bang, .interpolationStart,
             .kwCheck, .kwWarn, .kwElse, .kwThen, .kwIf, .kwBy, .kwFor:
            return true
        default:
            return false
        }
    }

    /// A token after which the expression must go on (a line break cannot end it there).
    private static func asksForOperand(_ kind: TokenKind) -> Bool {
        isBinaryOperator(kind) || unaryContext(kind) && kind != .comma && kind != .semicolon
    }

    /// A token that, starting a line, continues the expression of the line before.
    private static func continuesOperand(_ kind: TokenKind) -> Bool {
        isBinaryOperator(kind) || kind == .kwElse || kind == .kwThen || kind == .dot || kind == .dotdot
    }
}
