/// A stable diagnostic code (`E0310`, `W0311`). Codes never change meaning once shipped;
/// `docs/diagnostics.md` lists them all.
public struct DiagnosticCode: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let id: String
    /// A one-line summary of the problem class.
    public let title: String

    public init(_ id: String, _ title: String) {
        self.id = id
        self.title = title
    }

    public var description: String { id }

    public static func == (a: DiagnosticCode, b: DiagnosticCode) -> Bool { a.id == b.id }
    public func hash(into h: inout Hasher) { h.combine(id) }
    public static func < (a: DiagnosticCode, b: DiagnosticCode) -> Bool { a.id < b.id }
}

extension DiagnosticCode {
    // Lexical structure
    public static let invalidUTF8 = DiagnosticCode("E0001", "source is not valid UTF-8")
    public static let unexpectedCharacter = DiagnosticCode("E0002", "unexpected character")
    public static let unterminatedString = DiagnosticCode("E0003", "unterminated string literal")
    public static let invalidEscape = DiagnosticCode("E0004", "invalid escape sequence")
    public static let unterminatedComment = DiagnosticCode("E0005", "unterminated block comment")
    public static let invalidNumber = DiagnosticCode("E0006", "invalid or out-of-range number")
    public static let unknownUnit = DiagnosticCode("E0007", "unknown unit")
    public static let quantityPrecision = DiagnosticCode("E0008", "quantity finer than its base unit")
    public static let inputTooLarge = DiagnosticCode("E0009", "input exceeds a size limit")

    // Syntax
    public static let syntax = DiagnosticCode("E0101", "syntax error")
    public static let unclosedDelimiter = DiagnosticCode("E0102", "unclosed delimiter")
    public static let unexpectedDelimiter = DiagnosticCode("E0103", "unexpected closing delimiter")
    public static let nestingTooDeep = DiagnosticCode("E0104", "nesting too deep")
    public static let reservedKeyword = DiagnosticCode("E0105", "reserved keyword")
    public static let invalidType = DiagnosticCode("E0106", "invalid type")

    // Declarations and the tier graph
    public static let duplicateTier = DiagnosticCode("E0201", "duplicate tier")
    public static let duplicateTenant = DiagnosticCode("E0202", "duplicate tenant")
    public static let unknownTier = DiagnosticCode("E0203", "unknown tier")
    public static let extendsCycle = DiagnosticCode("E0204", "cycle in `extends`")
    public static let extendsTenant = DiagnosticCode("E0205", "a tenant extends a tenant")
    public static let invalidTenantID = DiagnosticCode("E0206", "invalid tenant id")
    public static let unknownEnvironment = DiagnosticCode("E0207", "unknown environment")
    public static let chainTooDeep = DiagnosticCode("E0208", "`extends` chain too deep")

    // Fields, types and rules
    public static let unknownField = DiagnosticCode("E0301", "unknown field")
    public static let duplicateField = DiagnosticCode("E0302", "field declared twice")
    public static let lockedField = DiagnosticCode("E0303", "locked field set by a tenant")
    public static let missingRequired = DiagnosticCode("E0304", "required field not set")
    public static let typeMismatch = DiagnosticCode("E0305", "type mismatch")
    public static let notARecord = DiagnosticCode("E0306", "record expected")
    public static let outOfBounds = DiagnosticCode("E0307", "value out of bounds")
    public static let invalidEnumMember = DiagnosticCode("E0308", "not a member of the enum")
    public static let invalidFormat = DiagnosticCode("E0309", "malformed cron, CIDR or email")
    public static let checkFailed = DiagnosticCode("E0310", "check failed")
    public static let warnFailed = DiagnosticCode("W0311", "warning rule failed")
    public static let checkNotBool = DiagnosticCode("E0312", "rule condition is not a bool")
    public static let misplacedStatement = DiagnosticCode("E0313", "statement not allowed here")
    public static let environmentOverride = DiagnosticCode("E0314", "an overlay changes the environment")
    public static let invalidSuper = DiagnosticCode("E0315", "`super` has no value here")
    public static let unknownName = DiagnosticCode("E0316", "unknown name in expression")
    public static let overlayOverridesTenant = DiagnosticCode("W0317", "a tier's overlay overrides a tenant's value")

