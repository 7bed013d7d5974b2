/// What a diagnostic located in the value of a secret field says instead of its own text: its
/// message, label, notes, help and fixes may quote that value (``unknown name `hunter2` ``,
/// `did you mean …`), and the value may be a plaintext pasted where a secret belongs. Every
/// renderer applies it, so no format and no command can print the value.
extension Diagnostic {
    /// Self, or the version that quotes nothing of a sensitive range (see
    /// `SourceFile.markSensitive`): its primary range or a range its message quotes starts in one.
    public func redactingSecretValues(_ sourceMap: SourceMap) -> Diagnostic {
        func isSensitive(_ span: Span) -> Bool {
            sourceMap.file(span.file)?.isSensitive(byte: Int(span.start)) ?? false
        }
        // The secrets' own diagnostics never quote a value, and name what helps (the field, the key ids).
        guard !hidesSource, !Diagnostic.writtenForSecrets.contains(code), let span,
              isSensitive(span) || quotes.contains(where: isSensitive) else { return self }
        return Diagnostic(severity, code, "\(code.title), in the value of a secret field (not shown)", at: span,
                          label: "in the value of a secret field", related: related.filter { !isSensitive($0.span) },
                          help: ["write secrets as `secret(\"…\")`: `tenantc encrypt --key-file KEY` reads the value from its standard input and prints it"])
    }

    static let writtenForSecrets: Set<DiagnosticCode> = [.invalidSecret, .plaintextSecret, .undecryptableSecret, .keyFile]
}

/// The stand-in for the bytes of a sensitive range in an excerpt: one per range, whatever its
/// length, so an excerpt does not tell the value's length either.
let redactedExcerpt = "<redacted>"
