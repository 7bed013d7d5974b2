import TenantTestSupport
import Foundation
import TenantBackends
import TenantDiagnostics
import TenantSemantics
import TenantSyntax
import Testing

/// Every example and tier file, mutated deterministically (truncations, byte flips, inserted
/// delimiters, NUL, invalid UTF-8, …): each mutant compiles to a result or to diagnostics that
/// explain the failure — never a trap, never a silent failure, never a hang.
@Suite struct MutationTests {
    /// What gets inserted: the pieces most likely to confuse a lexer or a parser.
    static let insertions: [[UInt8]] = [
        Array("{".utf8), Array("}".utf8), Array("[".utf8), Array("]".utf8), Array("\"".utf8), Array("${".utf8),
        Array("/*".utf8), Array("..".utf8), Array("\"\"\"".utf8), Array("\n".utf8), Array("=".utf8), Array(".*".utf8),
        Array("tier x {".utf8), Array("super".utf8), Array("99999999999999999999".utf8), Array("1e999".utf8),
        Array("0.0000001cores".utf8), Array("\\u{110000}".utf8), [0], [0xFF], [0xC3], [0x80], [0xE2, 0x82], [0xEF, 0xBB, 0xBF], [0x0D],
    ]

    static func mutate(_ source: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
        var b = source
        let n = max(b.count, 1)
        switch rng.next() % 8 {
        case 0:  // truncate
            b = Array(b.prefix(Int(rng.next() % UInt64(n))))
        case 1:  // flip a bit
            if !b.isEmpty { b[Int(rng.next() % UInt64(b.count))] ^= UInt8(1 << (rng.next() % 8)) }
        case 2, 3:  // insert a troublesome piece
            let piece = insertions[Int(rng.next() % UInt64(insertions.count))]
            b.insert(contentsOf: piece, at: Int(rng.next() % UInt64(b.count + 1)))
        case 4:  // delete a range
            let start = Int(rng.next() % UInt64(n))
            let length = Int(rng.next() % 40)
            b.removeSubrange(min(start, b.count)..<min(start + length, b.count))
        case 5:  // duplicate a range
            let start = Int(rng.next() % UInt64(n))
            let end = min(b.count, start + Int(rng.next() % 200))
            if start < end { b.insert(contentsOf: b[start..<end], at: end) }
        case 6:  // swap two lines
            var lines = b.split(separator: 0x0A, omittingEmptySubsequences: false)
            if lines.count > 2 {
                let i = Int(rng.next() % UInt64(lines.count))
                let j = Int(rng.next() % UInt64(lines.count))
                lines.swapAt(i, j)
                b = Array(lines.joined(separator: [0x0A]))
            }
        default:  // several mutations at once
            for _ in 0..<3 { b = mutate(b, &rng) }
        }
        return b
    }

    /// Checks one compiled buffer: a tenant without a result must come with an error, every
    /// diagnostic must point inside its file, and every renderer must accept the list.
    static func check(_ results: [TenantResult], _ diagnostics: [Diagnostic], sources: SourceMap, label: String) {
        let errors = diagnostics.contains { $0.severity == .error }
        for r in results where r.tenant == nil {
            #expect(errors, "tenant `\(r.id)` failed without an error diagnostic (\(label))")
        }
        for d in diagnostics {
            guard let span = d.span else { continue }
            let file = sources.file(span.file)
            #expect(file != nil && Int(span.end) <= file!.bytes.count, "diagnostic outside its file (\(label)): \(d.message)")
        }
        let list = DiagnosticList(diagnostics)
        let shown = list.finalized(sourceMap: sources)
        for format in DiagnosticFormat.allCases where !shown.isEmpty {
            #expect(!render(shown, as: format, sourceMap: sources, style: .colored, counts: list.counts).isEmpty)
        }
    }

    static func tierFiles() -> [String] { ["free", "standard", "premium", "enterprise"].map { "tiers/\($0).tenant" } }

    /// Tenant files (the examples, valid and invalid), each mutated 100 times, against the shipped tiers.
    @Test(.timeLimit(.minutes(5)))
    func mutatedTenantFiles() throws {
        let sources = SourceMap()
        let units = try Self.tierFiles().map { path in
            Parser.parse(sources.add(path: path, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: repoRoot + "/" + path)))))
        }
        let tiers = TierSet(units: units, sources: sources)
        let buffer = sources.add(path: "tenants/mutant.tenant", bytes: [])
        let files = exampleFiles().map { "examples/" + $0 } + invalidExampleFiles().map { "examples/invalid/" + $0 }
        var count = 0
        for (k, path) in files.enumerated() {
            let original = Array(try Data(contentsOf: URL(fileURLWithPath: repoRoot + "/" + path)))
            var rng = SplitMix(seed: UInt64(k) &* 7919 &+ 1)
            for m in 0..<100 {
                let mutant = Self.mutate(original, &rng)
                guard let file = sources.replace(buffer.id, bytes: mutant) else { continue }
                let unit = Parser.parse(file)
                var diagnostics = unit.diagnostics
                var results: [TenantResult] = []
                let broken = unit.diagnostics.contains { $0.severity == .error }
                for decl in unit.declarations where decl.kind == .tenant {
                    let r = tiers.resolve(decl, ResolveOptions(afterSyntaxErrors: broken))
                    if let t = r.tenant {
                        var out: [UInt8] = []
                        try YAMLBackend().render(t, options: RenderOptions(), layout: .file, into: &out)
                        try JSONBackend().render(t, options: RenderOptions(), layout: .file, into: &out)
                        #expect(!out.isEmpty)
                    }
                    results.append(r)
                    diagnostics += r.diagnostics
                }
                if broken { #expect(!diagnostics.isEmpty) }
                Self.check(results, diagnostics, sources: sources, label: "\(path) mutant \(m)")
                count += 1
            }
        }
        #expect(count >= 1_700)
    }

    /// The tier files, each mutated 100 times: the tier graph, the self-checks and a tenant of
    /// every tier still end in results or diagnostics.
    @Test(.timeLimit(.minutes(5)))
    func mutatedTierFiles() throws {
        let originals = try Self.tierFiles().map { Array(try Data(contentsOf: URL(fileURLWithPath: repoRoot + "/" + $0))) }
        let tenants = ["free", "standard", "premium", "enterprise"].map {
            "tenant probe_\($0) extends \($0) {\n  tenant_info.tenant_name = \"Probe\"\n}\n"
        }.joined()
        var count = 0
        for (k, path) in Self.tierFiles().enumerated() {
            var rng = SplitMix(seed: UInt64(k) &* 104_729 &+ 3)
            for m in 0..<100 {
                let sources = SourceMap()
                let units = Self.tierFiles().enumerated().map { j, other in
                    Parser.parse(sources.add(path: other, bytes: j == k ? Self.mutate(originals[j], &rng) : originals[j]))
                }
                let parseDiagnostics = units.flatMap(\.diagnostics)
                let tenantUnit = Parser.parse(sources.add(path: "tenants/probes.tenant", bytes: Array(tenants.utf8)))
                let tiers = TierSet(units: units + [tenantUnit], sources: sources)
                var diagnostics = parseDiagnostics + tiers.diagnostics
                var results: [TenantResult] = []
                for decl in tenantUnit.declarations {
                    let r = tiers.resolve(decl)
                    results.append(r)
                    diagnostics += r.diagnostics
                }
                Self.check(results, diagnostics, sources: sources, label: "\(path) mutant \(m)")
                count += 1
            }
        }
        #expect(count == 400)
    }
}
