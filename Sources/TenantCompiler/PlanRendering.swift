import TenantBackends
import TenantDiagnostics
import TenantModel

extension MigrationPlan {
    /// The version of the JSON form (docs/migration.md): the minor part grows when fields are
    /// added, the major part on any incompatible change.
    public static let jsonFormatVersion = "1.0"

    /// Values longer than this are clipped in the text form (the JSON form has them whole).
    static let textValueWidth = 72

    /// The plan for people: changes by category, risks, steps. Diagnostics are printed apart
    /// (stderr), in the format the user chose; the text only says how many there are.
    public var text: String {
        var out = "Plan for tenant \(tenant) (\(file)): tier \(from) → \(to)"
        out += direction == .none ? ", no change of tier" : " (\(direction.rawValue))"
        out += ", environment \(environment)\n"
        if hasErrors, changes.isEmpty {
            out += "\nThe tenant does not build under tier \(buildsNow ? to : from): "
            out += plural(counts.errors, "error") + " (see the diagnostics)\n"
            return out
        }
        out += "\nChanges\n"
        if changes.isEmpty { out += "  none: the resolved configuration is the same\n" }
        let width = changes.map(\.effect.rawValue.count).max() ?? 0
        for category in Category.allCases {
            let inCategory = changes.filter { $0.category == category }
            guard !inCategory.isEmpty else { continue }
            out += "  \(category.heading)\n"
            for c in inCategory {
                out += "    " + c.effect.rawValue + String(repeating: " ", count: width - c.effect.rawValue.count + 2)
                out += c.change.path + ": " + Self.describe(c.change)
                if let amount = c.amount {
                    let name = amount.path.split(separator: ".").last.map(String.init) ?? amount.path
                    out += " (\(name) \(Self.clip(amount.old.sourceText)) → \(Self.clip(amount.new.sourceText)))"
                }
                out += "\n"
            }
        }
        out += "\nChecks of tier \(to)\n"
        if counts.errors == 0 {
            out += "  the tenant passes every check" + (counts.warnings > 0 ? "; \(plural(counts.warnings, "warning")) (see the diagnostics)" : "") + "\n"
        } else {
            out += "  \(plural(counts.errors, "error")) (see the diagnostics): `tenantc migrate` refuses this move unless --force\n"
        }
        out += "\nRisks\n"
        if risks.isEmpty { out += "  none found\n" }
        for r in risks { out += "  ! " + r.message + "\n" }
        out += "\nSteps\n"
        if steps.isEmpty { out += "  none: the tenant is on tier \(to) already\n" }
        for (i, s) in steps.enumerated() {
            out += "  \(i + 1). " + s.text + "\n"
            for d in s.details { out += "       - " + d + "\n" }
        }
        return out
    }

    /// `old → new`, list items added and removed, or a record that appears or goes.
    static func describe(_ c: ConfigChange) -> String {
        switch (c.old, c.new) {
        case (nil, let new?): return "(none) → " + clip(new.sourceText)
        case (let old?, nil): return clip(old.sourceText) + " → (none)"
        case (let old?, let new?):
            if c.isList, !(c.addedItems.isEmpty && c.removedItems.isEmpty) {
                var parts: [String] = []
                if !c.addedItems.isEmpty { parts.append("+ " + clip(c.addedItems.map(\.sourceText).joined(separator: ", "))) }
                if !c.removedItems.isEmpty { parts.append("- " + clip(c.removedItems.map(\.sourceText).joined(separator: ", "))) }
                return parts.joined(separator: "; ")
            }
            return clip(old.sourceText) + " → " + clip(new.sourceText)
        case (nil, nil): return ""
        }
    }

    static func clip(_ s: String) -> String {
        s.count <= textValueWidth ? s : String(s.prefix(textValueWidth - 1)) + "…"
    }

    /// The plan for pipelines: the same content, documented in docs/migration.md. Values are
    /// written as the JSON backend writes them (secrets redacted).
    public var json: String {
        func value(_ v: Value?) -> JSONValue { v.map { .raw(jsonText(of: $0)) } ?? .null }
        let changeList = changes.map { c -> JSONValue in
            var members: [(String, JSONValue)] = [
                ("path", .string(c.change.path)),
                ("category", .string(c.category.rawValue)),
                ("effect", .string(c.effect.rawValue)),
                ("old", value(c.change.old)),
                ("new", value(c.change.new)),
            ]
            if c.change.isList {
                members.append(("added_items", .array(c.change.addedItems.map { value($0) })))
                members.append(("removed_items", .array(c.change.removedItems.map { value($0) })))
            }
            return .object(members)
        }
        let document = JSONValue.object([
            ("format_version", .string(Self.jsonFormatVersion)),
            ("tenant", .string(tenant)),
            ("file", .string(file)),
            ("environment", .string(environment)),
            ("from", .string(from)),
            ("to", .string(to)),
            ("direction", .string(direction.rawValue)),
            ("builds_now", .bool(buildsNow)),
            ("valid", .bool(!hasErrors)),
            ("error_count", .int(counts.errors)),
            ("warning_count", .int(counts.warnings)),
            ("changes", .array(changeList)),
            ("risks", .array(risks.map { r in
                .object([("kind", .string(r.kind.rawValue)), ("path", .string(r.path)), ("message", .string(r.message))])
            })),
            ("steps", .array(steps.enumerated().map { i, s in
                .object([
                    ("number", .int(i + 1)), ("kind", .string(s.kind.rawValue)), ("required", .bool(s.required)),
                    ("text", .string(s.text)), ("details", .array(s.details.map { .string($0) })),
                ])
            })),
            ("diagnostics", .array(diagnostics.map { jsonObject($0, sourceMap: sources) })),
        ])
        return document.text
    }
}
