// The libFuzzer executable. TENANTC_FUZZ_TARGET picks what the input is fed to (see
// docs/robustness.md, "Fuzzing"); the shipped tiers are read and self-checked once, before
// the first input, and every input runs on the main thread (MainStack.swift). Built only by
// `fuzz/run.sh` (TENANTC_FUZZ=1).
import CFuzzerDriver
import Foundation

let environment = ProcessInfo.processInfo.environment
let targets: [String: @Sendable ([UInt8], ShippedTiers) -> Void] = [
    "parser": fuzzParser,
    "evaluator": fuzzEvaluator,
    "redaction": fuzzRedaction,
    "emitter": fuzzEmitter,
    "fmt": fuzzFormat,
    "lsp": fuzzLanguageServer,
    "import": fuzzImport,
]

func exitWithUsage(_ message: String) -> Never {
    FileHandle.standardError.write(Data("tenantc-fuzz: \(message)\n".utf8))
    exit(2)
}

/// The target TENANTC_FUZZ_TARGET names (`parser` when unset).
func chosenTarget() -> @Sendable ([UInt8], ShippedTiers) -> Void {
    let name = environment["TENANTC_FUZZ_TARGET"] ?? "parser"
    guard let target = targets[name] else {
        exitWithUsage("unknown target `\(name)` in TENANTC_FUZZ_TARGET (targets: \(targets.keys.sorted().joined(separator: ", ")))")
    }
    return target
}

func loadShippedTiers() -> ShippedTiers {
    guard let shipped = ShippedTiers.load(from: environment["TENANTC_FUZZ_TIERS"] ?? "tiers") else {
        exitWithUsage("no tiers found (run from the repository root, or set TENANTC_FUZZ_TIERS)")
    }
    return shipped
}

ensureMainStack()
let target = chosenTarget()
let shipped = loadShippedTiers()
tenantc_heap_watch_start()

let callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32 = { data, size in
    guard let data else { return 0 }
    target(Array(UnsafeBufferPointer(start: data, count: size)), shipped)
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
