import TenantDiagnostics
import TenantImport
import TenantModel
import TenantSemantics

/// The import of one document under one tier (see `TenantImporter`): the tenant's source is
/// built up in rounds, each compiled and compared with the document.
struct TenantImportRun {
    typealias Problem = TenantImporter.Problem

    let importer: TenantImporter
    let document: ImportedNode
    let id: String
    let layout: TierLayout
    let options: TenantImporter.Options
    let fields: DocumentFields
    /// The environment the document was built for: its `tenant_info.environment`, else `--env`.
    let environment: String?
    /// Rounds of compile-and-compare before what still differs is reported.
    static let rounds = 3

    init(importer: TenantImporter, document: ImportedNode, id: String, layout: TierLayout, options: TenantImporter.Options) {
        self.importer = importer
        self.document = document
        self.id = id
        self.layout = layout
        self.options = options
        fields = DocumentFields(document, schema: layout.schema)
        environment = document["tenant_info"]?["environment"]?.text ?? options.environment
    }

    /// How far the document is from this tier: what cannot be read, and the fields that differ
    /// from the tier's values.
    func differenceCount() -> Int {
        let start = firstSource()
        guard let baseline = importer.resolve(start.text().source).result.tenant?.config else { return Int.max }
        let given = BuiltFields(baseline, schema: layout.schema)
        let differing = fields.fields.filter { given[$0.slot] != $0.value }.count
        return fields.problems.count + fields.unknown.count + differing
    }

    func `import`() -> Result<String, TenantImporter.Failure> {
        var problems = fields.problems.map(Self.problem)
        if let wanted = options.environment, let own = environment, wanted != own {
            let at = document["tenant_info"]?["environment"] ?? document
            problems.append(Problem(line: at.line, column: at.column, message: "the document is for environment `\(own)`, not `\(wanted)` (--env)", help: []))
        }
        if !options.declareUnknown { problems += fields.unknownProblems(schema: layout.schema).map(Self.problem) }
        guard problems.isEmpty else { return .failure(TenantImporter.Failure(problems)) }
        var source = firstSource()
        source.statements += unseenRequiredFields(given: source)
        let (baselineResult, baselineErrors) = importer.resolve(source.text().source)
        guard let baseline = baselineResult.tenant?.config else { return .failure(TenantImporter.Failure(mapped(baselineErrors, source))) }
        var seeded = Set(source.statements.map { $0.path.joined(separator: ".") })
        let given = BuiltFields(baseline, schema: layout.schema)
        for field in fields.fields where !seeded.contains(field.path) && given[field.slot] != field.value {
            if !layout.isComputed(field.slot) {
                source.statements.append(statement(for: field, over: given[field.slot]))
            } else if let input = hiddenInput(of: field.slot), seeded.insert(layout.schema.slots[Int(input)].path).inserted {
                // The tier copies a field the document does not show: that field is what the tenant set.
                var copied = field
                copied.slot = input
                copied.path = layout.schema.slots[Int(input)].path
                source.statements.append(statement(for: copied, over: nil))
            }
        }
        switch declarations() {
        case .success(let declared): source.statements += declared
        case .failure(let p): return .failure(p)
        }
        return settle(source)
    }

    /// The tenant with the fields it must set whatever their values: the tier's required fields,
    /// and its environment unless it is the tier's (the environment decides the overlays).
    private func firstSource() -> TenantSource {
        var source = TenantSource(id: id, tier: layout.name, environment: environment)
        var required = Set(layout.requiredFields.map { layout.schema[$0].path })
        if let field = fields.field(Self.environmentField), layout.constant(field.slot) != field.value { required.insert(Self.environmentField) }
        for field in fields.fields where required.contains(field.path) {
            source.statements.append(statement(for: field, over: nil))
        }
        return source
    }

    static let environmentField = "tenant_info.environment"

    /// The field, absent from the document, whose value the tier copies into `slot` (through a
    /// chain of plain references), and which the tier gives a constant.
    private func hiddenInput(of slot: Int32) -> Int32? {
        var current = slot
        for _ in 0..<8 {
            guard let source = layout.copiedField(current) else { return nil }
            if !layout.isComputed(source) { return fields.fields.contains { $0.slot == source } ? nil : source }
            current = source
        }
        return nil
    }

