import TenantSyntax

/// Which names `.tenant` source accepts where the import writes them (Grammar.md): a tier
/// name is an identifier; a field name is an identifier or a keyword, except the four
/// keywords that start a value.
public enum SourceNames {
    /// Keywords that can never name a field: at the start of a statement they start a value.
    private static let valueKeywords: Set<String> = ["true", "false", "unlimited", "super"]

    public static func isIdentifier(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, isLetter(first) else { return false }
        return bytes.allSatisfy { isLetter($0) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) }
    }

    public static func isTierName(_ text: String) -> Bool {
        isIdentifier(text) && !TokenKind.keywordSpellings.contains(text)
    }

    public static func isFieldName(_ text: String) -> Bool {
        isIdentifier(text) && !valueKeywords.contains(text)
    }

    private static func isLetter(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || b == UInt8(ascii: "_")
    }
}
