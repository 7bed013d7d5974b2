import TenantDiagnostics
import TenantModel

/// An identifier with its location.
public struct Name: Sendable, Hashable {
    public var text: String
    public var span: Span

    public init(_ text: String, _ span: Span) {
        self.text = text
        self.span = span
    }
}

/// One segment of a dotted path: a field name, or `*` (in `scale` patterns).
public enum PathSegment: Sendable, Hashable {
    case name(Name)
    case wildcard(Span)

    public var span: Span {
        switch self {
        case .name(let n): n.span
        case .wildcard(let s): s
        }
    }

    public var text: String {
        switch self {
        case .name(let n): n.text
        case .wildcard: "*"
        }
    }
}

/// A dotted path such as `databases.postgresql.mode` or `databases.*.resources`.
public struct Path: Sendable, Hashable {
    public var segments: [PathSegment]

    public init(_ segments: [PathSegment]) { self.segments = segments }

    public var span: Span {
        guard let first = segments.first, let last = segments.last else {
            return Span(file: FileID(raw: 0), start: 0, end: 0)
        }
        return first.span.union(last.span)
    }

    public var text: String { segments.map(\.text).joined(separator: ".") }

    /// The names when the path has no wildcard.
    public var names: [Name]? {
        var out: [Name] = []
        out.reserveCapacity(segments.count)
        for s in segments {
            guard case .name(let n) = s else { return nil }
            out.append(n)
        }
        return out
    }
}

public enum UnaryOperator: String, Sendable {
    case negate = "-"
    case not = "!"
}

public enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case and = "&&", or = "||", implies = "implies", contains = "in"
}

/// A piece of an interpolated string.
public enum StringPart: Sendable {
    case text(String)
    case expression(Expr)
}

/// A `key = value` entry of a record literal; the key may be dotted (`a.b = 1`).
public struct RecordEntry: Sendable {
    public var path: [Name]
    public var value: Expr

    public init(path: [Name], value: Expr) {
        self.path = path
        self.value = value
    }
}

public indirect enum ExprKind: Sendable {
    /// `true`, `42`, `0.25`, `512MiB`, `"plain"`, `unlimited`.
    case literal(Value)
    case interpolation([StringPart])
    case list([Expr])
    case record([RecordEntry])
    /// The first name of a reference: a field at the root, a comprehension variable, or `tenant`.
    case name(Name)
    case member(Expr, Name)
    /// `expr.*`: the list of a record's child values.
    case wildcard(Expr)
    case superValue
    case unary(UnaryOperator, Expr)
    case binary(BinaryOperator, Expr, Expr)
    case conditional(Expr, Expr, Expr)
    case call(Name, [Expr])
    case comprehension(element: Expr, variable: Name, source: Expr, condition: Expr?)
    /// Stands in for an expression that failed to parse (already reported).
    case invalid
}

public struct Expr: Sendable {
    public var kind: ExprKind
    public var span: Span

    public init(_ kind: ExprKind, _ span: Span) {
        self.kind = kind
        self.span = span
    }
}

public indirect enum TypeExprKind: Sendable {
    /// `int`, `string`, `size`, `cron`, … (checked by the semantic layer).
    case named(Name)
    /// A string literal member of an enum: `"shared"`.
    case stringLiteral(String)
    /// `"a" | "b"`, `size | unlimited`.
    case union([TypeExpr])
    case unlimited
    case list(TypeExpr)
    /// `{ name: string  retention: duration = 30d }`: a record whose fields the body declares.
    case record([Statement])
    case optional(TypeExpr)
    /// `int(1..65535)`, `size(..10TiB)`.
    case bounded(TypeExpr, lower: Expr?, upper: Expr?)
    case invalid
}

public struct TypeExpr: Sendable {
    public var kind: TypeExprKind
    public var span: Span

    public init(_ kind: TypeExprKind, _ span: Span) {
        self.kind = kind
        self.span = span
    }
}

public enum RuleSeverity: String, Sendable {
    case check, warn
}

public indirect enum StatementKind: Sendable {
    /// `path = expr`
    case assign(Path, Expr)
    /// `path: Type` or `path: Type = expr` (including `path: { body }`).
    case declare(Path, TypeExpr, Expr?)
    /// `path { body }`
    case block(Path, [Statement])
    /// `check expr else "msg"` / `warn …`
    case rule(RuleSeverity, Expr, message: Expr?)
    /// `env NAME { body }`
    case env(Name, [Statement])
    /// `scale PATTERN by expr`
    case scale(Path, Expr)
}

public struct Statement: Sendable {
    public var kind: StatementKind
    public var span: Span
    public var locked: Bool
    /// The `locked` keyword's span, when present.
    public var lockedSpan: Span?
    public var doc: String?
    /// `replicas: 3`: an assignment written with `:` (YAML's habit) — the `:`'s span. The
    /// statement is read as `replicas = 3` and the semantic layer reports it (E0101), where it
    /// knows which field was meant.
    public var colonSpan: Span?

    public init(_ kind: StatementKind, span: Span, locked: Bool = false, lockedSpan: Span? = nil, doc: String? = nil) {
        self.kind = kind
        self.span = span
        self.locked = locked
        self.lockedSpan = lockedSpan
        self.doc = doc
    }
}

public enum DeclarationKind: String, Sendable {
    case tier, tenant
}

/// `tier NAME [extends PARENT] { … }` or `tenant ID extends TIER { … }`.
public struct Declaration: Sendable {
    public var kind: DeclarationKind
    public var name: Name
    public var parent: Name?
    public var body: [Statement]
    public var doc: String?
    /// From the keyword to the closing brace.
    public var span: Span
    /// `tier NAME extends PARENT` — where "this declaration" diagnostics point.
    public var headerSpan: Span

    public init(kind: DeclarationKind, name: Name, parent: Name?, body: [Statement], doc: String?, span: Span, headerSpan: Span) {
        self.kind = kind
        self.name = name
        self.parent = parent
        self.body = body
        self.doc = doc
        self.span = span
        self.headerSpan = headerSpan
    }
}

/// A parsed file.
public struct SourceUnit: Sendable {
    public var file: SourceFile
    public var declarations: [Declaration]
    public var diagnostics: [Diagnostic]
    /// The file's comments, beside the tree (positions say where each belongs).
    public var comments: [Comment] = []

    public init(file: SourceFile, declarations: [Declaration], diagnostics: [Diagnostic]) {
        self.file = file
        self.declarations = declarations
        self.diagnostics = diagnostics
    }
}
