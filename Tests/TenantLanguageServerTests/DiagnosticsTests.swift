import Foundation
@testable import TenantLanguageServer
import TenantCompiler
import TenantDiagnostics
import TenantTestSupport
import Testing

/// The diagnostics published are `check`'s, for the buffer as the editor holds it.
@Suite struct DiagnosticsTests {
    /// What `tenantc check FILE` reports in that file, as (code, severity, line, message).
    static func checked(_ relative: String, in project: ProjectCopy) -> [String] {
        let outcome = Compiler.run(CompileRequest(inputs: [SourceInput(path: relative)], jobs: 1, workingDirectory: project.root))
        return outcome.diagnostics.compactMap { d in
            let located = d.span.flatMap { outcome.sources.position($0) }
            guard located == nil || located?.file.path == relative else { return nil }
            let severity = d.severity == .error ? 1 : d.severity == .warning ? 2 : 3
            return "\(d.code.id) \(severity) \((located?.start.line ?? 1) - 1) \(d.redactingSecretValues(outcome.sources).message)"
        }
    }

    static func shown(_ published: [JSONValue]) -> [String] {
        published.map { d in
            let message = d["message"]?.stringValue?.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            return "\(d["code"]?.stringValue ?? "") \(d["severity"]?.intValue ?? 0) \(d["range"]?["start"]?["line"]?.intValue ?? -1) \(message)"
        }
    }

    static func examples() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: repoRoot + "/examples")) ?? []
        let invalid = (try? FileManager.default.contentsOfDirectory(atPath: repoRoot + "/examples/invalid")) ?? []
        return (names.map { "examples/" + $0 } + invalid.map { "examples/invalid/" + $0 }).filter { $0.hasSuffix(".tenant") }.sorted()
    }

    @Test func everyExampleGetsWhatCheckReports() throws {
        let project = try ProjectCopy()
        defer { project.remove() }
        let client = TestClient()
        var sawErrors = 0
        for relative in Self.examples() {
            let published = client.open(project.path(relative))[client.uri(project.path(relative))] ?? []
            let expected = Self.checked(relative, in: project)
            let labels = published.map { d in "\(d["code"]?.stringValue ?? "")" }
            #expect(labels == expected.map { String($0.prefix { $0 != " " }) }, "\(relative)")
            #expect(Self.shown(published) == expected, "\(relative)")
            if !published.isEmpty { sawErrors += 1 }
        }
        #expect(sawErrors >= 15)
    }

    @Test func theTierLineThatSetALimitIsRelatedInformation() throws {
        let project = try ProjectCopy()
        defer { project.remove() }
        let client = TestClient()
        let path = project.path("examples/invalid/cpu_over_limit.tenant")
        let published = try #require(client.open(path)[client.uri(path)]?.first)
        #expect(published["code"]?.stringValue == "E0310")
        let related = published["relatedInformation"]?.arrayValue ?? []
        let places = related.map { "\($0["location"]?["uri"]?.stringValue?.split(separator: "/").last ?? ""):\($0["location"]?["range"]?["start"]?["line"]?.intValue ?? -1) \($0["message"]?.stringValue ?? "")" }
        #expect(places.contains("standard.tenant:5 limit of tier `standard`"), "\(places)")
        #expect(places.contains("free.tenant:378 rule defined in tier `free`"), "\(places)")
        #expect(published["message"]?.stringValue?.contains("help: raise the tenant to `premium`") == true)
    }

    /// The fast path (a cached tier context) and the driver's own path publish the same, for
    /// the examples and for thousands of random edits of them.
    @Test func theFastPathPublishesWhatTheDriverDoes() throws {
        let project = try ProjectCopy()
        defer { project.remove() }
        let fast = TestClient(fastPath: true)
        let clear = TestClient(fastPath: false)
        var random = SplitMix(seed: 19)
        let fragments = ["", "}", "{", "=", " x", "\"", "2cores", "databases.", "tier ", "\n", "unlimited", "// c\n", "locked ", ".", "env staging {"]
        for relative in Self.examples() {
            let path = project.path(relative)
            let original = try String(contentsOfFile: path, encoding: .utf8)
            #expect(describe(fast.open(path)) == describe(clear.open(path)), "\(relative)")
            var text = Array(original.utf8)
            for version in 2..<22 {
                let at = text.isEmpty ? 0 : Int(random.next() % UInt64(text.count + 1))
                let cut = min(text.count - at, Int(random.next() % 4))
                text.replaceSubrange(at..<at + cut, with: Array(random.pick(fragments).utf8))
                let edited = String(decoding: text, as: UTF8.self)
                let a = describe(fast.change(path, text: edited, version: version))
                let b = describe(clear.change(path, text: edited, version: version))
                #expect(a == b, "\(relative) edited:\n\(edited)")
                if a != b { break }
            }
            fast.close(path)
            clear.close(path)
        }
        #expect(fast.server.checker.fastChecks > 100 && clear.server.checker.fastChecks == 0)
    }
}
