import TenantModel

/// A template value as source: the expression, its type, and its value when it is a constant
/// (a placeholder makes it depend on the tenant).
struct TypedExpression {
    var expression: TierExpression
    var type: TemplateType
    var value: Value?
}

/// Turns the template's mapping into the tier's statements: which keys declare a field, which
/// set an inherited one, which are required, and which the parent's own value makes needless.
struct TierBuilder {
    /// `declaring`: a root tier, or the body of a record the tier declares (`name: { … }`),
    /// where `=` declares. `extending`: a tier that extends another, where `=` only sets.
    enum Mode { case declaring, extending }

    let formats: StringFormats
    let parent: InheritedFields?
    let placeholders: PlaceholderTable
    let comments: PlacedComments
    private(set) var notes: [ImportNote] = []
    /// Keys the tier does not write, with why: comments that go with them are dropped with it.
    private(set) var leftOut: [String: String] = [:]

    init(formats: StringFormats, parent: InheritedFields?, placeholders: PlaceholderTable, comments: PlacedComments) {
        self.formats = formats
        self.parent = parent
        self.placeholders = placeholders
        self.comments = comments
    }

    /// The statements of a mapping's keys, in the template's order.
    mutating func statements(_ node: ImportedNode, path: String, mode: Mode) throws(TemplateError) -> [TierStatement] {
        guard case .record(let entries) = node.kind else { return [] }
        var out: [TierStatement] = []
        for (i, entry) in entries.enumerated() {
            let line = i < node.keyLines.count ? node.keyLines[i] : entry.value.line
            if let s = try statement(entry.key, entry.value, line: line, path: join(path, entry.key), mode: mode) { out.append(s) }
        }
        return out
    }

    private mutating func statement(_ key: String, _ node: ImportedNode, line: Int, path: String, mode: Mode) throws(TemplateError) -> TierStatement? {
        let inherited = mode == .extending ? parent?.fields[path] : nil
        if case .record = node.kind { return try record(key, node, line: line, path: path, mode: mode, inherited: inherited) }
        if let inherited, inherited.isRecord {
            throw TemplateError(.syntax, "`\(path)` is a value here, but tier `\(parent?.tier ?? "")` declares it a record", line: line, column: 0,
                                help: ["give it the record's keys in the template, or import the template as a root tier"])
        }
        return try leaf(key, node, line: line, path: path, mode: mode, inherited: inherited)
    }

    /// A nested mapping: `name { … }` in a root tier or for an inherited record (left out
    /// when it sets nothing), `name: { … }` for a record new to a tier that extends another.
    private mutating func record(_ key: String, _ node: ImportedNode, line: Int, path: String, mode: Mode,
                                 inherited: InheritedField?) throws(TemplateError) -> TierStatement? {
        if let inherited, !inherited.isRecord {
            throw TemplateError(.syntax, "`\(path)` is a mapping here, but tier `\(parent?.tier ?? "")` declares it `\(inherited.typeText)`",
                                line: line, column: 0, help: ["give it a value of that type in the template, or import the template as a root tier"])
        }
        switch (mode, inherited) {
        case (.declaring, _):
            return TierStatement(name: key, path: path, form: .open(try statements(node, path: path, mode: .declaring)))
        case (.extending, nil):
            return TierStatement(name: key, path: path, form: .declareRecord(try statements(node, path: path, mode: .declaring)))
        case (.extending, _?):
            let body = try statements(node, path: path, mode: .extending)
            guard !body.isEmpty || comments.hasOwn(path) else { return nil }
            return TierStatement(name: key, path: path, form: .open(body))
        }
    }

    /// A value: declared (with its type when the value alone would not say it), set, or
    /// required when it is a placeholder each tenant gives.
    private mutating func leaf(_ key: String, _ node: ImportedNode, line: Int, path: String, mode: Mode,
                               inherited: InheritedField?) throws(TemplateError) -> TierStatement? {
        if node.isNull { return null(key, line: line, path: path, inherited: inherited) }
        if let binding = declaredPlaceholder(node, at: path) { return required(key, line: line, path: path, binding) }
        let typed = try expression(node, path: path, key: key, field: inherited)
        if let inherited {
            guard !inherits(typed, from: inherited) || comments.isCommented(path) else { return nil }
            return TierStatement(name: key, path: path, form: .set(typed.expression))
        }
        if mode == .extending || typed.type.needsDeclaredType {
            return TierStatement(name: key, path: path, form: .declare(type: typed.type.sourceText, typed.expression))
        }
        return TierStatement(name: key, path: path, form: .set(typed.expression))
    }

