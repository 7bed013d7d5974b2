import TenantBackends
import TenantDiagnostics
import TenantModel
import TenantSecrets

/// The run's key applied to one tenant's artifact: every secret is decrypted, so that one
/// sealed with another key, or altered, is an error of that tenant (at the line that set it)
/// rather than a surprise in production; with `--sensitive plain` the plaintexts replace the
/// secrets. No message ever holds a plaintext.
struct SecretPass {
    let key: SecretKey
    /// Put the plaintexts in the artifact (`--sensitive plain`).
    let replace: Bool

    /// The config (with plaintexts when replacing), and one diagnostic per secret that does not decrypt.
    func run(_ config: Record, tenant: String, sources: [String: Span], fallback: Span) -> (config: Record, problems: [Diagnostic]) {
        var walker = Walker(pass: self, tenant: tenant, sources: sources, fallback: fallback)
        let out = walker.record(config, path: "")
        return (out, walker.problems)
    }

    private struct Walker {
        let pass: SecretPass
        let tenant: String
        let sources: [String: Span]
        let fallback: Span
        var problems: [Diagnostic] = []

        mutating func record(_ r: Record, path: String) -> Record {
            var values = r.values
            for i in values.indices where values[i].containsSecret {
                values[i] = value(values[i], path: path.isEmpty ? r.keys[i] : path + "." + r.keys[i])
            }
            return Record(keys: r.keys, values: values)
        }

        mutating func value(_ v: Value, path: String) -> Value {
            switch v {
            case .secret(let text):
                // Literals are checked where they are written; a token that does not parse
                // here did not come from a literal, and is reported like any other failure.
                guard let token = SecretToken(text) else {
                    report(path, SecretError(.tampered, "it is not an encrypted secret"), keyID: nil)
                    return v
                }
                do {
                    let plain = try SecretBox.openText(token, with: pass.key)
                    return pass.replace ? .string(plain) : v
                } catch {
                    report(path, error, keyID: token.keyID)
                    return v
                }
            case .list(let items):
                return .list(items.enumerated().map { i, item in item.containsSecret ? value(item, path: "\(path)[\(i)]") : item })
            case .record(let r):
                return .record(record(r, path: path))
            default:
                return v
            }
        }

        private mutating func report(_ path: String, _ error: SecretError, keyID: String?) {
            var help: [String]
            switch error.kind {
            case .otherKey:
                help = ["give the key `\(keyID ?? "?")` with --key-file (or TENANTC_KEY_FILE), or move the secret to this key with `tenantc rekey --old-key-file OLD --key-file NEW FILES…`"]
            case .notText:
                help = ["secrets hold text: encrypt the value again with `tenantc encrypt`"]
            case .tampered, .keyFile:
                help = ["encrypt the value again with `tenantc encrypt --key-file KEY` and replace the literal"]
            }
            problems.append(.error(.undecryptableSecret, "secret `\(path)` of tenant `\(tenant)` does not decrypt: \(error.message)",
                                   at: span(of: path), label: "set here", help: help))
        }

        /// Where the field holding `path` was set: the path itself, or the field it lies in
        /// (`accounts[2].password` was set with `accounts`).
        private func span(of path: String) -> Span {
            var p = Substring(path)
            if let bracket = p.utf8.firstIndex(of: UInt8(ascii: "[")) { p = p[..<bracket] }
            while !p.isEmpty {
                if let s = sources[String(p)] { return s }
                guard let dot = p.utf8.lastIndex(of: UInt8(ascii: ".")) else { break }
                p = p[..<dot]
            }
            return fallback
        }
    }
}

/// The run's key, for the backends that derive a password verifier from a secret.
struct KeySecretOpener: SecretOpener {
    let key: SecretKey

    func plaintext(ofSecret token: String) -> String? {
        guard let parsed = SecretToken(token) else { return nil }
        return try? SecretBox.openText(parsed, with: key)
    }
}
