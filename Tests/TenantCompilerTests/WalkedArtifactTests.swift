import Foundation
import TenantBackends
import TenantCompiler
import Testing

/// A build that only writes artifacts walks each tenant's config instead of building it (see
/// `CompileRequest`): the bytes must be those of the built config, which `keepResolved`,
/// `--sort-keys` and secret keys still use.
@Suite struct WalkedArtifactTests {
    static func build(_ inputs: [SourceInput], tiers: String? = nil, environments: [String] = [], walked: Bool,
                      in dir: String = repoRoot) -> CompileOutcome {
        Compiler.run(CompileRequest(inputs: inputs, tiersDirectory: tiers, environments: environments, jobs: 2,
                                    emit: EmitPlan(backends: [YAMLBackend(), JSONBackend()], output: .standardOutput),
                                    keepResolved: !walked, workingDirectory: dir))
    }

    static func expectSameArtifacts(_ inputs: [SourceInput], tiers: String? = nil, environments: [String] = [], in dir: String = repoRoot,
                                    sourceLocation: SourceLocation = #_sourceLocation) {
        let built = build(inputs, tiers: tiers, environments: environments, walked: false, in: dir)
        let walked = build(inputs, tiers: tiers, environments: environments, walked: true, in: dir)
        #expect(built.exitCode == 0, "\(humanText(built))", sourceLocation: sourceLocation)
        #expect(walked.exitCode == 0, "\(humanText(walked))", sourceLocation: sourceLocation)
        #expect(!built.standardOutput.isEmpty, sourceLocation: sourceLocation)
        #expect(walked.standardOutput == built.standardOutput, sourceLocation: sourceLocation)
        #expect(walked.tenants.map(\.id) == built.tenants.map(\.id), sourceLocation: sourceLocation)
    }

    /// A temporary directory holding `tiers/NAME.tenant`; the caller removes it.
    static func tierDirectory(_ name: String, _ source: String) throws -> (dir: URL, tiers: URL) {
        let dir = try temporaryDirectory()
        let tiers = dir.appendingPathComponent("tiers")
        try FileManager.default.createDirectory(at: tiers, withIntermediateDirectories: true)
        try source.write(to: tiers.appendingPathComponent(name + ".tenant"), atomically: true, encoding: .utf8)
        return (dir, tiers)
    }

    /// `TENANTC_FAST_PATHS` turns fast paths off for debugging; the artifacts stay the same.
    @Test func theFastPathsCanBeTurnedOffFromTheCommandLine() throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inputs = exampleFiles().map { repoRoot + "/examples/" + $0 }
        let fast = try TenantcCLI.run(["build"] + inputs + ["-o", "-"], in: dir)
        #expect(fast.status == 0, "\(fast.stderr)")
        #expect(!fast.stdout.isEmpty)
        for value in ["none", "all", "baselines", "shared-renderings,walked-artifacts"] {
            let r = try TenantcCLI.run(["build"] + inputs + ["-o", "-"], environment: ["TENANTC_FAST_PATHS": value], in: dir)
            #expect(r.status == 0, "\(value): \(r.stderr)")
            #expect(r.stdout == fast.stdout, "TENANTC_FAST_PATHS=\(value)")
        }
        let wrong = try TenantcCLI.run(["check"] + inputs, environment: ["TENANTC_FAST_PATHS": "walked"], in: dir)
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("TENANTC_FAST_PATHS=walked: expected `all`, `none` or names among `baselines`"), "\(wrong.stderr)")
    }

    @Test(arguments: [[], ["staging", "production"]])  // development: two examples break its rules by design
    func examplesWalkedAreExamplesBuilt(environments: [String]) {
        Self.expectSameArtifacts(exampleFiles().map { SourceInput(path: "examples/" + $0) }, environments: environments)
    }

    /// Records that end up empty (only hidden or unset optional fields), nested records a tenant
    /// changes next to ones it shares with its tier, empty lists, strings YAML would misread.
    @Test func edgesWalkedAreEdgesBuilt() throws {
        let (dir, tiers) = try Self.tierDirectory("edge", """
        tier edge {
          name: string
          contact: email?
          hidden_only { _x = 1 }
          optional_only { note: string? }
          nested {
            a = 1
            inner { b = "x"  _c = 2  deeper { d = "${tenant.id}" } }
            untouched { e = [1, 2] }
          }
          tags: [string] = []
          words = ["yes", "no", "on", "${name}"]
        }
        """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let tenants: [(String, String)] = [
            ("plain", "tenant plain extends edge { name = \"Plain\" }"),
            ("changed", "tenant changed extends edge { name = \"yes\"  nested.a = 2  tags = [\"no\", \"\"] }"),
            ("optional", "tenant optional extends edge { name = \"o\"  optional_only.note = \"set\"  contact = \"a@b.example\" }"),
            ("inner", "tenant inner extends edge { name = \"i\"  nested.inner.b = \"on\" }"),
        ]
        let inputs = tenants.map { SourceInput(path: "tenants/\($0.0).tenant", contents: Array($0.1.utf8)) }
        Self.expectSameArtifacts(inputs, tiers: tiers.path, in: dir.path)
        let yaml = String(decoding: Self.build(inputs, tiers: tiers.path, walked: true, in: dir.path).standardOutput, as: UTF8.self)
        #expect(yaml.contains("hidden_only: {}\noptional_only: {}\n"), "\(yaml)")
        #expect(yaml.contains("name: 'yes'\n"))
        #expect(yaml.contains("d: inner\n"))
    }

    /// Many tenants of one tier, each changing other fields (first, second or later in their
    /// record, nested or not): what each shares with the tier is written from what libyaml
    /// wrote for an earlier tenant, and must still give the bytes of the built config. Strings
    /// ending in a line break (`|` blocks) stand before and after shared fields.
    @Test func sharedEntriesWalkedAreSharedEntriesBuilt() throws {
        let (dir, tiers) = try Self.tierDirectory("shared", """
        tier shared {
          name: string
          note = "first line\\nsecond line\\n"
          a = 1
          b = "${name}"
          block { x = "one\\n"  y = 2  z = "two\\n"  w = [1, 2] }
          c = ["p\\n", "q"]
          outer {
            first { k = 1  l = "${tenant.id}"  m = "end\\n" }
            second { k = 2  l = "fixed"  m = { deep = "three\\n", more = [] } }
            third = "tail\\n"
          }
          last = "x"
        }
        """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let changes = [
            "", "a = 2", "note = \"changed\\n\"", "block.x = \"other\"", "block.z = \"z\"", "outer.first.k = 5",
            "outer.second.m.deep = \"d\"", "last = \"y\"", "c = []", "outer.third = \"t\"", "block.w = [3]", "a = 3  outer.second.k = 9",
        ]
        var inputs: [SourceInput] = []
        for (i, change) in changes.enumerated() {
            for copy in 0..<2 {
                let id = "t\(i)_\(copy)"
                inputs.append(SourceInput(path: "tenants/\(id).tenant",
                                          contents: Array("tenant \(id) extends shared { name = \"N\(i)\"  \(change) }".utf8)))
            }
        }
        Self.expectSameArtifacts(inputs, tiers: tiers.path, in: dir.path)
        Self.expectSameArtifacts(inputs, tiers: tiers.path, environments: ["staging", "production"], in: dir.path)
    }
}
