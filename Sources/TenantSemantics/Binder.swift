import TenantDiagnostics
import TenantModel
import TenantSyntax

/// Resolves an expression's names against a schema: root fields become slot indices,
/// comprehension variables become local indices, `tenant.*` becomes a built-in.
struct Binder {
    let schema: Schema
    var diagnostics: [Diagnostic] = []
    /// Comprehension variables; `children` is the record whose children the variable runs over.
    private var locals: [(name: String, type: FieldType, children: Int32?)] = []

    init(schema: Schema) { self.schema = schema }

    private mutating func report(_ code: DiagnosticCode, _ message: String, _ span: Span, label: String = "", help: [String] = [], fixes: [FixIt] = []) {
        diagnostics.append(.error(code, message, at: span, label: label, help: help, fixes: fixes))
    }

    mutating func bind(_ e: Expr) -> BoundExpr {
        switch e.kind {
        case .literal(let v):
            return .constant(v)
        case .invalid:
            return .invalid(e.span)
        case .interpolation(let parts):
            var out: [BoundPart] = []
            var allConstant = true
            for p in parts {
                switch p {
                case .text(let t): out.append(.text(t))
                case .expression(let x):
                    let b = bind(x)
                    if b.constantValue == nil { allConstant = false }
                    out.append(.expression(b))
                }
            }
            if allConstant, let folded = try? foldInterpolation(out) { return .constant(.string(folded)) }
            return .interpolation(out, e.span)
        case .list(let items):
            let bound = items.map { bind($0) }
            if bound.allSatisfy({ $0.constantValue != nil }) {
                return .constant(.list(bound.map { $0.constantValue! }))  // checked just above
            }
            return .list(bound, e.span)
        case .record(let entries):
            return bindRecord(entries, span: e.span)
        case .name, .member:
            return bindReference(e)
        case .wildcard(let base):
            let b = bindReference(base)
            if case .slot(let s, _) = b {
                guard schema[s].isRecord else {
                    report(.notARecord, "`\(schema[s].path).*` needs a record, but `\(schema[s].path)` is a \(schema[s].type.description)", e.span)
                    return .invalid(e.span)
                }
                return .slotChildren(s, e.span)
            }
            if case .invalid = b { return b }
            return .children(b, e.span)
        case .superValue:
            return .superValue(e.span)
        case .unary(let op, let x):
            let b = bind(x)
            if let c = b.constantValue {
                if op == .negate, let v = try? Operators.negate(c) { return .constant(v) }
                if op == .not, case .bool(let v) = c { return .constant(.bool(!v)) }
            }
            return .unary(op, b, e.span)
        case .binary(let op, let l, let r):
            let bl = bind(l)
            let br = bind(r)
            if let a = bl.constantValue, let b = br.constantValue, let v = try? Operators.binary(op, a, b) {
                return .constant(v)
            }
            return .binary(op, bl, br, e.span)
        case .conditional(let c, let t, let f):
            return .conditional(bind(c), bind(t), bind(f), e.span)
        case .call(let name, let args) where name.text == "secret":
            return bindSecret(args, e.span)
        case .call(let name, let args):
            guard let f = Function(rawValue: name.text) else {
                var help: [String] = ["the functions are \(Function.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", "))"]
                var fixes: [FixIt] = []
                if let s = suggestion(for: name.text, among: Function.allCases.map(\.rawValue)) {
                    help.insert("did you mean `\(s)`?", at: 0)
                    fixes.append(FixIt(name.span, s))
                }
                report(.badCall, "unknown function `\(name.text)`", name.span, help: help, fixes: fixes)
                return .invalid(e.span)
            }
            let bound = args.map { bind($0) }
            switch f {
            case .min, .max:
                if bound.isEmpty { report(.badCall, "`\(f.rawValue)` needs a list or at least one argument", e.span) }
            default:
                if bound.count != 1 { report(.badCall, "`\(f.rawValue)` takes exactly one argument, found \(bound.count)", e.span) }
            }
            return .call(f, bound, e.span)
        case .comprehension(let element, let variable, let source, let condition):
            let src = bind(source)
            var children: Int32?
            if case .slotChildren(let s, _) = src { children = s }
            locals.append((variable.text, elementType(of: src), children))
            let el = bind(element)
            let cond = condition.map { bind($0) }
            locals.removeLast()
            return .comprehension(element: el, source: src, condition: cond, e.span)
        }
    }

