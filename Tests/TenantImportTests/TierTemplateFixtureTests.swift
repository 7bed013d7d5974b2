import Foundation
import Testing
import TenantCompiler
import TenantDiagnostics
import TenantFormat
import TenantImport
import TenantModel
import TenantSyntax

/// The seed's four tier templates imported in turn (`free`, then each extending the one
/// before), as `tenantc import --as-tier` imports them: each tier compiles with the others, is
/// in canonical layout, keeps or reports every comment, and a tenant of each gets the values
/// the template gives once its placeholders are filled.
@Suite struct TierTemplateFixtureTests {
    static let chain: [(tier: String, file: String)] = [
        ("free", "free_tier_template.yml"), ("standard", "standard_tier_template.yml"),
        ("premium", "premium_tier_template.yml"), ("enterprise", "enterprise_template.yml"),
    ]

    /// What the tests' tenant gives each placeholder.
    static func fill(_ tier: String) -> [String: String] {
        ["TENANT_ID": "acme_\(tier)", "TENANT_TYPE": tier, "TENANT_NAME": "Acme Corp", "ENVIRONMENT": "production",
         "CONTACT_EMAIL": "ops@acme.example.com", "REGION": "eu-west-1", "POSTGRESQL_CPU_CORES": "0.5",
         "POSTGRESQL_MEMORY_GB": "4", "POSTGRESQL_STORAGE_GB": "2.5", "OFFICE_CIDR": "192.168.10.0/24"]
    }

    /// Imports the chain into a new project; each tier is written to `tiers/` before the next
    /// is imported, as a user would.
    static func importChain(_ project: ScratchProject) throws -> [TierTemplateImportOutcome] {
        var outcomes: [TierTemplateImportOutcome] = []
        for (i, entry) in chain.enumerated() {
            let outcome = try TierTemplateImport.run(templatePath: tierTemplates.appendingPathComponent(entry.file).path, name: entry.tier,
                                                     extends: i == 0 ? nil : chain[i - 1].tier, workingDirectory: project.path)
            let source = try #require(outcome.source, "\(entry.tier): \(errorMessages(outcome.diagnostics))")
            #expect(outcome.path == "tiers/\(entry.tier).tenant")
            try project.write(outcome.path, source)
            outcomes.append(outcome)
        }
        return outcomes
    }

    @Test func eachTierCompilesAndIsInCanonicalLayout() throws {
        let project = try ScratchProject()
        defer { project.remove() }
        let outcomes = try Self.importChain(project)
        for (outcome, entry) in zip(outcomes, Self.chain) {
            let source = try #require(outcome.source)
            #expect(outcome.counts.errors == 0)
            guard case .formatted(let again) = Formatter.format(SourceFile(id: FileID(raw: 0), path: "t.tenant", bytes: source)) else {
                Issue.record("\(entry.tier) does not format")
                continue
            }
            #expect(again == source, "\(entry.tier) changes when formatted again")
        }
        let check = project.compile(Self.chain.map { "tiers/\($0.tier).tenant" })
        #expect(check.counts.errors == 0, "\(errorMessages(check.diagnostics))")
    }

    @Test func aTenantOfEachTierGetsTheTemplatesValues() throws {
        let project = try ScratchProject()
        defer { project.remove() }
        let outcomes = try Self.importChain(project)
        for (outcome, entry) in zip(outcomes, Self.chain) {
            let fill = Self.fill(entry.tier)
            try project.write("tenants/\(entry.tier).tenant", Self.tenant("acme_\(entry.tier)", of: entry.tier, outcome.placeholders, fill))
            let compiled = project.compile(["tenants/\(entry.tier).tenant"])
            #expect(compiled.counts.errors == 0, "\(entry.tier): \(errorMessages(compiled.diagnostics))")
            let config = try #require(compiled.tenants.first?.resolved?.config, "\(entry.tier) resolved nothing")
            let template = try Data(contentsOf: tierTemplates.appendingPathComponent(entry.file))
            let filled = try #require(try DocumentReader.read(Array(Self.filled(String(decoding: template, as: UTF8.self), fill).utf8)).first)
            var differences: [String] = []
            TemplateValues.compare(filled, .record(config), path: "", differences: &differences)
            #expect(differences.isEmpty, "\(entry.tier): \(differences.joined(separator: "\n"))")
        }
    }

