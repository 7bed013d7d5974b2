import Foundation
import Testing

/// `tenantc fmt` as users run it: the `tenantc` executable built with the tests.
@Suite struct FormatCommandTests {
    /// A tenant in a layout the formatter changes, and that layout.
    static func messy(_ name: String) -> String {
        "tenant \(name) extends free {\n  tenant_info { tenant_name = \"A\"  region = \"eu-west-1\" }\n}\n"
    }

    static func canonical(_ name: String) -> String {
        "tenant \(name) extends free {\n  tenant_info {\n    tenant_name = \"A\"\n    region = \"eu-west-1\"\n  }\n}\n"
    }

    static let broken = "tenant c extends free {\n  tenant_info { tenant_name = \n}\n"

    static func diff(_ path: String) -> String {
        """
        --- a/\(path)
        +++ b/\(path)
        @@ -1,3 +1,6 @@
         tenant a extends free {
        -  tenant_info { tenant_name = "A"  region = "eu-west-1" }
        +  tenant_info {
        +    tenant_name = "A"
        +    region = "eu-west-1"
        +  }
         }

        """
    }

    /// A scratch directory holding `files` (relative path → text).
    static func scratch(_ files: [String: String]) throws -> URL {
        let dir = try TenantcCLI.scratch()
        for (path, text) in files {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: false, encoding: .utf8)
        }
        return dir
    }

    static func text(_ dir: URL, _ path: String) throws -> String {
        try String(contentsOf: dir.appendingPathComponent(path), encoding: .utf8)
    }

    /// `lstat` of a file: its inode, its modification time and its mode.
    static func status(_ dir: URL, _ path: String) throws -> (inode: UInt64, mtime: timespec, mode: mode_t) {
        var st = stat()
        try #require(lstat(dir.appendingPathComponent(path).path, &st) == 0)
        return (UInt64(st.st_ino), st.st_mtim, st.st_mode)
    }

    @Test func rewritesOnlyTheFilesWhoseLayoutChanges() throws {
        let dir = try Self.scratch(["a.tenant": Self.messy("a"), "b.tenant": Self.canonical("b")])
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = try Self.status(dir, "b.tenant")
        let r = try TenantcCLI.run(["fmt", "a.tenant", "b.tenant"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty && r.stderr.isEmpty)
        #expect(try Self.text(dir, "a.tenant") == Self.canonical("a"))
        #expect(try Self.text(dir, "b.tenant") == Self.canonical("b"))
        let after = try Self.status(dir, "b.tenant")
        #expect(after.inode == before.inode)
        #expect(after.mtime.tv_sec == before.mtime.tv_sec && after.mtime.tv_nsec == before.mtime.tv_nsec)
    }

    @Test func aRewrittenFileKeepsItsMode() throws {
        let dir = try Self.scratch(["a.tenant": Self.messy("a")])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(chmod(dir.appendingPathComponent("a.tenant").path, 0o640) == 0)
        let r = try TenantcCLI.run(["fmt", "a.tenant"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Self.text(dir, "a.tenant") == Self.canonical("a"))
        #expect(try Self.status(dir, "a.tenant").mode & 0o7777 == 0o640)
    }

    @Test func aSymbolicLinkStaysALinkAndItsTargetIsRewritten() throws {
        let dir = try Self.scratch(["real/a.tenant": Self.messy("a")])
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link.tenant").path, withDestinationPath: "real/a.tenant")
        let r = try TenantcCLI.run(["fmt", "link.tenant"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Self.status(dir, "link.tenant").mode & S_IFMT == S_IFLNK)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir.appendingPathComponent("link.tenant").path) == "real/a.tenant")
        #expect(try Self.text(dir, "real/a.tenant") == Self.canonical("a"))
    }

    @Test func checkListsTheFilesThatWouldChangeAndWritesNothing() throws {
        let dir = try Self.scratch(["a.tenant": Self.messy("a"), "b.tenant": Self.canonical("b"), "c.tenant": Self.messy("c")])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try TenantcCLI.run(["fmt", "--check", "a.tenant", "b.tenant", "c.tenant"], in: dir)
        #expect(r.status == 1)
        #expect(r.stdout == "a.tenant\nc.tenant\n")
        #expect(r.stderr.isEmpty)
        #expect(try Self.text(dir, "a.tenant") == Self.messy("a"))
        #expect(try Self.text(dir, "c.tenant") == Self.messy("c"))
        let clean = try TenantcCLI.run(["fmt", "--check", "b.tenant"], in: dir)
        #expect(clean.status == 0 && clean.stdout.isEmpty && clean.stderr.isEmpty)
    }

    @Test func diffShowsTheChangeAndWritesNothing() throws {
        let dir = try Self.scratch(["a.tenant": Self.messy("a"), "b.tenant": Self.canonical("b")])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try TenantcCLI.run(["fmt", "--diff", "a.tenant", "b.tenant"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == Self.diff("a.tenant"))
        #expect(try Self.text(dir, "a.tenant") == Self.messy("a"))
        // Both: each file that would change, then its diff; exit 1 (a pre-commit hook).
        let both = try TenantcCLI.run(["fmt", "--check", "--diff", "a.tenant", "b.tenant"], in: dir)
        #expect(both.status == 1)
        #expect(both.stdout == "a.tenant\n" + Self.diff("a.tenant"))
        #expect(try Self.text(dir, "a.tenant") == Self.messy("a"))
    }

    @Test func standardInputIsFormattedToStandardOutput() throws {
        let dir = try Self.scratch([:])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try TenantcCLI.run(["fmt", "-"], stdin: Self.messy("a"), in: dir)
        #expect(r.status == 0 && r.stdout == Self.canonical("a") && r.stderr.isEmpty, "\(r.stderr)")
        let same = try TenantcCLI.run(["fmt", "-"], stdin: Self.canonical("a"), in: dir)
        #expect(same.status == 0 && same.stdout == Self.canonical("a"))
        let check = try TenantcCLI.run(["fmt", "--check", "--stdin-filename", "t/a.tenant", "-"], stdin: Self.messy("a"), in: dir)
        #expect(check.status == 1 && check.stdout == "t/a.tenant\n")
        let unnamed = try TenantcCLI.run(["fmt", "--check", "-"], stdin: Self.messy("a"), in: dir)
        #expect(unnamed.status == 1 && unnamed.stdout == "<stdin>\n")
        let canonical = try TenantcCLI.run(["fmt", "--check", "-"], stdin: Self.canonical("a"), in: dir)
        #expect(canonical.status == 0 && canonical.stdout.isEmpty)
        let diff = try TenantcCLI.run(["fmt", "--diff", "--stdin-filename", "t/a.tenant", "-"], stdin: Self.messy("a"), in: dir)
        #expect(diff.status == 0 && diff.stdout == Self.diff("t/a.tenant"))
    }

    @Test func aSyntaxErrorOnStandardInputNamesTheFileAndPrintsNothing() throws {
        let dir = try Self.scratch([:])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try TenantcCLI.run(["fmt", "--color", "never", "--stdin-filename", "t/c.tenant", "-"], stdin: Self.broken, in: dir)
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("error[E0102]: unclosed `{`") && r.stderr.contains("--> t/c.tenant:1:23"), "\(r.stderr)")
        #expect(r.stderr.hasSuffix("error: 2 errors emitted\n"))
    }

    @Test func directoriesExpandAsForBuild() throws {
        let dir = try Self.scratch([
            "tenants/a.tenant": Self.messy("a"), "tenants/sub/b.tenant": Self.messy("b"), "tenants/z.tenant": Self.canonical("z"),
            "tenants/.hidden.tenant": Self.messy("h"), "tenants/.git/c.tenant": Self.messy("c"), "tenants/notes.txt": Self.messy("n"),
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let check = try TenantcCLI.run(["fmt", "--check", "tenants"], in: dir)
        #expect(check.status == 1)
        #expect(check.stdout == "tenants/a.tenant\ntenants/sub/b.tenant\n")
        let r = try TenantcCLI.run(["fmt", "tenants", "tenants/a.tenant"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Self.text(dir, "tenants/a.tenant") == Self.canonical("a"))
        #expect(try Self.text(dir, "tenants/sub/b.tenant") == Self.canonical("b"))
        #expect(try Self.text(dir, "tenants/.hidden.tenant") == Self.messy("h"))
        #expect(try Self.text(dir, "tenants/.git/c.tenant") == Self.messy("c"))
        #expect(try Self.text(dir, "tenants/notes.txt") == Self.messy("n"))
    }

    @Test func aFileWithSyntaxErrorsIsReportedAndLeftAsItIs() throws {
        let dir = try Self.scratch(["bad.tenant": Self.broken, "a.tenant": Self.messy("a")])
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = try Self.status(dir, "bad.tenant")
        let r = try TenantcCLI.run(["fmt", "--color", "never", "bad.tenant", "a.tenant"], in: dir)
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("--> bad.tenant:1:23") && r.stderr.contains("error[E0101]"), "\(r.stderr)")
        #expect(try Self.text(dir, "bad.tenant") == Self.broken)
        #expect(try Self.status(dir, "bad.tenant").inode == before.inode)
        #expect(try Self.text(dir, "a.tenant") == Self.canonical("a"))
    }

    @Test func aMissingFileIsAnIOErrorAndTheOthersAreStillFormatted() throws {
        let dir = try Self.scratch(["a.tenant": Self.messy("a")])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try TenantcCLI.run(["fmt", "missing.tenant", "a.tenant"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr == "tenantc: error: cannot read missing.tenant: No such file or directory\n")
        #expect(try Self.text(dir, "a.tenant") == Self.canonical("a"))
    }

    @Test func usageErrors() throws {
        let dir = try Self.scratch(["a.tenant": Self.messy("a")])
        defer { try? FileManager.default.removeItem(at: dir) }
        let none = try TenantcCLI.run(["fmt"], in: dir)
        #expect(none.status == 2 && none.stderr.contains("`tenantc fmt .`"), "\(none.stderr)")
        let mixed = try TenantcCLI.run(["fmt", "-", "a.tenant"], in: dir)
        #expect(mixed.status == 2 && mixed.stderr.contains("cannot be mixed with files"), "\(mixed.stderr)")
        let stdinName = try TenantcCLI.run(["fmt", "--stdin-filename", "x.tenant", "a.tenant"], in: dir)
        #expect(stdinName.status == 2)
        #expect(try Self.text(dir, "a.tenant") == Self.messy("a"))
    }

    /// Past a few dozen, the files skip the argument parser (`FileArguments`): the same
    /// results, and the same refusal of `-` among them.
    @Test func manyFileArguments() throws {
        var files: [String: String] = [:]
        for i in 0..<200 { files["t\(1000 + i).tenant"] = i % 50 == 0 ? Self.messy("t\(i)") : Self.canonical("t\(i)") }
        let dir = try Self.scratch(files)
        defer { try? FileManager.default.removeItem(at: dir) }
        let names = files.keys.sorted()
        let check = try TenantcCLI.run(["fmt", "--check"] + names, in: dir)
        #expect(check.status == 1)
        #expect(check.stdout == "t1000.tenant\nt1050.tenant\nt1100.tenant\nt1150.tenant\n")
        let mixed = try TenantcCLI.run(["fmt"] + names + ["-"], in: dir)
        #expect(mixed.status == 2 && mixed.stderr.contains("cannot be mixed with files"), "\(mixed.stderr)")
        let r = try TenantcCLI.run(["fmt"] + names, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try TenantcCLI.run(["fmt", "--check", "."], in: dir).status == 0)
    }
}
