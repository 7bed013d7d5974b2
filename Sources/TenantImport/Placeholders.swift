/// What a template's `${NAME}` became in the tier.
public struct PlaceholderBinding: Sendable, Equatable {
    public enum Target: Sendable, Equatable {
        /// `${TENANT_ID}`: the built-in `tenant.id`.
        case tenantID
        /// `${TENANT_TYPE}`, `${TENANT_TIER}`, `${TIER}`: the built-in `tenant.tier`.
        case tenantTier
        /// A required field each tenant sets: its path, its type, and whether this tier
        /// declares it (else the tier it extends does).
        case field(path: String, type: String, declaredHere: Bool)
    }

    public var name: String
    public var target: Target
    /// Where the template first uses it.
    public var line: Int

    public init(name: String, target: Target, line: Int) {
        self.name = name
        self.target = target
        self.line = line
    }

    /// The expression that reads its value.
    var expression: String {
        switch target {
        case .tenantID: "tenant.id"
        case .tenantTier: "tenant.tier"
        case .field(let path, _, _): path
        }
    }
}

/// One use of a placeholder in the template.
struct PlaceholderUse {
    var name: String
    /// The path of the field whose value holds it; inside a list, the list's.
    var path: String
    var key: String
    var inList: Bool
    /// The placeholder is the scalar's whole text.
    var whole: Bool
    var quoted: Bool
    var line: Int

    /// Every use in `root`, in document order.
    static func all(in root: ImportedNode) -> [PlaceholderUse] {
        var out: [PlaceholderUse] = []
        collect(root, path: "", key: "", inList: false, into: &out)
        return out
    }

    private static func collect(_ node: ImportedNode, path: String, key: String, inList: Bool, into out: inout [PlaceholderUse]) {
        switch node.kind {
        case .scalar(let text, let plain):
            guard text.contains("${") else { return }
            let pieces = PlaceholderText.pieces(of: text)
            for case .placeholder(let name) in pieces {
                out.append(PlaceholderUse(name: name, path: path, key: key, inList: inList, whole: pieces.count == 1, quoted: !plain, line: node.line))
            }
        case .list(let items):
            for item in items { collect(item, path: path, key: key, inList: true, into: &out) }
        case .record(let entries):
            for entry in entries { collect(entry.value, path: inList ? path : join(path, entry.key), key: entry.key, inList: inList, into: &out) }
        }
    }
}

/// Every placeholder of a template, bound once: each is one value a tenant gives (or a
/// built-in), however many times the template uses it.
struct PlaceholderTable {
    /// The record that holds placeholders no field holds whole.
    static let record = "_placeholders"

    private(set) var bindings: [PlaceholderBinding] = []
    /// The types of the fields this tier declares for placeholders, by path.
    private var declaredTypes: [String: TemplateType] = [:]

    private var index: [String: Int] = [:]

    init(uses: [PlaceholderUse], parent: InheritedFields?) {
        let byName = Dictionary(grouping: uses, by: \.name)
        for use in uses where index[use.name] == nil {
            index[use.name] = bindings.count
            bindings.append(bind(use.name, uses: byName[use.name] ?? [use], parent: parent))
        }
    }

    func binding(_ name: String) -> PlaceholderBinding? {
        index[name].map { bindings[$0] }
    }

    func declaredType(_ path: String) -> TemplateType? {
        declaredTypes[path]
    }

    /// Placeholders that live in `_placeholders` and that this tier declares.
    var declaredInRecord: [PlaceholderBinding] {
        bindings.filter {
            guard case .field(let path, _, true) = $0.target else { return false }
            return path.hasPrefix(Self.record + ".")
        }
    }

    /// A built-in; else the first field that holds it whole; else a field of `_placeholders`.
    private mutating func bind(_ name: String, uses: [PlaceholderUse], parent: InheritedFields?) -> PlaceholderBinding {
        let line = uses[0].line
        switch name.uppercased() {
        case "TENANT_ID": return PlaceholderBinding(name: name, target: .tenantID, line: line)
        case "TENANT_TYPE", "TENANT_TIER", "TIER": return PlaceholderBinding(name: name, target: .tenantTier, line: line)
        default: break
        }
        let site = uses.first { $0.whole && !$0.inList }
        let path = site?.path ?? Self.record + "." + name
        if let inherited = parent?.fields[path] {
            return PlaceholderBinding(name: name, target: .field(path: path, type: inherited.typeText, declaredHere: false), line: line)
        }
        let typed = site ?? uses.first { $0.whole }
        let type = typed.map { PlaceholderTypes.type(name: name, key: $0.key, quoted: $0.quoted) } ?? .string
        declaredTypes[path] = type
        return PlaceholderBinding(name: name, target: .field(path: path, type: type.sourceText, declaredHere: true), line: line)
    }
}

/// The type of a field a placeholder stands for, from the words of its name and else of its
/// key (`POSTGRESQL_CPU_CORES`, `memory_gb`). A number the template writes bare stays a number
/// in the artifact: cores are a `cpu` (written as a number of cores), amounts in GB or MB a
/// `float`, counts and durations in named units an `int`. A quoted placeholder is a string,
/// unless its name says cron, CIDR or e-mail. Anything else is a `string`.
enum PlaceholderTypes {
    private static let lastWords: [(words: Set<String>, type: TemplateType)] = [
        (["cores", "core", "cpu", "cpus", "vcpu", "vcpus"], .cpu),
        (["gb", "mb", "kb", "tb", "pb", "gib", "mib", "kib", "tib", "percent", "pct", "ratio", "factor"], .float),
        (["days", "hours", "minutes", "seconds", "ms", "count", "port", "iops", "connections", "users", "replicas", "retries",
          "workers", "threads", "shards", "nodes", "instances", "threshold", "limit", "max", "min"], .int),
        (["enabled", "disabled", "required"], .bool),
        (["email", "mail"], .email),
        (["cidr", "subnet"], .cidr),
        (["cron", "schedule"], .cron),
    ]
    private static let boolFirstWords: Set<String> = ["enable", "is", "has", "use", "allow"]

    static func type(name: String, key: String, quoted: Bool) -> TemplateType {
        let type = type(words: words(name)) ?? type(words: words(key)) ?? .string
        guard quoted else { return type }
        return [.cron, .cidr, .email].contains(type) ? type : .string
    }

    private static func words(_ name: String) -> [String] {
        name.lowercased().split(separator: "_").map(String.init)
    }

    private static func type(words: [String]) -> TemplateType? {
        guard let last = words.last else { return nil }
        if let rule = lastWords.first(where: { $0.words.contains(last) }) { return rule.type }
        if words.count > 1, let first = words.first, boolFirstWords.contains(first) { return .bool }
        return nil
    }
}
