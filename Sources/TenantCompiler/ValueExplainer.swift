import TenantBackends
import TenantDiagnostics
import TenantModel
import TenantSemantics
import TenantSyntax

/// `tenantc explain FILE PATH` (docs/explain.md): why a tenant's fields have their values.
public enum ValueExplainer {
    /// The version of the JSON form: the minor part grows when members are added, the major
    /// part when one changes or goes.
    public static let jsonFormatVersion = "1.0"

    /// The fields of the workspace's tenant that `path` names, in `environment` (default: its own).
    public static func run(_ workspace: TenantWorkspace, path: String, environment: String?) throws(UsageFailure) -> ValueExplanation {
        try workspace.validate(environment: environment)
        // Source lines are quoted: values written for secret fields are masked in them.
        for file in workspace.sources.all { SecretValues.mark(in: file, secretFields: workspace.tiers.secretFieldNames) }
        switch workspace.tiers.explain(workspace.tenant, path: path, environment: environment, afterSyntaxErrors: workspace.hasSyntaxErrors) {
        case .success(let explanation):
            return explanation
        case .failure(.unresolvable):
            throw UsageFailure("tenant \(workspace.tenant.name.text) cannot be resolved: its tier `\(workspace.tierName)` is missing",
                               help: ["run `tenantc check \(workspace.path)`"])
        case .failure(.noSuchField(let path, let near)):
            throw UsageFailure("tenant \(workspace.tenant.name.text) has no field `\(path)`",
                               help: near.map { ["did you mean `\($0)`?"] } ?? [])
        }
    }
}

/// Where a span is, for both renderings.
struct ExplainedPlace {
    var file: String
    var line: Int
    var column: Int
    /// The source line, values of secret fields masked.
    var source: String

    init?(_ span: Span?, _ sources: SourceMap) {
        guard let span, let (file, start, _) = sources.position(span) else { return nil }
        self.file = file.path
        line = start.line
        column = start.column
        source = file.maskedLine(start.line - 1)
    }

    var location: String { "\(file):\(line):\(column)" }
}

extension LayerOrigin {
    /// `tier`, `tier_env`, `tenant`, `tenant_env`, `command_line`, for the JSON form.
    var kind: String {
        switch self {
        case .tier: "tier"
        case .tierEnv: "tier_env"
        case .tenant: "tenant"
        case .tenantEnv: "tenant_env"
        case .commandLine: "command_line"
        }
    }

    var environment: String? {
        switch self {
        case .tierEnv(_, let env), .tenantEnv(_, let env): env
        default: nil
        }
    }

    var layerName: String? {
        switch self {
        case .tier(let name), .tierEnv(let name, _), .tenant(let name), .tenantEnv(let name, _): name
        case .commandLine: nil
        }
    }
}

/// A value as an explanation shows it: as it would be written in source, secrets never in clear.
func shownValue(_ value: Value?) -> String {
    guard let value else { return "(no value)" }
    return value.containsSecret ? "secret(…)" : value.sourceText
}
