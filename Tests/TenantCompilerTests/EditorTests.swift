import Foundation
import Testing

// The editor support in `editors/`, as users install it, driven in the real editors: Neovim
// headless and Emacs in batch mode, against the real `tenantc lsp` (the executable built with
// the tests, first on the editors' PATH). The editor scripts are in `Editors/`. Each editor
// run has a deadline, past which it is killed and the test fails.

@Suite(.enabled(if: Editor.neovim.enabled, Comment(rawValue: Editor.neovim.howToGetIt)))
struct NeovimTests {
    static func run(_ script: String, files: [String] = [], in dir: URL, environment: [String: String]) async throws -> EditorRun {
        let nvim = try Editor.neovim.require()
        return try await runEditor(nvim, neovimArguments(script: script, files: files), environment: environment, in: dir)
    }

    @Test func indentsAsTenantcFmt() async throws {
        try await IndentationCase.check("Neovim") { files, dir in
            try await Self.run("reindent.vim", files: files, in: dir, environment: try editorEnvironment(home: dir.appendingPathComponent(".home")))
        }
    }

    @Test func highlightsTheLanguage() async throws {
        try await HighlightCase.check("Neovim", expected: \.neovim) { file, result, dir in
            let env = try editorEnvironment(home: dir.appendingPathComponent(".home"),
                                            extra: ["TENANTC_EDITOR_FILE": file.path, "TENANTC_EDITOR_RESULT": result.path])
            return try await Self.run("highlight.vim", in: dir, environment: env)
        }
    }

    @Test func diagnosticsHoverAndDefinitionFromTenantcLSP() async throws {
        let c = try LSPCase.make()
        defer { try? FileManager.default.removeItem(at: c.project) }
        let run = try await Self.run("lsp_session.lua", in: c.project, environment: try c.environment)
        try #require(run.succeeded, "Neovim: \(run.summary)")
        let result = try #require(try editorResult(c.resultFile) as? [String: Any], "Neovim wrote no result")

        // The buffer is set up by ftdetect, ftplugin and syntax.
        #expect(result["filetype"] as? String == "tenant")
        #expect(result["syntax"] as? String == "tenant")
        #expect(result["commentstring"] as? String == "// %s")
        #expect(result["shiftwidth"] as? Int == 2 && result["expandtab"] as? Bool == true)
        #expect(realPath(result["root"] as? String ?? "") == realPath(c.project.path), "the client's root is the directory holding tiers/")

        let diagnostics = result["diagnostics"] as? [[String: Any]] ?? []
        #expect(diagnostics.contains { $0["code"] as? String == c.diagnosticCode && $0["line"] as? Int == c.diagnosticLine && $0["source"] as? String == "tenantc" },
                "Neovim: no \(c.diagnosticCode) on line \(c.diagnosticLine + 1) from tenantc: \(diagnostics)")
        c.checkHoverAndDefinitions("Neovim", result)

        // `gd` opened the tier's file at its declaration, attached to the same client.
        let jump = result["jump"] as? [String: Any] ?? [:]
        #expect(LSPCase.Location(file: realPath(jump["file"] as? String ?? ""), line: jump["line"] as? Int ?? -1)
                    == LSPCase.Location(file: realPath(c.tierDeclaration.file), line: c.tierDeclaration.line), "Neovim: jumped to \(jump)")
        #expect(jump["filetype"] as? String == "tenant")
        #expect(result["clients"] as? Int == 1, "one client for the project's root")
    }
}

@Suite(.enabled(if: Editor.emacs.enabled, Comment(rawValue: Editor.emacs.howToGetIt)))
struct EmacsTests {
    static func run(_ script: String, files: [String] = [], in dir: URL, environment: [String: String]) async throws -> EditorRun {
        let emacs = try Editor.emacs.require()
        return try await runEditor(emacs, emacsArguments(script: script, files: files), environment: environment, in: dir)
    }

    @Test func indentsAsTenantcFmt() async throws {
        try await IndentationCase.check("Emacs") { files, dir in
            try await Self.run("reindent.el", files: files, in: dir, environment: try editorEnvironment(home: dir.appendingPathComponent(".home")))
        }
    }

    @Test func highlightsTheLanguage() async throws {
        try await HighlightCase.check("Emacs", expected: \.emacs) { file, result, dir in
            let env = try editorEnvironment(home: dir.appendingPathComponent(".home"),
                                            extra: ["TENANTC_EDITOR_FILE": file.path, "TENANTC_EDITOR_RESULT": result.path])
            return try await Self.run("highlight.el", in: dir, environment: env)
        }
    }

    @Test func diagnosticsHoverAndDefinitionFromTenantcLSP() async throws {
        let c = try LSPCase.make()
        defer { try? FileManager.default.removeItem(at: c.project) }
        let run = try await Self.run("lsp-session.el", in: c.project, environment: try c.environment)
        try #require(run.succeeded, "Emacs: \(run.summary)")
        let result = try #require(try editorResult(c.resultFile) as? [String: Any], "Emacs wrote no result")

        #expect(result["mode"] as? String == "tenant-mode")
        #expect(result["comment_start"] as? String == "// ")
        #expect(result["indent_offset"] as? Int == 2)
        #expect(realPath(result["root"] as? String ?? "") == realPath(c.project.path), "the server's project is the directory holding tiers/")

        // Flymake shows eglot's `source [code]: message`.
        let diagnostics = result["diagnostics"] as? [[String: Any]] ?? []
        #expect(diagnostics.contains { ($0["text"] as? String ?? "").hasPrefix("tenantc [\(c.diagnosticCode)]: ") && $0["line"] as? Int == c.diagnosticLine },
                "Emacs: no \(c.diagnosticCode) on line \(c.diagnosticLine + 1) from tenantc: \(diagnostics)")
        c.checkHoverAndDefinitions("Emacs", result)

        // M-. opened the tier's file at its declaration, managed by the same server.
        let jump = result["jump"] as? [String: Any] ?? [:]
        #expect(LSPCase.Location(file: realPath(jump["file"] as? String ?? ""), line: jump["line"] as? Int ?? -1)
                    == LSPCase.Location(file: realPath(c.tierDeclaration.file), line: c.tierDeclaration.line), "Emacs: jumped to \(jump)")
        #expect(jump["mode"] as? String == "tenant-mode")
        #expect(jump["same_server"] as? Bool == true, "one server for the project")
    }
}
