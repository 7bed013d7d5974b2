import TenantDiagnostics
import TenantModel

/// The tokens of one file, with its doc comments and lexical diagnostics.
public struct LexedFile: Sendable {
    public var tokens: [Token]
    public var docComments: [DocComment]
    public var diagnostics: [Diagnostic]
    /// Every comment, in order (doc comments too, as written).
    public var comments: [Comment] = []
}

/// What a file declares at its top level, read from its tokens (see `Lexer.outline`).
public struct SourceOutline: Sendable {
    /// Tenant ids, in order.
    public var tenants: [String] = []
    /// The tier each tenant of `tenants` extends, when its header names one.
    public var parents: [String?] = []
    public var declaresTiers = false

    public init() {}
}

/// Turns a file's UTF-8 bytes into tokens. Works on bytes, never on `Character`s.
///
/// Strings are split into `stringStart`, `stringText`, `interpolationStart` … `interpolationEnd`,
/// `stringEnd` so that interpolated expressions are ordinary tokens for the parser.
public struct Lexer {
    private let file: SourceFile
    private var tokens: [Token] = []
    private var docs: [DocComment] = []
    private var comments: [Comment] = []
    private var diagnostics: [Diagnostic] = []
    private var pendingDoc: [String] = []
    private var newlineBefore = true

    /// An open string literal, innermost last.
    private struct StringContext {
        var multiline: Bool
        var indent: UInt32
        /// Where a multi-line string's content ends (the closing delimiter's line); unused otherwise.
        var contentEnd: Int
        var closeEnd: Int
        var start: Int
        var braceDepth = 0
        var inBody = true
    }
    private var strings: [StringContext] = []
    /// Set when the file has given `maxErrors` errors: the rest of it is not read.
    private var stopped = false

    /// Most lexical errors one file reports before the lexer stops: past this many, the file is
    /// not source text, and every further error would only cost memory.
    public static let maxErrors = 1_000

    /// Largest source the lexer accepts: offsets are 32-bit, and no configuration is this big.
    public static let maxSourceBytes = 16 << 20

    public static func tokenize(_ file: SourceFile) -> LexedFile {
        var lexer = Lexer(file: file)
        guard file.bytes.count <= maxSourceBytes else {
            lexer.diagnostics.append(.error(.inputTooLarge, "`\(file.path)` is \(file.bytes.count >> 20) MiB; source files are limited to \(maxSourceBytes >> 20) MiB",
                                            at: nil, help: ["split the configuration into several files"]))
            lexer.emit(.eof, 0, 0)
            return LexedFile(tokens: lexer.tokens, docComments: [], diagnostics: lexer.diagnostics)
        }
        file.bytes.withUnsafeBufferPointer { lexer.run($0) }
        return LexedFile(tokens: lexer.tokens, docComments: lexer.docs, diagnostics: lexer.diagnostics, comments: lexer.comments)
    }

    /// The top-level declarations of a source, from its tokens alone (no parse): the tenant
    /// ids it declares, the tier each extends, and whether it declares tiers. The driver uses
    /// it to stream inputs and to find the tenants a tier change affects.
    public static func outline(_ bytes: [UInt8]) -> SourceOutline {
        outline(of: tokenize(SourceFile(id: FileID(raw: 0), path: "", bytes: bytes)), bytes: bytes)
    }

    /// The same, from tokens already made (which `Parser.parse(_:lexed:)` can then reuse).
    public static func outline(of lexed: LexedFile, bytes: [UInt8]) -> SourceOutline {
        let tokens = lexed.tokens
        var result = SourceOutline()
        var depth = 0
        func text(_ t: Token) -> String { String(decoding: bytes[Int(t.start)..<Int(t.end)], as: UTF8.self) }
        for (i, t) in tokens.enumerated() {
            switch t.kind {
            case .lbrace: depth += 1
            case .rbrace: depth = max(0, depth - 1)
            case .kwTier where depth == 0:
                result.declaresTiers = true
            case .kwTenant where depth == 0 && i + 1 < tokens.count && tokens[i + 1].kind == .identifier:
                // The id whole, as the parser reads it (`Wonka-Co`).
                var last = i + 1
                while last + 1 < tokens.count, tokens[last + 1].start == tokens[last].end, !tokens[last + 1].newlineBefore,
                      tokens[last + 1].kind.continuesTenantID {
                    last += 1
                }
                result.tenants.append(String(decoding: bytes[Int(tokens[i + 1].start)..<Int(tokens[last].end)], as: UTF8.self))
                let extends = last + 2 < tokens.count && tokens[last + 1].kind == .kwExtends && tokens[last + 2].kind == .identifier
                result.parents.append(extends ? text(tokens[last + 2]) : nil)
            default:
                break
            }
        }
        return result
    }

