import TenantDiagnostics
import TenantImport
import TenantModel
import TenantSemantics

/// The import of one document under one tier (see `TenantImporter`): the tenant's source is
/// built up in rounds, each compiled and compared with the document field by field (by schema
/// slot: a build's values are `[Value?]` indexed like the tier's schema).
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
    static let rounds = 4

    init(importer: TenantImporter, document: ImportedNode, id: String, layout: TierLayout, options: TenantImporter.Options,
         readings: ReadingMemo? = nil) {
        self.importer = importer
        self.document = document
        self.id = id
        self.layout = layout
        self.options = options
        fields = DocumentFields(document, schema: layout.schema, memo: readings)
        environment = document["tenant_info"]?["environment"]?.text ?? options.environment
    }

    /// How far the document is from this tier: what cannot be read, and the fields that differ
    /// from the tier's values.
    func differenceCount() -> Int {
        let start = firstSource()
        guard let given = build(start).result.fields else { return Int.max }
        let differing = fields.fields.filter { given[Int($0.slot)] != $0.value }.count
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
        let given: [Value?]
        switch tierValues(source) {
        case .success(let values): given = values
        case .failure(let failure): return .failure(failure)
        }
        var seeded = slots(of: source)
        for field in fields.fields where given[Int(field.slot)] != field.value && !seeded.contains(field.slot) {
            if !layout.isComputed(field.slot) {
                source.statements.append(statement(for: field, over: given[Int(field.slot)]))
            } else if let input = hiddenInput(of: field.slot), seeded.insert(input).inserted {
                // The tier copies a field the document does not show: that field is what the tenant set.
                var copied = field
                copied.slot = input
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
        var required = Set(layout.requiredFields)
        if let slot = layout.schema.lookup(Self.environmentField), let field = fields.field(at: slot), layout.constant(slot) != field.value {
            required.insert(slot)
        }
        for field in fields.fields where required.contains(field.slot) {
            source.statements.append(statement(for: field, over: nil))
        }
        return source
    }

    static let environmentField = ["tenant_info", "environment"]

    /// What the tier gives each field before the tenant sets the others. The fast path: the
    /// tier's baseline in the document's environment, when it knows every field compared with
    /// it (those the tenant sets, and formulas, are not). Otherwise, or with the fast path off:
    /// the build of `start`, the fields the tenant must set.
    private func tierValues(_ start: TenantSource) -> Result<[Value?], TenantImporter.Failure> {
        if options.fastPaths.contains(.importBaselines), let environment, let tier = importer.tierValues(layout, environment: environment) {
            let seeded = slots(of: start)
            var values = [Value?](repeating: nil, count: tier.count)
            var known = true
            for field in fields.fields where !seeded.contains(field.slot) {
                // A formula's value is the build's to give, except a plain copy of a field the
                // document does not show, which is that field's.
                let source: Int32
                if !layout.isComputed(field.slot) {
                    source = field.slot
                } else if let input = hiddenInput(of: field.slot) {
                    source = input
                } else {
                    continue
                }
                switch tier[Int(source)] {
                case .value(let v): values[Int(field.slot)] = v
                case .unset: break
                case .unknown: known = false
                }
            }
            if known { return .success(values) }
        }
        let (result, errors) = build(start)
        guard let built = result.fields else { return .failure(TenantImporter.Failure(mapped(errors, start))) }
        return .success(built)
    }

    private func build(_ source: TenantSource) -> (result: TenantResult, errorLines: [(line: Int?, diagnostic: Diagnostic)]) {
        importer.resolve(source.text().source, fastPaths: options.fastPaths)
    }

    /// The fields `source` sets.
    private func slots(of source: TenantSource) -> Set<Int32> {
        Set(source.statements.compactMap { layout.schema.lookup($0.path) })
    }

    /// The names of a field's path.
    private func names(_ slot: Int32) -> [String] {
        layout.schema.slots[Int(slot)].path.split(separator: ".").map(String.init)
    }

    /// The field, absent from the document, whose value the tier copies into `slot` (through a
    /// chain of plain references), and which the tier gives a constant.
    private func hiddenInput(of slot: Int32) -> Int32? {
        var current = slot
        for _ in 0..<8 {
            guard let source = layout.copiedField(current) else { return nil }
            if !layout.isComputed(source) { return fields.field(at: source) == nil ? source : nil }
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
        for slot in layout.requiredFields where fields.field(at: slot) == nil {
            let candidates = Self.candidates(of: layout.schema[slot].type)
            guard !candidates.isEmpty else { continue }
            var best: (statement: TenantSource.Statement, differences: Int)?
            for value in candidates {
                var trial = source
                let statement = TenantSource.Statement(path: names(slot), rest: "= " + TenantSource.literal(value), line: 0)
                trial.statements.append(statement)
                guard let built = build(trial).result.fields else { continue }
                let differences = fields.fields.filter { built[Int($0.slot)] != $0.value }.count
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
            let (result, errors) = importer.resolve(text.source, fastPaths: options.fastPaths)
            guard errors.isEmpty else { return .failure(TenantImporter.Failure(mapped(errors, source))) }
            guard let built = result.fields else { return .failure(TenantImporter.Failure([Problem(line: document.line, column: document.column, message: "the tenant does not build", help: [])])) }
            let differences = compare(built)
            if differences.isEmpty { return .success(options.fastPaths.contains(.importLayout) ? text.source : TenantImporter.formatted(text.source)) }
            if round == Self.rounds - 1 { return .failure(TenantImporter.Failure(differences.map { unexplained($0, built) })) }
            for difference in differences { correct(&source, difference, built: built) }
        }
        return .failure(TenantImporter.Failure([]))
    }

    /// One field the build does not give as the document does.
    enum Difference {
        case field(DocumentFields.Field)
        /// A field the build has and the document does not.
        case extra(slot: Int32)
    }

    private func compare(_ built: [Value?]) -> [Difference] {
        var out: [Difference] = []
        for field in fields.fields where built[Int(field.slot)] != field.value { out.append(.field(field)) }
        var extra = false
        for slot in 0..<layout.schema.count where built[slot] != nil && fields.field(at: Int32(slot)) == nil { extra = true }
        if extra {
            for slot in artifactOrder(Schema.root) where built[Int(slot)] != nil && fields.field(at: slot) == nil { out.append(.extra(slot: slot)) }
        }
        return out
    }

    /// The leaves under `record`, in the order an artifact writes them.
    private func artifactOrder(_ record: Int32) -> [Int32] {
        layout.schema.slots[Int(record)].children.flatMap { c -> [Int32] in
            let slot = layout.schema.slots[Int(c)]
            if slot.isHidden { return [] }
            return slot.isRecord ? artifactOrder(c) : [c]
        }
    }

    /// A field set in the body that the tiers' overlays change moves to the tenant's own `env`
    /// block; one not set yet (a formula's result the document overrides) is set.
    private func correct(_ source: inout TenantSource, _ difference: Difference, built: [Value?]) {
        guard case .field(let field) = difference else { return }
        let path = names(field.slot)
        if let i = source.statements.firstIndex(where: { $0.path == path }) {
            if environment != nil, !source.statements[i].inEnvironment { source.statements[i].inEnvironment = true }
        } else {
            source.statements.append(statement(for: field, over: built[Int(field.slot)]))
        }
    }

    private func statement(for field: DocumentFields.Field, over current: Value?) -> TenantSource.Statement {
        let path = names(field.slot)
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

    private func unexplained(_ difference: Difference, _ built: [Value?]) -> Problem {
        switch difference {
        case .field(let field):
            let given = built[Int(field.slot)].map(TenantSource.literal) ?? "nothing"
            return Problem(line: field.line, column: 1,
                           message: "`\(layout.schema.slots[Int(field.slot)].path)` cannot be made \(TenantSource.literal(field.value)): the tenant builds with \(given)", help: [])
        case .extra(let slot):
            let path = layout.schema.slots[Int(slot)].path
            let parent = path.split(separator: ".").dropLast().map(String.init)
            let at = parent.reduce(Optional(document)) { $0?[$1] } ?? document
            return Problem(line: at.line, column: at.column,
                           message: "the document has no `\(path)`, which tier `\(layout.name)` sets (to \(TenantSource.literal(built[Int(slot)] ?? .bool(false)))): an import cannot unset a field",
                           help: ["add `\(layout.schema.slots[Int(slot)].name)` to the document, or import under another tier (--tier)"])
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
        let path = names(field.slot)
        return importer.tierNames.filter { name in
            guard name != layout.name, let other = importer.tiers.layout(named: name), let slot = other.schema.lookup(path) else { return false }
            let run = TenantImportRun(importer: importer, document: document, id: id, layout: other, options: options)
            guard let built = run.build(run.firstSource()).result.fields else { return false }
            return built[Int(slot)] == field.value
        }
    }

    private static func problem(_ p: DocumentFields.Problem) -> Problem {
        Problem(line: p.line, column: p.column, message: p.message, help: p.help)
    }
}
