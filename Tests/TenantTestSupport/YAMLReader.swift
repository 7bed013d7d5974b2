import CYAML
import Foundation

/// Test support shared by the test targets: a YAML reader on libyaml's parser and the two
/// schemas' plain-scalar resolution, to read emitted YAML back and compare it with JSON.

/// A YAML node as libyaml's parser reports it, before any type resolution.
public indirect enum YAMLNode {
    case scalar(String, style: yaml_scalar_style_t, tag: String?)
    case sequence([YAMLNode])
    case mapping([(key: YAMLNode, value: YAMLNode)])
}

public struct YAMLReadError: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}

/// Reads a YAML stream with libyaml's event parser (a real parser, independent of the emitter
/// under test) into one tree per document.
public func readYAMLDocuments(_ bytes: [UInt8]) throws -> [YAMLNode] {
    let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
    defer { parser.deallocate() }
    guard yaml_parser_initialize(parser) == 1 else { throw YAMLReadError(description: "parser init") }
    defer { yaml_parser_delete(parser) }
    return try bytes.withUnsafeBufferPointer { buf in
        yaml_parser_set_input_string(parser, buf.baseAddress, buf.count)
        var documents: [YAMLNode] = []
        // Containers under construction; a mapping collects keys and values alternately.
        var stack: [(isMapping: Bool, items: [YAMLNode])] = []
        func add(_ node: YAMLNode) {
            if stack.isEmpty {
                documents.append(node)
            } else {
                stack[stack.count - 1].items.append(node)
            }
        }
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(parser, &event) == 1 else {
                let problem = parser.pointee.problem.map { String(cString: $0) } ?? "?"
                let mark = parser.pointee.problem_mark
                throw YAMLReadError(description: "YAML parse error: \(problem) at line \(mark.line + 1) column \(mark.column + 1)")
            }
            defer { yaml_event_delete(&event) }
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return documents
            case YAML_ALIAS_EVENT:
                throw YAMLReadError(description: "unexpected alias")
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                guard s.anchor == nil else { throw YAMLReadError(description: "unexpected anchor") }
                let value = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
                add(.scalar(value, style: s.style, tag: s.tag.map { String(cString: $0) }))
            case YAML_SEQUENCE_START_EVENT:
                stack.append((false, []))
            case YAML_MAPPING_START_EVENT:
                stack.append((true, []))
            case YAML_SEQUENCE_END_EVENT:
                add(.sequence(stack.removeLast().items))
            case YAML_MAPPING_END_EVENT:
                let items = stack.removeLast().items
                var pairs: [(key: YAMLNode, value: YAMLNode)] = []
                for i in stride(from: 0, to: items.count, by: 2) { pairs.append((items[i], items[i + 1])) }
                add(.mapping(pairs))
            default:
                break  // stream start, document start and end
            }
        }
    }
}

/// The data model both formats are compared in. Maps are unordered here; key order is
/// checked separately on the raw `YAMLNode`.
public indirect enum Node: Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case float(Double)
    case string(String)
    case list([Node])
    case map([String: Node])
    /// Something a schema resolves that is neither of the above (timestamp, merge key, …).
    case other(String)

    public var description: String {
        switch self {
        case .null: "null"
        case .bool(let b): "\(b)"
        case .int(let i): "\(i)"
        case .float(let d): "\(d)f"
        case .string(let s): s.debugDescription
        case .list(let l): "[" + l.map(\.description).joined(separator: ", ") + "]"
        case .map(let m): "{" + m.keys.sorted().map { "\($0.debugDescription): \(m[$0]!)" }.joined(separator: ", ") + "}"
        case .other(let s): "<\(s)>"
        }
    }
}

/// A plain-scalar resolver: the tag a schema gives to a plain scalar.
public enum Schema {
    /// YAML 1.2 core schema (spec 1.2.2, 10.3.2), plus the wider numbers of ruamel.yaml.
    case core12
    /// YAML 1.1 type repository, with PyYAML's variants (the union of both).
    case yaml11
}

private func regex(_ pattern: String) -> NSRegularExpression {
    try! NSRegularExpression(pattern: "^(?:" + pattern + ")$")
}

private func matches(_ re: NSRegularExpression, _ s: String) -> Bool {
    re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
}

/// The regular expressions of the specifications, written out independently of the byte scanner
/// under test so that each checks the other.
private struct Patterns: @unchecked Sendable {
    let null = regex("~|null|Null|NULL|")
    let bool12 = regex("true|True|TRUE|false|False|FALSE")
    let int12 = regex("[-+]?[0-9]+")
    let oct12 = regex("0o[0-7]+")
    let hex12 = regex("0x[0-9a-fA-F]+")
    let float12 = regex("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?")
    let inf12 = regex("[-+]?\\.(inf|Inf|INF)")
    let nan12 = regex("\\.(nan|NaN|NAN)")
    /// ruamel.yaml's YAML 1.2 ints and floats, wider than the core schema (`-_1`, `1_000`,
    /// `0o1_7`): a widely used reader, so its reading counts too.
    let ruamelInt = regex("[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+")
    let ruamelFloat = regex(
        "[-+]?([0-9][0-9_]*)\\.[0-9_]*([eE][-+]?[0-9]+)?|[-+]?([0-9][0-9_]*)([eE][-+]?[0-9]+)"
            + "|\\.[0-9_]+([eE][-+][0-9]+)?|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)")

