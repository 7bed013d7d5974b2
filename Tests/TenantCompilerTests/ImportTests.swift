import Foundation
@testable import TenantCompiler
@testable import TenantImport
import Testing

/// `tenantc import` (docs/import.md): documents built by tenantc come back as tenants that
/// build to the same documents, byte for byte; what cannot is reported at its line.
@Suite struct ImportTests {
    static let key = repoRoot + "/examples/demo.key"

    /// A project with the shipped tiers and `tenants/`, `imported/` directories.
    private func project() throws -> URL {
        let root = try temporaryDirectory()
        try FileManager.default.copyItem(atPath: repoRoot + "/tiers", toPath: root.appendingPathComponent("tiers").path)
        for dir in ["tenants", "imported"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        return root
    }

    private func write(_ text: String, _ name: String, in root: URL) throws -> String {
        let path = root.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func files(_ dir: URL) throws -> [String: Data] {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasPrefix(".") }
        return try Dictionary(uniqueKeysWithValues: names.map { ($0, try Data(contentsOf: dir.appendingPathComponent($0))) })
    }

    /// Builds `tenants` into `first`, imports that into `imported/`, builds the import into
    /// `second`: both builds must be the same files with the same bytes.
    private func roundTrip(_ root: URL, tenants: [String], emit: String, environment: String, extra: [String] = []) throws -> Int {
        let first = root.appendingPathComponent("first-\(environment)-\(emit)"), second = root.appendingPathComponent("second-\(environment)-\(emit)")
        let imported = root.appendingPathComponent("imported-\(environment)-\(emit)")
        try FileManager.default.createDirectory(at: imported, withIntermediateDirectories: true)
        let options = ["--emit", emit, "--env", environment, "--key-file", Self.key, "--sensitive", "encrypted", "--keep-going"]
        let build = try TenantcCLI.run(["build"] + tenants + options + ["-o", first.path], in: root)
        #expect(build.status == 0 || build.status == 1, "\(build.stderr)")
        let artifacts = try files(first).keys.filter { $0.hasSuffix("." + emit) }.sorted()
        if emit == "yaml" { try fastReaderAgrees(first, artifacts) }
        let run = try TenantcCLI.run(["import"] + artifacts.map { first.path + "/" + $0 } + extra + ["-o", imported.path], in: root)
        #expect(run.status == 0, "\(run.stderr)")
        // The fast paths off (docs/architecture.md): the same sources, byte for byte.
        let clear = root.appendingPathComponent("clear-\(environment)-\(emit)")
        try FileManager.default.createDirectory(at: clear, withIntermediateDirectories: true)
        let clearRun = try TenantcCLI.run(["import"] + artifacts.map { first.path + "/" + $0 } + extra + ["-o", clear.path],
                                          environment: ["TENANTC_FAST_PATHS": "none"], in: root)
        #expect(clearRun.status == 0, "\(clearRun.stderr)")
        #expect(try files(clear) == files(imported), "the import differs with its fast paths off")
        let sources = try files(imported).keys.sorted().map { imported.path + "/" + $0 }
        #expect(sources.count == artifacts.count)
        let again = try TenantcCLI.run(["build"] + sources + ["--emit", emit, "--key-file", Self.key, "--sensitive", "encrypted", "-o", second.path], in: root)
        #expect(again.status == 0, "\(again.stderr)")
        let (a, b) = (try files(first), try files(second))
        #expect(a.keys.sorted() == b.keys.sorted())
        for (name, bytes) in a where b[name] != bytes {
            Issue.record("\(environment) \(name) differs after import:\n\(String(decoding: b[name] ?? Data(), as: UTF8.self))")
        }
        return artifacts.count
    }

    /// tenantc's YAML artifacts are what the fast reader of block-style YAML is for: it reads
    /// each of them (it does not hand it to libyaml), into the trees libyaml's events give.
    private func fastReaderAgrees(_ dir: URL, _ artifacts: [String]) throws {
        for name in artifacts {
            let bytes = Array(try Data(contentsOf: dir.appendingPathComponent(name)))
            let fast = BlockYAMLReader.read(bytes)
            #expect(fast != nil, "\(name): not read by the fast reader")
            #expect(fast == (try DocumentReader.read(bytes, fastPath: false)), "\(name): the fast reader's tree differs from libyaml's")
        }
    }

    @Test(arguments: ["production", "staging", "development"])
    func everyExampleComesBackTheSame(environment: String) throws {
        let root = try project()
        let examples = exampleFiles().map { repoRoot + "/examples/" + $0 }
        let yaml = try roundTrip(root, tenants: examples, emit: "yaml", environment: environment, extra: ["--declare-unknown"])
        let json = try roundTrip(root, tenants: examples, emit: "json", environment: environment, extra: ["--declare-unknown"])
        #expect(yaml == json)
        #expect(yaml > 0)
    }

    @Test func aThousandGeneratedTenantsComeBackTheSame() throws {
        let root = try project()
        let generated = try runProgram("/usr/bin/env", ["python3", repoRoot + "/bench/gen_tenants.py", "1000", root.appendingPathComponent("tenants").path],
                                       environment: ProcessInfo.processInfo.environment, in: root)
        try #require(generated.status == 0, "\(generated.output)")
        #expect(try roundTrip(root, tenants: ["tenants"], emit: "yaml", environment: "production") == 1000)
    }

    @Test func theSourceHoldsOnlyWhatDiffersFromTheTier() throws {
        let root = try project()
        let build = try TenantcCLI.run(["build", repoRoot + "/examples/custom_tenant_001.tenant", "-o", root.appendingPathComponent("out").path], in: root)
        try #require(build.status == 0, "\(build.stderr)")
        let run = try TenantcCLI.run(["import", "out/custom_tenant_001.yaml", "-o", "-"], in: root)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == """
            tenant custom_tenant_001 extends premium {
              tenant_info.tenant_name = "Custom Tenant"
              databases.postgresql.performance {
                max_connections = 200
                shared_buffers = 1GB
              }
              monitoring.custom_metrics = [{ name = "business_kpis", retention = 2y }]
            }

            """)
    }

