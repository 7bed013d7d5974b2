import Foundation
import TenantDiagnostics
import TenantSecrets
import TenantSyntax
import Testing

/// An editor the end-to-end tests of `editors/` drive, found on `PATH`.
/// `TENANTC_REQUIRE_E2E=1` (set by `.ci/run`, which installs the editors) makes those tests
/// required: without the editor they fail instead of being skipped.
struct Editor: Sendable {
    let program: String
    let debianPackages: String

    static let neovim = Editor(program: "nvim", debianPackages: "neovim")
    static let emacs = Editor(program: "emacs", debianPackages: "emacs-nox elpa-eglot")

    var executable: String? { executableOnPath(program) }
    var enabled: Bool { PreCommitTool.required || executable != nil }
    var howToGetIt: String {
        "needs `\(program)` on PATH (Debian: apt-get install \(debianPackages)); .ci/run installs it"
    }

    func require() throws -> String {
        try #require(executable, "TENANTC_REQUIRE_E2E=1, but the test \(howToGetIt)")
    }
}

/// Where the editor files and the tests' editor scripts are.
enum EditorPaths {
    static let editors = repoRoot + "/editors"
    static let scripts = repoRoot + "/Tests/TenantCompilerTests/Editors"
}

/// What an editor run did: its exit status and output (standard output and error together),
/// or that it was killed at its deadline.
struct EditorRun {
    var status: Int32
    var output: String
    var timedOut: Bool

    var succeeded: Bool { !timedOut && status == 0 }
    var summary: String { timedOut ? "killed at its deadline; output:\n\(output)" : "exit status \(status); output:\n\(output)" }
}

/// The editors' environment: the `tenantc` built with the tests first on `PATH` (as a user's
/// installed `tenantc`), a home and XDG directories of the test's own (no user configuration is
/// read, no state is written outside them), and no key file.
func editorEnvironment(home: URL, extra: [String: String] = [:]) throws -> [String: String] {
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: KeyFile.environmentVariable)
    let bin = URL(fileURLWithPath: TenantcCLI.tenantc).deletingLastPathComponent().path
    env["PATH"] = bin + ":" + (env["PATH"] ?? "/usr/bin:/bin")
    env["HOME"] = home.path
    for (variable, name) in [("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"), ("XDG_STATE_HOME", "state"), ("XDG_CACHE_HOME", "cache")] {
        let dir = home.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        env[variable] = dir.path
    }
    for (k, v) in extra { env[k] = v }
    return env
}

/// Runs an editor in `dir`, its output to a file (an editor that hangs holds no pipe open), and
/// kills it if it has not exited `deadlineSeconds` after it started. The editor scripts have
/// deadlines of their own, shorter: this one is for an editor that hangs before running them.
func runEditor(_ program: String, _ arguments: [String], environment: [String: String], in dir: URL,
               deadlineSeconds: Double = 300) async throws -> EditorRun {
    let logURL = dir.appendingPathComponent("editor-\(UUID().uuidString).log")
    try Data().write(to: logURL)
    let log = try FileHandle(forWritingTo: logURL)
    defer { try? log.close() }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: program)
    p.arguments = arguments
    p.currentDirectoryURL = dir
    p.environment = environment
    p.standardInput = FileHandle.nullDevice
    p.standardOutput = log
    p.standardError = log
    let exited = DispatchSemaphore(value: 0)
    p.terminationHandler = { _ in exited.signal() }
    try p.run()
    let inTime = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
        Thread { continuation.resume(returning: exited.wait(timeout: .now() + deadlineSeconds) == .success) }.start()
    }
    if !inTime {
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
    }
    let output = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
    return EditorRun(status: inTime ? p.terminationStatus : -1, output: output, timedOut: !inTime)
}

/// Neovim as the tests start it: no user configuration or shada, `editors/nvim` first on
/// 'runtimepath', filetype detection, plugins, indentation and syntax on (what `-u NONE` leaves
/// off), then `script`.
func neovimArguments(script: String, files: [String] = []) -> [String] {
    let runtimePath = EditorPaths.editors + "/nvim"
    let quoted = runtimePath.replacingOccurrences(of: ",", with: "\\,").replacingOccurrences(of: "'", with: "''")
    return ["--headless", "-u", "NONE", "-i", "NONE",
            "--cmd", "let &runtimepath = '\(quoted)' . ',' . &runtimepath",
            "--cmd", "filetype plugin indent on", "--cmd", "syntax on",
            "-S", EditorPaths.scripts + "/" + script] + files
}

/// Emacs as the tests start it: batch, no init file (`-q`; not `-Q`, which also drops the
/// system's site-lisp directories, where Debian installs eglot), `editors/emacs` on the
/// load path, then `script`.
func emacsArguments(script: String, files: [String] = []) -> [String] {
    ["--batch", "-q", "--no-site-file", "-L", EditorPaths.editors + "/emacs", "-l", EditorPaths.scripts + "/" + script] + files
}

/// The JSON document an editor script wrote.
func editorResult(_ url: URL) throws -> Any {
    let data = try Data(contentsOf: url)
    return try JSONSerialization.jsonObject(with: data)
}

/// The real path of a file, for comparing paths an editor reports with the test's own.
func realPath(_ path: String) -> String {
    URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
}
