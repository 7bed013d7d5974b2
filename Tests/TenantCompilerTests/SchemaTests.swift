import Foundation
import TenantBackends
import TenantCompiler
import Testing

/// `tenantc schema`: the JSON Schema of the artifacts (docs/schema.md). Python's jsonschema
/// validates real artifacts against it in `.ci/run`; these tests pin its shape.
@Suite struct SchemaTests {
    static let smallTier = """
        tier base {
          /// Who the tenant is.
          info {
            /// Display name.
            name: string
            contact: email?
            mode: "fast" | "safe" = "safe"
            workers: int(1..64) = 4
            quota: size | unlimited = 10GiB
            share: percent(0%..100%) = 50%
            _plan = "internal"
          }
          locked limits {
            cpu = 0.5cores
          }
        }
        """

    /// The schema document of `tiers` (files written in a scratch tier directory).
    static func document(_ tiers: [String: String], tier: String? = nil, units: UnitsMode = .canonical) throws -> [String: Any] {
        let dir = try temporaryDirectory()
        let tiersDir = dir.appendingPathComponent("tiers")
        try FileManager.default.createDirectory(at: tiersDir, withIntermediateDirectories: true)
        for (name, text) in tiers { try text.write(to: tiersDir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let outcome = try ArtifactSchema.make(ArtifactSchemaRequest(tiersDirectory: tiersDir.path, tier: tier, units: units))
        let text = try #require(outcome.text, "the tiers have no errors")
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func object(_ value: Any?, _ path: String...) -> [String: Any]? {
        var v = value
        for key in path { v = (v as? [String: Any])?[key] }
        return v as? [String: Any]
    }

    @Test func recordsFieldsAndDocs() throws {
        let doc = try Self.document(["base.tenant": Self.smallTier])
        #expect(doc["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect(doc["additionalProperties"] as? Bool == false)
        #expect(doc["required"] as? [String] == ["info", "limits"])
        let info = try #require(Self.object(doc, "properties", "info"))
        #expect(info["type"] as? String == "object")
        #expect(info["description"] as? String == "Who the tenant is.")
        #expect(info["additionalProperties"] as? Bool == false)
        // Optional `contact` may be omitted; hidden `_plan` is never written.
        #expect(info["required"] as? [String] == ["name", "mode", "workers", "quota", "share"])
        let fields = try #require(info["properties"] as? [String: Any])
        #expect(fields["_plan"] == nil)
        #expect(Self.object(fields, "name")?["description"] as? String == "Display name.")
        #expect(Self.object(fields, "mode")?["enum"] as? [String] == ["fast", "safe"])
        let workers = try #require(Self.object(fields, "workers"))
        #expect(workers["type"] as? String == "integer")
        #expect(workers["minimum"] as? Int == 1)
        #expect(workers["maximum"] as? Int == 64)
        #expect(Self.object(fields, "contact")?["pattern"] != nil)
        let cpu = try #require(Self.object(doc, "properties", "limits", "properties", "cpu"))
        #expect(cpu["type"] as? String == "number")
        #expect(cpu["readOnly"] as? Bool == true)
    }

    @Test func quantitiesFollowTheUnits() throws {
        let canonical = try Self.document(["base.tenant": Self.smallTier], units: .canonical)
        let base = try Self.document(["base.tenant": Self.smallTier], units: .base)
        let quota = try #require(Self.object(canonical, "properties", "info", "properties", "quota")?["anyOf"] as? [[String: Any]])
        #expect(quota.count == 2)
        #expect(quota[0]["type"] as? String == "string")
        #expect(quota[0]["pattern"] as? String == "^[0-9]+(B|KB|MB|GB|TB|PB|KiB|MiB|GiB|TiB|PiB)$")
        #expect(quota[1]["const"] as? String == "unlimited")
        let baseQuota = try #require(Self.object(base, "properties", "info", "properties", "quota")?["anyOf"] as? [[String: Any]])
        #expect(baseQuota[0]["type"] as? String == "integer")
        #expect(baseQuota[0]["minimum"] as? Int == 0)
        #expect(baseQuota[1]["const"] as? String == "unlimited")
        // Percent bounds hold on fractions; on canonical strings they are only a comment.
        let share = try #require(Self.object(base, "properties", "info", "properties", "share"))
        #expect(share["type"] as? String == "number")
        #expect(share["maximum"] as? Int == 1)
        let canonicalShare = try #require(Self.object(canonical, "properties", "info", "properties", "share"))
        #expect(canonicalShare["type"] as? String == "string")
        #expect(canonicalShare["$comment"] != nil)
    }

    /// Every object schema, however deep, refuses unknown keys.
    static func objects(_ value: Any, _ visit: ([String: Any]) -> Void) {
        if let o = value as? [String: Any] {
            if o["type"] as? String == "object" { visit(o) }
            for v in o.values { objects(v, visit) }
        } else if let a = value as? [Any] {
            for v in a { objects(v, visit) }
        }
    }

    @Test func shippedTiersRefuseUnknownKeys() throws {
        for units in [UnitsMode.canonical, .base] {
            let outcome = try ArtifactSchema.make(ArtifactSchemaRequest(tiersDirectory: repoRoot + "/tiers", units: units))
            let text = try #require(outcome.text)
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect((doc["anyOf"] as? [Any])?.count == 4)
            #expect(Set((doc["$defs"] as? [String: Any] ?? [:]).keys) == ["tier.free", "tier.standard", "tier.premium", "tier.enterprise"])
            var count = 0
            Self.objects(doc) { o in
                count += 1
                #expect(o["additionalProperties"] as? Bool == false)
            }
            #expect(count > 100)
        }
    }

    @Test func tenantsWithFieldsOfTheirOwn() throws {
        let files = exampleFiles().map { repoRoot + "/examples/" + $0 }
        let request = ArtifactSchemaRequest(tiersDirectory: repoRoot + "/tiers", files: files, tier: "enterprise")
        let text = try #require(try ArtifactSchema.make(request).text)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        // `global_corp_001` declares `partner_api_key`; the other enterprise tenant declares nothing.
        #expect(Set((doc["$defs"] as? [String: Any] ?? [:]).keys) == ["tier.enterprise", "tenant.global_corp_001"])
        #expect(Self.object(doc, "$defs", "tenant.global_corp_001", "properties", "partner_api_key")?["type"] as? String == "string")
        // A tenant that does not compile has no artifact to describe: its errors, and no schema.
        let invalid = ArtifactSchemaRequest(tiersDirectory: repoRoot + "/tiers", files: [repoRoot + "/examples/invalid/bad_enum.tenant"])
        let outcome = try ArtifactSchema.make(invalid)
        #expect(outcome.text == nil)
        #expect(outcome.counts.errors > 0)
    }

    @Test func commandLine() throws {
        let dir = try TenantcCLI.scratch()
        let tiers = repoRoot + "/tiers"
        let ok = try TenantcCLI.run(["schema", "--tiers", tiers, "--tier", "free", "--units", "base"], in: dir)
        #expect(ok.status == 0)
        let doc = try JSONSerialization.jsonObject(with: Data(ok.stdout.utf8)) as? [String: Any]
        #expect(doc?["title"] as? String == "tenantc artifact: tier.free (--units base)")

        let typo = try TenantcCLI.run(["schema", "--tiers", tiers, "--tier", "premum"], in: dir)
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("unknown tier"))
        #expect(typo.stderr.contains("did you mean `premium`?"))
        #expect(typo.stdout.isEmpty)

        #expect(try TenantcCLI.run(["schema", "--tiers", dir.path + "/nowhere"], in: dir).status == 2)
        #expect(try TenantcCLI.run(["schema", "--tiers", tiers, "--units", "metric"], in: dir).status == 2)
        // No `tiers/` at or above a scratch directory.
        #expect(try TenantcCLI.run(["schema"], in: dir).status == 2)

        let broken = dir.appendingPathComponent("tiers")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try "tier base {\n  n: int = \"x\"\n}\n".write(to: broken.appendingPathComponent("base.tenant"), atomically: true, encoding: .utf8)
        let failing = try TenantcCLI.run(["schema", "--color", "never"], in: dir)
        #expect(failing.status == 1)
        #expect(failing.stdout.isEmpty)
        #expect(failing.stderr.contains("error"))
    }
}