    /// existing_tenant's artifact (tier standard), with `edits` applied to its text.
    private func editedArtifact(_ root: URL, _ edits: [(String, String)]) throws -> String {
        let build = try TenantcCLI.run(["build", repoRoot + "/examples/existing_tenant.tenant", "-o", root.appendingPathComponent("out").path], in: root)
        try #require(build.status == 0, "\(build.stderr)")
        var text = try String(contentsOf: root.appendingPathComponent("out/existing_tenant.yaml"), encoding: .utf8)
        for (old, new) in edits {
            try #require(text.contains(old), "\(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        return text
    }

    @Test func valuesBecomeTypedLiteralsAndListsAddToTheTiers() throws {
        let root = try project()
        let doc = try write(try editedArtifact(root, [("slow_query_threshold: 1s", "slow_query_threshold: \"2s\""),
                                                      ("  - connection_metrics\n", "  - connection_metrics\n  - custom_kpi\n")]), "edited.yml", in: root)
        let run = try TenantcCLI.run(["import", doc, "-o", "-"], in: root)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == """
            tenant existing_tenant extends standard {
              tenant_info.tenant_name = "Existing Tenant"
              monitoring {
                metrics = super + ["custom_kpi"]
                performance.slow_query_threshold = 2s
              }
            }

            """)
    }

    /// Both ways of writing a tenant (unnamed then linked, or through a named temporary file)
    /// write the whole file, leave nothing else behind, and never replace a file.
    @Test func aTenantIsWrittenWholeAndNeverOverAFile() throws {
        let root = try temporaryDirectory()
        let directory = open(root.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        try #require(directory >= 0)
        defer { close(directory) }
        // Where the file system has no unnamed files, the import writes through a named one.
        let unnamed = ImportBatch.writeUnnamed("a.tenant", in: directory, "tenant a extends free {}\n")
            ?? ImportBatch.writeNamed("a.tenant", in: directory, "tenant a extends free {}\n")
        #expect(unnamed == nil)
        #expect(ImportBatch.writeNamed("b.tenant", in: directory, "tenant b extends free {}\n") == nil)
        #expect(try String(contentsOf: root.appendingPathComponent("a.tenant"), encoding: .utf8) == "tenant a extends free {}\n")
        #expect(try String(contentsOf: root.appendingPathComponent("b.tenant"), encoding: .utf8) == "tenant b extends free {}\n")
        #expect(ImportBatch.writeNew("b.tenant", in: directory, "x") == ImportBatch.exists)
        #expect(ImportBatch.writeNamed("a.tenant", in: directory, "x") == ImportBatch.exists)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == ["a.tenant", "b.tenant"])
        #expect(try String(contentsOf: root.appendingPathComponent("a.tenant"), encoding: .utf8) == "tenant a extends free {}\n")
    }

    /// A field the tier copies from a hidden one is imported as that hidden field, before the
    /// first build: a rule reading the hidden field sees the document's value, whichever fast
    /// paths the import takes.
    @Test(arguments: ["all", "none"])
    func aCopiedHiddenFieldIsSetBeforeTheRulesReadIt(fastPaths: String) throws {
        let root = try temporaryDirectory()
        try FileManager.default.createDirectory(at: root.appendingPathComponent("tiers"), withIntermediateDirectories: true)
        _ = try write("""
            tier base {
              tenant_info {
                tenant_id = tenant.id
                tenant_type = tenant.tier
              }
              _plan.audit = false
              audit = _plan.audit
              regulated = false
              check regulated implies _plan.audit else "a regulated tenant is audited"
            }

            """, "tiers/base.tenant", in: root)
        let doc = try write("tenant_info:\n  tenant_id: t1\n  tenant_type: base\naudit: true\nregulated: true\n", "t1.yaml", in: root)
        let run = try TenantcCLI.run(["import", doc, "-o", "-"], environment: ["TENANTC_FAST_PATHS": fastPaths], in: root)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "tenant t1 extends base {\n  _plan.audit = true\n  regulated = true\n}\n", "\(run.stdout)")
    }

