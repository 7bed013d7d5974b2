// What a target asserts besides "no crash": each failed check is a tenantc bug, reported by
// trapping so that libFuzzer saves the input.
import CFuzzerDriver
import Foundation
import TenantDiagnostics

/// Every span of every diagnostic lies inside its file (docs/robustness.md, "Tests").
func checkSpans(_ diagnostics: [Diagnostic], _ sources: SourceMap) {
    for d in diagnostics {
        let spans = [d.span].compactMap { $0 } + d.related.map(\.span) + d.fixes.map(\.span)
        for span in spans {
            guard let file = sources.file(span.file), span.start <= span.end, Int(span.end) <= file.bytes.count else {
                fail("\(d.code) `\(d.message)` has a span outside its file: \(span)")
            }
        }
    }
}

/// Reports a finding: the message, then a trap libFuzzer records as a crash with its input.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("tenantc-fuzz: \(message)\n".utf8))
    abort()
}

/// The heap parsing one input (and listing what it found) may take: a fixed allowance and a
/// bounded amount per byte of input, so that the largest file tenantc reads (16 MiB) parses in
/// about 2 GiB. A blow-up that grows with the input (a diagnostic per byte, each holding
/// hundreds of bytes) shows at the fuzzer's small sizes this way, where libFuzzer's limits only
/// see the whole process or one allocation. Only parsing is held to it: a formula of a few bytes
/// may build a value of 1 MiB or 100,000 items within the documented bounds of evaluation.
enum ParsingHeapBudget {
    static let fixed = 64 << 10
    static let perInputByte = 128

    static func allowance(forInputOf size: Int) -> Int { fixed + perInputByte * size }
}

/// Runs `parse`, then fails when the heap grew past the allowance on the way.
func withinParsingHeapBudget<T>(inputSize: Int, _ parse: () -> T) -> T {
    let before = tenantc_heap_live()
    tenantc_heap_reset_peak()
    let result = parse()
    let grown = tenantc_heap_peak() - before
    if grown > ParsingHeapBudget.allowance(forInputOf: inputSize) {
        fail("parsing \(inputSize) bytes made the heap grow by \(grown) bytes (allowed: \(ParsingHeapBudget.fixed) + \(ParsingHeapBudget.perInputByte) per byte)")
    }
    return result
}