    /// `secret("tenantc:v1:…")`: a constant secret. Nothing of a malformed argument is repeated
    /// (it may be a plaintext pasted by mistake), and its line is not shown.
    private mutating func bindSecret(_ args: [Expr], _ span: Span) -> BoundExpr {
        let help = ["`tenantc encrypt --key-file KEY` reads the value from its standard input and prints the `secret(\"tenantc:v1:…\")` to paste"]
        guard args.count == 1, case .literal(.string(let text)) = args[0].kind else {
            report(.invalidSecret, "`secret(…)` takes one plain string literal: the encrypted value `tenantc encrypt` prints", span, help: help)
            diagnostics[diagnostics.count - 1].hidesSource = true
            return .invalid(span)
        }
        guard let token = SecretToken(text) else {
            report(.invalidSecret, "this is not an encrypted secret: `secret(…)` holds `tenantc:v1:<key-id>:<base64>`", args[0].span, help: help)
            diagnostics[diagnostics.count - 1].hidesSource = true
            return .invalid(span)
        }
        return .constant(.secret(token.text))
    }

    private func foldInterpolation(_ parts: [BoundPart]) throws(OperationError) -> String {
        var s = ""
        for p in parts {
            switch p {
            case .text(let t): s += t
            case .expression(let b): if let v = b.constantValue { s += try Operators.interpolated(v) }
            }
        }
        return s
    }

    /// `{ a = 1, b.c = 2 }` → nested records, keys in first-appearance order.
    private mutating func bindRecord(_ entries: [RecordEntry], span: Span) -> BoundExpr {
        final class Node {
            var keys: [String] = []
            var values: [String: Either] = [:]
            enum Either { case expr(BoundExpr, Span), node(Node) }
        }
        let root = Node()
        for entry in entries {
            var node = root
            for (i, name) in entry.path.enumerated() {
                let last = i == entry.path.count - 1
                if last {
                    if node.values[name.text] != nil {
                        report(.duplicateField, "duplicate key `\(name.text)` in the record", name.span)
                        continue
                    }
                    node.keys.append(name.text)
                    node.values[name.text] = .expr(bind(entry.value), name.span)
                } else {
                    switch node.values[name.text] {
                    case .node(let n): node = n
                    case .expr:
                        report(.duplicateField, "duplicate key `\(name.text)` in the record", name.span)
                    case nil:
                        let n = Node()
                        node.keys.append(name.text)
                        node.values[name.text] = .node(n)
                        node = n
                    }
                }
            }
        }
        func build(_ n: Node) -> BoundExpr {
            var values: [BoundExpr] = []
            for k in n.keys {
                switch n.values[k] {
                case .expr(let b, _): values.append(b)
                case .node(let child): values.append(build(child))
                case nil: values.append(.invalid(span))
                }
            }
            if values.allSatisfy({ $0.constantValue != nil }) {
                return .constant(.record(Record(keys: n.keys, values: values.map { $0.constantValue! })))  // checked just above
            }
            return .record(n.keys, values, span)
        }
        return build(root)
    }

    /// Flattens `a.b.c` into its first name and member names; nil when the base is not a name.
    private func flatten(_ e: Expr) -> (Name, [Name])? {
        var names: [Name] = []
        var cur = e
        while true {
            switch cur.kind {
            case .member(let base, let n):
                names.append(n)
                cur = base
            case .name(let n):
                return (n, names.reversed())
            default:
                return nil
            }
        }
    }

