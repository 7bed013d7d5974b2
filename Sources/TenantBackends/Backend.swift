import TenantModel

/// How quantities are written: as canonical unit strings, or as plain numbers in base units
/// (`--units base`) for consumers that cannot parse `512MiB`.
public enum UnitsMode: String, Sendable {
    case canonical, base
}

/// Options shared by every backend for one build.
public struct RenderOptions: Sendable {
    public var units: UnitsMode
    /// What a `secret` value becomes (docs/secrets.md). Plaintexts are never rendered from a secret:
    /// for `plain`, the driver replaces the secrets with their decrypted text before rendering.
    public var sensitive: SensitiveMode
    /// The run's key, for the backends that turn a secret into what a server stores instead
    /// (a password verifier: docs/provisioning.md); nil without a key.
    public var secrets: (any SecretOpener)?

    public init(units: UnitsMode = .canonical, sensitive: SensitiveMode = .redact) {
        self.units = units
        self.sensitive = sensitive
    }
}

/// Opens the token of a `secret` value. Backends given one never write what it returns: they
/// derive from it what a server stores (a verifier), and nothing else.
public protocol SecretOpener: Sendable {
    func plaintext(ofSecret token: String) -> String?
}

/// How artifacts show `secret` values.
public enum SensitiveMode: String, Sendable, CaseIterable {
    /// `"<redacted>"` (the default).
    case redact
    /// The encrypted token, safe to commit.
    case encrypted
    /// The decrypted text (needs the key).
    case plain

    /// What a redacted secret reads as.
    public static let redactedText = "<redacted>"
}

/// Where the artifact goes, which decides framing: one file per tenant, or one stream for
/// every tenant (`-o -`: YAML documents concatenated, JSON Lines).
public enum RenderLayout: Sendable {
    case file, stream
}

/// Turns one resolved tenant into one artifact. Backends are values so the driver can render
/// tenants concurrently without sharing state.
public protocol Backend: Sendable {
    /// The name used with `--emit` (`yaml`, `json`).
    var name: String { get }
    /// The extension of the files written with `-o DIR` (no dot).
    var fileExtension: String { get }
    /// Appends the artifact for one tenant to `out`.
    func render(_ tenant: ResolvedTenant, options: RenderOptions, layout: RenderLayout, into out: inout [UInt8]) throws
    /// The same artifact for a tenant whose config is walked rather than built. Backends that
    /// write as they walk implement it (YAML); the others get the built config.
    func render(tree: any ConfigTree, options: RenderOptions, layout: RenderLayout, into out: inout [UInt8]) throws
}

extension Backend {
    public func render(tree: any ConfigTree, options: RenderOptions, layout: RenderLayout, into out: inout [UInt8]) throws {
        try render(tree.resolved(), options: options, layout: layout, into: &out)
    }
}

/// A failure to render an artifact; the message is shown to the user as is.
public struct BackendError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// The built-in backends. Names not found here are external plugins (`tenantc-gen-NAME`),
/// which the driver decides to run with `ExternalBackend`.
public enum BackendRegistry {
    public static let builtins: [any Backend] = [YAMLBackend(), JSONBackend()]

    public static func backend(named name: String) -> (any Backend)? {
        builtins.first { $0.name == name }
    }

    public static var names: [String] { builtins.map(\.name) }
}
