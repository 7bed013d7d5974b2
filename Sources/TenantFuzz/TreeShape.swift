// A syntax tree as text, without its positions: what the `fmt` target compares between a file
// and its formatted output. Every kind, name, operator, literal value and doc string is written;
// no span is. Each node is `(tag …)`, strings and doc comments are quoted with escapes, and
// an absent optional part is `_`, so that two different trees never write the same text.
import TenantModel
import TenantSyntax

enum TreeShape {
    static func of(_ declarations: [Declaration]) -> String {
        var writer = ShapeWriter()
        for d in declarations { writer.declaration(d) }
        return writer.out
    }

    /// Where two shapes first differ, with some of each around that point; nil when equal.
    static func difference(_ a: String, _ b: String) -> String? {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x != y else { return nil }
        var i = 0
        while i < x.count, i < y.count, x[i] == y[i] { i += 1 }
        func around(_ bytes: [UInt8]) -> String {
            let from = max(0, i - 60), to = min(bytes.count, i + 60)
            return (from > 0 ? "…" : "") + String(decoding: bytes[from..<to], as: UTF8.self) + (to < bytes.count ? "…" : "")
        }
        return "at character \(i) of the shape: \(around(x)) became \(around(y))"
    }
}

private struct ShapeWriter {
    var out = ""

    mutating func declaration(_ d: Declaration) {
        out += "(\(d.kind.rawValue) \(d.name.text) "
        if let parent = d.parent { out += parent.text } else { out += "_" }
        doc(d.doc)
        statements(d.body)
        out += ")\n"
    }

    mutating func statements(_ body: [Statement]) {
        out += " {"
        for s in body { statement(s) }
        out += " }"
    }

    mutating func statement(_ s: Statement) {
        out += " ("
        switch s.kind {
        case .assign(let p, let value):
            out += "="
            path(p)
            expr(value)
        case .declare(let p, let type, let value):
            out += ":"
            path(p)
            self.type(type)
            optional(value)
        case .block(let p, let body):
            out += "block"
            path(p)
            statements(body)
        case .rule(let severity, let condition, let message):
            out += severity.rawValue
            expr(condition)
            optional(message)
        case .env(let name, let body):
            out += "env \(name.text)"
            statements(body)
        case .scale(let p, let factor):
            out += "scale"
            path(p)
            expr(factor)
        }
        if s.locked { out += " locked" }
        // `replicas: 3`: read as `replicas = 3`, the `:` reported by the semantic layer.
        if s.colonSpan != nil { out += " colon" }
        doc(s.doc)
        out += ")"
    }

    mutating func doc(_ text: String?) {
        if let text { out += " doc=" + text.debugDescription }
    }

    mutating func path(_ p: Path) {
        out += " " + p.segments.map { segment in
            switch segment {
            case .name(let n): n.text
            case .wildcard: "*"
            }
        }.joined(separator: ".")
    }

    mutating func optional(_ e: Expr?) {
        if let e { expr(e) } else { out += " _" }
    }

    mutating func expr(_ e: Expr) {
        switch e.kind {
        case .literal(let v):
            out += " "
            value(v)
        case .interpolation(let parts):
            out += " (interp"
            for part in parts {
                switch part {
                case .text(let text): out += " " + text.debugDescription
                case .expression(let inner): expr(inner)
                }
            }
            out += ")"
        case .list(let items):
            out += " (list"
            for item in items { expr(item) }
            out += ")"
        case .record(let entries):
            out += " (record"
            for entry in entries {
                out += " " + entry.path.map(\.text).joined(separator: ".") + "="
                expr(entry.value)
            }
            out += ")"
        case .name(let n):
            out += " (name \(n.text))"
        case .member(let base, let n):
            out += " (."
            expr(base)
            out += " \(n.text))"
        case .wildcard(let base):
            out += " (.*"
            expr(base)
            out += ")"
        case .superValue:
            out += " super"
        case .unary(let op, let operand):
            out += " (\(op.rawValue)"
            expr(operand)
            out += ")"
        case .binary(let op, let lhs, let rhs):
            out += " (\(op.rawValue)"
            expr(lhs)
            expr(rhs)
            out += ")"
        case .conditional(let condition, let then, let otherwise):
            out += " (if"
            expr(condition)
            expr(then)
            expr(otherwise)
            out += ")"
        case .call(let name, let arguments):
            out += " (call \(name.text)"
            for argument in arguments { expr(argument) }
            out += ")"
        case .comprehension(let element, let variable, let source, let condition):
            out += " (for"
            expr(element)
            out += " \(variable.text)"
            expr(source)
            optional(condition)
            out += ")"
        case .invalid:
            out += " invalid"
        }
    }

    mutating func type(_ t: TypeExpr) {
        switch t.kind {
        case .named(let n):
            out += " \(n.text)"
        case .stringLiteral(let text):
            out += " " + text.debugDescription
        case .union(let members):
            out += " (|"
            for member in members { type(member) }
            out += ")"
        case .unlimited:
            out += " unlimited"
        case .list(let element):
            out += " (list"
            type(element)
            out += ")"
        case .record(let body):
            out += " (record"
            statements(body)
            out += ")"
        case .optional(let wrapped):
            out += " (?"
            type(wrapped)
            out += ")"
        case .bounded(let base, let lower, let upper):
            out += " (range"
            type(base)
            optional(lower)
            optional(upper)
            out += ")"
        case .invalid:
            out += " invalid"
        }
    }

    /// A literal: its kind and exact value (quantities in their base unit, with the family of
    /// units they were written in).
    mutating func value(_ v: Value) {
        switch v {
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += "int:\(i)"
        case .float(let d): out += "float:\(d.bitPattern)"
        case .string(let s): out += s.debugDescription
        case .size(let s): out += "size:\(s.bytes):\(s.family)"
        case .duration(let d): out += "duration:\(d.milliseconds):\(d.family)"
        case .cpu(let c): out += "cpu:\(c.millicores)"
        case .percent(let p): out += "percent:\(p.micros)"
        case .unlimited: out += "unlimited"
        case .list(let items):
            out += "(list"
            for item in items {
                out += " "
                value(item)
            }
            out += ")"
        case .record(let record):
            out += "(record"
            for (key, item) in zip(record.keys, record.values) {
                out += " " + key.debugDescription + "="
                value(item)
            }
            out += ")"
        case .secret(let token): out += "secret:" + token.debugDescription
        }
    }
}
