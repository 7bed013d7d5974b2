import Foundation
import Testing

/// The language-server test of both editors: a project as users have one (the shipped tiers in
/// `tiers/`, an invalid example in `tenants/`), and what the editor must receive from
/// `tenantc lsp`, computed from the files.
struct LSPCase {
    /// A 0-based LSP position.
    struct Position {
        var line: Int
        var character: Int
        var text: String { "\(line):\(character)" }
    }

    /// A file and a 0-based line.
    struct Location: Equatable, CustomStringConvertible {
        var file: String
        var line: Int
        var description: String { "\(file):\(line + 1)" }
    }

    static let example = "typo_field"

    let project: URL
    let tenant: URL
    /// The error the example's `.expected` output shows first: its code and 0-based line.
    let diagnosticCode: String
    let diagnosticLine: Int
    /// On `tenant_name` in `tenant_info.tenant_name = …`: its declared type in the root tier, the
    /// lines of its doc comment there, the value the tenant gives it, and `file:line` of the
    /// tenant's line that sets it.
    let hover: Position
    let hoverType: String
    let hoverDoc: [String]
    let hoverValue: String
    let hoverSetAt: String
    /// On the parent tier in `extends …`: that tier's declaration.
    let tierName: Position
    let tierDeclaration: Location
    /// On `tenant_name`: its declaration in the root tier.
    let fieldDeclaration: Location

    /// Copies the project to a temporary directory and reads the expectations from its files.
    static func make() throws -> LSPCase {
        let project = try TenantcCLI.scratch()
        let fm = FileManager.default
        try fm.copyItem(atPath: repoRoot + "/tiers", toPath: project.appendingPathComponent("tiers").path)
        try fm.createDirectory(at: project.appendingPathComponent("tenants"), withIntermediateDirectories: true)
        let tenant = project.appendingPathComponent("tenants/\(example).tenant")
        try fm.copyItem(atPath: repoRoot + "/examples/invalid/\(example).tenant", toPath: tenant.path)
        try fm.createDirectory(at: project.appendingPathComponent("home"), withIntermediateDirectories: true)
        return try LSPCase(project: project, tenant: tenant)
    }

    private init(project: URL, tenant: URL) throws {
        self.project = project
        self.tenant = tenant
        let expected = try String(contentsOfFile: repoRoot + "/examples/invalid/\(Self.example).expected", encoding: .utf8)
        let error = try #require(expected.firstMatch(of: /error\[(E\d{4})\]/), "no error code in the .expected output")
        let at = try #require(expected.firstMatch(of: /--> [^\n]*\.tenant:(\d+):\d+/), "no location in the .expected output")
        diagnosticCode = String(error.1)
        diagnosticLine = Int(at.1)! - 1

        let lines = try Self.lines(tenant.path)
        let setLine = try #require(lines.firstIndex { $0.contains("tenant_info.tenant_name") }, "the example sets no tenant_name")
        let nameColumn = try Self.column(of: "tenant_name", after: "tenant_info.", in: lines[setLine])
        hover = Position(line: setLine, character: nameColumn + 2)
        hoverValue = try #require(lines[setLine].firstMatch(of: /tenant_name = (.+)$/), "no value").1.trimmingCharacters(in: .whitespaces)
        hoverSetAt = "\(Self.example).tenant:\(setLine + 1)"

        let header = try #require(lines.firstIndex { $0.hasPrefix("tenant ") }, "the example declares no tenant")
        let parent = try #require(lines[header].firstMatch(of: /extends (\w+)/), "the tenant extends no tier").1
        tierName = Position(line: header, character: try Self.column(of: String(parent), after: "extends ", in: lines[header]) + 1)

        let tiers = try Self.tierFiles(in: project.appendingPathComponent("tiers"))
        let parentFile = try #require(tiers[String(parent)], "no tier `\(parent)` in tiers/")
        tierDeclaration = Location(file: parentFile.path, line: try Self.declarationLine(of: String(parent), in: parentFile.path))
        let root = try Self.rootTier(from: String(parent), tiers: tiers)
        let rootLines = try Self.lines(root.path)
        let declared = try #require(rootLines.firstIndex { $0.firstMatch(of: /^\s*tenant_name:/) != nil }, "the root tier declares no tenant_name")
        fieldDeclaration = Location(file: root.path, line: declared)
        hoverType = try #require(rootLines[declared].firstMatch(of: /tenant_name:\s*([^\s=]+)/), "no type").1.description
        hoverDoc = Self.docComment(above: declared, in: rootLines)
        #expect(!hoverDoc.isEmpty, "the root tier documents tenant_name")
    }

