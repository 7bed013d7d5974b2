import TenantModel

/// The `.tenant` source of an imported tenant: its assignments grouped into `name { … }` blocks
/// where several share a record, in the document's order, those that must come last in an
/// `env NAME { … }` block of its own. One statement per line, so that a diagnostic of the
/// compiled source leads back to the statement, and from it to the document's line; in the
/// formatter's layout (the tests check that the formatter leaves it as it is).
public struct TenantSource: Sendable {
    public struct Statement: Sendable {
        public var path: [String]
        /// What follows the path: `= 512MiB`, `= super + ["x"]`, `: [string] = ["a"]`.
        public var rest: String
        /// The document's line the statement comes from.
        public var line: Int
        /// In the tenant's own `env NAME { … }`, which comes after the tiers' overlays.
        public var inEnvironment: Bool

        public init(path: [String], rest: String, line: Int, inEnvironment: Bool = false) {
            self.path = path
            self.rest = rest
            self.line = line
            self.inEnvironment = inEnvironment
        }
    }

    public var id: String
    public var tier: String
    public var environment: String?
    public var statements: [Statement] = []
    /// A `///` comment above the declaration.
    public var doc: String?

    public init(id: String, tier: String, environment: String?) {
        self.id = id
        self.tier = tier
        self.environment = environment
    }

    /// The source, and for each of its lines (0-based) the document's line it comes from.
    public func text() -> (source: String, origins: [Int: Int]) {
        var w = Writer()
        if let doc { w.line("/// " + doc, origin: nil) }
        w.line("tenant \(id) extends \(tier) {", origin: nil)
        w.block(statements.filter { !$0.inEnvironment }, depth: 1)
        let overlay = statements.filter(\.inEnvironment)
        if let environment, !overlay.isEmpty {
            w.line("  env \(environment) {", origin: nil)
            w.block(overlay, depth: 2)
            w.line("  }", origin: nil)
        }
        w.line("}", origin: nil)
        return (w.out, w.origins)
    }

    private struct Writer {
        var out = ""
        var origins: [Int: Int] = [:]
        var lines = 0

        mutating func line(_ text: String, origin: Int?) {
            if let origin { origins[lines] = origin }
            out += text + "\n"
            lines += 1
        }

        /// The statements under a common prefix: a name shared by several opens a block.
        mutating func block(_ statements: [Statement], depth: Int) {
            let indent = String(repeating: "  ", count: depth)
            var i = 0
            while i < statements.count {
                let head = statements[i].path[0]
                var group: [Statement] = []
                var j = i
                while j < statements.count, statements[j].path[0] == head, statements[j].path.count > 1 {
                    group.append(statements[j])
                    j += 1
                }
                if group.count > 1 {
                    let shared = TenantSource.sharedPrefix(group)
                    line(indent + group[0].path.prefix(shared).joined(separator: ".") + " {", origin: nil)
                    block(group.map { var s = $0; s.path.removeFirst(shared); return s }, depth: depth + 1)
                    line(indent + "}", origin: nil)
                    i = j
                } else {
                    let s = statements[i]
                    // The formatter's layout: `name = value`, `name: type = value`.
                    let gap = s.rest.hasPrefix(":") ? "" : " "
                    line(indent + s.path.joined(separator: ".") + gap + s.rest, origin: s.line)
                    i += 1
                }
            }
        }
    }

    /// How many leading names the statements share, leaving each at least its last name.
    private static func sharedPrefix(_ statements: [Statement]) -> Int {
        var n = 1
        while statements.allSatisfy({ $0.path.count > n + 1 && $0.path[n] == statements[0].path[n] }) { n += 1 }
        return n
    }

    /// A value as `.tenant` source writes it; secrets as `secret("…")`, which the language
    /// reads back as the same encrypted token.
    public static func literal(_ value: Value) -> String {
        switch value {
        case .secret(let token): "secret(\(quoteForSource(token)))"
        case .list(let items): "[" + items.map(literal).joined(separator: ", ") + "]"
        case .record(let r):
            r.isEmpty ? "{}" : "{ " + zip(r.keys, r.values).map { "\($0) = \(literal($1))" }.joined(separator: ", ") + " }"
        default: value.sourceText
        }
    }
}