    /// Required fields the document cannot show (hidden ones, `_slot`), each set to the value,
    /// among the few its type allows (a small bounded int, a bool, an enum), that makes the
    /// build closest to the document. One that allows too many values is left unset, and the
    /// tier's error says it is missing.
    private func unseenRequiredFields(given start: TenantSource) -> [TenantSource.Statement] {
        var source = start
        var chosen: [TenantSource.Statement] = []
        for slot in layout.requiredFields where fields.field(layout.schema[slot].path) == nil {
            let path = layout.schema[slot].path.split(separator: ".").map(String.init)
            let candidates = Self.candidates(of: layout.schema[slot].type)
            guard !candidates.isEmpty else { continue }
            var best: (statement: TenantSource.Statement, differences: Int)?
            for value in candidates {
                var trial = source
                let statement = TenantSource.Statement(path: path, rest: "= " + TenantSource.literal(value), line: 0)
                trial.statements.append(statement)
                guard let built = importer.resolve(trial.text().source).result.tenant?.config else { continue }
                let given = BuiltFields(built, schema: layout.schema)
                let differences = fields.fields.filter { given[$0.slot] != $0.value }.count
                if best == nil || differences < best!.differences { best = (statement, differences) }
            }
            if let best {
                chosen.append(best.statement)
                source.statements.append(best.statement)
            }
        }
        return chosen
    }

    /// The values of a type with few of them.
    static func candidates(of type: FieldType) -> [Value] {
        switch type.nonOptional {
        case .bool: return [.bool(false), .bool(true)]
        case .enumeration(let members): return members.map(Value.string)
        case .bounded(.int, .int(let lo)?, .int(let hi)?) where hi >= lo && hi - lo < 100: return (lo...hi).map(Value.int)
        default: return []
        }
    }

    /// Compiles and compares until the build equals the document; a difference left after the
    /// last round is reported.
    private func settle(_ start: TenantSource) -> Result<String, TenantImporter.Failure> {
        var source = start
        for round in 0..<Self.rounds {
            source.statements.sort { $0.line < $1.line }
            let text = source.text()
            let (result, errors) = importer.resolve(text.source)
            guard errors.isEmpty else { return .failure(TenantImporter.Failure(mapped(errors, source))) }
            guard let built = result.tenant?.config else { return .failure(TenantImporter.Failure([Problem(line: document.line, column: document.column, message: "the tenant does not build", help: [])])) }
            let differences = compare(built)
            if differences.isEmpty { return .success(TenantImporter.formatted(text.source)) }
            if round == Self.rounds - 1 { return .failure(TenantImporter.Failure(differences.map { unexplained($0, built) })) }
            for difference in differences { correct(&source, difference, built: built) }
        }
        return .failure(TenantImporter.Failure([]))
    }

    /// One field the build does not give as the document does.
    enum Difference {
        case field(DocumentFields.Field)
        /// A field the build has and the document does not.
        case extra(path: String, value: Value)
    }

    private func compare(_ built: Record) -> [Difference] {
        let given = BuiltFields(built, schema: layout.schema)
        var out: [Difference] = []
        var held = [Bool](repeating: false, count: layout.schema.count)
        for field in fields.fields {
            held[Int(field.slot)] = true
            if given[field.slot] != field.value { out.append(.field(field)) }
        }
        for slot in given.slots where !held[Int(slot)] {
            out.append(.extra(path: layout.schema.slots[Int(slot)].path, value: given[slot] ?? .bool(false)))
        }
        return out
    }

    /// A field set in the body that the tiers' overlays change moves to the tenant's own `env`
    /// block; one not set yet (a formula's result the document overrides) is set.
    private func correct(_ source: inout TenantSource, _ difference: Difference, built: Record) {
        guard case .field(let field) = difference else { return }
        let path = field.path.split(separator: ".").map(String.init)
        if let i = source.statements.firstIndex(where: { $0.path == path }) {
            if environment != nil, !source.statements[i].inEnvironment { source.statements[i].inEnvironment = true }
        } else {
            source.statements.append(statement(for: field, over: built.value(at: field.path)))
        }
    }

