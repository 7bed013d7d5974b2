import ArgumentParser
import TenantCompiler
import TenantDiagnostics
import TenantModel
import TenantSecrets

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--key-file PATH`, or the file `TENANTC_KEY_FILE` names.
struct KeyOptions: ParsableArguments {
    @Option(name: .customLong("key-file"), help: ArgumentHelp("The key of the secrets (default: $TENANTC_KEY_FILE).", valueName: "path"))
    var keyFile: String?

    /// The key, or an exit with a message (code 2). Warns about a key file others can read,
    /// and about a demo key when it is to seal values (`sealing`).
    func load(required: Bool, sealing: Bool = false) throws -> SecretKey? { try resolveKey(keyFile, required: required, sealing: sealing) }
}

/// Why there is no key: `check` and `build` report it as diagnostic E0604 (`compileKey`), the
/// other commands as `tenantc: error:`.
struct KeyProblem: Error {
    var message: String
}

/// `findKey`, or an exit with its problem (code 2).
func resolveKey(_ explicit: String?, required: Bool, sealing: Bool = false) throws -> SecretKey? {
    do { return try findKey(explicit, required: required, sealing: sealing) } catch { throw failure(error.message) }
}

/// `readKey`, or an exit with its problem (code 2).
func loadKey(_ path: String, sealing: Bool = false) throws -> SecretKey {
    do { return try readKey(path, sealing: sealing) } catch { throw failure(error.message) }
}

/// The key `explicit` (a `--key-file`) names, else the file `TENANTC_KEY_FILE` names; nil
/// when neither does and the key is not `required`.
func findKey(_ explicit: String?, required: Bool, sealing: Bool = false) throws(KeyProblem) -> SecretKey? {
    var path = explicit
    if path == nil, let v = getenv(KeyFile.environmentVariable), v.pointee != 0 { path = String(cString: v) }
    guard let path else {
        if required {
            throw KeyProblem(message: "no key: give --key-file PATH, or set \(KeyFile.environmentVariable)")
        }
        return nil
    }
    return try readKey(path, sealing: sealing)
}

/// Reads a key file. A demo key (docs/secrets.md) is read without a word, unless it is to seal
/// values (`sealing`): what it seals, anyone can read.
func readKey(_ path: String, sealing: Bool = false) throws(KeyProblem) -> SecretKey {
    do {
        let contents = try KeyFile.readContents(path)
        if let warning = contents.warning { writeAll(2, "tenantc: warning: \(warning)\n") }
        if contents.isDemo, sealing {
            writeAll(2, "tenantc: warning: key file \(path) holds a demo key (its first line says so), which is public: "
                     + "anyone can read what it seals; seal real secrets with a key of `tenantc keygen`\n")
        }
        return contents.key
    } catch {
        throw KeyProblem(message: error.message)
    }
}

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Write a new 256-bit key for secrets (base64, mode 0600).",
        discussion: "An existing file is never overwritten: a lost key is every secret it encrypted lost."
    )

    @Option(name: .customLong("key-file"), help: ArgumentHelp("Where to write the key (default: $TENANTC_KEY_FILE).", valueName: "path"))
    var keyFile: String?

    func run() throws {
        var path = keyFile
        if path == nil, let v = getenv(KeyFile.environmentVariable), v.pointee != 0 { path = String(cString: v) }
        guard let path else {
            throw failure("where to? give --key-file PATH, or set \(KeyFile.environmentVariable)")
        }
        do {
            let key = try KeyFile.create(path)
            writeAll(2, "tenantc: wrote key \(key.id) to \(path)\n")
        } catch {
            throw failure(error.message)
        }
    }
}

struct Encrypt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encrypt",
        abstract: "Encrypt a value read from stdin; print the secret(\"…\") literal to paste.",
        discussion: """
            The value is read from standard input, never from the command line (where shell history \
            and process listings would keep it); one trailing line break is dropped. On a terminal, \
            the value is read without echo.
            """
    )

    @OptionGroup var key: KeyOptions

    func run() throws {
        guard let secretKey = try key.load(required: true, sealing: true) else { return }
        let value: [UInt8]
        do {
            value = try readSecretInput()
        } catch {
            throw failure("cannot read stdin: \(error)")
        }
        guard String(validating: value, as: UTF8.self) != nil else {
            throw failure("the value is not UTF-8 text (secrets hold text)")
        }
        writeAll(1, "secret(\"\(SecretBox.seal(value, with: secretKey).text)\")\n")
    }
}

struct Decrypt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decrypt",
        abstract: "Decrypt a secret(\"…\") literal (or its token) read from stdin; print the value.",
        discussion: "For operators: the value goes to standard output, followed by a line break."
    )

    @OptionGroup var key: KeyOptions

    func run() throws {
        guard let secretKey = try key.load(required: true) else { return }
        let input: [UInt8]
        do { input = try readStandardInput() } catch {
            throw failure("cannot read stdin: \(error)")
        }
        guard let token = SecretToken(secretLiteralText(String(decoding: input, as: UTF8.self))) else {
            throw failure("stdin holds no secret: expected secret(\"tenantc:v1:…\") or its token")
        }
        do {
            writeAll(1, try SecretBox.openText(token, with: secretKey) + "\n")
        } catch {
            throw failure("the secret does not decrypt: \(error.message)", code: 1)
        }
    }
}

struct Rekey: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rekey",
        abstract: "Re-encrypt every secret of .tenant files with a new key, in place.",
        discussion: """
            Each file is rewritten atomically, with only the secret literals changed (comments and \
            layout kept). Secrets already under the new key are left alone; a secret under any other \
            key, or that does not decrypt, leaves its file untouched and makes the exit code 1.
            """
    )

    @Option(name: .customLong("old-key-file"), help: ArgumentHelp("The key the secrets are encrypted with now.", valueName: "path"))
    var oldKeyFile: String

    @OptionGroup var key: KeyOptions

    @Argument(help: ArgumentHelp("The .tenant files (or directories of them) to rewrite.", valueName: "files"))
    var files: [String] = []

    func validate() throws {
        if files.isEmpty { throw ValidationError("no input files: give the .tenant files (or directories) to rekey") }
    }

    func run() throws {
        let old = try loadKey(oldKeyFile)
        guard let new = try key.load(required: true, sealing: true) else { return }
        if old.id == new.id {
            throw failure("the old and the new key are the same key (\(new.id))")
        }
        let outcome = SecretRekey.run(files, old: old, new: new)
        for line in outcome.errors { writeAll(2, "tenantc: error: \(line)\n") }
        writeAll(2, "tenantc: \(plural(outcome.rekeyed, "secret")) re-encrypted in \(plural(outcome.filesChanged, "file")), "
                  + "\(outcome.alreadyNew) already under key \(new.id)\n")
        if outcome.ioFailure { throw ExitCode(2) }
        if !outcome.errors.isEmpty { throw ExitCode(1) }
    }
}

/// The token of `secret("…")`, or the text itself (trimmed) when it is a bare token.
func secretLiteralText(_ s: String) -> String {
    var t = Substring(s)
    while let c = t.first, c == " " || c == "\n" || c == "\t" || c == "\r" { t = t.dropFirst() }
    while let c = t.last, c == " " || c == "\n" || c == "\t" || c == "\r" { t = t.dropLast() }
    if t.hasPrefix("secret(\""), t.hasSuffix("\")") { t = t.dropFirst(8).dropLast(2) }
    return String(t)
}

/// The value to encrypt: stdin, without echo when it is a terminal, minus one trailing line break.
private func readSecretInput() throws -> [UInt8] {
    var bytes: [UInt8]
    if isatty(0) != 0 {
        writeAll(2, "value (not echoed): ")
        var saved = termios()
        let haveTerminal = tcgetattr(0, &saved) == 0
        if haveTerminal {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(0, TCSAFLUSH, &quiet)
        }
        defer {
            if haveTerminal { tcsetattr(0, TCSAFLUSH, &saved) }
            writeAll(2, "\n")
        }
        bytes = []
        var c: UInt8 = 0
        while read(0, &c, 1) == 1, c != 0x0A { bytes.append(c) }
    } else {
        bytes = try readStandardInput()
    }
    if bytes.last == 0x0A {
        bytes.removeLast()
        if bytes.last == 0x0D { bytes.removeLast() }
    }
    return bytes
}
