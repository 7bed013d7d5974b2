import TenantBackends
import TenantDiagnostics
import TenantModel
import TenantSemantics

/// The JSON Schema (2020-12) of the artifacts of a config shape, as the JSON backend writes
/// them in one units mode (docs/schema.md). Each leaf maps to exactly what `Scalar` encodes:
/// a schema that disagreed with the backend would reject real artifacts.
public enum ArtifactSchema {
    public static let dialect = "https://json-schema.org/draft/2020-12/schema"

    /// The object schema of a whole config: records are objects with `additionalProperties:
    /// false`, hidden fields left out, unset-able (optional) leaves not required.
    public static func object(_ schema: Schema, units: UnitsMode) -> JSONValue {
        record(schema, Schema.root, units)
    }

    private static func record(_ schema: Schema, _ slot: Int32, _ units: UnitsMode) -> JSONValue {
        var properties: [(String, JSONValue)] = []
        var required: [JSONValue] = []
        for c in schema[slot].children where !schema[c].isHidden {
            let child = schema[c]
            properties.append((child.name, child.isRecord ? record(schema, c, units) : leaf(child, units)))
            // Records are always written (`{}` when empty); an unset optional leaf is omitted.
            if child.isRecord || !child.isOptional { required.append(.string(child.name)) }
        }
        var members: [(String, JSONValue)] = [("type", .string("object"))]
        members += annotations(schema[slot])
        members.append(("properties", .object(properties)))
        if !required.isEmpty { members.append(("required", .array(required))) }
        members.append(("additionalProperties", .bool(false)))
        return .object(members)
    }

    private static func leaf(_ slot: Slot, _ units: UnitsMode) -> JSONValue {
        let members = LeafSchema(units: units).members(slot.type) + annotations(slot)
        // Short leaf schemas stay on one line; a list of records gets the full layout.
        if case .list(let element) = slot.type.core, case .record = element.core { return .object(members) }
        return .compactObject(members)
    }

    /// `///` docs become `description`; the tier table (locked fields) is `readOnly`.
    private static func annotations(_ slot: Slot) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = []
        if let doc = slot.doc, !doc.isEmpty { members.append(("description", .string(doc))) }
        if slot.locked, slot.parent >= 0 { members.append(("readOnly", .bool(true))) }
        return members
    }
}
