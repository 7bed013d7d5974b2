import TenantSyntax

/// One thing the printer places: a token, a run of tokens printed exactly as written (a string
/// with its interpolations, a tenant id such as `Wonka-Co`), or a comment.
struct LayoutItem {
    enum Kind: Equatable {
        case token(TokenKind)
        case comment(Comment.Kind)
    }

    var kind: Kind
    /// The item's bytes in the source.
    var start: UInt32
    var end: UInt32
    /// A token's index (the first of a run); for a comment, the index of the token after it.
    var token: Int
}

extension LayoutItem {
    /// The file's tokens and comments in source order, strings and tenant ids as single items.
    static func items(tokens: [Token], comments: [Comment], shape: SyntaxShape) -> [LayoutItem] {
        var items: [LayoutItem] = []
        items.reserveCapacity(tokens.count + comments.count)
        var tenantIDs = shape.tenantIDs.makeIterator()
        var nextID = tenantIDs.next()
        var c = 0
        var i = 0
        while i < tokens.count {
            // Comments before this token; those inside a string's interpolation went with the string.
            while c < comments.count, comments[c].nextToken <= i {
                let comment = comments[c]
                if items.last.map({ comment.start >= $0.end }) ?? true {
                    items.append(LayoutItem(kind: .comment(comment.kind), start: comment.start, end: comment.end, token: i))
                }
                c += 1
            }
            let t = tokens[i]
            if t.kind == .eof { break }
            var last = i
            if t.kind == .stringStart {
                last = closingString(from: i, tokens)
            } else if let id = nextID, id.lowerBound == i {
                last = id.upperBound - 1
                nextID = tenantIDs.next()
            }
            items.append(LayoutItem(kind: .token(t.kind), start: t.start, end: tokens[last].end, token: i))
            i = last + 1
        }
        return items
    }

    /// The index of the `stringEnd` that closes the string opened at `open` (strings nest
    /// through interpolations).
    private static func closingString(from open: Int, _ tokens: [Token]) -> Int {
        var depth = 0
        var j = open
        while j < tokens.count {
            switch tokens[j].kind {
            case .stringStart: depth += 1
            case .stringEnd:
                depth -= 1
                if depth == 0 { return j }
            case .eof: return j - 1
            default: break
            }
            j += 1
        }
        return tokens.count - 1
    }
}
