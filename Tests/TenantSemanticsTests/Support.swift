import Foundation
import Testing
import TenantDiagnostics
import TenantModel
import TenantSyntax
@testable import TenantSemantics

// Helpers shared by the semantic tests: compile `.tenant` sources the way the driver does
// (parse, collect declarations, build a `TierSet`, resolve each tenant), read values out of the
// resolved config by dotted path, and look diagnostics up by code.

/// The outcome of compiling some sources: parse diagnostics, the tier set, one result per tenant.
struct Compiled {
    let sources: SourceMap
    let declarations: [Declaration]
    let parseDiagnostics: [Diagnostic]
    let tierSet: TierSet
    let results: [TenantResult]

    /// The first tenant's result (most tests compile exactly one tenant).
    var result: TenantResult? { results.first }
    var tenant: ResolvedTenant? { results.first?.tenant }
    var config: Record? { results.first?.tenant?.config }

    /// Diagnostics of the tenants (their own layers, overlays, evaluation and rules).
    var tenantDiagnostics: [Diagnostic] { results.flatMap(\.diagnostics) }
    /// Diagnostics of the tiers (graph, bodies, self-checks).
    var tierDiagnostics: [Diagnostic] { tierSet.diagnostics }
    /// Everything, in phase order.
    var diagnostics: [Diagnostic] { parseDiagnostics + tierSet.diagnostics + tenantDiagnostics }
    var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    var codes: [String] { diagnostics.map(\.code.id) }

    func all(_ code: String) -> [Diagnostic] { diagnostics.filter { $0.code.id == code } }
    func first(_ code: String) -> Diagnostic? { diagnostics.first { $0.code.id == code } }

    /// The result of the tenant named `id`.
    func result(_ id: String) -> TenantResult? { results.first { $0.id == id } }
    func config(_ id: String) -> Record? { result(id)?.tenant?.config }

    /// The value at a dotted path of the first tenant's config (`a.b.0.c`: list items by index).
    subscript(_ path: String) -> Value? { config.flatMap { lookup(.record($0), path) } }
    subscript(_ id: String, _ path: String) -> Value? { config(id).flatMap { lookup(.record($0), path) } }

    /// The value at a path as it would be written in source (`2cores`, `"x"`, `[1, 2]`).
    func text(_ path: String) -> String? { self[path]?.sourceText }
    func text(_ id: String, _ path: String) -> String? { self[id, path]?.sourceText }

    /// The source text a span covers.
    func source(_ span: Span?) -> String? {
        guard let span, let f = sources.file(span.file) else { return nil }
        return f.text(span)
    }

    /// `path:line` of a span's start.
    func location(_ span: Span?) -> String? {
        guard let span, let (file, start, _) = sources.position(span) else { return nil }
        return "\(file.path):\(start.line)"
    }
}

/// Compiles several files: tiers and tenants may sit in any of them.
func compile(files: [(path: String, text: String)], env: String? = nil) -> Compiled {
    let sources = SourceMap()
    let units = files.map { Parser.parse(sources.add(path: $0.path, bytes: Array($0.text.utf8))) }
    let decls = units.flatMap(\.declarations)
    let parseDiagnostics = units.flatMap(\.diagnostics)
    let tenants = decls.filter { $0.kind == .tenant }
    let tierSet = TierSet(units: units, sources: sources)
    let results = tenants.map { tierSet.resolve($0, environment: env) }
    return Compiled(sources: sources, declarations: decls, parseDiagnostics: parseDiagnostics, tierSet: tierSet, results: results)
}

/// Compiles one file.
func compile(_ source: String, env: String? = nil) -> Compiled {
    compile(files: [("test.tenant", source)], env: env)
}

/// Compiles `source` together with the shipped `tiers/*.tenant`.
func compileWithShippedTiers(_ source: String, path: String = "tenants/t.tenant", env: String? = nil) -> Compiled {
    compile(files: shippedTierFiles() + [(path, source)], env: env)
}