    private init(file: SourceFile) {
        self.file = file
        tokens.reserveCapacity(file.bytes.count / 4 + 16)
    }

    private func span(_ s: Int, _ e: Int) -> Span { Span(file: file.id, start: s, end: e) }

    private mutating func error(_ code: DiagnosticCode, _ message: String, _ s: Int, _ e: Int, label: String = "", help: [String] = []) {
        guard !stopped else { return }
        diagnostics.append(.error(code, message, at: span(s, e), label: label, help: help))
        if diagnostics.count >= Lexer.maxErrors {
            stopped = true
            diagnostics.append(.error(.tooManyDiagnostics, "too many errors in `\(file.path)`: the rest of the file is not read",
                                      at: span(e, e), label: "reading stopped here",
                                      help: ["this does not look like a .tenant file; check that the right file was passed"]))
        }
    }

    /// How many times in a row the `len` bytes at `i` repeat, from `i` on (at least 1).
    private func runLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int, len: Int, limit: Int) -> Int {
        var count = 1
        var j = i + len
        while j + len <= limit, (0..<len).allSatisfy({ b[j + $0] == b[i + $0] }) {
            count += 1
            j += len
        }
        return count
    }

    /// "unexpected NUL byte", or for a run of them "unexpected NUL byte, 4096 times in a row".
    private static func repeated(_ what: String, _ count: Int) -> String {
        count == 1 ? what : "\(what), \(count) times in a row"
    }

    private mutating func emit(_ kind: TokenKind, _ s: Int, _ e: Int, aux: UInt32 = 0) {
        if !pendingDoc.isEmpty {
            docs.append(DocComment(tokenIndex: tokens.count, text: pendingDoc.joined(separator: "\n")))
            pendingDoc.removeAll()
        }
        tokens.append(Token(kind: kind, newlineBefore: newlineBefore, start: UInt32(s), end: UInt32(e), aux: aux))
        newlineBefore = false
    }

    // MARK: - Main loop

    private mutating func run(_ b: UnsafeBufferPointer<UInt8>) {
        let n = b.count
        var i = 0
        if n >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { i = 3 }  // UTF-8 byte order mark
        validateUTF8(b)
        while !stopped {
            if let top = strings.last, top.inBody {
                i = scanStringBody(b, from: i)
                continue
            }
            i = skipTrivia(b, from: i)
            if i >= n { break }
            let c = b[i]
            switch c {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
                var j = i + 1
                while j < n, isIdentifierByte(b[j]) { j += 1 }
                emit(keyword(b, i, j) ?? .identifier, i, j)
                i = j
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                i = scanNumber(b, from: i)
            case UInt8(ascii: "\""):
                i = openString(b, at: i)
            case UInt8(ascii: "{"):
                if !strings.isEmpty { strings[strings.count - 1].braceDepth += 1 }
                emit(.lbrace, i, i + 1)
                i += 1
            case UInt8(ascii: "}"):
                if let top = strings.last, !top.inBody {
                    if top.braceDepth == 0 {
                        emit(.interpolationEnd, i, i + 1)
                        strings[strings.count - 1].inBody = true
                        i += 1
                        continue
                    }
                    strings[strings.count - 1].braceDepth -= 1
                }
                emit(.rbrace, i, i + 1)
                i += 1
            case UInt8(ascii: "["): emit(.lbracket, i, i + 1); i += 1
            case UInt8(ascii: "]"): emit(.rbracket, i, i + 1); i += 1
            case UInt8(ascii: "("): emit(.lparen, i, i + 1); i += 1
            case UInt8(ascii: ")"): emit(.rparen, i, i + 1); i += 1
            case UInt8(ascii: ","): emit(.comma, i, i + 1); i += 1
            case UInt8(ascii: ";"): emit(.semicolon, i, i + 1); i += 1
            case UInt8(ascii: ":"): emit(.colon, i, i + 1); i += 1
            case UInt8(ascii: "?"): emit(.question, i, i + 1); i += 1
            case UInt8(ascii: "+"): emit(.plus, i, i + 1); i += 1
            case UInt8(ascii: "-"): emit(.minus, i, i + 1); i += 1
            case UInt8(ascii: "*"): emit(.star, i, i + 1); i += 1
            case UInt8(ascii: "/"): emit(.slash, i, i + 1); i += 1
            case UInt8(ascii: "."):
                if i + 1 < n, b[i + 1] == UInt8(ascii: ".") {
                    emit(.dotdot, i, i + 2)
                    i += 2
                } else {
                    emit(.dot, i, i + 1)
                    i += 1
                }
            case UInt8(ascii: "="): i = twoChar(b, i, UInt8(ascii: "="), .equal, .assign)
            case UInt8(ascii: "!"): i = twoChar(b, i, UInt8(ascii: "="), .notEqual, .bang)
            case UInt8(ascii: "<"): i = twoChar(b, i, UInt8(ascii: "="), .lessEqual, .less)
            case UInt8(ascii: ">"): i = twoChar(b, i, UInt8(ascii: "="), .greaterEqual, .greater)
            case UInt8(ascii: "&"):
                if i + 1 < n, b[i + 1] == UInt8(ascii: "&") {
                    emit(.andAnd, i, i + 2)
                    i += 2
                } else {
                    error(.unexpectedCharacter, "unexpected character `&`", i, i + 1, help: ["use `&&` for logical and"])
                    i += 1
                }
            case UInt8(ascii: "|"):
                if i + 1 < n, b[i + 1] == UInt8(ascii: "|") {
                    emit(.orOr, i, i + 2)
                    i += 2
                } else {
                    emit(.pipe, i, i + 1)
                    i += 1
                }
            default:
                i = unexpected(b, at: i)
            }
        }
        // Close strings left open at end of file.
        while let top = strings.popLast() {
            error(.unterminatedString, "unterminated string literal", top.start, top.start + (top.multiline ? 3 : 1),
                  label: "string starts here")
            if !top.inBody { emit(.interpolationEnd, n, n) }
            emit(.stringEnd, n, n)
        }
        emit(.eof, n, n)
    }

    private mutating func twoChar(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ second: UInt8, _ long: TokenKind, _ short: TokenKind) -> Int {
        if i + 1 < b.count, b[i + 1] == second {
            emit(long, i, i + 2)
            return i + 2
        }
        emit(short, i, i + 1)
        return i + 1
    }

    private mutating func unexpected(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let c = b[i]
        var len = 1
        if c >= 0xC0 {
            len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2
            len = min(len, b.count - i)
        }
        let what: String
        if c == 0 {
            what = "NUL byte"
        } else if c < 0x20 || c == 0x7F {
            what = "control character U+\(hex(UInt32(c)))"
        } else if c >= 0x80 {
            let scalar = String(decoding: UnsafeBufferPointer(rebasing: b[i..<(i + len)]), as: UTF8.self)
            what = "character `\(scalar)`"
        } else {
            what = "character `\(Character(Unicode.Scalar(c)))`"
        }
        if c >= 0x80, c < 0xC0 || !isValidSequence(b, i) {
            return i + 1  // already reported by the UTF-8 validation
        }
        if Self.isControl(c) {
            // A run of control characters (binary pasted in) is one error.
            let (count, same) = controlRun(b, at: i, limit: b.count) { Self.isControl(b[$0]) && !Self.isTrivia(b[$0]) }
            error(.unexpectedCharacter, Self.repeated(same ? "unexpected \(what)" : "unexpected control characters", count), i, i + count)
            return i + count
        }
        // A run of the same character (a file of NUL bytes) is one error.
        let count = runLength(b, at: i, len: len, limit: b.count)
        error(.unexpectedCharacter, Self.repeated("unexpected \(what)", count), i, i + len * count)
        return i + len * count
    }

    private static func isControl(_ c: UInt8) -> Bool { c < 0x20 || c == 0x7F }
    private static func isTrivia(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A }

    /// A byte a string may not hold raw: a control character other than TAB and a line break
    /// (`CR LF` in a multi-line string).
    private func isStringControl(_ b: UnsafeBufferPointer<UInt8>, at i: Int, limit: Int, multiline: Bool) -> Bool {
        let c = b[i]
        guard Self.isControl(c), c != 0x09, c != 0x0A else { return false }
        return !(c == 0x0D && multiline && i + 1 < limit && b[i + 1] == 0x0A)
    }

    /// The run of bytes from `i` that `belongs` accepts (at least the first), and whether they
    /// are all one byte: each run is one diagnostic, so that a few hundred bytes of binary do
    /// not make a few hundred diagnostics.
    private func controlRun(_ b: UnsafeBufferPointer<UInt8>, at i: Int, limit: Int, _ belongs: (Int) -> Bool) -> (count: Int, same: Bool) {
        var j = i + 1
        var same = true
        while j < limit, belongs(j) {
            same = same && b[j] == b[i]
            j += 1
        }
        return (j - i, same)
    }

    // MARK: - Trivia

    private mutating func skipTrivia(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        let n = b.count
        while i < n {
            let c = b[i]
            if c == 0x20 || c == 0x09 || c == 0x0D {
                i += 1
            } else if c == 0x0A {
                newlineBefore = true
                i += 1
                if let top = strings.last, !top.multiline, !top.inBody {
                    // A single-line string cannot span lines, not even through `${…}`.
                    error(.unterminatedString, "unterminated string literal", top.start, top.start + 1,
                          label: "string starts here", help: ["close the string and its `${…}` on the same line, or use a multi-line string `\"\"\"…\"\"\"`"])
                    strings.removeLast()
                    emit(.interpolationEnd, i - 1, i - 1)
                    emit(.stringEnd, i - 1, i - 1)
                    newlineBefore = true
                }
            } else if c == UInt8(ascii: "/"), i + 1 < n, b[i + 1] == UInt8(ascii: "/") {
                let isDoc = i + 2 < n && b[i + 2] == UInt8(ascii: "/") && !(i + 3 < n && b[i + 3] == UInt8(ascii: "/"))
                var j = i + 2
                while j < n, b[j] != 0x0A { j += 1 }
                if isDoc {
                    var s = i + 3
                    if s < j, b[s] == 0x20 { s += 1 }
                    var e = j
                    while e > s, b[e - 1] == 0x0D { e -= 1 }
                    pendingDoc.append(String(decoding: UnsafeBufferPointer(rebasing: b[s..<e]), as: UTF8.self))
                }
                // Carriage returns before the line's end are part of the line break, not of the comment.
                var e = j
                while e > i, b[e - 1] == 0x0D { e -= 1 }
                keepComment(isDoc ? .doc : .line, i, e)
                i = j
            } else if c == UInt8(ascii: "/"), i + 1 < n, b[i + 1] == UInt8(ascii: "*") {
                let start = i
                let trails = !newlineBefore
                i = skipBlockComment(b, from: i)
                keepComment(.block, start, i, trailsCode: trails)
            } else {
                break
            }
        }
        return i
    }

    /// Records a comment beside the tokens. `trailsCode`: whether code precedes it on its line
    /// (a block comment may end on a later line, so the caller says what held at its start).
    private mutating func keepComment(_ kind: Comment.Kind, _ start: Int, _ end: Int, trailsCode: Bool? = nil) {
        comments.append(Comment(kind: kind, start: UInt32(start), end: UInt32(end), nextToken: tokens.count,
                                trailsCode: trailsCode ?? (!newlineBefore && !tokens.isEmpty)))
    }

    /// Block comments nest: `/* a /* b */ c */` is one comment.
    private mutating func skipBlockComment(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var depth = 0
        var i = start
        let n = b.count
        while i < n {
            if b[i] == UInt8(ascii: "/"), i + 1 < n, b[i + 1] == UInt8(ascii: "*") {
                depth += 1
                i += 2
            } else if b[i] == UInt8(ascii: "*"), i + 1 < n, b[i + 1] == UInt8(ascii: "/") {
                depth -= 1
                i += 2
                if depth == 0 { return i }
            } else {
                if b[i] == 0x0A { newlineBefore = true }
                i += 1
            }
        }
        error(.unterminatedComment, "unterminated block comment", start, start + 2, label: "comment starts here",
              help: ["close it with `*/` (block comments nest: each `/*` needs its own `*/`)"])
        return n
    }

    // MARK: - Identifiers and keywords

    private func isIdentifierByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x5F
    }

    /// Keyword lookup without building a String: compares lengths and bytes.
    private func keyword(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> TokenKind? {
        let len = e - s
        guard len >= 2, len <= 9 else { return nil }
        let first = b[s]
        guard first >= UInt8(ascii: "b"), first <= UInt8(ascii: "w") else { return nil }
        for (text, kind) in Lexer.keywordTable[len] where text[0] == first {
            var k = 1
            while k < len, text[k] == b[s + k] { k += 1 }
            if k == len { return kind }
        }
        return nil
    }

    private static let keywordTable: [[([UInt8], TokenKind)]] = {
        var table = [[([UInt8], TokenKind)]](repeating: [], count: 10)
        for (text, kind) in TokenKind.keywords { table[text.utf8.count].append((Array(text.utf8), kind)) }
        return table
    }()

    // MARK: - Numbers

    /// `42`, `1_000`, `0.25`, `1e-3`, then an optional unit: `512MiB`, `30d`, `0.25cores`, `70%`.
    private mutating func scanNumber(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let n = b.count
        var i = start
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        while i < n, isDigit(b[i]) || b[i] == UInt8(ascii: "_") { i += 1 }
        if i + 1 < n, b[i] == UInt8(ascii: "."), isDigit(b[i + 1]) {
            i += 1
            while i < n, isDigit(b[i]) || b[i] == UInt8(ascii: "_") { i += 1 }
        }
        if i < n, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            var j = i + 1
            if j < n, b[j] == UInt8(ascii: "+") || b[j] == UInt8(ascii: "-") { j += 1 }
            if j < n, isDigit(b[j]) {
                while j < n, isDigit(b[j]) { j += 1 }
                i = j
            }
        }
        let numericEnd = i
        if i < n, b[i] == UInt8(ascii: "%") {
            i += 1
        } else {
            while i < n, (b[i] >= 0x61 && b[i] <= 0x7A) || (b[i] >= 0x41 && b[i] <= 0x5A) { i += 1 }
        }
        if i > numericEnd, QuantityUnit.named(UnsafeBufferPointer(rebasing: b[numericEnd..<i])) == nil {
            let unit = String(decoding: UnsafeBufferPointer(rebasing: b[numericEnd..<i]), as: UTF8.self)
            var help = ["units are B KB MB GB TB PB KiB MiB GiB TiB PiB (size), ms s m h d w y (duration), core cores (cpu) and % (percent)"]
            if let s = suggestion(for: unit, among: QuantityUnit.all.map(\.name)) {
                help.insert("did you mean `\(s)`?", at: 0)
            } else if let u = QuantityUnit.spelledOut(unit) {
                // `2hours`: the unit's word, not a misspelling of a unit.
                let number = String(decoding: UnsafeBufferPointer(rebasing: b[start..<numericEnd]), as: UTF8.self)
                help.insert("write `\(number)\(u.name)`", at: 0)
            }
            error(.unknownUnit, "unknown unit `\(unit)`", numericEnd, i, help: help)
        }
        emit(.number, start, i, aux: UInt32(numericEnd - start))
        return i
    }

    // MARK: - Strings

    private mutating func openString(_ b: UnsafeBufferPointer<UInt8>, at start: Int) -> Int {
        let n = b.count
        if start + 2 < n, b[start + 1] == UInt8(ascii: "\""), b[start + 2] == UInt8(ascii: "\"") {
            return openMultilineString(b, at: start)
        }
        strings.append(StringContext(multiline: false, indent: .max, contentEnd: n, closeEnd: n, start: start))
        emit(.stringStart, start, start + 1, aux: .max)
        return start + 1
    }

    /// `"""` must end its line; the content runs to the line before the closing `"""`, and the
    /// smallest indentation of its non-blank lines (and of the closing line) is stripped.
    private mutating func openMultilineString(_ b: UnsafeBufferPointer<UInt8>, at start: Int) -> Int {
        let n = b.count
        var i = start + 3
        while i < n, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0D { i += 1 }
        guard i < n, b[i] == 0x0A else {
            error(.syntax, "a multi-line string must start on the line after its opening `\"\"\"`", start, start + 3,
                  help: ["put a line break after `\"\"\"`, or use a single-line string `\"…\"`"])
            strings.append(StringContext(multiline: false, indent: .max, contentEnd: n, closeEnd: n, start: start))
            emit(.stringStart, start, start + 3, aux: .max)
            return start + 3
        }
        let contentStart = i + 1
        // Find the closing delimiter (not escaped).
        var j = contentStart
        var close = -1
        while j + 2 < n {
            if b[j] == UInt8(ascii: "\\") {
                j += 2
                continue
            }
            if b[j] == UInt8(ascii: "\""), b[j + 1] == UInt8(ascii: "\""), b[j + 2] == UInt8(ascii: "\"") {
                close = j
                break
            }
            j += 1
        }
        guard close >= 0 else {
            error(.unterminatedString, "unterminated multi-line string", start, start + 3, label: "string starts here",
                  help: ["close it with `\"\"\"` on a line of its own"])
            emit(.stringStart, start, start + 3, aux: 0)
            emit(.stringEnd, n, n)
            return n
        }
        // Is the closing delimiter alone on its line?
        var lineStart = close
        while lineStart > contentStart, b[lineStart - 1] == 0x20 || b[lineStart - 1] == 0x09 { lineStart -= 1 }
        let closingOnOwnLine = lineStart == contentStart || b[lineStart - 1] == 0x0A
        var contentEnd = close
        if closingOnOwnLine {
            contentEnd = lineStart > contentStart ? lineStart - 1 : contentStart
            if contentEnd > contentStart, b[contentEnd - 1] == 0x0D { contentEnd -= 1 }
        }
        // Common indentation over non-blank lines, and the closing line.
        var indent = Int.max
        var p = contentStart
        while p < contentEnd {
            var q = p
            while q < contentEnd, b[q] == 0x20 || b[q] == 0x09 { q += 1 }
            if q < contentEnd, b[q] != 0x0A, b[q] != 0x0D { indent = min(indent, q - p) }
            while q < contentEnd, b[q] != 0x0A { q += 1 }
            p = q + 1
        }
        if closingOnOwnLine { indent = min(indent, close - lineStart) }
        if indent == Int.max { indent = 0 }
        strings.append(StringContext(multiline: true, indent: UInt32(indent), contentEnd: contentEnd, closeEnd: close + 3, start: start))
        emit(.stringStart, start, contentStart, aux: UInt32(indent))
        return contentStart
    }

    /// Scans string text up to the closing quote or the next `${`.
    private mutating func scanStringBody(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let ctx = strings.last else { return start }
        let limit = ctx.multiline ? ctx.contentEnd : b.count
        var i = start
        while i < limit {
            let c = b[i]
            if !ctx.multiline && c == UInt8(ascii: "\"") { break }
            if c == UInt8(ascii: "$"), i + 1 < limit, b[i + 1] == UInt8(ascii: "{") { break }
            if c == 0x0A {
                if !ctx.multiline { break }
            } else if c == UInt8(ascii: "\\") {
                i = checkEscape(b, at: i, limit: limit)
                continue
            } else if isStringControl(b, at: i, limit: limit, multiline: ctx.multiline) {
                let (count, same) = controlRun(b, at: i, limit: limit) { isStringControl(b, at: $0, limit: limit, multiline: ctx.multiline) }
                let what = same ? "control character U+\(hex(UInt32(c))) in a string literal" : "control characters in a string literal"
                error(.unexpectedCharacter, Self.repeated(what, count), i, i + count,
                      help: ["write it as an escape: `\\u{\(hex(UInt32(c)))}`"])
                if stopped { break }
                i += count
                continue
            }
            i += 1
        }
        if i > start { emit(.stringText, start, i) }
        if i < limit, b[i] == UInt8(ascii: "$") {
            emit(.interpolationStart, i, i + 2)
            strings[strings.count - 1].inBody = false
            strings[strings.count - 1].braceDepth = 0
            return i + 2
        }
        strings.removeLast()
        if ctx.multiline {
            emit(.stringEnd, ctx.contentEnd, ctx.closeEnd)
            return ctx.closeEnd
        }
        if i < b.count, b[i] == UInt8(ascii: "\"") {
            emit(.stringEnd, i, i + 1)
            return i + 1
        }
        error(.unterminatedString, "unterminated string literal", ctx.start, ctx.start + 1, label: "string starts here",
              help: ["add the closing `\"` on the same line, or use a multi-line string `\"\"\"…\"\"\"`"])
        emit(.stringEnd, i, i)
        return i
    }

    /// Validates one escape sequence and returns the index after it.
    private mutating func checkEscape(_ b: UnsafeBufferPointer<UInt8>, at i: Int, limit: Int) -> Int {
        guard i + 1 < limit else {
            error(.invalidEscape, "incomplete escape sequence", i, i + 1)
            return i + 1
        }
        switch b[i + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "n"), UInt8(ascii: "t"), UInt8(ascii: "r"), UInt8(ascii: "$"):
            return i + 2
        case UInt8(ascii: "u"):
            var j = i + 2
            guard j < limit, b[j] == UInt8(ascii: "{") else {
                error(.invalidEscape, "`\\u` needs a code point in braces, like `\\u{1F600}`", i, i + 2)
                return i + 2
            }
            j += 1
            var value: UInt32 = 0
            var digits = 0
            while j < limit, let d = hexDigit(b[j]) {
                if digits < 8 { value = value &* 16 &+ d }
                digits += 1
                j += 1
            }
            guard j < limit, b[j] == UInt8(ascii: "}"), digits >= 1, digits <= 8 else {
                error(.invalidEscape, "malformed unicode escape", i, min(j + 1, limit), help: ["write 1 to 8 hex digits in braces, like `\\u{E9}`"])
                return j
            }
            if Unicode.Scalar(value) == nil {
                error(.invalidEscape, "`\\u{\(hex(value))}` is not a Unicode scalar value", i, j + 1)
            }
            return j + 1
        default:
            let len = b[i + 1] < 0x80 ? 2 : 1
            error(.invalidEscape, "invalid escape sequence", i, i + len,
                  help: ["the escapes are \\\" \\\\ \\n \\t \\r \\$ and \\u{…}; write `\\\\` for a backslash"])
            return i + len
        }
    }

    // MARK: - UTF-8

    /// Reports every invalid UTF-8 sequence at its byte offset (up to a handful per file).
    private mutating func validateUTF8(_ b: UnsafeBufferPointer<UInt8>) {
        var i = 0
        var reported = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 {
                i += 1
                continue
            }
            let len = sequenceLength(b, i)
            if len > 0 {
                i += len
                continue
            }
            if reported < 10 {
                error(.invalidUTF8, "invalid UTF-8 byte 0x\(hex(UInt32(c))) at byte offset \(i)", i, i + 1,
                      help: ["tenantc reads UTF-8 only: re-save the file as UTF-8"])
            }
            reported += 1
            i += 1
        }
    }

    private func isValidSequence(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool { sequenceLength(b, i) > 0 }

    /// The length of the valid UTF-8 sequence at `i`, or 0 if it is invalid.
    private func sequenceLength(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let c = b[i]
        let n = b.count
        func cont(_ k: Int) -> Bool { i + k < n && b[i + k] & 0xC0 == 0x80 }
        switch c {
        case 0xC2...0xDF: return cont(1) ? 2 : 0
        case 0xE0: return cont(1) && b[i + 1] >= 0xA0 && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return cont(1) && cont(2) ? 3 : 0
        case 0xED: return cont(1) && b[i + 1] < 0xA0 && cont(2) ? 3 : 0
        case 0xF0: return cont(1) && b[i + 1] >= 0x90 && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4: return cont(1) && b[i + 1] < 0x90 && cont(2) && cont(3) ? 4 : 0
        default: return 0
        }
    }
}

func hexDigit(_ c: UInt8) -> UInt32? {
    switch c {
    case 0x30...0x39: UInt32(c - 0x30)
    case 0x61...0x66: UInt32(c - 0x61 + 10)
    case 0x41...0x46: UInt32(c - 0x41 + 10)
    default: nil
    }
}

func hex(_ v: UInt32) -> String {
    let s = String(v, radix: 16, uppercase: true)
    return s.count < 4 ? String(repeating: "0", count: 4 - s.count) + s : s
}
