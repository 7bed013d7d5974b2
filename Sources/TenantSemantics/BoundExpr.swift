import TenantDiagnostics
import TenantModel
import TenantSyntax

/// The built-in names under `tenant.`.
public enum Builtin: String, Sendable, CaseIterable {
    case id, tier, environment
}

/// The built-in functions.
public enum Function: String, Sendable, CaseIterable {
    case sum, min, max, len, all, any, keys
}

/// An expression with its names resolved against a schema: references are slot indices,
/// comprehension variables are indices into the evaluator's local stack.
public indirect enum BoundExpr: Sendable {
    case constant(Value)
    /// An absolute reference to a field.
    case slot(Int32, Span)
    /// `record.*` on a record of the config tree.
    case slotChildren(Int32, Span)
    /// A comprehension variable (index into the locals, outermost first).
    case local(Int, Span)
    /// `db.resources.cpu` on a comprehension variable.
    case localPath(Int, [String], Span)
    /// `db.resources.cpu` on a variable that runs over the children of a record of the config:
    /// the field each child leads to, resolved once (-1 where it must be looked up by name).
    case localSlotPath(Int, [String], [Int32], Span)
    /// `.name` on a computed record.
    case member(BoundExpr, String, Span)
    /// `.*` on a computed record.
    case children(BoundExpr, Span)
    case builtin(Builtin, Span)
    case superValue(Span)
    case interpolation([BoundPart], Span)
    case list([BoundExpr], Span)
    case record([String], [BoundExpr], Span)
    case unary(UnaryOperator, BoundExpr, Span)
    case binary(BinaryOperator, BoundExpr, BoundExpr, Span)
    case conditional(BoundExpr, BoundExpr, BoundExpr, Span)
    case call(Function, [BoundExpr], Span)
    case comprehension(element: BoundExpr, source: BoundExpr, condition: BoundExpr?, Span)
    /// An expression that failed to bind (already reported).
    case invalid(Span)

    public var span: Span {
        switch self {
        case .constant: Span(file: FileID(raw: 0), start: 0, end: 0)
        case .slot(_, let s), .slotChildren(_, let s), .local(_, let s), .localPath(_, _, let s), .localSlotPath(_, _, _, let s), .member(_, _, let s),
             .children(_, let s), .builtin(_, let s), .superValue(let s), .interpolation(_, let s), .list(_, let s),
             .record(_, _, let s), .unary(_, _, let s), .binary(_, _, _, let s), .conditional(_, _, _, let s),
             .call(_, _, let s), .comprehension(_, _, _, let s), .invalid(let s):
            s
        }
    }

    /// The constant value, when the expression needs no evaluation.
    public var constantValue: Value? {
        if case .constant(let v) = self { return v }
        return nil
    }

    /// True when the expression (outside nested comprehensions) uses `super`.
    public var usesSuper: Bool {
        switch self {
        case .superValue: true
        case .constant, .slot, .slotChildren, .local, .localPath, .localSlotPath, .builtin, .invalid: false
        case .member(let e, _, _), .children(let e, _), .unary(_, let e, _): e.usesSuper
        case .interpolation(let parts, _): parts.contains { if case .expression(let e) = $0 { e.usesSuper } else { false } }
        case .list(let items, _), .record(_, let items, _), .call(_, let items, _): items.contains { $0.usesSuper }
        case .binary(_, let a, let b, _): a.usesSuper || b.usesSuper
        case .conditional(let a, let b, let c, _): a.usesSuper || b.usesSuper || c.usesSuper
        case .comprehension(let e, let s, let c, _): e.usesSuper || s.usesSuper || (c?.usesSuper ?? false)
        }
    }
}

extension BoundExpr {
    /// The fields the expression reads by name (`a.b`, `r.*`, `db.x` over `r.*`), in order, and
    /// whether it reads `super`: where its value can come from, without evaluating it.
    func references(into fields: inout [Int32], super readsSuper: inout Bool, schema: Schema) {
        switch self {
        case .constant, .local, .localPath, .builtin, .invalid:
            break
        case .slot(let s, _):
            fields.append(s)
        case .slotChildren(let s, _):
            fields.append(contentsOf: schema[s].children)
        case .localSlotPath(_, _, let targets, _):
            fields.append(contentsOf: targets.filter { $0 >= 0 })
        case .superValue:
            readsSuper = true
        case .member(let e, _, _), .children(let e, _), .unary(_, let e, _):
            e.references(into: &fields, super: &readsSuper, schema: schema)
        case .interpolation(let parts, _):
            for case .expression(let e) in parts { e.references(into: &fields, super: &readsSuper, schema: schema) }
        case .list(let items, _), .record(_, let items, _), .call(_, let items, _):
            for e in items { e.references(into: &fields, super: &readsSuper, schema: schema) }
        case .binary(_, let a, let b, _):
            a.references(into: &fields, super: &readsSuper, schema: schema)
            b.references(into: &fields, super: &readsSuper, schema: schema)
        case .conditional(let a, let b, let c, _):
            for e in [a, b, c] { e.references(into: &fields, super: &readsSuper, schema: schema) }
        case .comprehension(let e, let source, let c, _):
            source.references(into: &fields, super: &readsSuper, schema: schema)
            e.references(into: &fields, super: &readsSuper, schema: schema)
            c?.references(into: &fields, super: &readsSuper, schema: schema)
        }
    }
}

public enum BoundPart: Sendable {
    case text(String)
    case expression(BoundExpr)
}