    private func statement(for field: DocumentFields.Field, over current: Value?) -> TenantSource.Statement {
        let path = field.path.split(separator: ".").map(String.init)
        if case .list(let wanted) = field.value, case .list(let given)? = current, !given.isEmpty, given.count < wanted.count, Array(wanted.prefix(given.count)) == given {
            let added = TenantSource.literal(.list(Array(wanted.dropFirst(given.count))))
            return TenantSource.Statement(path: path, rest: "= super + \(added)", line: field.line)
        }
        return TenantSource.Statement(path: path, rest: "= " + TenantSource.literal(field.value), line: field.line)
    }

    /// `--declare-unknown`: each key the tier does not have declared in the tenant, typed by its value.
    private func declarations() -> Result<[TenantSource.Statement], TenantImporter.Failure> {
        guard options.declareUnknown else { return .success([]) }
        var out: [TenantSource.Statement] = []
        var problems: [Problem] = []
        for unknown in fields.unknown {
            switch UnknownField.declaration(path: unknown.path, node: unknown.node) {
            case .success(let statements): out += statements
            case .failure(let p): problems.append(Problem(line: unknown.node.line, column: unknown.node.column, message: p.message, help: p.help))
            }
        }
        return problems.isEmpty ? .success(out) : .failure(TenantImporter.Failure(problems))
    }

    private func unexplained(_ difference: Difference, _ built: Record) -> Problem {
        switch difference {
        case .field(let field):
            let given = built.value(at: field.path).map(TenantSource.literal) ?? "nothing"
            return Problem(line: field.line, column: 1,
                           message: "`\(field.path)` cannot be made \(TenantSource.literal(field.value)): the tenant builds with \(given)", help: [])
        case .extra(let path, let value):
            let parent = path.split(separator: ".").dropLast().map(String.init)
            let at = parent.reduce(Optional(document)) { $0?[$1] } ?? document
            return Problem(line: at.line, column: at.column,
                           message: "the document has no `\(path)`, which tier `\(layout.name)` sets (to \(TenantSource.literal(value))): an import cannot unset a field",
                           help: ["add `\(path.split(separator: ".").last ?? "")` to the document, or import under another tier (--tier)"])
        }
    }

    /// The compiler's errors about the generated source, each at the document's line of the statement it concerns.
    private func mapped(_ errors: [(line: Int?, diagnostic: Diagnostic)], _ source: TenantSource) -> [Problem] {
        let origins = source.text().origins
        return errors.map { error in
            let line = error.line.flatMap { origins[$0] } ?? document.line
            var help = error.diagnostic.help
            if error.diagnostic.code == .lockedField, let tiers = tiersAllowing(error.diagnostic, line: line), !tiers.isEmpty {
                help.insert("tier \(tiers.map { "`\($0)`" }.joined(separator: ", ")) gives this value: import under it with --tier", at: 0)
            }
            return Problem(line: line, column: 1, message: "[\(error.diagnostic.code.id)] " + error.diagnostic.message, help: help)
        }
    }

    /// The tiers whose own value of the locked field at `line` is the document's.
    private func tiersAllowing(_ diagnostic: Diagnostic, line: Int) -> [String]? {
        guard let field = fields.fields.first(where: { $0.line == line }) else { return nil }
        return importer.tierNames.filter { name in
            guard name != layout.name, let other = importer.tiers.layout(named: name) else { return false }
            let run = TenantImportRun(importer: importer, document: document, id: id, layout: other, options: options)
            return importer.resolve(run.firstSource().text().source).result.tenant?.config.value(at: field.path) == field.value
        }
    }

    private static func problem(_ p: DocumentFields.Problem) -> Problem {
        Problem(line: p.line, column: p.column, message: p.message, help: p.help)
    }
}

/// The leaf values of a built config by schema slot: a document's fields are compared with a
/// build by slot, not by walking a path per field.
struct BuiltFields {
    private var values: [Value?]
    /// The slots that have a value, in the config's order.
    private(set) var slots: [Int32] = []

    init(_ config: Record, schema: Schema) {
        values = Array(repeating: nil, count: schema.count)
        walk(config, under: Schema.root, schema)
    }

    subscript(slot: Int32) -> Value? { values[Int(slot)] }

    private mutating func walk(_ record: Record, under parent: Int32, _ schema: Schema) {
        for (key, value) in zip(record.keys, record.values) {
            guard let slot = schema.child(parent, key) else { continue }
            if schema.slots[Int(slot)].isRecord, case .record(let inner) = value {
                walk(inner, under: slot, schema)
            } else {
                values[Int(slot)] = value
                slots.append(slot)
            }
        }
    }
}