/// The value at a dotted path (`a.b`, list items by index: `a.0.b`).
func lookup(_ value: Value, _ path: String) -> Value? {
    var cur = value
    for seg in path.split(separator: ".") {
        switch cur {
        case .record(let r):
            guard let next = r[String(seg)] else { return nil }
            cur = next
        case .list(let items):
            guard let i = Int(seg), i >= 0, i < items.count else { return nil }
            cur = items[i]
        default:
            return nil
        }
    }
    return cur
}

/// The keys of the record at `path` (the root when empty).
func keys(_ c: Compiled, _ path: String = "") -> [String]? {
    let v: Value? = path.isEmpty ? c.config.map { .record($0) } : c[path]
    guard case .record(let r)? = v else { return nil }
    return r.keys
}

/// Evaluates one expression as the value of a root-tier field `result`, for a tenant that sets
/// nothing. `prelude` adds root-tier statements the expression may read.
func evaluate(_ expr: String, prelude: String = "") -> (value: Value?, diagnostics: [Diagnostic]) {
    let c = compile("""
    tier t {
    \(prelude)
      result = \(expr)
    }
    tenant x extends t {}
    """)
    return (c["result"], c.diagnostics)
}

// MARK: - Values

func cpu(_ millicores: Int64) -> Value { .cpu(CPU(millicores: millicores)) }
func size(_ bytes: Int64) -> Value { .size(Size(bytes: bytes, family: .bytes)) }
func duration(_ milliseconds: Int64) -> Value { .duration(TimeSpan(milliseconds: milliseconds, family: .day)) }
func percent(_ micros: Int64) -> Value { .percent(Percent(micros: micros)) }
func strings(_ s: String...) -> Value { .list(s.map { .string($0) }) }

let KiB: Int64 = 1 << 10
let MiB: Int64 = 1 << 20
let GiB: Int64 = 1 << 30

// MARK: - Shipped files

/// The repository root, from this file's location.
let repositoryRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private func tenantFiles(in dir: String) -> [(path: String, text: String)] {
    let url = repositoryRoot.appendingPathComponent(dir)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
    return names.filter { $0.hasSuffix(".tenant") }.sorted().compactMap { name in
        guard let data = FileManager.default.contents(atPath: url.appendingPathComponent(name).path) else { return nil }
        return (dir + "/" + name, String(decoding: data, as: UTF8.self))
    }
}

func shippedTierFiles() -> [(path: String, text: String)] { tenantFiles(in: "tiers") }
func exampleFiles() -> [(path: String, text: String)] { tenantFiles(in: "examples") }

/// Shipped tiers and examples, compiled once for the whole suite.
struct Shipped: Sendable {
    let sources: SourceMap
    let tierSet: TierSet
    let parseDiagnostics: [Diagnostic]
    let tenants: [Declaration]

    func resolve(_ id: String, env: String? = nil) -> TenantResult? {
        guard let d = tenants.first(where: { $0.name.text == id }) else { return nil }
        return tierSet.resolve(d, environment: env)
    }
}

let shipped: Shipped = {
    let sources = SourceMap()
    let units = (shippedTierFiles() + exampleFiles()).map { Parser.parse(sources.add(path: $0.0, bytes: Array($0.1.utf8))) }
    let parseDiagnostics = units.flatMap(\.diagnostics)
    let tenants = units.flatMap(\.declarations).filter { $0.kind == .tenant }
    let tierSet = TierSet(units: units, sources: sources)
    return Shipped(sources: sources, tierSet: tierSet, parseDiagnostics: parseDiagnostics, tenants: tenants)
}()

/// Short text of a list of diagnostics, for failure messages.
func summary(_ ds: [Diagnostic]) -> String {
    ds.map { "\($0.code.id): \($0.message)" }.joined(separator: "\n")
}
