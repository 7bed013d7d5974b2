/// A piece of a template's string: text as it is, or a `${NAME}` placeholder.
enum StringPiece: Sendable, Equatable {
    case text(String)
    case placeholder(String)
}

/// The seed's placeholders, `${NAME}` with NAME a letter or `_` then letters, digits and `_`.
/// Any other `$` or `${` is text.
enum PlaceholderText {
    static func pieces(of text: String) -> [StringPiece] {
        var pieces: [StringPiece] = []
        var pending = ""
        var rest = Substring(text)
        while let start = rest.firstRange(of: "${") {
            pending += rest[..<start.lowerBound]
            let afterOpen = rest[start.upperBound...]
            guard let close = afterOpen.firstIndex(of: "}"), SourceNames.isIdentifier(String(afterOpen[..<close])) else {
                pending += "${"
                rest = afterOpen
                continue
            }
            if !pending.isEmpty { pieces.append(.text(pending)) }
            pending = ""
            pieces.append(.placeholder(String(afterOpen[..<close])))
            rest = afterOpen[afterOpen.index(after: close)...]
        }
        pending += rest
        if !pending.isEmpty { pieces.append(.text(pending)) }
        return pieces
    }

    /// The one placeholder that is the whole text, if it is one.
    static func whole(_ pieces: [StringPiece]) -> String? {
        guard pieces.count == 1, case .placeholder(let name) = pieces[0] else { return nil }
        return name
    }
}
