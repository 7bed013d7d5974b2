import Testing
import TenantDiagnostics
import TenantModel
@testable import TenantSemantics

/// Evaluation is bounded in work and memory: shared structure is measured once, `super` is
/// evaluated once per layer, and a formula that does too much ends in E0408 at its expression.
@Suite("Evaluation budget")
struct EvaluationBudgetTests {
    @Test func sharedStructureIsMeasuredOncePerStorage() {
        // 100 levels of `[v, v]`: a tree of 2^100 leaves in 100 lists.
        var v = Value.int(1)
        for _ in 0..<100 { v = .list([v, v]) }
        var measures = ValueMeasures()
        let m = measures.measure(v, depthLimit: EvaluationLimits.maxValueDepth)
        #expect(m.depth == 100)
        #expect(m.nodes == .max)
        #expect(measures.visited <= 2 * 100 + 2)
    }

    @Test func tooDeepIsStillFoundThroughSharedStructure() {
        var v = Value.int(1)
        for _ in 0..<200 { v = .list([v, v, v]) }
        var measures = ValueMeasures()
        #expect(measures.measure(v, depthLimit: EvaluationLimits.maxValueDepth).depth > EvaluationLimits.maxValueDepth)
        #expect(measures.visited <= 3 * 200 + 3)
    }

    @Test func superIsEvaluatedOncePerLayer() {
        // Each layer reads `super` three times: 3^40 evaluations without memoisation.
        var source = "tier s0 { x = 1 }\n"
        for i in 1...40 { source += "tier s\(i) extends s\(i - 1) { x = super + super - super }\n" }
        source += "tenant t extends s40 {}\n"
        let c = compile(source)
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c["x"] == .int(1))
    }

    @Test func nestedComprehensionsOverSharedListsRunOutOfBudget() {
        // Each level holds the one below ten times: 10^29 leaves in 30 small lists.
        var lines = ["tier nest {", "  l0 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]"]
        for i in 1..<30 { lines.append("  l\(i) = [l\(i - 1) for x in l0]") }
        lines.append("}")
        lines.append("tenant t extends nest {}")
        let c = compile(lines.joined(separator: "\n"))
        let budget = c.all("E0408")
        #expect(budget.count == 2, "\(summary(c.diagnostics))")  // the tier's self-check and the tenant
        // Steps or bytes, whichever runs out first: both stop it.
        #expect(budget.allSatisfy { $0.message.hasSuffix("takes more than \(EvaluationLimits.maxAllocatedBytes >> 20) MiB of values")
                                    || $0.message.hasSuffix("takes more than \(EvaluationLimits.maxSteps) steps") })
        #expect(budget.allSatisfy { c.source($0.span)?.hasPrefix("[l") == true })
        #expect(c.diagnostics.count == 2)
    }

    @Test func stepsRunOutBeforeMemoryDoes() {
        // 5,000 sums of 5,000 items: 25 million steps, with a list of 5,000 numbers.
        let items = (1...5_000).map(String.init).joined(separator: ", ")
        let c = compile("tier busy {\n  l = [\(items)]\n  s = [sum(l) for x in l]\n}\ntenant t extends busy {}\n")
        let budget = c.all("E0408")
        #expect(!budget.isEmpty, "\(summary(c.diagnostics))")
        #expect(budget.allSatisfy { $0.message.hasSuffix("takes more than \(EvaluationLimits.maxSteps) steps") })
        #expect(budget.allSatisfy { c.source($0.span) == "sum(l)" })
    }

    @Test func searchingLongTextCountsItsBytes() {
        // 1,000 searches of a 64 KiB string: 64 million bytes read, each a step.
        var lines = ["tier text {", "  s0 = \"aaaaaaaaaaaaaaaa\""]
        for i in 1...12 { lines.append("  s\(i) = \"${s\(i - 1)}${s\(i - 1)}\"") }
        lines.append("  l = [" + Array(repeating: "1", count: 1_000).joined(separator: ", ") + "]")
        lines.append("  found = [\"b\" in s12 for x in l]")
        lines += ["}", "tenant t extends text {}"]
        let c = compile(lines.joined(separator: "\n"))
        let budget = c.all("E0408")
        #expect(!budget.isEmpty, "\(summary(c.diagnostics))")
        #expect(budget.allSatisfy { c.source($0.span) == "\"b\" in s12" })
    }

    @Test func aListAtTheBoundFitsTheBudget() {
        // A comprehension over the longest list a formula may build.
        let items = (1...EvaluationLimits.maxListItems).map { _ in "1" }.joined(separator: ",")
        let c = compile("tier wide {\n  l = [\(items)]\n  n = sum([x * 2 for x in l])\n}\ntenant t extends wide {}\n")
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c["n"] == .int(Int64(2 * EvaluationLimits.maxListItems)))
    }
}

