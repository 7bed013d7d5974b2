import TenantBackends
import TenantDiagnostics
import TenantModel
import TenantSemantics

extension ValueExplanation {
    /// The explanation as the versioned JSON document of docs/explain.md.
    public func json(_ sources: SourceMap) -> String {
        let writer = JSONExplanationWriter(sources: sources)
        return JSONValue.object([
            ("format_version", .string(ValueExplainer.jsonFormatVersion)),
            ("tenant", .string(tenant)),
            ("tier", .string(tier)),
            ("environment", .string(environment)),
            ("fields", .array(fields.map(writer.field))),
        ]).text
    }
}

private struct JSONExplanationWriter {
    let sources: SourceMap

    func field(_ f: FieldExplanation) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("path", .string(f.path)), ("type", .string(f.type)), ("record", .bool(f.isRecord)),
            ("locked", .bool(f.locked)), ("hidden", .bool(f.hidden)), ("doc", f.doc.map(JSONValue.string) ?? .null),
        ]
        if !f.isRecord { members += value(f.value) }
        members.append(("declared", step(f.declaration)))
        members.append(("layers", .array(f.steps.map(step))))
        members.append(("formula", f.formula.map(formula) ?? .null))
        if f.isRecord { members.append(("children", .array(f.children.map(child)))) }
        members.append(("rules", .array(f.rules.map(rule))))
        return .object(members)
    }

    /// `value` as the JSON backend writes it (secrets redacted), and `text` as it is written in source.
    private func value(_ v: Value?) -> [(String, JSONValue)] {
        guard let v else { return [("value", .null), ("text", .null)] }
        return [("value", .raw(jsonText(of: v))), ("text", .string(shownValue(v)))]
    }

    private func place(_ span: Span?) -> [(String, JSONValue)] {
        guard let p = ExplainedPlace(span, sources) else { return [("file", .null), ("line", .null), ("column", .null), ("source", .null)] }
        return [("file", .string(p.file)), ("line", .int(p.line)), ("column", .int(p.column)), ("source", .string(p.source))]
    }

    private func origin(_ o: LayerOrigin?) -> JSONValue {
        guard let o else { return .null }
        return .compactObject([
            ("kind", .string(o.kind)), ("name", o.layerName.map(JSONValue.string) ?? .null),
            ("environment", o.environment.map(JSONValue.string) ?? .null),
        ])
    }

    private func step(_ s: LayerStep) -> JSONValue {
        var members: [(String, JSONValue)] = [("action", .string(s.action.rawValue)), ("origin", origin(s.origin))]
        members += place(s.span)
        members.append(("written", s.written.map(JSONValue.string) ?? .null))
        if s.action != .declared { members += value(s.value) }
        return .object(members)
    }

    private func formula(_ f: FormulaTrace) -> JSONValue {
        var members: [(String, JSONValue)] = [("expression", .string(f.expression)),
                                              ("substituted", f.substituted.map(JSONValue.string) ?? .null)]
        members += value(f.value)
        members.append(("references", .array(f.references.map(reference))))
        return .object(members)
    }

    private func reference(_ r: FormulaReference) -> JSONValue {
        var members: [(String, JSONValue)] = [("path", .string(r.path))]
        members += value(r.value)
        members.append(("origin", origin(r.origin)))
        members += place(r.span)
        members.append(("formula", r.formula.map(formula) ?? .null))
        return .object(members)
    }

    private func child(_ c: ChildSource) -> JSONValue {
        var members: [(String, JSONValue)] = [("name", .string(c.name)), ("record", .bool(c.isRecord))]
        if !c.isRecord { members += value(c.value) }
        members.append(("origin", origin(c.origin)))
        members += place(c.span)
        return .object(members)
    }

    private func rule(_ r: RuleOutcome) -> JSONValue {
        var members: [(String, JSONValue)] = [("severity", .string(r.isWarning ? "warning" : "error")), ("condition", .string(r.text)),
                                              ("passed", r.passed.map(JSONValue.bool) ?? .null), ("origin", origin(r.origin))]
        members += place(r.span)
        return .object(members)
    }
}
