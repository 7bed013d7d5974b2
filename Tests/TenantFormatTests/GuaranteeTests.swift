import Foundation
import TenantFormat
import Testing

/// docs/format.md, "Guarantees", over every file the repository ships and the fuzz corpus.
@Suite struct GuaranteeTests {
    static let shipped = files(in: "tiers", suffix: ".tenant") + files(in: "examples", suffix: ".tenant")
        + files(in: "examples/invalid", suffix: ".tenant") + files(in: "bench/tiers", suffix: ".tenant")
        + files(in: "fuzz/seeds/files") + files(in: "fuzz/seeds/bodies")

    /// The shipped files with syntax errors, which are not formatted.
    static let unparsable = ["examples/invalid/spaced_unit.tenant", "examples/invalid/syntax_error.tenant",
                             "fuzz/seeds/files/fmt-parse-heap-carriage-returns.seed"]

    /// The fuzzer's seeds, and the corpus it grew when there is one (it is not committed).
    static let corpus = files(in: "fuzz/seeds/files") + files(in: "fuzz/seeds/bodies") + files(in: "fuzz/corpus/parser") + files(in: "fuzz/corpus/fmt") + files(in: "fuzz/corpus/evaluator") + files(in: "fuzz/corpus/redaction")
        + files(in: "fuzz/corpus/emitter")

    /// A file's bytes; a tenant's body (the fuzzer's `.body` seeds and body corpora) wrapped in
    /// its declaration, as the fuzzer feeds it.
    static func source(_ path: String) throws -> [UInt8] {
        let bytes = try read(path)
        let body = path.hasSuffix(".body") || path.contains("/corpus/") && !path.contains("/corpus/parser/")
        guard body else { return bytes }
        return Array("tenant fuzz extends standard {\n".utf8) + bytes + Array("\n}\n".utf8)
    }

    @Test func shippedFilesKeepTheirMeaningCommentsAndAreFixedPoints() throws {
        var formattedCount = 0
        for path in Self.shipped {
            let bytes = try Self.source(path)
            guard let once = formatted(bytes, path: path) else {
                #expect(Self.unparsable.contains(path), "\(path) is not formatted")
                continue
            }
            formattedCount += 1
            expectGuarantees(bytes, once, path)
        }
        #expect(formattedCount == Self.shipped.count - Self.unparsable.count)
    }

    /// `.ci/run` checks the same with `tenantc fmt --check`.
    @Test func everyShippedTenantFileIsCanonical() throws {
        let tenantFiles = Self.shipped.filter { $0.hasSuffix(".tenant") }
        #expect(tenantFiles.count >= 29)
        for path in tenantFiles {
            let bytes = try read(path)
            guard let once = formatted(bytes, path: path) else {
                #expect(Self.unparsable.contains(path))
                continue
            }
            #expect(once == bytes, "\(path) is not in the canonical layout: run `tenantc fmt \(path)`")
        }
    }

    @Test func generatedTenantsKeepTheirMeaningCommentsAndAreFixedPoints() throws {
        for tenant in GeneratedTenants.make(1_000) {
            let bytes = Array(tenant.text.utf8)
            let once = try #require(formatted(bytes, path: tenant.name))
            expectGuarantees(bytes, once, tenant.name)
        }
    }

    @Test func fuzzCorpusKeepsItsMeaningCommentsAndIsAFixedPoint() throws {
        var formattedCount = 0
        for path in Self.corpus {
            // A fuzzer at work replaces corpus files while they are read.
            guard let bytes = try? Self.source(path) else { continue }
            guard let once = formatted(bytes, path: path) else { continue }
            formattedCount += 1
            expectGuarantees(bytes, once, path)
        }
        #expect(formattedCount > 0)
    }
}

func expectGuarantees(_ bytes: [UInt8], _ once: [UInt8], _ path: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let twice = formatted(once, path: path)
    #expect(twice == once, "\(path): not a fixed point\n\(String(decoding: once, as: UTF8.self))\n---\n\(String(decoding: twice ?? [], as: UTF8.self))", sourceLocation: sourceLocation)
    let before = treeDump(bytes), after = treeDump(once)
    #expect(after == before ? true : false, "\(path): the tree changed: \(firstDifference(before, after))", sourceLocation: sourceLocation)
    #expect(commentTexts(once) == commentTexts(bytes), "\(path): comments changed", sourceLocation: sourceLocation)
}

/// Where two texts first differ, with some context.
func firstDifference(_ a: String, _ b: String) -> String {
    let x = Array(a), y = Array(b)
    var i = 0
    while i < x.count, i < y.count, x[i] == y[i] { i += 1 }
    let from = max(0, i - 150)
    return "before: …\(String(x[from..<min(x.count, i + 150)]))…\nafter: …\(String(y[from..<min(y.count, i + 150)]))…"
}