    @Test func whatCannotBeImportedIsReportedAtItsLineAndTheRestIsWritten() throws {
        let root = try project()
        let bad = try editedArtifact(root, [("  level: full", "  levle: full"), ("\n  enabled: true\n  schedule", "\n  enabled: \"yes\"\n  schedule")])
        let lines = bad.split(separator: "\n", omittingEmptySubsequences: false)
        let typo = try #require(lines.firstIndex { $0.hasPrefix("  levle:") }) + 1
        let quoted = try #require(lines.firstIndex { $0 == "  enabled: \"yes\"" }) + 1
        let build = try TenantcCLI.run(["build", repoRoot + "/examples/startup_001.tenant", "-o", root.appendingPathComponent("good").path], in: root)
        try #require(build.status == 0)
        let good = try String(contentsOf: root.appendingPathComponent("good/startup_001.yaml"), encoding: .utf8)
        let stream = try write(bad + good, "two.yml", in: root)
        let run = try TenantcCLI.run(["import", stream, "-o", "imported"], in: root)
        #expect(run.status == 1)
        #expect(run.stderr.contains("two.yml:\(typo):10: error: the tier has no field `monitoring.levle`"), "\(run.stderr)")
        #expect(run.stderr.contains("did you mean `monitoring.level`?"))
        #expect(run.stderr.contains("two.yml:\(quoted):12: error: `backup.enabled`: expected bool"), "\(run.stderr)")
        #expect(run.stderr.contains("1 imported, 1 not imported"))
        #expect(try files(root.appendingPathComponent("imported")).keys.sorted() == ["startup_001.tenant"])
        // Imported again: the file is there, and is not replaced.
        let again = try TenantcCLI.run(["import", root.appendingPathComponent("good/startup_001.yaml").path, "-o", "imported"], in: root)
        #expect(again.status == 1)
        #expect(again.stderr.contains("exists already"), "\(again.stderr)")
    }