    let bool11 = regex("y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF")
    let int11 = regex(
        "[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+")
    let float11PyYAML = regex(
        "[-+]?([0-9][0-9_]*)\\.[0-9_]*([eE][-+][0-9]+)?|\\.[0-9][0-9_]*([eE][-+][0-9]+)?"
            + "|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)")
    let float11Spec = regex(
        "[-+]?([0-9][0-9_]*)?\\.[0-9.]*([eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*")
    let timestamp11 = regex(
        "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
            + "|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?([Tt]|[ \\t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](\\.[0-9]*)?"
            + "([ \\t]*(Z|[-+][0-9][0-9]?(:[0-9][0-9])?))?")
    let merge11 = regex("<<")
    let value11 = regex("=")

    static let shared = Patterns()
}

/// Resolves a plain scalar's text as `schema` would.
public func resolvePlain(_ s: String, _ schema: Schema) -> Node {
    let p = Patterns.shared
    switch schema {
    case .core12:
        if matches(p.null, s) { return .null }
        if matches(p.bool12, s) { return .bool(s.lowercased() == "true") }
        if matches(p.int12, s) { return Int64(s).map(Node.int) ?? .other("big int \(s)") }
        if matches(p.oct12, s) { return Int64(s.dropFirst(2), radix: 8).map(Node.int) ?? .other(s) }
        if matches(p.hex12, s) { return Int64(s.dropFirst(2), radix: 16).map(Node.int) ?? .other(s) }
        if matches(p.inf12, s) { return .float(s.hasPrefix("-") ? -.infinity : .infinity) }
        if matches(p.nan12, s) { return .other("nan") }
        if matches(p.float12, s) { return Double(s).map(Node.float) ?? .other("float \(s)") }
        // ruamel.yaml only looks at scalars starting with a sign, a digit or a dot.
        if let c = s.first, "+-.0123456789".contains(c), matches(p.ruamelInt, s) || matches(p.ruamelFloat, s) {
            return .other("ruamel.yaml number \(s)")
        }
        return .string(s)
    case .yaml11:
        if matches(p.null, s) { return .null }
        if matches(p.bool11, s) { return .bool(["y", "yes", "true", "on"].contains(s.lowercased())) }
        if matches(p.int11, s) {
            // Only plain decimal ints can come from the backends; anything else is reported.
            let digits = s.filter { $0 != "_" }
            if let i = Int64(digits), !s.contains(":"), !(digits.hasPrefix("0") && digits.count > 1) { return .int(i) }
            return .other("int11 \(s)")
        }
        if matches(p.float11PyYAML, s) || matches(p.float11Spec, s) {
            if s.lowercased().hasSuffix(".inf") { return .float(s.hasPrefix("-") ? -.infinity : .infinity) }
            if !s.contains(":"), let d = Double(s.filter { $0 != "_" }) { return .float(d) }
            return .other("float11 \(s)")
        }
        if matches(p.timestamp11, s) { return .other("timestamp \(s)") }
        if matches(p.merge11, s) { return .other("merge") }
        if matches(p.value11, s) { return .other("value") }
        return .string(s)
    }
}

/// Resolves a parsed YAML tree: quoted and block scalars are strings, plain ones go through
/// the schema. A key that does not resolve to a string makes the map unequal to any other.
public func resolve(_ node: YAMLNode, _ schema: Schema) -> Node {
    switch node {
    case .scalar(let s, let style, let tag):
        if tag != nil { return .other("tagged \(tag!) \(s)") }
        return style == YAML_PLAIN_SCALAR_STYLE ? resolvePlain(s, schema) : .string(s)
    case .sequence(let items):
        return .list(items.map { resolve($0, schema) })
    case .mapping(let pairs):
        var m: [String: Node] = [:]
        for (k, v) in pairs {
            switch resolve(k, schema) {
            case .string(let key): m[key] = resolve(v, schema)
            case let other: m["<non-string key \(other)>"] = resolve(v, schema)
            }
        }
        return .map(m)
    }
}

/// The keys of a YAML mapping in document order.
public func orderedKeys(_ node: YAMLNode) -> [String] {
    guard case .mapping(let pairs) = node else { return [] }
    return pairs.map { pair in
        if case .scalar(let s, _, _) = pair.key { return s }
        return "<complex>"
    }
}

/// Parses JSON with Foundation, telling booleans, integers and floats apart by the type code
/// of the `NSNumber` it returns.
public func parseJSON(_ bytes: some Collection<UInt8>) throws -> Node {
    try jsonNode(JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]))
}

private func jsonNode(_ any: Any) -> Node {
    switch any {
    case is NSNull: return .null
    case let s as String: return .string(s)
    case let a as [Any]: return .list(a.map(jsonNode))
    case let d as [String: Any]: return .map(d.mapValues(jsonNode))
    case let n as NSNumber:
        switch String(cString: n.objCType) {
        case "c", "B": return .bool(n.boolValue)
        case "d", "f": return .float(n.doubleValue)
        default: return .int(n.int64Value)
        }
    default: return .other("\(type(of: any))")
    }
}