    /// Whether the parent gives the field this value already: the same constant, or the same
    /// formula written the same way (`tenant_id = tenant.id`).
    private func inherits(_ typed: TypedExpression, from field: InheritedField) -> Bool {
        guard let value = typed.value else { return field.formula == TierSourceWriter.inline(typed.expression) }
        return field.ownValue == .value(value)
    }

    /// A null: an optional field of any type, unset; an inherited field keeps its value, as
    /// a tier cannot unset what the tier it extends sets.
    private mutating func null(_ key: String, line: Int, path: String, inherited: InheritedField?) -> TierStatement? {
        guard inherited != nil else { return TierStatement(name: key, path: path, form: .declare(type: "any?", nil)) }
        let why = "`\(path)` is null in the template, and a tier cannot unset a field: tier `\(parent?.tier ?? "")`'s value stays"
        notes.append(ImportNote(line: line, why))
        leftOut[path] = why
        return nil
    }

    /// The placeholder whose field this is: a scalar that is a placeholder whole, at the
    /// first field that holds it so.
    private func declaredPlaceholder(_ node: ImportedNode, at path: String) -> PlaceholderBinding? {
        guard case .scalar(let text, _) = node.kind, let name = PlaceholderText.whole(PlaceholderText.pieces(of: text)),
              let binding = placeholders.binding(name), case .field(path, _, _) = binding.target else { return nil }
        return binding
    }

    /// `name: Type`, which each tenant sets; nothing when the parent declares it already.
    private mutating func required(_ key: String, line: Int, path: String, _ binding: PlaceholderBinding) -> TierStatement? {
        guard case .field(_, let type, let declaredHere) = binding.target else { return nil }
        guard declaredHere else {
            // A tier cannot make an inherited field required again: say so when a default stays.
            leftOut[path] = "`\(path)` is `${\(binding.name)}`, which tier `\(parent?.tier ?? "")` declares"
            if case .value(let own)? = parent?.fields[path]?.ownValue {
                notes.append(ImportNote(line: line, "`\(path)` is `${\(binding.name)}`, but tier `\(parent?.tier ?? "")` gives it a default (\(own.sourceText)): a tenant that does not set it gets that"))
            }
            return nil
        }
        notes.append(ImportNote(line: line, "`${\(binding.name)}` is the required field `\(path)` (`\(type)`): each tenant sets it"))
        return TierStatement(name: key, path: path, form: .declare(type: type, nil))
    }

    /// The `_placeholders` record: the placeholders no field holds whole, each required.
    mutating func placeholderRecord(mode: Mode) -> TierStatement? {
        let declared = placeholders.declaredInRecord
        guard !declared.isEmpty else { return nil }
        let record = PlaceholderTable.record
        var fields: [TierStatement] = []
        for binding in declared {
            guard case .field(let path, let type, _) = binding.target else { continue }
            notes.append(ImportNote(line: binding.line, "`${\(binding.name)}` is the required field `\(path)` (`\(type)`): each tenant sets it"))
            fields.append(TierStatement(name: binding.name, path: path, form: .declare(type: type, nil)))
        }
        let opens = mode == .declaring || parent?.fields[record] != nil
        return TierStatement(name: record, path: record, form: opens ? .open(fields) : .declareRecord(fields),
                             doc: "The template's placeholders that no field holds whole: each tenant sets them.")
    }
}

extension TierBuilder {
    /// A value as an expression. `kind`: the type the parent tier gives the field.
    mutating func expression(_ node: ImportedNode, path: String, key: String, field: InheritedField?) throws(TemplateError) -> TypedExpression {
        switch node.kind {
        case .scalar(let text, let plain):
            return scalar(text, plain: plain, line: node.line, path: path, field: field)
        case .list(let items):
            return try list(items, path: path, key: key)
        case .record(let entries):
            return try recordLiteral(entries, path: path)
        }
    }

