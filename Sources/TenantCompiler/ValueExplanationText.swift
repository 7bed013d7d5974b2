import TenantDiagnostics
import TenantModel
import TenantSemantics

extension ValueExplanation {
    /// The explanation for a terminal: per field, its value, then each layer with its source
    /// line, the formula with the values it read, the children of a record, and the rules.
    public func text(_ sources: SourceMap) -> String {
        var out = "tenant \(tenant) (tier \(tier), environment \(environment))\n"
        for field in fields {
            out += "\n"
            TextWriter(sources: sources).write(field, into: &out)
        }
        return out
    }
}

private struct TextWriter {
    let sources: SourceMap

    func write(_ field: FieldExplanation, into out: inout String) {
        out += field.isRecord ? "\(field.path): record\n" : "\(field.path): \(field.type) = \(shownValue(field.value))\n"
        for line in (field.doc ?? "").split(separator: "\n", omittingEmptySubsequences: false) where field.doc != nil {
            out += "  /// \(line)\n"
        }
        var declared = "declared \(field.type)"
        if field.locked { declared += ", locked (the tier table)" }
        if field.hidden { declared += ", hidden (not in the artifact)" }
        step(declared, field.declaration, into: &out)
        for s in field.steps { step(action(s), s, into: &out) }
        if let formula = field.formula {
            self.formula(formula, indent: "  ", into: &out)
        }
        if !field.children.isEmpty {
            out += "  children:\n"
            let width = field.children.map { $0.name.count }.max() ?? 0
            for c in field.children {
                let value = c.isRecord ? "{ … }" : shownValue(c.value)
                let place = ExplainedPlace(c.span, sources).map { " \($0.location) (\(c.origin?.description ?? ""))" } ?? ""
                out += "    \(c.name.padding(width)) = \(value)\(place)\n"
            }
        }
        if !field.rules.isEmpty {
            out += "  rules that read it:\n"
            for r in field.rules {
                let outcome = r.passed.map { $0 ? "passed" : (r.isWarning ? "warns " : "FAILS ") } ?? "not computed"
                let place = ExplainedPlace(r.span, sources).map { ", \($0.location)" } ?? ""
                out += "    \(outcome) \(r.isWarning ? "warn" : "check") \(oneLine(r.text))  (\(r.origin.description)\(place))\n"
            }
        }
    }

    private func action(_ s: LayerStep) -> String {
        let written = s.written.map(oneLine) ?? ""
        let value = s.value.map { " → \(shownValue($0))" } ?? ""
        switch s.action {
        case .declared: return "declared"
        case .set: return s.value.map { shownValue($0) } == written ? "set to \(written)" : "set to \(written)\(value)"
        case .replaced: return "replaced by the record literal, with \(written)\(value)"
        case .scaled: return "scaled by \(written)\(value)"
        }
    }

    /// `what in FILE:LINE:COL (layer)`, then the source line under it.
    private func step(_ what: String, _ s: LayerStep, into out: inout String) {
        guard let place = ExplainedPlace(s.span, sources) else {
            out += "  \(what) (\(s.origin.description))\n"
            return
        }
        out += "  \(what) in \(place.location) (\(s.origin.description))\n"
        out += "    \(String(place.line).leftPadded(5)) | \(place.source)\n"
    }

    private func formula(_ f: FormulaTrace, indent: String, into out: inout String) {
        out += "\(indent)formula: \(oneLine(f.expression))\n"
        if let substituted = f.substituted, substituted != f.expression { out += "\(indent)       = \(oneLine(substituted))\n" }
        out += "\(indent)       = \(shownValue(f.value))\n"
        for r in f.references {
            let place = ExplainedPlace(r.span, sources).map { ", set in \($0.location) (\(r.origin?.description ?? ""))" } ?? ""
            out += "\(indent)  \(r.path) = \(shownValue(r.value))\(place)\n"
            if let nested = r.formula { formula(nested, indent: indent + "    ", into: &out) }
        }
    }
}

/// A multi-line condition or formula on one line: its line breaks and indentation as one space.
private func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline).map { $0.trimmingPrefix(while: \.isWhitespace) }.joined(separator: " ")
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