    private mutating func bindReference(_ e: Expr) -> BoundExpr {
        guard let (first, members) = flatten(e) else {
            // A member of a computed value: `(expr).name`.
            if case .member(let base, let n) = e.kind { return .member(bind(base), n.text, e.span) }
            return bind(e)
        }
        if let i = locals.lastIndex(where: { $0.name == first.text }) {
            if members.isEmpty { return .local(i, e.span) }
            let names = members.map(\.text)
            if let record = locals[i].children {
                return .localSlotPath(i, names, schema[record].children.map { resolvePath(from: $0, names) }, e.span)
            }
            return .localPath(i, names, e.span)
        }
        if first.text == "tenant" {
            guard members.count == 1, let b = Builtin(rawValue: members[0].text) else {
                let bad = members.first.map { "tenant.\($0.text)" } ?? "tenant"
                var help = ["the built-ins are `tenant.id`, `tenant.tier` and `tenant.environment`"]
                if let m = members.first, let s = suggestion(for: m.text, among: Builtin.allCases.map(\.rawValue)) {
                    help.insert("did you mean `tenant.\(s)`?", at: 0)
                }
                report(.unknownName, "`\(bad)` is not a built-in", e.span, help: help)
                return .invalid(e.span)
            }
            return .builtin(b, e.span)
        }
        guard var slot = schema.child(Schema.root, first.text) else {
            var candidates = schema[Schema.root].children.map { schema[$0].name }
            candidates.append(contentsOf: locals.map(\.name))
            var help: [String] = []
            var fixes: [FixIt] = []
            if let s = suggestion(for: first.text, among: candidates) {
                help.append("did you mean `\(s)`?")
                fixes.append(FixIt(first.span, s))
            }
            help.append("references are absolute paths from the root of the config, like `limits.cpu`")
            report(.unknownName, "unknown name `\(first.text)`", first.span, help: help, fixes: fixes)
            return .invalid(e.span)
        }
        var rest = members[...]
        while let m = rest.first, schema[slot].isRecord {
            guard let c = schema.child(slot, m.text) else {
                var help: [String] = []
                var fixes: [FixIt] = []
                let siblings = schema[slot].children.map { schema[$0].name }
                if let s = suggestion(for: m.text, among: siblings) {
                    help.append("did you mean `\(schema[slot].path).\(s)`?")
                    fixes.append(FixIt(m.span, s))
                }
                report(.unknownField, "`\(schema[slot].path)` has no field `\(m.text)`", m.span, help: help, fixes: fixes)
                return .invalid(e.span)
            }
            slot = c
            rest = rest.dropFirst()
        }
        var result: BoundExpr = .slot(slot, first.span.union(members[..<(members.count - rest.count)].last?.span ?? first.span))
        for m in rest { result = .member(result, m.text, e.span) }
        return result
    }

    /// The field `names` leads to from `start` through records, or -1.
    private func resolvePath(from start: Int32, _ names: [String]) -> Int32 {
        var s = start
        for n in names {
            guard schema[s].isRecord, let c = schema.child(s, n) else { return -1 }
            s = c
        }
        return s
    }

    private func elementType(of source: BoundExpr) -> FieldType {
        if case .list(let t) = inferType(source, slotType: { schema[$0].type }).nonOptional.core { return t }
        return .any
    }

    // MARK: - Type inference

    /// The static type of a bound expression, for root-tier fields declared by `=`.
    /// Unknowable parts infer `any` (the value is then checked against nothing).
    func inferType(_ b: BoundExpr, slotType: (Int32) -> FieldType) -> FieldType {
        switch b {
        case .constant(let v): return Binder.type(of: v)
        case .slot(let s, _): return schema[s].isRecord ? .any : slotType(s).nonOptional
        case .slotChildren, .children: return .list(.any)
        case .local(let i, _): return i < locals.count ? locals[i].type : .any
        case .localPath, .localSlotPath, .member, .superValue, .invalid: return .any
        case .builtin: return .string
        case .interpolation: return .string
        case .list(let items, _):
            return .list(items.map { inferType($0, slotType: slotType) }.reduce(nil) { acc, t in acc.map { Binder.unify($0, t) } ?? t } ?? .any)
        case .record(let keys, let values, _):
            return .record(RecordShape(fields: zip(keys, values).map {
                RecordShape.Field(name: $0, type: inferType($1, slotType: slotType), defaultValue: nil)
            }))
        case .unary(let op, let x, _):
            return op == .not ? .bool : inferType(x, slotType: slotType)
        case .binary(let op, let l, let r, _):
            switch op {
            case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .and, .or, .implies, .contains:
                return .bool
            default:
                let tl = inferType(l, slotType: slotType)
                let tr = inferType(r, slotType: slotType)
                let t = Binder.arithmeticType(op, tl.core, tr.core)
                // `unlimited` survives arithmetic (`unlimited * 50%` is `unlimited`).
                if case .orUnlimited = tl.nonOptional { return .orUnlimited(t) }
                if case .orUnlimited = tr.nonOptional { return .orUnlimited(t) }
                return t
            }
        case .conditional(_, let t, let f, _):
            return Binder.unify(inferType(t, slotType: slotType), inferType(f, slotType: slotType))
        case .call(let f, let args, _):
            switch f {
            case .len: return .int
            case .all, .any: return .bool
            case .keys: return .list(.string)
            case .sum, .min, .max:
                guard let first = args.first else { return .any }
                let t = inferType(first, slotType: slotType)
                if args.count == 1, case .list(let e) = t.core { return e }
                return args.count == 1 ? .any : t
            }
        case .comprehension(let element, _, _, _):
            return .list(inferType(element, slotType: slotType))
        }
    }