    // Evaluation
    public static let referenceCycle = DiagnosticCode("E0401", "reference cycle")
    public static let overflow = DiagnosticCode("E0402", "arithmetic overflow")
    public static let divisionByZero = DiagnosticCode("E0403", "division by zero")
    public static let operandTypes = DiagnosticCode("E0404", "operator applied to the wrong types")
    public static let badCall = DiagnosticCode("E0405", "unknown function or wrong arguments")
    public static let evaluationLimit = DiagnosticCode("E0406", "evaluation limit exceeded")
    public static let noSuchMember = DiagnosticCode("E0407", "no such member")
    public static let evaluationBudget = DiagnosticCode("E0408", "evaluation budget exhausted")

    // Files and output
    public static let unreadableFile = DiagnosticCode("E0501", "cannot read file")
    public static let noTiers = DiagnosticCode("E0502", "no tiers found")
    public static let unwritableOutput = DiagnosticCode("E0503", "cannot write output")
    public static let backendFailed = DiagnosticCode("E0504", "backend failed")
    public static let tooManyDiagnostics = DiagnosticCode("E0505", "too many diagnostics")
    public static let artifactTooLarge = DiagnosticCode("E0506", "artifact too large")
    public static let staleArtifact = DiagnosticCode("W0507", "artifact of a tenant not among the inputs")
    public static let changedArtifact = DiagnosticCode("W0508", "artifact changed since tenantc wrote it")
    public static let unusableManifest = DiagnosticCode("W0509", "build manifest unreadable or not written")
    public static let passwordWithoutKey = DiagnosticCode("W0510", "a password left out of a provisioning artifact: no key")

    // Secrets
    public static let invalidSecret = DiagnosticCode("E0601", "malformed secret literal")
    public static let plaintextSecret = DiagnosticCode("E0602", "plain value where a secret is expected")
    public static let undecryptableSecret = DiagnosticCode("E0603", "secret does not decrypt")
    public static let keyFile = DiagnosticCode("E0604", "key file missing or unusable")
}

extension DiagnosticCode {
    /// Every code, in order. `tenantc explain-error` has a page for each (Explanations/), and
    /// ExplainErrorTests checks that this list holds every code declared above: a new code
    /// goes here too, with its page.
    public static let all: [DiagnosticCode] = [
        .invalidUTF8, .unexpectedCharacter, .unterminatedString, .invalidEscape, .unterminatedComment, .invalidNumber,
        .unknownUnit, .quantityPrecision, .inputTooLarge,
        .syntax, .unclosedDelimiter, .unexpectedDelimiter, .nestingTooDeep, .reservedKeyword, .invalidType,
        .duplicateTier, .duplicateTenant, .unknownTier, .extendsCycle, .extendsTenant, .invalidTenantID, .unknownEnvironment,
        .chainTooDeep,
        .unknownField, .duplicateField, .lockedField, .missingRequired, .typeMismatch, .notARecord, .outOfBounds,
        .invalidEnumMember, .invalidFormat, .checkFailed, .warnFailed, .checkNotBool, .misplacedStatement,
        .environmentOverride, .invalidSuper, .unknownName, .overlayOverridesTenant,
        .referenceCycle, .overflow, .divisionByZero, .operandTypes, .badCall, .evaluationLimit, .noSuchMember,
        .evaluationBudget,
        .unreadableFile, .noTiers, .unwritableOutput, .backendFailed, .tooManyDiagnostics, .artifactTooLarge,
        .staleArtifact, .changedArtifact, .unusableManifest, .passwordWithoutKey,
        .invalidSecret, .plaintextSecret, .undecryptableSecret, .keyFile,
    ]
}
