/// The string-backed types, `cron`, `cidr` and `email`: which texts are one. The caller gives
/// the compiler's own checks (`FormatValidation`), so that this module stays free of the
/// semantic layer and a string is typed `cron` exactly when the compiler accepts it as one.
public struct StringFormats: Sendable {
    public var isCron: @Sendable (String) -> Bool
    public var isCIDR: @Sendable (String) -> Bool
    public var isEmail: @Sendable (String) -> Bool

    public init(isCron: @escaping @Sendable (String) -> Bool, isCIDR: @escaping @Sendable (String) -> Bool,
                isEmail: @escaping @Sendable (String) -> Bool) {
        self.isCron = isCron
        self.isCIDR = isCIDR
        self.isEmail = isEmail
    }

    /// Recognises none: every such text stays a `string`.
    public static let none = StringFormats(isCron: { _ in false }, isCIDR: { _ in false }, isEmail: { _ in false })

    /// The string-backed type `text` is, if any. A cron has spaces, a CIDR a `/`, an e-mail an
    /// `@`: the checks run only where they can succeed.
    func type(of text: String) -> TemplateType? {
        if text.contains(" "), isCron(text) { return .cron }
        if text.contains("/"), isCIDR(text) { return .cidr }
        if text.contains("@"), isEmail(text) { return .email }
        return nil
    }
}
