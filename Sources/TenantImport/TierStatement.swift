/// A statement of the tier being written, named by the template's path to it (which is also
/// the anchor its comments go with).
struct TierStatement {
    enum Form {
        /// `name { … }`: declares a record in a root tier, opens an inherited one elsewhere.
        case open([TierStatement])
        /// `name: { … }`: declares a record in a tier that extends another.
        case declareRecord([TierStatement])
        /// `name = value`: declares with the value's type in a root tier, sets elsewhere.
        case set(TierExpression)
        /// `name: Type` (required) or `name: Type = value`.
        case declare(type: String, TierExpression?)
    }

    var name: String
    var path: String
    var form: Form
    /// A `///` line the import adds (the placeholders' record).
    var doc: String?
}

/// A value as source: a literal or reference, or a list or record literal whose items and
/// entries may carry comments.
indirect enum TierExpression {
    case text(String)
    case list([(path: String, value: TierExpression)])
    case record([(name: String, path: String, value: TierExpression)])
}
