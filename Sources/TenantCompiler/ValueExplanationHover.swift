import TenantDiagnostics
import TenantModel
import TenantSemantics

extension FieldExplanation {
    /// The field as an editor's hover shows it (Markdown): its type, its doc comment, the
    /// value it resolves to in `environment`, and the line that set that value. Secrets are
    /// never shown in clear.
    public func hover(environment: String, sources: SourceMap) -> String {
        var out = "**`\(path)`**: `\(isRecord ? "record" : type)`"
        if locked { out += " · locked (the tier table)" }
        if hidden { out += " · hidden (not in the artifact)" }
        if let doc { out += "\n\n" + doc }
        out += "\n\n"
        if !isRecord { out += "Value in `\(environment)`: `\(shownValue(value))`\n\n" }
        let deciding = steps.last(where: { $0.action != .scaled }) ?? declaration
        if let place = ExplainedPlace(deciding.span, sources) {
            out += "Set at \(place.file):\(place.line) (\(deciding.origin.description))"
        }
        for s in steps where s.action == .scaled {
            if let place = ExplainedPlace(s.span, sources) { out += "  \nScaled at \(place.file):\(place.line) (\(s.origin.description))" }
        }
        if let formula {
            out += "  \nFormula: `\(formula.expression)`"
            if let substituted = formula.substituted { out += " = `\(substituted)`" }
        }
        return out
    }
}

extension Slot {
    /// A field of a tier's schema as a hover shows it where no tenant gives it a value (in a
    /// tier): its type, its doc comment, where it is declared.
    public func hover(sources: SourceMap) -> String {
        var out = "**`\(path)`**: `\(isRecord ? "record" : type.description)`"
        if locked { out += " · locked (the tier table)" }
        if let doc { out += "\n\n" + doc }
        if let place = ExplainedPlace(declaredAt, sources) { out += "\n\nDeclared at \(place.file):\(place.line) (\(declaredBy.description))" }
        return out
    }
}
