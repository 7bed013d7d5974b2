import TenantSyntax

/// What the printer needs to know of the tree: where statements and declarations start, and
/// which `{` open a body of statements (a declaration, a record, an `env` block, a record type)
/// rather than a record literal. Everything else is read from the tokens.
struct SyntaxShape {
    /// Byte offsets of the first token of every statement, at any depth.
    var statementStarts: Set<UInt32> = []
    /// Byte offsets of the keyword of every top-level declaration.
    var declarationStarts: Set<UInt32> = []
    /// Token indices of the `{` that open bodies of statements.
    var bodyBraces: Set<Int> = []
    /// Token ranges spelling one tenant id (`Wonka-Co`), printed as written.
    var tenantIDs: [Range<Int>] = []

    init(_ unit: SourceUnit, tokens: [Token]) {
        let finder = TokenFinder(tokens: tokens)
        for d in unit.declarations {
            declarationStarts.insert(d.span.start)
            markBody(after: d.headerSpan.end, finder)
            let first = finder.first(atOrAfter: d.name.span.start)
            let end = finder.first(atOrAfter: d.name.span.end)
            if end - first > 1 { tenantIDs.append(first..<end) }
            add(d.body, finder)
        }
    }

    private mutating func markBody(after offset: UInt32, _ finder: TokenFinder) {
        if let brace = finder.firstBrace(atOrAfter: offset) { bodyBraces.insert(brace) }
    }

    private mutating func add(_ statements: [Statement], _ finder: TokenFinder) {
        for s in statements {
            statementStarts.insert(s.span.start)
            switch s.kind {
            case .block(let path, let body):
                markBody(after: path.span.end, finder)
                add(body, finder)
            case .env(let name, let body):
                markBody(after: name.span.end, finder)
                add(body, finder)
            case .declare(_, let type, _):
                add(type, finder)
            case .assign, .rule, .scale:
                break
            }
        }
    }

    /// Record types (`{ name: string }`) hold statements, wherever they sit in a type.
    private mutating func add(_ type: TypeExpr, _ finder: TokenFinder) {
        switch type.kind {
        case .record(let body):
            markBody(after: type.span.start, finder)
            add(body, finder)
        case .union(let members):
            for m in members { add(m, finder) }
        case .list(let t), .optional(let t), .bounded(let t, _, _):
            add(t, finder)
        case .named, .stringLiteral, .unlimited, .invalid:
            break
        }
    }
}

/// Finds tokens by byte offset (tokens are in source order).
struct TokenFinder {
    let tokens: [Token]

    /// The index of the first token starting at or after `offset`.
    func first(atOrAfter offset: UInt32) -> Int {
        var lo = 0
        var hi = tokens.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if tokens[mid].start < offset { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    func firstBrace(atOrAfter offset: UInt32) -> Int? {
        var i = first(atOrAfter: offset)
        while i < tokens.count, tokens[i].kind != .lbrace {
            if tokens[i].kind == .eof { return nil }
            i += 1
        }
        return i < tokens.count ? i : nil
    }
}
