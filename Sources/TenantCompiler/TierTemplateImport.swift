import TenantDiagnostics
import TenantImport
import TenantSemantics
import TenantSyntax

/// What `tenantc import --as-tier` produced (docs/import.md, "Tier templates").
public struct TierTemplateImportOutcome: Sendable {
    /// The tier, in canonical layout and checked with the project's tiers; nil when the
    /// template could not be imported or the tier has errors.
    public let source: [UInt8]?
    /// The file the tier was checked as: `NAME.tenant` in the project's tier directory (in the
    /// working directory when there is none), as messages show it.
    public let path: String
    /// What each `${NAME}` of the template became.
    public let placeholders: [PlaceholderBinding]
    /// What the import chose, and each comment it could not keep, with its place in the
    /// template (`TEMPLATE:LINE: …`).
    public let notes: [String]
    /// Problems of the template (at its lines) or of the tier written from it (at the tier's
    /// lines), and the tier's warnings, sorted as `check` shows them.
    public let diagnostics: [Diagnostic]
    public let counts: DiagnosticCounts
    public let sources: SourceMap

    public var succeeded: Bool { source != nil }
}

/// The driver of `tenantc import --as-tier NAME [--extends PARENT] TEMPLATE`: reads the
/// template, loads the project's tiers for the parent's fields, converts (`TierTemplate`),
/// and checks the tier with the project's tiers before handing it back.
public enum TierTemplateImport {
    /// A problem with the command itself — an unreadable template, a name that is no tier
    /// name, an unknown parent, no tier directory for `--extends` — is a `UsageFailure`
    /// (exit 2); problems in the template or the tier are diagnostics of the outcome.
    public static func run(templatePath: String, name: String, extends parent: String? = nil, tiersDirectory: String? = nil,
                           workingDirectory: String? = nil) throws(UsageFailure) -> TierTemplateImportOutcome {
        let base = FileSystem.absolute(workingDirectory ?? FileSystem.currentDirectory, base: FileSystem.currentDirectory)
        try checkNames(name, parent)
        let bytes = try read(templatePath, base: base)
        let sources = SourceMap()
        let project = try ProjectTierSet(tiersDirectory: tiersDirectory, standingFor: name, needed: parent != nil, base: base, sources: sources)
        let inherited = try parent.map { p throws(UsageFailure) in try project.fields(of: p) }
        // On a large stack, as the compiler parses and checks: the template may nest deep.
        let converted = withStackSpace {
            Result { () throws(TemplateError) in try TierTemplate.convert(bytes, name: name, extends: inherited, formats: .compiler) }
        }
        switch converted {
        case .failure(let error):
            let diagnostic = diagnostic(error, in: sources.add(path: templatePath, bytes: bytes))
            return outcome(nil, path: project.displayPath, diagnostics: [diagnostic], sources: sources)
        case .success(let result):
            return checked(result, in: project, templatePath: templatePath)
        }
    }

    private static func read(_ templatePath: String, base: String) throws(UsageFailure) -> [UInt8] {
        do { return try FileSystem.readFile(FileSystem.absolute(templatePath, base: base)) } catch {
            throw UsageFailure("cannot read \(templatePath): \(error.reason)")
        }
    }

    /// The tier checked with the project's tiers: handed back only without errors. Its
    /// diagnostics are those in its own file; the project's other problems are `check`'s.
    private static func checked(_ result: TierTemplateResult, in project: ProjectTierSet, templatePath: String) -> TierTemplateImportOutcome {
        let (tiers, unit) = project.checked(result.source)
        let diagnostics = unit.diagnostics + tiers.diagnostics.filter { $0.span?.file == unit.file.id }
        let compiles = !diagnostics.contains { $0.severity == .error }
        return outcome(compiles ? result.source : nil, path: project.displayPath, notes: notes(result, templatePath: templatePath),
                       diagnostics: diagnostics, sources: project.sources, tiers: tiers, placeholders: result.placeholders)
    }