    static func arithmeticType(_ op: BinaryOperator, _ a: FieldType, _ b: FieldType) -> FieldType {
        func isQuantity(_ t: FieldType) -> Bool {
            switch t {
            case .size, .duration, .cpu, .percent: true
            default: false
            }
        }
        func isNumber(_ t: FieldType) -> Bool { t == .int || t == .float }
        switch op {
        case .add, .subtract:
            if a == b { return a }
            if isNumber(a) && isNumber(b) { return .float }
            if a == .any { return b }
            return b == .any ? a : .any
        case .multiply:
            if a == .int && b == .int { return .int }
            if isNumber(a) && isNumber(b) { return .float }
            if isNumber(a) && b == .percent { return .float }
            if isQuantity(a) && (isNumber(b) || b == .percent) { return a }
            if isQuantity(b) && isNumber(a) { return b }
            return .any
        case .divide:
            if isQuantity(a) && a == b { return .float }
            if isQuantity(a) && (isNumber(b) || b == .percent) { return a }
            if isNumber(a) && isNumber(b) { return .float }
            return .any
        default:
            return .any
        }
    }

    /// The type a literal value declares.
    static func type(of v: Value) -> FieldType {
        switch v {
        case .bool: .bool
        case .int: .int
        case .float: .float
        case .string: .string
        case .size: .size
        case .duration: .duration
        case .cpu: .cpu
        case .percent: .percent
        case .unlimited: .orUnlimited(.any)
        case .secret: .secret
        case .list(let items):
            .list(items.map { type(of: $0) }.reduce(nil) { acc, t in acc.map { unify($0, t) } ?? t } ?? .any)
        case .record(let r):
            .record(RecordShape(fields: zip(r.keys, r.values).map { RecordShape.Field(name: $0, type: type(of: $1), defaultValue: nil) }))
        }
    }

    /// The least type holding both; `any` when they have nothing in common.
    static func unify(_ a: FieldType, _ b: FieldType) -> FieldType {
        if a == b { return a }
        switch (a, b) {
        case (.int, .float), (.float, .int): return .float
        case (.any, _), (_, .any): return .any
        case (.orUnlimited(let x), .orUnlimited(let y)): return .orUnlimited(unify(x, y))
        case (.orUnlimited(let x), let y), (let y, .orUnlimited(let x)): return .orUnlimited(x == .any ? y : unify(x, y))
        case (.list(let x), .list(let y)): return .list(unify(x, y))
        case (.record(let x), .record(let y)):
            // Fields missing on one side become optional.
            var fields: [RecordShape.Field] = []
            for f in x.fields {
                if let g = y.field(f.name) {
                    fields.append(.init(name: f.name, type: unify(f.type, g.type), defaultValue: nil))
                } else {
                    fields.append(.init(name: f.name, type: f.type.isOptional ? f.type : .optional(f.type), defaultValue: nil))
                }
            }
            for g in y.fields where x.field(g.name) == nil {
                fields.append(.init(name: g.name, type: g.type.isOptional ? g.type : .optional(g.type), defaultValue: nil))
            }
            return .record(RecordShape(fields: fields))
        default: return .any
        }
    }
}
