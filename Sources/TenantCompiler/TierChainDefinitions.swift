import TenantDiagnostics
import TenantSemantics
import TenantSyntax

/// The expression each field of a tier is last given along its `extends` chain (root first),
/// read from the tiers' bodies: what an import compares a template's value with, to leave to
/// inheritance what the parent already sets the same way. Only plain definitions count: a
/// path with `*`, or a record replaced by a literal, makes everything under it unknown; `env`
/// blocks are overlays, applied after every body either way, and are not read.
struct TierChainDefinitions {
    private(set) var expressions: [String: Expr] = [:]

    init(_ tier: TierGraph.Tier, graph: TierGraph) {
        for i in tier.chain {
            collect(graph.tiers[i].declaration.body, prefix: "")
        }
    }

    private mutating func collect(_ statements: [Statement], prefix: String) {
        for statement in statements {
            switch statement.kind {
            case .assign(let path, let expr):
                define(path, prefix: prefix, expr)
            case .declare(let path, let type, let expr):
                // `name: { … }`: a record whose body declares its fields.
                if case .record(let body) = type.kind, expr == nil {
                    if let full = self.path(path, prefix: prefix) { collect(body, prefix: full) }
                } else {
                    define(path, prefix: prefix, expr)
                }
            case .block(let path, let body):
                guard let full = self.path(path, prefix: prefix) else { continue }
                collect(body, prefix: full)
            case .rule, .env, .scale:
                continue
            }
        }
    }

    /// `path` under `prefix` as a dotted path; nil (and everything under the part before the
    /// `*` forgotten) when it has a wildcard.
    private mutating func path(_ path: Path, prefix: String) -> String? {
        var full = prefix
        for segment in path.segments {
            guard case .name(let name) = segment else {
                forget(under: full)
                return nil
            }
            full = full.isEmpty ? name.text : full + "." + name.text
        }
        return full
    }

    private mutating func define(_ path: Path, prefix: String, _ expr: Expr?) {
        guard let full = self.path(path, prefix: prefix) else { return }
        guard let expr, !isRecordLiteral(expr) else {
            forget(under: full)
            return
        }
        expressions[full] = expr
    }

    private func isRecordLiteral(_ expr: Expr) -> Bool {
        if case .record = expr.kind { return true }
        return false
    }

    private mutating func forget(under path: String) {
        guard !path.isEmpty else {
            expressions = [:]
            return
        }
        for key in expressions.keys where key == path || key.hasPrefix(path + ".") { expressions[key] = nil }
    }

    /// Whether `expr` is a constant: literals, and lists and records of them.
    static func isConstant(_ expr: Expr) -> Bool {
        switch expr.kind {
        case .literal: true
        case .unary(.negate, let e): isConstant(e)
        case .list(let items): items.allSatisfy(isConstant)
        case .record(let entries): entries.allSatisfy { isConstant($0.value) }
        default: false
        }
    }
}