    private static func checkNames(_ name: String, _ parent: String?) throws(UsageFailure) {
        let rule = "a tier name is a letter or `_` followed by letters, digits and `_`, and not a keyword"
        guard SourceNames.isTierName(name) else { throw UsageFailure("`\(name)` is not a tier name", help: [rule]) }
        guard let parent else { return }
        guard SourceNames.isTierName(parent) else { throw UsageFailure("--extends \(parent): not a tier name", help: [rule]) }
        guard parent != name else { throw UsageFailure("tier `\(name)` cannot extend itself") }
    }

    private static func outcome(_ source: [UInt8]?, path: String, notes: [String] = [], diagnostics: [Diagnostic], sources: SourceMap,
                                tiers: TierSet? = nil, placeholders: [PlaceholderBinding] = []) -> TierTemplateImportOutcome {
        var list = DiagnosticList()
        list.append(contentsOf: diagnostics)
        let shown = list.finalized(sourceMap: sources)
        if let tiers { markSecretValues(shownBy: shown, sources: sources, tiers: [tiers]) }
        return TierTemplateImportOutcome(source: source, path: path, placeholders: placeholders, notes: notes, diagnostics: shown,
                                         counts: list.counts, sources: sources)
    }

    /// The conversion's notes and dropped comments, in template order, each at its line.
    private static func notes(_ result: TierTemplateResult, templatePath: String) -> [String] {
        let chosen = result.notes.map { (line: $0.line, text: $0.line > 0 ? "\(templatePath):\($0.line): \($0.message)" : "\(templatePath): \($0.message)") }
        let dropped = result.droppedComments.map {
            (line: $0.comment.line, text: "\(templatePath):\($0.comment.line): comment `#\($0.comment.text)` not kept: \($0.reason)")
        }
        return (chosen + dropped).enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element.text)
    }

    /// A template error at its place in the template: E0101 for what libyaml or the tier's
    /// rules refuse, E0104 for nesting, E0009 for size.
    private static func diagnostic(_ error: TemplateError, in template: SourceFile) -> Diagnostic {
        let code: DiagnosticCode = switch error.kind {
        case .syntax: .syntax
        case .tooDeep: .nestingTooDeep
        case .tooLarge: .inputTooLarge
        }
        let span = error.line > 0 ? TemplateSpan.at(line: error.line, column: error.column, in: template) : nil
        return .error(code, error.message, at: span, help: error.help)
    }
}

extension StringFormats {
    /// The compiler's own checks of `cron`, `cidr` and `email` values.
    public static let compiler = StringFormats(isCron: { FormatValidation.cronProblem($0) == nil }, isCIDR: { FormatValidation.cidrProblem($0) == nil },
                                        isEmail: { FormatValidation.emailProblem($0) == nil })
}

/// Where a template's line and column (libyaml's: columns count characters) fall in its bytes.
enum TemplateSpan {
    /// Column 0: the line's text, from its first non-blank character.
    static func at(line: Int, column: Int, in file: SourceFile) -> Span {
        let index = min(line - 1, file.lineStarts.count - 1)
        let bytes = file.lineBytes(index)
        var start = bytes.startIndex
        if index == 0, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start += 3 }
        guard column > 0 else {
            let first = bytes[start...].firstIndex { $0 != 0x20 && $0 != 0x09 } ?? bytes.endIndex
            return Span(file: file.id, start: first, end: max(first, bytes.endIndex))
        }
        var offset = start
        var characters = 1
        while characters < column, offset < bytes.endIndex {
            offset += 1
            while offset < bytes.endIndex, bytes[offset] & 0xC0 == 0x80 { offset += 1 }
            characters += 1
        }
        var end = offset
        if end < bytes.endIndex { end += 1 }
        while end < bytes.endIndex, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return Span(file: file.id, start: offset, end: end)
    }
}
