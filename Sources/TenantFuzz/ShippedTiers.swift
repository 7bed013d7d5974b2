// The context every target shares: the shipped tiers, read, parsed and self-checked once per
// process. Each input replaces the bytes of one buffer of the same source map, as an editor's
// unsaved buffer would; nothing is read from or written to disk per input.
import Foundation
import TenantDiagnostics
import TenantSemantics
import TenantSyntax

struct ShippedTiers: Sendable {
    let sources: SourceMap
    let tiers: TierSet
    /// The file whose bytes each input replaces.
    let buffer: FileID

    /// Reads `directory`'s `.tenant` files; nil when there are none.
    static func load(from directory: String) -> ShippedTiers? {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".tenant") }.sorted()
        let sources = SourceMap()
        let units = names.compactMap { name in
            FileManager.default.contents(atPath: directory + "/" + name).map { Parser.parse(sources.add(path: "tiers/" + name, bytes: Array($0))) }
        }
        guard units.contains(where: { !$0.declarations.isEmpty }) else { return nil }
        let buffer = sources.add(path: "tenants/fuzz.tenant", bytes: []).id
        return ShippedTiers(sources: sources, tiers: TierSet(units: units, sources: sources), buffer: buffer)
    }

    /// Puts `bytes` in the buffer and parses it.
    func parse(_ bytes: [UInt8]) -> SourceUnit? {
        sources.replace(buffer, bytes: bytes).map { Parser.parse($0) }
    }
}
