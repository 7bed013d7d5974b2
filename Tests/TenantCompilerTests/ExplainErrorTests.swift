import Foundation
import TenantDiagnostics
import TenantFormat
import Testing

/// `tenantc explain-error`: every code has a page, and every page's examples do what the page
/// says when they are run with the real `tenantc`, in a directory of their own.
@Suite struct ExplainErrorTests {
    /// One page, named by its code in the test report.
    struct Page: CustomTestStringConvertible, Sendable {
        let page: Explanation
        var testDescription: String { page.code.id }
    }

    static let pages = Explanation.all.map(Page.init)

    /// The codes declared in DiagnosticCode.swift (`DiagnosticCode("E0001", "…")`), in order:
    /// read from the source, so that a code added there without a page fails here.
    static func declaredIDs() throws -> [String] {
        let source = try String(contentsOfFile: repoRoot + "/Sources/TenantDiagnostics/DiagnosticCode.swift", encoding: .utf8)
        return source.split(separator: "\n").compactMap { line in
            guard let call = line.range(of: "DiagnosticCode(\"") else { return nil }
            return String(line[call.upperBound...].prefix { $0 != "\"" })
        }
    }

    @Test func everyCodeHasExactlyOnePage() throws {
        let declared = try Self.declaredIDs()
        #expect(declared.count >= 61)
        #expect(DiagnosticCode.all.map(\.id) == declared, "DiagnosticCode.all must list every code declared, in order")
        let written = Explanation.writtenIDs
        let missing = declared.filter { !written.contains($0) }
        let repeated = Set(written.filter { id in written.filter { $0 == id }.count > 1 })
        let unknown = written.filter { !declared.contains($0) }
        #expect(missing.isEmpty, "codes without a page (Sources/TenantDiagnostics/Explanations/): \(missing)")
        #expect(repeated.isEmpty, "codes with more than one page: \(repeated.sorted())")
        #expect(unknown.isEmpty, "pages of codes that are not declared: \(unknown)")
        #expect(Explanation.all.map(\.code.id) == declared)
    }

    /// The codes no input produces are exactly these: a page cannot give up on its example
    /// without this list changing with it.
    @Test func onlyTheKnownCodesAreUnreproducible() {
        let unreproducible = Explanation.all.filter { $0.unreproducible != nil }.map(\.code.id)
        #expect(unreproducible == [])
    }

    @Test func everyPageSaysWhatItIs() {
        for page in Explanation.all {
            let lines = page.text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect((3...12).contains(lines.count), "\(page.code.id): \(lines.count) lines")
            #expect(lines.allSatisfy { $0.count <= 92 }, "\(page.code.id): a line over 92 characters")
            #expect(!page.failing.files.isEmpty && !page.fixed.files.isEmpty, "\(page.code.id)")
        }
    }

    /// Pages show their files as `tenantc fmt` writes them (failing files that do not parse
    /// excepted), so that a fix is written the way it should be.
    @Test func theFilesAreInTheCanonicalLayout() {
        for page in Explanation.all {
            for (example, mustParse) in [(page.failing, false), (page.fixed, true)] {
                for file in example.files where file.path.hasSuffix(".tenant") && Array(file.shown.utf8) == file.bytes {
                    switch Formatter.format(SourceMap().add(path: file.path, bytes: file.bytes)) {
                    case .formatted(let canonical):
                        #expect(String(decoding: canonical, as: UTF8.self) == file.shown, "\(page.code.id): \(file.path)")
                    case .syntaxErrors, .internalError:
                        #expect(!mustParse, "\(page.code.id): \(file.path) does not format")
                    }
                }
            }
        }
    }

    @Test(arguments: pages)
    func theFailingExampleReportsItsCode(_ page: Page) throws {
        let code = page.page.code.id
        let run = try ExampleRun(page.page.failing)
        if let unreproducible = page.page.unreproducible {
            #expect(run.codes.contains(unreproducible.reportedAs.id), "\(run)")
            #expect(!run.codes.contains(code), "\(run)")
        } else {
            #expect(run.codes.contains(code), "\(run)")
        }
    }

    @Test(arguments: pages)
    func theFixedExampleHasNoError(_ page: Page) throws {
        let run = try ExampleRun(page.page.fixed)
        #expect(run.status == 0, "\(run)")
        #expect(run.errors == 0, "\(run)")
        #expect(!run.codes.contains(page.page.code.id), "\(run)")
    }

