#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import TenantDiagnostics
import TenantModel
import TenantSecrets
import TenantSyntax

/// What `tenantc rekey` did.
public struct RekeyOutcome: Sendable {
    public var rekeyed = 0
    public var alreadyNew = 0
    public var filesChanged = 0
    /// One line per problem (`file:line: …`); a file with a problem is left as it was.
    public var errors: [String] = []
    /// A file could not be read or written.
    public var ioFailure = false
}

/// Key rotation: every `secret("…")` literal under the old key is decrypted and sealed again
/// under the new one, in place. Only the text between the literal's quotes changes, so
/// comments, layout and everything else stay byte for byte; each file is replaced by one
/// rename, so a reader (or a crash) sees the old file or the new one.
public enum SecretRekey {
    public static func run(_ paths: [String], old: SecretKey, new: SecretKey, workingDirectory: String? = nil) -> RekeyOutcome {
        let base = FileSystem.absolute(workingDirectory ?? FileSystem.currentDirectory, base: FileSystem.currentDirectory)
        var outcome = RekeyOutcome()
        // The files a compile of `paths` would read, each once: a file reached by two paths is
        // rekeyed once.
        let discovered = InputDiscovery(CompileRequest(inputs: paths.map { SourceInput(path: $0) }), base: base, scope: .inputs)
        for problem in discovered.problems {
            outcome.errors.append(problem.message)
            outcome.ioFailure = true
        }
        for file in discovered.files {
            rekey(file.absolute, shown: FileSystem.display(file.absolute, base: base), old: old, new: new, into: &outcome)
        }
        return outcome
    }

    private static func rekey(_ path: String, shown: String, old: SecretKey, new: SecretKey, into outcome: inout RekeyOutcome) {
        let bytes: [UInt8]
        do { bytes = try FileSystem.readFile(path) } catch {
            outcome.errors.append("cannot read \(shown): \(error.reason)")
            outcome.ioFailure = true
            return
        }
        let file = SourceFile(id: FileID(raw: 0), path: shown, bytes: bytes)
        let lexed = Lexer.tokenize(file)
        if !lexed.diagnostics.isEmpty {
            outcome.errors.append("\(shown): does not lex (check it first); left as it was")
            return
        }
        let t = lexed.tokens
        var edits: [FixEdit] = []
        var problems: [String] = []
        var rekeyed = 0
        var already = 0
        var i = 0
        while i + 5 < t.count {
            // secret ( " text " )
            guard t[i].kind == .identifier, bytes[Int(t[i].start)..<Int(t[i].end)].elementsEqual("secret".utf8),
                  t[i + 1].kind == .lparen, t[i + 2].kind == .stringStart, t[i + 3].kind == .stringText,
                  t[i + 4].kind == .stringEnd, t[i + 5].kind == .rparen else {
                i += 1
                continue
            }
            let range = Int(t[i + 3].start)..<Int(t[i + 3].end)
            let line = file.position(ofByte: range.lowerBound).line
            i += 6
            guard let token = SecretToken(String(decoding: bytes[range], as: UTF8.self)) else {
                problems.append("\(shown):\(line): not an encrypted secret")
                continue
            }
            if token.keyID == new.id {
                already += 1
                continue
            }
            guard token.keyID == old.id else {
                problems.append("\(shown):\(line): a secret under key \(token.keyID), which is neither the old key (\(old.id)) nor the new one (\(new.id))")
                continue
            }
            do {
                let plain = try SecretBox.open(token, with: old)
                edits.append(FixEdit(range: range, replacement: Array(SecretBox.seal(plain, with: new).text.utf8)))
                rekeyed += 1
            } catch {
                problems.append("\(shown):\(line): the secret does not decrypt: \(error.message)")
            }
        }
        outcome.alreadyNew += already
        guard problems.isEmpty else {
            outcome.errors += problems.map { $0 + "; file left as it was" }
            return
        }
        guard !edits.isEmpty else { return }
        let out = FixEdit.apply(edits, to: bytes)
        if let failure = FileSystem.replaceFile(path, with: out) {
            outcome.errors.append("cannot write \(shown): \(failure)")
            outcome.ioFailure = true
            return
        }
        outcome.rekeyed += rekeyed
        outcome.filesChanged += 1
    }
}