/// One layer with thousands of bad lines keeps a bounded number of diagnostics, and counts all.
@Suite("Bounded diagnostics of a layer")
struct LayerFloodTests {
    @Test func unknownFieldsPastTheBoundAreCountedNotKept() {
        let lines = (0..<200_000).map { "  typo\($0) = 1" }.joined(separator: "\n")
        let c = compile("tier base { x = 1 }\ntenant t extends base {\n\(lines)\n}\n")
        let ds = c.tenantDiagnostics
        #expect(ds.count <= LayerBuilder.maxKeptDiagnostics + 1)
        #expect(ds.last?.code == .tooManyDiagnostics)
        #expect(DiagnosticCounts(counting: ds).errors == 200_000)
        #expect(ds.dropLast().allSatisfy { $0.code.id == "E0301" })
    }

    /// The tenants of one file share a budget besides their own: once it is spent, the next
    /// tenants stop at once, so a file's work is bounded by its size.
    @Test func theTenantsOfAFileShareABudget() {
        let items = (1...200).map(String.init).joined(separator: ", ")
        let shared = SharedBudget(steps: 50_000, bytes: EvaluationLimits.maxAllocatedBytes)
        expectOnlyTheFirstTenantFits(tier: "tier busy {\n  l = [\(items)]\n  s: [int] = []\n}",
                                     body: "s = [sum(l) for x in l]", sharing: shared, spent: "steps")
        #expect(shared.steps == 0)
    }

    /// Values built count against the file's share too: tenants that each build many large
    /// strings in few steps stop once the file's bytes are spent.
    @Test func theTenantsOfAFileShareTheirBytesOfValues() {
        let shared = SharedBudget(steps: EvaluationLimits.maxSteps, bytes: 400_000)
        expectOnlyTheFirstTenantFits(tier: "tier busy {\n  w = \"\(String(repeating: "abcdefgh", count: 1_000))\"\n  s: [string] = []\n}",
                                     body: "s = [\"${w}${w}${w}${w}\" for x in [1, 2, 3, 4]]", sharing: shared, spent: "bytes of values")
        #expect(shared.bytes == 0)
    }

    /// Three tenants of tier `busy` with `body`, resolved against `shared`: the first fits, the
    /// others run out of what their file shares (`spent`).
    private func expectOnlyTheFirstTenantFits(tier: String, body: String, sharing shared: SharedBudget, spent: String,
                                              sourceLocation: SourceLocation = #_sourceLocation) {
        let tenants = (1...3).map { "tenant t\($0) extends busy { \(body) }" }
        let c = compile(tier + "\n" + tenants.joined(separator: "\n"))
        let results = c.declarations.filter { $0.kind == .tenant }.map { c.tierSet.resolve($0, { var o = ResolveOptions(); o.stepBudget = shared; return o }()) }
        #expect(results.count == 3, sourceLocation: sourceLocation)
        #expect(results.first?.diagnostics.isEmpty == true, "\(summary(results.first?.diagnostics ?? []))", sourceLocation: sourceLocation)
        for r in results.dropFirst() {
            let budget = r.diagnostics.filter { $0.code.id == "E0408" }
            #expect(budget.count == 1, "\(summary(r.diagnostics))", sourceLocation: sourceLocation)
            #expect(budget.allSatisfy { $0.message.contains("\(spent) left of what its file's configs share") }, sourceLocation: sourceLocation)
        }
    }

    @Test func aFilesSharedBudgetGrowsWithItsSize() {
        #expect(SharedBudget(sourceBytes: 0).steps == 2 * EvaluationLimits.maxSteps)
        #expect(SharedBudget(sourceBytes: 16 << 20).steps == 2 * EvaluationLimits.maxSteps + 2 * (16 << 20))
        #expect(SharedBudget(sourceBytes: 16 << 20).bytes == 2 * EvaluationLimits.maxAllocatedBytes + 64 * (16 << 20))
    }
}
