// The libFuzzer target: arbitrary bytes through the whole pipeline — lexer, parser, tier graph
// and self-checks, resolution of every tenant against the shipped tiers, rules, both emitters,
// and every diagnostic renderer. Built only by `fuzz/run.sh` (TENANTC_FUZZ=1).
import CFuzzerDriver
import Foundation
import TenantBackends
import TenantCompiler
import TenantDiagnostics
import TenantModel
import TenantSemantics
import TenantSyntax

/// The shipped tiers, read once.
let tierDirectory = ProcessInfo.processInfo.environment["TENANTC_FUZZ_TIERS"] ?? "tiers"
let shippedTiers: [SourceInput] = {
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: tierDirectory)) ?? []).filter { $0.hasSuffix(".tenant") }.sorted()
    return names.compactMap { name in
        FileManager.default.contents(atPath: tierDirectory + "/" + name).map { SourceInput(path: "tiers/" + name, contents: Array($0)) }
    }
}()

/// The fast path: the shipped tiers parsed and self-checked once; the fuzzed buffer replaces
/// one file of the same source map on every run, as an editor's buffer would.
let sources = SourceMap()
let tierDeclarations: [Declaration] = shippedTiers.flatMap { Parser.parse(sources.add(path: $0.path, bytes: $0.contents ?? [])).declarations }
let buffer = sources.add(path: "tenants/fuzzed.tenant", bytes: [])
let shippedTierSet = TierSet(declarations: tierDeclarations, tenantNames: [], sources: sources)

/// Compiles a buffer holding only tenants against the cached tiers, renders every tenant and
/// every diagnostic.
func checkTenants(_ bytes: [UInt8]) {
    guard let file = sources.replace(buffer.id, bytes: bytes) else { return }
    let unit = Parser.parse(file)
    var diagnostics = DiagnosticList(unit.diagnostics)
    let broken = unit.diagnostics.contains { $0.severity == .error }
    for decl in unit.declarations where decl.kind == .tenant {
        for env in [nil, "development"] as [String?] {
            let result = shippedTierSet.resolve(decl, environment: env, afterSyntaxErrors: broken)
            diagnostics.append(contentsOf: result.diagnostics)
            guard let tenant = result.tenant else { continue }
            for units in [UnitsMode.canonical, .base] {
                var out: [UInt8] = []
                try? YAMLBackend().render(tenant, options: RenderOptions(units: units), layout: .file, into: &out)
                try? JSONBackend().render(tenant, options: RenderOptions(units: units), layout: .stream, into: &out)
            }
        }
    }
    renderAll(diagnostics.finalized(sourceMap: sources), sources, diagnostics.counts)
}

/// The full driver, for buffers that declare tiers of their own.
func compileWithDriver(_ bytes: [UInt8]) {
    let inputs = shippedTiers + [SourceInput(path: "tenants/fuzzed.tenant", contents: bytes)]
    let outcome = Compiler.run(CompileRequest(inputs: inputs, jobs: 1,
                                              emit: EmitPlan(backends: [YAMLBackend(), JSONBackend()], output: .standardOutput)))
    renderAll(outcome.diagnostics, outcome.sources, outcome.counts)
}

func renderAll(_ diagnostics: [Diagnostic], _ sources: SourceMap, _ counts: DiagnosticCounts) {
    for format in DiagnosticFormat.allCases {
        _ = render(diagnostics, as: format, sourceMap: sources, style: .colored, counts: counts, toolVersion: "fuzz")
    }
}

/// `tier` followed by a blank: the buffer may declare a tier (a cheap, conservative test).
func mayDeclareTiers(_ bytes: [UInt8]) -> Bool {
    let word: [UInt8] = Array("tier".utf8)
    guard bytes.count > 4 else { return false }
    for i in 0..<(bytes.count - 4) where bytes[i] == word[0] && Array(bytes[i..<i + 4]) == word {
        let next = bytes[i + 4]
        if next == 0x20 || next == 0x09 || next == 0x0A { return true }
    }
    return false
}

let callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32 = { data, size in
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if mayDeclareTiers(bytes) { compileWithDriver(bytes) } else { checkTenants(bytes) }
    return 0
}

if shippedTiers.isEmpty {
    FileHandle.standardError.write(Data("tenantc-fuzz: no tiers found (run from the repository root, or set TENANTC_FUZZ_TIERS)\n".utf8))
    exit(2)
}
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