    static func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The UTF-16 column (as LSP counts; the files are ASCII there) of `word` right after `prefix`.
    static func column(of word: String, after prefix: String, in line: String) throws -> Int {
        let range = try #require(line.range(of: prefix + word), "no `\(prefix + word)` in `\(line)`")
        return line.utf16.distance(from: line.startIndex, to: range.lowerBound) + prefix.utf16.count
    }

    /// The text of the `///` lines right above line `index`.
    static func docComment(above index: Int, in lines: [String]) -> [String] {
        var doc: [String] = []
        var i = index - 1
        while i >= 0, let m = lines[i].firstMatch(of: /^\s*\/\/\/ ?(.*)$/) {
            doc.insert(String(m.1), at: 0)
            i -= 1
        }
        return doc
    }

    /// Each tier's name and the file that declares it.
    static func tierFiles(in dir: URL) throws -> [String: URL] {
        var files: [String: URL] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where name.hasSuffix(".tenant") {
            let url = dir.appendingPathComponent(name)
            for line in try lines(url.path) {
                if let m = line.firstMatch(of: /^tier (\w+)/) { files[String(m.1)] = url }
            }
        }
        return files
    }

    static func declarationLine(of tier: String, in path: String) throws -> Int {
        try #require(try lines(path).firstIndex { $0.hasPrefix("tier \(tier) ") }, "no `tier \(tier)` in \(path)")
    }

    /// The file of the root tier: the one at the end of `extends` from `tier`.
    static func rootTier(from tier: String, tiers: [String: URL]) throws -> URL {
        var current = tier
        for _ in 0...tiers.count {
            let file = try #require(tiers[current], "no tier `\(current)`")
            let header = try lines(file.path).first { $0.hasPrefix("tier \(current) ") } ?? ""
            guard let parent = header.firstMatch(of: /extends (\w+)/) else { return file }
            current = String(parent.1)
        }
        Issue.record("the tiers extend each other in a cycle")
        return tiers[tier]!
    }

    var environment: [String: String] {
        get throws {
            try editorEnvironment(home: project.appendingPathComponent("home"), extra: [
                "TENANTC_EDITOR_FILE": tenant.path,
                "TENANTC_EDITOR_HOVER": hover.text,
                "TENANTC_EDITOR_DEFINITIONS": [tierName, hover].map(\.text).joined(separator: ","),
                "TENANTC_EDITOR_RESULT": resultFile.path,
                "TENANTC_EDITOR_TIMEOUT": "180",
            ])
        }
    }

    var resultFile: URL { project.appendingPathComponent("result.json") }

    /// The definitions the editor reported, for each position asked.
    static func locations(_ value: Any?) -> [[Location]] {
        guard let lists = value as? [[Any]] else { return [] }
        return lists.map { list in
            list.compactMap { item in
                guard let d = item as? [String: Any], let file = d["file"] as? String, let line = d["line"] as? Int else { return nil }
                return Location(file: realPath(file), line: line)
            }
        }
    }

    /// Checks what every editor must have received: the hover and both definitions.
    func checkHoverAndDefinitions(_ editor: String, _ result: [String: Any]) {
        let hoverText = result["hover"] as? String ?? ""
        #expect(hoverText.contains(hoverType), "\(editor): the hover does not give the type `\(hoverType)`: \(hoverText)")
        #expect(hoverText.contains(hoverSetAt), "\(editor): the hover does not say the value is set at \(hoverSetAt): \(hoverText)")
        #expect(hoverDoc.allSatisfy { hoverText.contains($0) }, "\(editor): the hover does not give the doc comment \(hoverDoc): \(hoverText)")
        #expect(hoverText.contains(hoverValue), "\(editor): the hover does not give the value \(hoverValue): \(hoverText)")

        let definitions = Self.locations(result["definitions"])
        let expected = [tierDeclaration, fieldDeclaration].map { Location(file: realPath($0.file), line: $0.line) }
        #expect(definitions.count == 2 && definitions.allSatisfy { $0.count == 1 }, "\(editor): definitions \(definitions)")
        #expect(definitions.map(\.first) == expected.map(Optional.some),
                "\(editor): definitions \(definitions), expected \(expected) (the tier, the field's declaration)")
    }
}
