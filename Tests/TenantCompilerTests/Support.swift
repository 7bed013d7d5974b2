import Foundation
import TenantBackends
import TenantCompiler
import TenantDiagnostics
import TenantSecrets
import Testing

/// The repository root, found from this file's path.
let repoRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// `TENANTC_UPDATE_GOLDENS=1 swift test` rewrites golden files instead of comparing; review the diff.
let updatingGoldens = ProcessInfo.processInfo.environment["TENANTC_UPDATE_GOLDENS"] == "1"

/// Compares `actual` with the golden file at `relativePath` (from the repository root).
func expectGolden(_ actual: String, _ relativePath: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = URL(fileURLWithPath: repoRoot + "/" + relativePath)
    if updatingGoldens {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try actual.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    #expect(actual == expected, "golden \(relativePath) differs; run with TENANTC_UPDATE_GOLDENS=1 to regenerate and review the diff",
            sourceLocation: sourceLocation)
}

/// Compiles files named relative to the repository root.
func compile(_ paths: [String], environments: [String] = [], jobs: Int = 2, emit: EmitPlan? = nil, tiers: String? = nil) -> CompileOutcome {
    Compiler.run(CompileRequest(inputs: paths.map { SourceInput(path: $0) }, tiersDirectory: tiers, environments: environments,
                                jobs: jobs, emit: emit, keepResolved: true, workingDirectory: repoRoot))
}

/// Compiles in-memory tenant sources against the shipped tiers, as if they were files under `tenants/`.
func compileSources(_ sources: [(name: String, text: String)], environments: [String] = [], jobs: Int = 2, emit: EmitPlan? = nil) -> CompileOutcome {
    Compiler.run(CompileRequest(inputs: sources.map { SourceInput(path: "tenants/\($0.name).tenant", contents: Array($0.text.utf8)) },
                                tiersDirectory: "tiers", environments: environments, jobs: jobs, emit: emit, keepResolved: true,
                                workingDirectory: repoRoot))
}

func exampleFiles() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: repoRoot + "/examples")) ?? []
    return names.filter { $0.hasSuffix(".tenant") }.sorted()
}

func invalidExampleFiles() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: repoRoot + "/examples/invalid")) ?? []
    return names.filter { $0.hasSuffix(".tenant") }.sorted()
}

/// A fresh temporary directory, removed by the caller.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tenantc-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func humanText(_ outcome: CompileOutcome) -> String {
    renderHuman(outcome.diagnostics, sourceMap: outcome.sources, style: .plain) + renderSummary(outcome.counts, color: false)
}

/// Commands as users run them: the `tenantc` executable built with the tests.
enum TenantcCLI {
    /// The `tenantc` binary beside the test bundle (`swift test` builds every product).
    static let tenantc: String = {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return here.appendingPathComponent("tenantc").path
    }()

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], stdin: String = "", environment: [String: String] = [:], in dir: URL) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tenantc)
        p.arguments = arguments
        p.currentDirectoryURL = dir
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: KeyFile.environmentVariable)
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let input = Pipe(), output = Pipe(), errors = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = errors
        try p.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }

    static func scratch() throws -> URL {
        try #require(FileManager.default.isExecutableFile(atPath: tenantc), "the tenantc executable is built with the tests")
        return try temporaryDirectory()
    }
}

/// What a program run by `runProgram` did: its exit status, and its standard output and error
/// interleaved as it wrote them.
struct ProgramRun {
    var status: Int32
    var output: String
}

/// Runs `program` (a path) with empty standard input in `dir`, in exactly `environment`.
func runProgram(_ program: String, _ arguments: [String], environment: [String: String], in dir: URL) throws -> ProgramRun {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: program)
    p.arguments = arguments
    p.currentDirectoryURL = dir
    p.environment = environment
    let output = Pipe()
    p.standardInput = FileHandle.nullDevice
    p.standardOutput = output
    p.standardError = output
    try p.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return ProgramRun(status: p.terminationStatus, output: String(decoding: data, as: UTF8.self))
}

/// `runProgram` on a thread of its own, for a program that may run for minutes: waiting for it
/// does not hold one of the few threads that run the other tests.
func runProgramOffThePool(_ program: String, _ arguments: [String], environment: [String: String], in dir: URL) async throws -> ProgramRun {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            do { continuation.resume(returning: try runProgram(program, arguments, environment: environment, in: dir)) }
            catch { continuation.resume(throwing: error) }
        }.start()
    }
}

/// The first executable file called `name` in the directories of `PATH`.
func executableOnPath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    for dir in path.split(separator: ":") where !dir.isEmpty {
        let candidate = "\(dir)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}
