// The libFuzzer executable. TENANTC_FUZZ_TARGET picks what the input is fed to (see
// docs/robustness.md, "Fuzzing"); the shipped tiers are read and self-checked once, before
// the first input. Built only by `fuzz/run.sh` (TENANTC_FUZZ=1).
import CFuzzerDriver
import Foundation
import TenantSyntax

let environment = ProcessInfo.processInfo.environment
let targets: [String: @Sendable ([UInt8], ShippedTiers) -> Void] = [
    "parser": fuzzParser,
    "evaluator": fuzzEvaluator,
    "redaction": fuzzRedaction,
    "emitter": fuzzEmitter,
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

let target = chosenTarget()
let shipped = loadShippedTiers()
tenantc_heap_watch_start()

/// Runs the target on one input.
func runTarget(_ bytes: [UInt8]) {
    target(bytes, shipped)
}

let callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32 = { data, size in
    guard let data else { return 0 }
    runTarget(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

// Parsing and evaluation need a deep stack and move to a new 64 MiB thread from a smaller one:
// libFuzzer runs on such a thread from the start, so that no input pays for a thread.
let status = withStackSpace(needed: 48 << 20, size: 64 << 20) {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    return LLVMFuzzerRunDriver(&argc, &argv, callback)
}
exit(status)