    @Test(arguments: pages)
    func thePagePrintsItsExamples(_ page: Page) throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try TenantcCLI.run(["explain-error", page.page.code.id], in: dir)
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("\(page.page.code.id): \(page.page.code.title)\n\n\(page.page.text)\n"))
        for file in page.page.failing.files { #expect(r.stdout.contains(file.path), "\(file.path)") }
        #expect(r.stdout.contains("tenantc " + page.page.failing.command.joined(separator: " ")))
    }

    @Test func aCodeIsFoundWhateverItsSpelling() throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = try TenantcCLI.run(["explain-error", "E0301"], in: dir)
        for spelling in ["e0301", "0301", "301"] {
            #expect(try TenantcCLI.run(["explain-error", spelling], in: dir).stdout == page.stdout, "\(spelling)")
        }
        // Without its letter, a warning's code is found too.
        #expect(try TenantcCLI.run(["explain-error", "311"], in: dir).stdout.hasPrefix("W0311: warning rule failed\n"))
    }

    @Test func withoutACodeEveryCodeIsListed() throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try TenantcCLI.run(["explain-error"], in: dir)
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == DiagnosticCode.all.count)
        for (line, code) in zip(lines, DiagnosticCode.all) { #expect(line.hasPrefix("\(code.id)  \(code.title)")) }
        #expect(lines.contains("E0502  no tiers found"))
    }

    @Test func anUnknownCodeIsAUsageErrorWithTheNearestCode() throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let near = try TenantcCLI.run(["explain-error", "E0399"], in: dir)
        #expect(near.status == 2 && near.stdout.isEmpty)
        #expect(near.stderr.contains("no diagnostic code E0399") && near.stderr.contains("did you mean `E0309`?"), "\(near.stderr)")
        let warning = try TenantcCLI.run(["explain-error", "E0311"], in: dir)
        #expect(warning.status == 2 && warning.stderr.contains("did you mean `W0311`?"), "\(warning.stderr)")
        let word = try TenantcCLI.run(["explain-error", "unknown-field"], in: dir)
        #expect(word.status == 2 && word.stderr.contains("is not a diagnostic code"), "\(word.stderr)")
    }

    /// Human diagnostics end with the codes shown and the command that explains them.
    @Test func humanDiagnosticsPointAtTheirPages() throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let files: [String: String] = [
            "tiers/basic.tenant": "tier basic {\n  name: string\n  retention = 30d\n  warn retention >= 7d\n}\n",
            "tenants/acme.tenant": "tenant acme extends basic {\n  name = \"Acme\"\n  databse = 1\n}\n",
            "tenants/globex.tenant": "tenant globex extends basic {\n  name = \"Globex\"\n  retention = 1d\n}\n",
            "tenants/initech.tenant": "tenant initech extends basic {\n  name = \"Initech\"\n}\n",
        ]
        for (path, text) in files {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let one = try TenantcCLI.run(["check", "tenants/acme.tenant"], in: dir)
        #expect(one.stderr.hasSuffix("error: 1 error emitted\nFor more about E0301, run `tenantc explain-error E0301`.\n"), "\(one.stderr)")
        let two = try TenantcCLI.run(["check", "tenants/"], in: dir)
        #expect(two.stderr.hasSuffix("For more about E0301 and W0311, run `tenantc explain-error CODE`.\n"), "\(two.stderr)")
        // Only the human format has it; nothing reported, nothing added.
        #expect(!(try TenantcCLI.run(["check", "tenants/", "--format", "gcc"], in: dir).stderr.contains("explain-error")))
        #expect(try TenantcCLI.run(["check", "tenants/initech.tenant"], in: dir).stderr.isEmpty)
    }
}

/// An example run as a user would: its files written to a fresh directory, its setup done,
/// then its command with `--format json`, whose diagnostics are read back.
struct ExampleRun: CustomStringConvertible {
    var status: Int32
    var codes: Set<String> = []
    var errors = 0
    var output: String

    init(_ example: Example) throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        for file in example.files { try Self.write(file, in: dir) }
        var environment: [String: String] = [:]
        if let plugins = example.pluginDirectory {
            environment["PATH"] = dir.appendingPathComponent(plugins).path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "")
        }
        for step in example.setup {
            switch step {
            case .run(let arguments):
                let r = try TenantcCLI.run(arguments, environment: environment, in: dir)
                try #require(r.status == 0, "setup `tenantc \(arguments.joined(separator: " "))`: \(r.stderr)")
            case .remove(let path):
                try FileManager.default.removeItem(at: dir.appendingPathComponent(path))
            case .append(let path, let line):
                let handle = try FileHandle(forWritingTo: dir.appendingPathComponent(path))
                try handle.seekToEnd()
                try handle.write(contentsOf: Data((line + "\n").utf8))
                try handle.close()
            }
        }
        let r = try TenantcCLI.run(example.command + ["--format", "json"], environment: environment, in: dir)
        status = r.status
        output = r.stdout + r.stderr
        let envelope = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(output)")
        for case let diagnostic as [String: Any] in envelope["diagnostics"] as? [Any] ?? [] {
            if let code = diagnostic["code"] as? String { codes.insert(code) }
            if diagnostic["severity"] as? String == "error" { errors += 1 }
        }
    }

    private static func write(_ file: ExampleFile, in dir: URL) throws {
        let url = dir.appendingPathComponent(file.path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(file.bytes).write(to: url)
        if file.isExecutable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path) }
    }

    var description: String { "exit \(status), codes \(codes.sorted()):\n\(output)" }
}
