/// Why a template could not be turned into a tier, and where in the template.
public struct TemplateError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// libyaml refused the text, or the document is not a mapping of valid field names.
        case syntax
        /// Nested deeper than a tier nests records.
        case tooDeep
        /// The tier would be larger than a source file may be.
        case tooLarge
    }

    public var kind: Kind
    public var message: String
    /// 1-based; 0 when the problem has no place in the template (the tier as a whole).
    public var line: Int
    /// 1-based; 0 when only the line is known (a key: the reader keeps the lines of keys).
    public var column: Int
    public var help: [String]

    public init(_ kind: Kind, _ message: String, line: Int, column: Int, help: [String] = []) {
        self.kind = kind
        self.message = message
        self.line = line
        self.column = column
        self.help = help
    }

    public var description: String { line > 0 ? "\(line):\(column): \(message)" : message }
}

/// Something the conversion chose or could not keep, for the user to read: where in the
/// template (0 when it concerns the template as a whole) and what.
public struct ImportNote: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String

    public init(line: Int, _ message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "\(line): \(message)" : message }
}
