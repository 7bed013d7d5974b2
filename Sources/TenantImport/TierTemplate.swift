import TenantDiagnostics
import TenantFormat
import TenantSyntax

/// A tier written from a template.
public struct TierTemplateResult: Sendable {
    /// The tier's source, in canonical layout (`tenantc fmt` leaves it as it is).
    public var source: [UInt8]
    /// What each of the template's `${NAME}` became, in the order the template first uses them.
    public var placeholders: [PlaceholderBinding]
    /// What the conversion chose: required fields, values written otherwise, keys left out.
    public var notes: [ImportNote]
    /// The template's comments the tier could not keep, with why.
    public var droppedComments: [DroppedComment]
}

/// `tenantc import --as-tier`: a tier template of the system tenantc replaces (a YAML mapping
/// with `${NAME}` placeholders and `#` comments) written as a `.tenant` tier (docs/import.md).
public enum TierTemplate {
    /// Turns the template `bytes` into the tier `name`. With `parent`, the tier extends it:
    /// fields it declares are set (or left to it when the template has its value), new ones
    /// declared with their types. `formats` says which strings are crons, CIDRs and e-mails.
    public static func convert(_ bytes: [UInt8], name: String, extends parent: InheritedFields? = nil,
                               formats: StringFormats) throws(TemplateError) -> TierTemplateResult {
        guard SourceNames.isTierName(name) else {
            throw TemplateError(.syntax, "`\(name)` is not a tier name", line: 0, column: 0,
                                help: ["a tier name is a letter or `_` followed by letters, digits and `_`, and not a keyword"])
        }
        let root = try document(bytes)
        var notes = try TemplateShape.check(root)
        let scan = CommentScanner.scan(bytes)
        if scan == nil { notes.append(ImportNote(line: 0, "the template's comments were not read: it is not UTF-8")) }
        let anchors = CommentAnchor.all(in: root)
        let placed = PlacedComments(scan?.comments ?? [], anchors: anchors, blankLines: scan?.blankLines ?? [])
        let table = PlaceholderTable(uses: PlaceholderUse.all(in: root), parent: parent)
        var builder = TierBuilder(formats: formats, parent: parent, placeholders: table, comments: placed)
        let mode: TierBuilder.Mode = parent == nil ? .declaring : .extending
        var statements = try builder.statements(root, path: "", mode: mode)
        if let record = builder.placeholderRecord(mode: mode) { statements.append(record) }
        var writer = TierSourceWriter(comments: placed, anchors: anchors, blankLines: scan?.blankLines ?? [])
        writer.tier(name, extends: parent?.tier, statements)
        let dropped = (placed.dropped + writer.unwritten(leftOut: builder.leftOut)).sorted { $0.comment.line < $1.comment.line }
        return TierTemplateResult(source: try formatted(writer.out, name: name), placeholders: table.bindings,
                                  notes: byLine(notes + builder.notes), droppedComments: dropped)
    }

    /// In template order; notes on one line in the order they were made.
    private static func byLine(_ notes: [ImportNote]) -> [ImportNote] {
        notes.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
    }

    /// The template's one document.
    private static func document(_ bytes: [UInt8]) throws(TemplateError) -> ImportedNode {
        let documents: [ImportedNode]
        do { documents = try DocumentReader.read(bytes) } catch {
            throw TemplateError(.syntax, error.message, line: error.line, column: error.column)
        }
        guard let first = documents.first else {
            throw TemplateError(.syntax, "the template is empty: a tier template is a mapping of fields", line: 1, column: 1)
        }
        guard documents.count == 1 else {
            throw TemplateError(.syntax, "the template holds \(documents.count) documents: a tier is imported from one", line: documents[1].line, column: documents[1].column,
                                help: ["split the stream, one template per file"])
        }
        return first
    }

    /// The source in canonical layout. It parses by construction; should it not, that is
    /// reported rather than written.
    private static func formatted(_ text: String, name: String) throws(TemplateError) -> [UInt8] {
        let bytes = Array(text.utf8)
        guard bytes.count <= Lexer.maxSourceBytes else {
            throw TemplateError(.tooLarge, "the tier would be \(bytes.count >> 20) MiB: over the \(Lexer.maxSourceBytes >> 20) MiB of a source file", line: 0, column: 0,
                                help: ["split the template"])
        }
        switch Formatter.format(SourceFile(id: FileID(raw: 0), path: name + ".tenant", bytes: bytes)) {
        case .formatted(let out):
            return out
        case .syntaxErrors(let diagnostics) where diagnostics.contains(where: { $0.code == .inputTooLarge }):
            throw TemplateError(.tooLarge, "the tier would be over the \(Lexer.maxSourceBytes >> 20) MiB of a source file", line: 0, column: 0, help: ["split the template"])
        case .syntaxErrors(let diagnostics):
            throw TemplateError(.syntax, "the tier written from the template does not parse (\(diagnostics.first?.message ?? "?")): please report it", line: 0, column: 0)
        case .internalError(let message):
            throw TemplateError(.syntax, message + ": please report it", line: 0, column: 0)
        }
    }
}
