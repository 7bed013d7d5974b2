/// The page `tenantc explain-error CODE` prints for one diagnostic code, as `rustc --explain`
/// does: what the code means, a small project that reports it, and the same project fixed.
///
/// Pages are data kept next to the codes. A test runs every example with the real `tenantc`
/// and checks that the failing one reports the code and the fixed one reports no error; it also
/// fails when a code has no page, so a page cannot go missing or stale silently.
public struct Explanation: Sendable {
    public let code: DiagnosticCode
    /// What the code means, why the rule exists and how to fix it: a few lines of plain text.
    public let text: String
    /// A project and a command that report `code`.
    public let failing: Example
    /// The same project corrected: its command reports no error, and not `code`.
    public let fixed: Example
    /// Set when no input makes this version report `code`.
    public let unreproducible: Unreproducible?

    init(_ code: DiagnosticCode, _ text: String, failing: Example, fixed: Example, unreproducible: Unreproducible? = nil) {
        self.code = code
        self.text = text
        self.failing = failing
        self.fixed = fixed
        self.unreproducible = unreproducible
    }
}

/// Why a code is never reported, and what its page's failing example is reported as instead.
public struct Unreproducible: Sendable {
    public let reason: String
    public let reportedAs: DiagnosticCode
}

/// A small project: its files, what is done to it first, and the command that shows the result.
public struct Example: Sendable {
    public let files: [ExampleFile]
    /// Run in order before `command`: an earlier build whose output the command then finds.
    public let setup: [ExampleStep]
    /// The arguments of `tenantc`, run in the project's directory.
    public let command: [String]
    /// A directory of the project put first on `PATH` for every command: where its plugins are.
    public let pluginDirectory: String?

    init(_ files: [ExampleFile], setup: [ExampleStep] = [], command: [String] = ["check", "."], pluginDirectory: String? = nil) {
        self.files = files
        self.setup = setup
        self.command = command
        self.pluginDirectory = pluginDirectory
    }
}

/// Something done to a project before its command.
public enum ExampleStep: Sendable, Equatable {
    /// `tenantc` with these arguments; it is expected to succeed.
    case run([String])
    /// The file at this path is deleted.
    case remove(String)
    /// A line is appended to the file at this path (an artifact edited by hand).
    case append(String, line: String)
}

/// One file of an example. Its bytes are made on demand: a few examples are megabytes.
public struct ExampleFile: Sendable {
    public let path: String
    /// What a page prints for the file: its text, or a description when the bytes are not text
    /// or are too many to print.
    public let shown: String
    /// Whether the file is a program (a plugin), to be made executable.
    public let isExecutable: Bool
    private let make: @Sendable () -> [UInt8]

    public var bytes: [UInt8] { make() }

    /// A file whose text is printed as it is; it ends with a line break.
    init(_ path: String, _ text: String, executable: Bool = false) {
        let text = text.hasSuffix("\n") ? text : text + "\n"
        self.path = path
        self.shown = text
        self.isExecutable = executable
        let bytes = Array(text.utf8)
        self.make = { bytes }
    }

    /// A file made by `make`, printed as `shown`.
    init(_ path: String, shown: String, make: @escaping @Sendable () -> [UInt8]) {
        self.path = path
        self.shown = shown
        self.isExecutable = false
        self.make = make
    }
}

extension Explanation {
    /// Every page written, in area order (possibly with a code twice: a test says so).
    static let written: [Explanation] = lexical + syntax + declarations + fields + evaluation + output + secrets

    /// Every page, in the order of `DiagnosticCode.all`. A code without a page is left out
    /// here; the test that compares this list with the codes names it.
    public static let all: [Explanation] = DiagnosticCode.all.compactMap { pagesByID[$0.id] }

    /// The ids of every page written, repeats included: a test checks there is one per code.
    public static var writtenIDs: [String] { written.map(\.code.id) }

    private static let pagesByID = Dictionary(written.map { ($0.code.id, $0) }, uniquingKeysWith: { first, _ in first })

    /// The page of the code `name` names: `E0301`, or written `e0301`, `0301` or `301`.
    public static func page(for name: String) -> Explanation? {
        normalizedID(name).flatMap { pagesByID[$0] }
    }

    /// `name` as a code id: its letter upper-cased and its digits padded to four; for bare
    /// digits, the letter of the code that has them (`E` before `W`), else `E`. Nil unless
    /// `name` is one to four digits, after an optional letter `E` or `W` in either case.
    public static func normalizedID(_ name: String) -> String? {
        var rest = Substring(name)
        var letter: String?
        if let first = rest.first, "eEwW".contains(first) {
            letter = first.uppercased()
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty, rest.count <= 4, rest.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let digits = String(repeating: "0", count: 4 - rest.count) + rest
        if let letter { return letter + digits }
        return ["E", "W"].map { $0 + digits }.first { pagesByID[$0] != nil } ?? "E" + digits
    }
}

extension ExampleFile {
    /// `tiers/basic.tenant`, the tier of most examples.
    static func tier(_ text: String) -> ExampleFile { ExampleFile("tiers/basic.tenant", text) }

    /// `tenants/acme.tenant`, the tenant of most examples.
    static func tenant(_ text: String) -> ExampleFile { ExampleFile("tenants/acme.tenant", text) }
}