    @Test func everyCommentIsKeptOrReported() throws {
        let project = try ScratchProject()
        defer { project.remove() }
        let outcomes = try Self.importChain(project)
        for (outcome, entry) in zip(outcomes, Self.chain) {
            let template = Array(try Data(contentsOf: tierTemplates.appendingPathComponent(entry.file)))
            let comments = try #require(CommentScanner.scan(template)).comments.map { "//" + $0.text }
            // Less the doc comment the import gives the placeholders' record.
            let kept = tenantComments(try #require(outcome.source)).filter { !$0.hasPrefix("///") }
            let reported = outcome.notes.filter { $0.contains("not kept") }
            #expect(comments.count == kept.count + reported.count, "\(entry.tier): \(comments) kept as \(kept), reported \(reported)")
            for comment in comments where !kept.contains(comment) {
                #expect(reported.contains { $0.contains("#" + comment.dropFirst(2)) }, "\(entry.tier): \(comment) lost")
            }
        }
        // The enterprise template ends with a comment no key follows.
        #expect(outcomes[3].notes.contains { $0.hasSuffix("enterprise_template.yml:208: comment `# Reviewed by the platform team every quarter.` not kept: it follows the last key, and a comment goes with the key after it") })
    }

    @Test func childTiersSetWhatChangesAndDeclareWhatIsNew() throws {
        let project = try ScratchProject()
        defer { project.remove() }
        let outcomes = try Self.importChain(project)
        let free = String(decoding: try #require(outcomes[0].source), as: UTF8.self)
        let standard = String(decoding: try #require(outcomes[1].source), as: UTF8.self)
        for line in ["tier free {", "    tenant_id = tenant.id", "    tenant_name: string", "    contact_email: email",
                     "        cpu_cores: cpu", "        tenant_data = \"${tenant.id}_data\"", "      allowed_ips: [cidr] = [\"10.0.0.0/8\"]",
                     "    response_time: any?", "    contact: email = \"community@tenants.example.com\""] {
            #expect(free.contains(line + "\n"), "free lacks \(line)")
        }
        for line in ["tier standard extends free {", "    cpu_cores = 2", "      mode = \"dedicated\"",
                     "      allowed_ips = [\"10.0.0.0/8\", _placeholders.OFFICE_CIDR]",
                     "      full_backup: cron = \"0 2 * * 0\"          // Hebdomadaire", "    schedule: {",
                     "      recipients: [email] = [tenant_info.contact_email, \"oncall@tenants.example.com\"]",
                     "  _placeholders: {", "    OFFICE_CIDR: cidr"] {
            #expect(standard.contains(line + "\n"), "standard lacks \(line)")
        }
        // What free gives already is inherited, formulas written the same way included.
        for absent in ["tenant_id", "tenant_data", "version = \"15\"", "algorithm"] {
            #expect(!standard.contains(absent), "standard repeats \(absent)")
        }
    }

    /// `tenant ID extends TIER { … }` setting every field a placeholder stands for.
    static func tenant(_ id: String, of tier: String, _ placeholders: [PlaceholderBinding], _ fill: [String: String]) -> String {
        var lines = ["tenant \(id) extends \(tier) {"]
        for binding in placeholders {
            guard case .field(let path, let type, _) = binding.target, let value = fill[binding.name] else { continue }
            let literal = switch type {
            case "cpu": value + "cores"
            case "int", "float", "bool": value
            default: quoteForSource(value)
            }
            lines.append("  \(path) = \(literal)")
        }
        return (lines + ["}"]).joined(separator: "\n") + "\n"
    }

    /// The template with each `${NAME}` replaced by its value, as the seed's generator did.
    static func filled(_ template: String, _ fill: [String: String]) -> String {
        var out = template
        for (name, value) in fill { out = out.replacingOccurrences(of: "${\(name)}", with: value) }
        return out
    }
}

/// A template's values, read as the seed's generator read them (YAML 1.1: `true`, numbers,
/// null; quoted scalars are strings), compared with a tenant's resolved config as its
/// artifacts write it: a `cpu` as its number of cores, quantities as their canonical text.
enum TemplateValues {
    static func compare(_ node: ImportedNode, _ value: Value?, path: String, differences: inout [String]) {
        switch node.kind {
        case .record(let entries):
            guard case .record(let record)? = value else { return differences.append("\(path): \(value?.sourceText ?? "nothing") for a mapping") }
            for entry in entries { compare(entry.value, record[entry.key], path: join(path, entry.key), differences: &differences) }
            let extra = record.keys.filter { key in !key.hasPrefix("_") && !entries.contains { $0.key == key } }
            if !extra.isEmpty { differences.append("\(path): keys the template has not: \(extra)") }
        case .list(let items):
            guard case .list(let values)? = value, values.count == items.count else { return differences.append("\(path): \(value?.sourceText ?? "nothing") for a list of \(items.count)") }
            for (i, (item, v)) in zip(items, values).enumerated() { compare(item, v, path: join(path, String(i)), differences: &differences) }
        case .scalar(let text, let plain):
            if !same(text, plain: plain, value) { differences.append("\(path): \(value?.sourceText ?? "nothing") for \(plain ? text : "\"\(text)\"")") }
        }
    }

    private static func same(_ text: String, plain: Bool, _ value: Value?) -> Bool {
        guard plain else { return value.map { rendered($0) == text } ?? false }
        if ["", "~", "null", "Null", "NULL"].contains(text) { return value == nil }
        if let b = ["true": true, "false": false, "yes": true, "no": false][text] { return value == .bool(b) }
        if let n = Double(text) { return number(value) == n }
        return value.map { rendered($0) == text } ?? false
    }

    private static func number(_ value: Value?) -> Double? {
        switch value {
        case .int(let i)?: Double(i)
        case .float(let d)?: d
        case .cpu(let c)?: Double(c.millicores) / 1000
        default: nil
        }
    }

    /// A string as an artifact writes the value.
    private static func rendered(_ value: Value) -> String? {
        switch value {
        case .string(let s): s
        case .size, .duration, .percent, .unlimited: value.sourceText
        default: nil
        }
    }

    private static func join(_ path: String, _ name: String) -> String {
        path.isEmpty ? name : path + "." + name
    }
}
