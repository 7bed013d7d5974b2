import TenantDiagnostics
import TenantSyntax

/// The tiers of one compilation and their `extends` edges (docs/language.md).
public struct TierGraph: Sendable {
    public struct Tier: Sendable {
        public let declaration: Declaration
        public var name: String { declaration.name.text }
        /// Index of the parent tier; nil for a root tier.
        public internal(set) var parent: Int?
        /// Indices from the root tier down to this one. Empty when the chain is broken (cycle, unknown parent).
        public internal(set) var chain: [Int] = []
        public var isRoot: Bool { declaration.parent == nil }
        public var isValid: Bool { !chain.isEmpty }
    }

    /// Longest `extends` chain accepted.
    public static let maxChainLength = 64

    public private(set) var tiers: [Tier] = []
    public private(set) var index: [String: Int] = [:]
    public private(set) var diagnostics: [Diagnostic] = []

    /// Builds the graph; `tenantNames` lets `extends` to a tenant be reported as such.
    public init(declarations: [Declaration], tenantNames: Set<String> = []) {
        for d in declarations where d.kind == .tier {
            if let first = index[d.name.text] {
                diagnostics.append(.error(.duplicateTier, "tier `\(d.name.text)` is declared twice", at: d.name.span,
                                          label: "declared again here",
                                          related: [DiagnosticLabel(tiers[first].declaration.name.span, "first declared here")],
                                          help: ["rename one of them: tier names are global within one compilation"]))
                continue
            }
            index[d.name.text] = tiers.count
            tiers.append(Tier(declaration: d, parent: nil))
        }
        let names = tiers.map(\.name)
        for i in tiers.indices {
            guard let p = tiers[i].declaration.parent else { continue }
            if let pi = index[p.text] {
                tiers[i].parent = pi
            } else if tenantNames.contains(p.text) {
                diagnostics.append(.error(.extendsTenant, "tier `\(tiers[i].name)` extends `\(p.text)`, which is a tenant", at: p.span,
                                          help: ["tiers extend tiers; tenants are the leaves of the tier graph"]))
            } else {
                diagnostics.append(TierGraph.unknownTier(p, among: names))
            }
        }
        computeChains()
    }

    /// `extends` names a tier that does not exist.
    public static func unknownTier(_ name: Name, among names: [String]) -> Diagnostic {
        var help: [String] = []
        var fixes: [FixIt] = []
        if let s = suggestion(for: name.text, among: names) {
            help.append("did you mean `\(s)`?")
            fixes.append(FixIt(name.span, s))
        }
        if !names.isEmpty {
            help.append("the tiers are \(names.sorted().map { "`\($0)`" }.joined(separator: ", "))")
        } else {
            help.append("put the tiers in a `tiers/` directory next to (or above) the tenants, or pass `--tiers DIR`")
            return .error(.noTiers, "no tiers found: tier `\(name.text)` is unknown", at: name.span, label: "no tier of this name", help: help)
        }
        return .error(.unknownTier, "unknown tier `\(name.text)`", at: name.span, label: "no tier of this name", help: help, fixes: fixes)
    }

    private mutating func computeChains() {
        let inCycle = reportCycles()
        var reportedTooDeep: Set<Int> = []
        for i in tiers.indices {
            var chain: [Int] = []
            var cur: Int? = i
            var broken = false
            while let c = cur {
                if inCycle[c] {
                    broken = true  // the cycle is reported once, by `reportCycles`
                    break
                }
                chain.append(c)
                if chain.count > TierGraph.maxChainLength {
                    if reportedTooDeep.insert(i).inserted {
                        diagnostics.append(.error(.chainTooDeep, "the `extends` chain of tier `\(tiers[i].name)` is longer than \(TierGraph.maxChainLength) tiers",
                                                  at: tiers[i].declaration.headerSpan))
                    }
                    broken = true
                    break
                }
                if tiers[c].declaration.parent != nil, tiers[c].parent == nil {
                    broken = true  // unknown parent, reported above
                    break
                }
                cur = tiers[c].parent
            }
            tiers[i].chain = broken ? [] : chain.reversed()
        }
    }

    /// Reports each `extends` cycle once, whatever its length, and returns which tiers are on one.
    ///
    /// Every tier has at most one parent, so following parents from each tier not yet seen finds
    /// every cycle in one pass over the tiers.
    private mutating func reportCycles() -> [Bool] {
        enum Mark { case unseen, onPath, done }
        var mark = [Mark](repeating: .unseen, count: tiers.count)
        var inCycle = [Bool](repeating: false, count: tiers.count)
        for i in tiers.indices where mark[i] == .unseen {
            var path: [Int] = []
            var cur: Int? = i
            while let c = cur, mark[c] == .unseen {
                mark[c] = .onPath
                path.append(c)
                cur = tiers[c].parent
            }
            if let c = cur, mark[c] == .onPath, let start = path.firstIndex(of: c) {
                let members = Array(path[start...])
                for m in members { inCycle[m] = true }
                diagnostics.append(cycleDiagnostic(members))
            }
            for m in path { mark[m] = .done }
        }
        return inCycle
    }

    /// Longest cycle spelled out in full in a diagnostic; longer ones are elided in the middle.
    private static let cycleMembersShown = 16

    /// One cycle, at its first member in declaration order, from there round to it again.
    private func cycleDiagnostic(_ members: [Int]) -> Diagnostic {
        let first = members.min() ?? members[0]
        let rotated = Array(members.drop { $0 != first } + members.prefix { $0 != first })
        let names = (rotated + [first]).map { "`\(tiers[$0].name)`" }
        let shown = TierGraph.cycleMembersShown
        let path = names.count <= shown ? names.joined(separator: " extends ")
            : (names.prefix(shown / 2) + ["… (\(names.count - shown) more)"] + names.suffix(shown / 2)).joined(separator: " extends ")
        let related = rotated.dropFirst().prefix(shown).map {
            DiagnosticLabel(tiers[$0].declaration.parent?.span ?? tiers[$0].declaration.headerSpan,
                            "`\(tiers[$0].name)` extends `\(tiers[$0].declaration.parent?.text ?? "")`")
        }
        return .error(.extendsCycle, "cycle in `extends`: \(path)",
                      at: tiers[first].declaration.parent?.span ?? tiers[first].declaration.headerSpan,
                      label: "`\(tiers[first].name)` extends `\(tiers[first].declaration.parent?.text ?? "")`",
                      related: Array(related),
                      help: ["one tier of the cycle must be a root tier or extend a tier outside it"])
    }

    /// Tiers that extend `tier`, directly or not, nearest first (then by name).
    public func descendants(of tier: Int) -> [Int] {
        tiers.indices.filter { $0 != tier && tiers[$0].chain.contains(tier) }
            .sorted { (tiers[$0].chain.count, tiers[$0].name) < (tiers[$1].chain.count, tiers[$1].name) }
    }

    /// Tiers in an order where every parent comes before its children.
    public var topologicalOrder: [Int] {
        tiers.indices.filter { tiers[$0].isValid }.sorted { (tiers[$0].chain.count, $0) < (tiers[$1].chain.count, $1) }
    }
}