    @Test func aLockedValueNamesTheTierThatGivesIt() throws {
        let root = try project()
        let doc = try write(try editedArtifact(root, [("  memory: 8GiB\n", "  memory: 32GiB\n")]), "locked.yml", in: root)
        let run = try TenantcCLI.run(["import", doc, "-o", "-"], in: root)
        #expect(run.status == 1)
        #expect(run.stderr.contains("locked.yml:10:1: error: [E0303] `limits.memory` is locked"), "\(run.stderr)")
        #expect(run.stderr.contains("tier `premium` gives this value: import under it with --tier"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    @Test func withoutATierNamedTheNearestOneIsChosenAndSaid() throws {
        let root = try project()
        let doc = try write(try editedArtifact(root, [("  tenant_type: standard\n", "")]), "untyped.yml", in: root)
        // The tier is chosen, and said; the document cannot come back exactly, as every tier
        // sets the `tenant_type` it lacks, and the import says that too.
        let run = try TenantcCLI.run(["import", doc, "-o", "-"], in: root)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("note: tier `standard` chosen: the document names none"), "\(run.stderr)")
        #expect(run.stderr.contains("the document has no `tenant_info.tenant_type`, which tier `standard` sets"), "\(run.stderr)")
        let unknown = try TenantcCLI.run(["import", doc, "--tier", "premum", "-o", "-"], in: root)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("did you mean `premium`?"), "\(unknown.stderr)")
    }

    @Test func badDocumentsAreErrorsNotCrashes() throws {
        let root = try project()
        for (text, expected) in [("a: [1\n", "1"), ("- 1\n- 2\n", "not a mapping"), ("tenant_info: {tenant_id: Bad-Id}\n", "not a valid tenant id"),
                                 ("limits: {cpu: 1}\n", "no `tenant_info.tenant_id`"), ("{\"tenant_info\": ", "error")] {
            let doc = try write(text, "bad.yml", in: root)
            let run = try TenantcCLI.run(["import", doc, "-o", "-"], in: root)
            #expect(run.status == 1, "\(text): \(run.stderr)")
            #expect(run.stderr.contains(expected), "\(text): \(run.stderr)")
        }
        let missing = try TenantcCLI.run(["import", "nowhere.yml", "-o", "-"], in: root)
        #expect(missing.status == 1 && missing.stderr.contains("cannot read"), "\(missing.stderr)")
        let noDirectory = try TenantcCLI.run(["import", "nowhere.yml", "-o", "missing-dir"], in: root)
        #expect(noDirectory.status == 2 && noDirectory.stderr.contains("-o missing-dir"), "\(noDirectory.stderr)")
    }
}

/// `tenantc import --as-tier`, through the command line (the conversion itself has its own
/// suites in TenantImportTests).
@Suite struct TierTemplateCommandTests {
    static let templates = repoRoot + "/Tests/Fixtures/tier-templates/"

    @Test func theSeedsTemplatesBecomeATierChainATenantCanExtend() throws {
        let root = try temporaryDirectory()
        try FileManager.default.createDirectory(at: root.appendingPathComponent("tiers"), withIntermediateDirectories: true)
        let chain = [("free", nil, "free_tier_template.yml"), ("standard", "free", "standard_tier_template.yml"),
                     ("premium", "standard", "premium_tier_template.yml"), ("enterprise", "premium", "enterprise_template.yml")]
        for (name, parent, file) in chain {
            let run = try TenantcCLI.run(["import", "--as-tier", name] + (parent.map { ["--extends", $0] } ?? []) + [Self.templates + file, "-o", "tiers"], in: root)
            #expect(run.status == 0, "\(name): \(run.stderr)")
            #expect(run.stderr.contains("tier `\(name)` written to tiers/\(name).tenant"), "\(run.stderr)")
            let written = try String(contentsOf: root.appendingPathComponent("tiers/\(name).tenant"), encoding: .utf8)
            #expect(written.contains("tier \(name)" + (parent.map { " extends \($0)" } ?? "") + " {"))
        }
        let check = try TenantcCLI.run(["check", "tiers"], in: root)
        #expect(check.status == 0, "\(check.stderr)")
        let format = try TenantcCLI.run(["fmt", "--check", "tiers"], in: root)
        #expect(format.status == 0, "\(format.stdout)\(format.stderr)")
        // Done again: the tier is there, and is not replaced; `-o -` prints it instead.
        let again = try TenantcCLI.run(["import", "--as-tier", "free", Self.templates + "free_tier_template.yml", "-o", "tiers"], in: root)
        #expect(again.status == 1 && again.stderr.contains("exists already"), "\(again.stderr)")
        let printed = try TenantcCLI.run(["import", "--as-tier", "free", Self.templates + "free_tier_template.yml", "-o", "-"], in: root)
        #expect(printed.status == 0)
        #expect(printed.stdout == (try String(contentsOf: root.appendingPathComponent("tiers/free.tenant"), encoding: .utf8)))
    }

    @Test func misuseIsAUsageError() throws {
        let root = try temporaryDirectory()
        for arguments in [["--extends", "free", "x.yml"], ["--as-tier", "a", "x.yml", "y.yml"], ["--as-tier", "a", "--tier", "free", "x.yml"]] {
            let run = try TenantcCLI.run(["import"] + arguments, in: root)
            #expect(run.status == 2, "\(arguments): \(run.stderr)")
        }
        let unknownParent = try TenantcCLI.run(["import", "--as-tier", "x", "--extends", "nope", Self.templates + "free_tier_template.yml", "--tiers", repoRoot + "/tiers", "-o", "-"], in: root)
        #expect(unknownParent.status == 2, "\(unknownParent.stderr)")
    }
}
