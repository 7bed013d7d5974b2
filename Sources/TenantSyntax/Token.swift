import TenantDiagnostics

/// The kinds of token. Keywords are their own kinds; type names (`int`, `size`, …) are
/// ordinary identifiers that the parser reads as types after `:`.
public enum TokenKind: UInt8, Sendable {
    case eof
    case identifier
    /// A number, possibly with a unit suffix; `Token.aux` is the length of the numeric part.
    case number
    /// `"` or `"""` opening a string; `Token.aux` is the indentation a multi-line string strips
    /// (`UInt32.max` for a single-line string).
    case stringStart
    /// Raw (still escaped) text of a string between its delimiters and interpolations.
    case stringText
    /// `${` inside a string.
    case interpolationStart
    /// The `}` closing an interpolation.
    case interpolationEnd
    case stringEnd

    case lbrace, rbrace, lbracket, rbracket, lparen, rparen
    case comma, semicolon, dot, dotdot, colon, question, pipe
    case assign, equal, notEqual, less, lessEqual, greater, greaterEqual
    case plus, minus, star, slash, bang, andAnd, orOr

    // Keywords
    case kwTier, kwTenant, kwExtends, kwLocked, kwCheck, kwWarn, kwElse, kwEnv, kwScale, kwBy
    case kwTrue, kwFalse, kwUnlimited, kwSuper, kwFor, kwIn, kwIf, kwThen, kwImplies, kwImport

    public var isKeyword: Bool { rawValue >= TokenKind.kwTier.rawValue }

    /// How the token reads in messages: `` `{` ``, `identifier`, `end of file`.
    public var display: String {
        switch self {
        case .eof: "end of file"
        case .identifier: "identifier"
        case .number: "number"
        case .stringStart: "string"
        case .stringText: "string text"
        case .interpolationStart: "`${`"
        case .interpolationEnd: "`}`"
        case .stringEnd: "end of string"
        case .lbrace: "`{`"
        case .rbrace: "`}`"
        case .lbracket: "`[`"
        case .rbracket: "`]`"
        case .lparen: "`(`"
        case .rparen: "`)`"
        case .comma: "`,`"
        case .semicolon: "`;`"
        case .dot: "`.`"
        case .dotdot: "`..`"
        case .colon: "`:`"
        case .question: "`?`"
        case .pipe: "`|`"
        case .assign: "`=`"
        case .equal: "`==`"
        case .notEqual: "`!=`"
        case .less: "`<`"
        case .lessEqual: "`<=`"
        case .greater: "`>`"
        case .greaterEqual: "`>=`"
        case .plus: "`+`"
        case .minus: "`-`"
        case .star: "`*`"
        case .slash: "`/`"
        case .bang: "`!`"
        case .andAnd: "`&&`"
        case .orOr: "`||`"
        default: "keyword `\(TokenKind.keywordText[self] ?? "?")`"
        }
    }

    static let keywords: [String: TokenKind] = [
        "tier": .kwTier, "tenant": .kwTenant, "extends": .kwExtends, "locked": .kwLocked,
        "check": .kwCheck, "warn": .kwWarn, "else": .kwElse, "env": .kwEnv, "scale": .kwScale,
        "by": .kwBy, "true": .kwTrue, "false": .kwFalse, "unlimited": .kwUnlimited,
        "super": .kwSuper, "for": .kwFor, "in": .kwIn, "if": .kwIf, "then": .kwThen,
        "implies": .kwImplies, "import": .kwImport,
    ]

    /// Every keyword's spelling, sorted: what editors' syntax definitions must highlight
    /// (a test checks the ones in `editors/`).
    public static var keywordSpellings: [String] { keywords.keys.sorted() }

    static let keywordText: [TokenKind: String] = Dictionary(uniqueKeysWithValues: keywords.map { ($1, $0) })

    /// The keyword's spelling, for keywords used as field names after `.`.
    public var keywordSpelling: String? { TokenKind.keywordText[self] }
}

/// One token: 16 bytes, positions only; the parser reads text from the source bytes.
public struct Token: Sendable {
    public var kind: TokenKind
    /// True when a line break (or a comment holding one) separates this token from the previous.
    public var newlineBefore: Bool
    public var start: UInt32
    public var end: UInt32
    public var aux: UInt32

    public init(kind: TokenKind, newlineBefore: Bool, start: UInt32, end: UInt32, aux: UInt32 = 0) {
        self.kind = kind
        self.newlineBefore = newlineBefore
        self.start = start
        self.end = end
        self.aux = aux
    }
}

/// A comment as written, kept beside the tokens (not in them): what a printer interleaves with
/// the tree by position, so that formatting loses none.
public struct Comment: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `// …` to the end of the line.
        case line
        /// `/// …`, a doc comment line.
        case doc
        /// `/* … */`, nesting.
        case block
    }

    public var kind: Kind
    /// Byte offsets of the whole comment, delimiters included (not the line's newline).
    public var start: UInt32
    public var end: UInt32
    /// The index of the token that follows it.
    public var nextToken: Int
    /// A token on the same line before it: the comment trails that code.
    public var trailsCode: Bool
}

/// A `///` doc comment block, attached to the token that follows it.
public struct DocComment: Sendable {
    public var tokenIndex: Int
    public var text: String
}
