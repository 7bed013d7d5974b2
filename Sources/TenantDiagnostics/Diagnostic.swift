public enum Severity: String, Sendable, Comparable {
    case error, warning, note

    private var rank: Int {
        switch self {
        case .error: 0
        case .warning: 1
        case .note: 2
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// A secondary source range with its label ("limit set here").
public struct DiagnosticLabel: Hashable, Sendable {
    public var span: Span
    public var message: String

    public init(_ span: Span, _ message: String) {
        self.span = span
        self.message = message
    }
}

/// A suggested edit: replace `span` with `replacement`.
public struct FixIt: Hashable, Sendable {
    public var span: Span
    public var replacement: String

    public init(_ span: Span, _ replacement: String) {
        self.span = span
        self.replacement = replacement
    }
}

/// One problem found in the user's sources.
public struct Diagnostic: Hashable, Sendable {
    public var severity: Severity
    public var code: DiagnosticCode
    public var message: String
    /// The primary range, or nil for problems that belong to no source (a missing file).
    public var span: Span?
    /// The label under the primary carets (`set here`); may be empty.
    public var label: String
    public var related: [DiagnosticLabel]
    public var notes: [String]
    public var help: [String]
    public var fixes: [FixIt]
    /// The source under the spans must not be shown (it holds a plaintext where a secret
    /// belongs): renderers give locations, never the lines.
    public var hidesSource = false
    /// Ranges besides the primary one whose text the message quotes (the path before an
    /// unexpected token): when one lies in the value of a secret field, the message is not shown.
    public var quotes: [Span] = []
    /// How many diagnostics this one counts for in the totals: more than 1 for a summary that
    /// stands for the errors a phase counted past its bound without keeping them.
    public var countsFor = 1

    public init(
        _ severity: Severity, _ code: DiagnosticCode, _ message: String,
        at span: Span?, label: String = "",
        related: [DiagnosticLabel] = [], notes: [String] = [], help: [String] = [], fixes: [FixIt] = []
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.span = span
        self.label = label
        self.related = related
        self.notes = notes
        self.help = help
        self.fixes = fixes
    }

    public static func error(
        _ code: DiagnosticCode, _ message: String, at span: Span?, label: String = "",
        related: [DiagnosticLabel] = [], notes: [String] = [], help: [String] = [], fixes: [FixIt] = []
    ) -> Diagnostic {
        Diagnostic(.error, code, message, at: span, label: label, related: related, notes: notes, help: help, fixes: fixes)
    }

    public static func warning(
        _ code: DiagnosticCode, _ message: String, at span: Span?, label: String = "",
        related: [DiagnosticLabel] = [], notes: [String] = [], help: [String] = [], fixes: [FixIt] = []
    ) -> Diagnostic {
        Diagnostic(.warning, code, message, at: span, label: label, related: related, notes: notes, help: help, fixes: fixes)
    }
}
