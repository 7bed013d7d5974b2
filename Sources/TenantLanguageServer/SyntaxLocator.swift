import TenantDiagnostics
import TenantSyntax

/// What the cursor is on, found in the tree.
enum SyntaxTarget {
    /// A field: a segment of a statement's path, a key of a record literal, or a reference in
    /// an expression — as a path from the root, up to the segment under the cursor.
    case field([String], Span)
    /// The tier an `extends` names.
    case tier(String, Span)
    /// The name of a declaration.
    case declarationName(Declaration)
}

/// Finds the declaration and the target under a byte offset of a parsed file.
struct SyntaxLocator {
    let offset: UInt32

    static func locate(_ unit: SourceUnit, offset: Int) -> (Declaration, SyntaxTarget?)? {
        let locator = SyntaxLocator(offset: UInt32(clamping: offset))
        guard let decl = unit.declarations.first(where: { locator.covers($0.span) }) else { return nil }
        if locator.covers(decl.name.span) { return (decl, .declarationName(decl)) }
        if let parent = decl.parent, locator.covers(parent.span) { return (decl, .tier(parent.text, parent.span)) }
        return (decl, locator.statements(decl.body, prefix: []))
    }

    func covers(_ span: Span) -> Bool { span.start <= offset && offset <= span.end }

    private func statements(_ body: [Statement], prefix: [String]) -> SyntaxTarget? {
        for s in body where covers(s.span) {
            if let found = statement(s, prefix: prefix) { return found }
        }
        return nil
    }

    private func statement(_ s: Statement, prefix: [String]) -> SyntaxTarget? {
        switch s.kind {
        case .assign(let path, let value):
            return segment(path, prefix) ?? expression(value, entryPrefix: prefix + path.segments.map(\.text))
        case .declare(let path, let type, let value):
            if let found = segment(path, prefix) { return found }
            if case .record(let body) = type.kind, covers(type.span) { return statements(body, prefix: prefix + path.segments.map(\.text)) }
            return value.flatMap { expression($0, entryPrefix: prefix + path.segments.map(\.text)) }
        case .block(let path, let body):
            return segment(path, prefix) ?? statements(body, prefix: prefix + path.segments.map(\.text))
        case .env(_, let body):
            return statements(body, prefix: prefix)
        case .rule(_, let condition, let message):
            return expression(condition, entryPrefix: nil) ?? message.flatMap { expression($0, entryPrefix: nil) }
        case .scale(let path, let factor):
            return segment(path, prefix) ?? expression(factor, entryPrefix: nil)
        }
    }

    /// The path up to the segment under the cursor; nil past a wildcard.
    private func segment(_ path: Path, _ prefix: [String]) -> SyntaxTarget? {
        var names = prefix
        for segment in path.segments {
            guard case .name(let n) = segment else { return nil }
            names.append(n.text)
            if covers(n.span) { return .field(names, n.span) }
        }
        return nil
    }

    /// A reference (a path from the root) or, in a record literal written for the field at
    /// `entryPrefix`, an entry's key.
    private func expression(_ e: Expr, entryPrefix: [String]?) -> SyntaxTarget? {
        guard covers(e.span) else { return nil }
        switch e.kind {
        case .name, .member:
            guard let (names, spans) = SyntaxLocator.reference(e), names.first != "tenant" else { return nil }
            guard let k = spans.firstIndex(where: covers) else { return nil }
            return .field(Array(names[...k]), spans[k])
        case .record(let entries):
            for entry in entries {
                if let prefix = entryPrefix, let k = entry.path.firstIndex(where: { covers($0.span) }) {
                    return .field(prefix + entry.path[...k].map(\.text), entry.path[k].span)
                }
                if let found = expression(entry.value, entryPrefix: entryPrefix.map { $0 + entry.path.map(\.text) }) { return found }
            }
            return nil
        default:
            for child in SyntaxLocator.children(e) {
                if let found = expression(child, entryPrefix: nil) { return found }
            }
            return nil
        }
    }

    /// `a.b.c` as names and their spans; nil for a chain on something else than a name.
    static func reference(_ e: Expr) -> ([String], [Span])? {
        switch e.kind {
        case .name(let n): return ([n.text], [n.span])
        case .member(let base, let n):
            guard let (names, spans) = reference(base) else { return nil }
            return (names + [n.text], spans + [n.span])
        default: return nil
        }
    }

    static func children(_ e: Expr) -> [Expr] {
        switch e.kind {
        case .literal, .name, .superValue, .invalid: []
        case .interpolation(let parts): parts.compactMap { if case .expression(let x) = $0 { x } else { nil } }
        case .list(let items): items
        case .record(let entries): entries.map(\.value)
        case .member(let base, _), .wildcard(let base), .unary(_, let base): [base]
        case .binary(_, let a, let b): [a, b]
        case .conditional(let a, let b, let c): [a, b, c]
        case .call(_, let args): args
        case .comprehension(let element, _, let source, let condition): [element, source] + (condition.map { [$0] } ?? [])
        }
    }
}