    private mutating func scalar(_ text: String, plain: Bool, line: Int, path: String, field: InheritedField?) -> TypedExpression {
        let pieces = PlaceholderText.pieces(of: text)
        guard pieces.contains(where: { if case .placeholder = $0 { true } else { false } }) else {
            let reading = TemplateScalar.read(text, plain: plain, into: field, formats: formats)
            noteConversion(text, plain: plain, reading, line: line, path: path)
            return TypedExpression(expression: .text(reading.source), type: reading.type, value: reading.value)
        }
        if let name = PlaceholderText.whole(pieces), let binding = placeholders.binding(name) {
            return TypedExpression(expression: .text(binding.expression), type: type(of: binding), value: nil)
        }
        return TypedExpression(expression: .text(interpolated(pieces)), type: .string, value: nil)
    }

    /// `"${tenant.id}_data"`: the text escaped, each placeholder read from its binding.
    private func interpolated(_ pieces: [StringPiece]) -> String {
        var out = "\""
        for piece in pieces {
            switch piece {
            case .text(let text): out += quoteForSource(text).dropFirst().dropLast()
            case .placeholder(let name): out += "${" + (placeholders.binding(name)?.expression ?? name) + "}"
            }
        }
        return out + "\""
    }

    private func type(of binding: PlaceholderBinding) -> TemplateType {
        switch binding.target {
        case .tenantID, .tenantTier: .string
        case .field(let path, _, true): placeholders.declaredType(path) ?? .any
        case .field(let path, _, false): parent?.fields[path].map { TemplateType(inherited: $0) } ?? .any
        }
    }

    private mutating func list(_ items: [ImportedNode], path: String, key: String) throws(TemplateError) -> TypedExpression {
        var type = TemplateType.nothing
        var values: [Value]? = []
        var out: [(path: String, value: TierExpression)] = []
        for (i, item) in items.enumerated() {
            let itemPath = join(path, String(i))
            let typed = try expression(item, path: itemPath, key: key, field: nil)
            type = type.joined(with: typed.type)
            if let v = typed.value { values?.append(v) } else { values = nil }
            out.append((itemPath, typed.expression))
        }
        return TypedExpression(expression: .list(out), type: .list(type), value: values.map { .list($0) })
    }

    /// A mapping inside a list: a record literal. A null entry is left out, its field optional.
    private mutating func recordLiteral(_ entries: [(key: String, value: ImportedNode)], path: String) throws(TemplateError) -> TypedExpression {
        var fields: [TemplateField] = []
        var record: Record? = Record()
        var out: [(name: String, path: String, value: TierExpression)] = []
        for entry in entries {
            let entryPath = join(path, entry.key)
            guard !entry.value.isNull else {
                fields.append(TemplateField(name: entry.key, type: .optional(.nothing)))
                leftOut[entryPath] = "`\(entryPath)` is null: a record in a list leaves the entry out"
                continue
            }
            let typed = try expression(entry.value, path: entryPath, key: entry.key, field: nil)
            fields.append(TemplateField(name: entry.key, type: typed.type))
            if let v = typed.value { record?.append(entry.key, v) } else { record = nil }
            out.append((entry.key, entryPath, typed.expression))
        }
        return TypedExpression(expression: .record(out), type: .record(fields), value: record.map { .record($0) })
    }

    /// Says when the parent's type changed how a scalar is written (`15` as `"15"`, `2` as `2cores`).
    private mutating func noteConversion(_ text: String, plain: Bool, _ reading: TemplateScalar, line: Int, path: String) {
        let alone = TemplateScalar.read(text, plain: plain, formats: formats)
        guard alone.source != reading.source, let field = parent?.fields[path] else { return }
        notes.append(ImportNote(line: line, "`\(path)`: `\(text)` written `\(reading.source)`, as tier `\(parent?.tier ?? "")` declares it `\(field.typeText)`"))
    }
}

/// `a.b` + `c`.
func join(_ path: String, _ name: String) -> String {
    path.isEmpty ? name : path + "." + name
}
