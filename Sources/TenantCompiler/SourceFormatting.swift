import TenantDiagnostics
import TenantFormat

/// What formatting one file gave.
public enum FormattingResult: Sendable {
    /// The file is in canonical layout already.
    case unchanged
    /// The file's bytes, and its canonical layout.
    case changed(old: [UInt8], new: [UInt8])
    /// The file is not formatted: it does not parse (every diagnostic of the parse), or it is
    /// larger than a source file may be (E0009, as the compiler reports it). `file` is the
    /// source the diagnostics point into, in the run's source map.
    case syntaxErrors([Diagnostic], file: SourceFile)
    /// The file could not be read (the reason is the system's).
    case failed(reason: String)
    /// The layout would have changed a token or a comment: a defect of the formatter, never written.
    case internalError(String)
}

/// One file of a formatting run.
public struct FormattedFile: Sendable {
    /// The path as shown: as it was given, or relative to the working directory for a file
    /// found under a directory.
    public var path: String
    public var absolutePath: String
    public var result: FormattingResult
}

/// What `SourceFormatting.format(paths:)` found.
public struct FormattingRun: Sendable {
    /// Each file once, in the order of the paths (the files under a directory sorted).
    public var files: [FormattedFile]
    /// Paths that could not be expanded (a directory that cannot be listed): I/O problems.
    public var problems: [String]
    /// The sources the diagnostics of `.syntaxErrors` point into.
    public let sources: SourceMap
}

/// A changed file that could not be rewritten.
public struct FormatWriteFailure: Sendable {
    public var path: String
    public var reason: String
}

/// `tenantc fmt` (docs/format.md) for the command line and for editors: files found as `build`
/// finds them, read as the compiler reads them, formatted in parallel; writing is separate, so
/// that `--check` and `--diff` write nothing.
public enum SourceFormatting {
    /// Formats the files `paths` name. A directory stands for the `.tenant` files under it
    /// (hidden entries skipped), and a file reached by two paths is formatted once, under the
    /// first, as in `build`. Relative paths are taken from `workingDirectory` (default: the
    /// current directory).
    public static func format(paths: [String], workingDirectory: String? = nil, jobs: Int = availableCores) -> FormattingRun {
        let base = FileSystem.absolute(workingDirectory ?? FileSystem.currentDirectory, base: FileSystem.currentDirectory)
        let discovered = InputDiscovery(CompileRequest(inputs: paths.map { SourceInput(path: $0) }), base: base, scope: .inputs)
        let pending = discovered.files
        let sources = SourceMap()
        let results = ResultSlots<FormattingResult>(count: pending.count)
        parallelFor(pending.count, jobs: jobs) { i in
            results.set(i, formatFile(pending[i].absolute, shown: pending[i].display, base: base, sources: sources))
        }
        let formatted = results.takeAll(missing: .internalError("a file was left out of the run"))
        let files = zip(pending, formatted).map { FormattedFile(path: $0.display, absolutePath: $0.absolute, result: $1) }
        return FormattingRun(files: files, problems: discovered.problems.map(\.message), sources: sources)
    }

    /// Formats one input: its contents (an editor's buffer, standard input) standing for the
    /// file `input.path`, or when it has none the file itself.
    public static func format(_ input: SourceInput, sources: SourceMap = SourceMap(), workingDirectory: String? = nil) -> FormattingResult {
        let base = FileSystem.absolute(workingDirectory ?? FileSystem.currentDirectory, base: FileSystem.currentDirectory)
        if let failure = input.failure { return readFailure(failure, shown: input.path, base: base, sources: sources) }
        // On a worker's large stack, as every file of a run is formatted.
        let result = ResultSlots<FormattingResult>(count: 1)
        parallelFor(1, jobs: 1) { _ in
            if let contents = input.contents {
                result.set(0, format(contents, path: input.path, sources: sources))
            } else {
                result.set(0, formatFile(FileSystem.absolute(input.path, base: base), shown: input.path, base: base, sources: sources))
            }
        }
        return result.takeAll(missing: .internalError("the input was not formatted"))[0]
    }

    /// Rewrites the changed files in place, each atomically (`FileSystem.replaceFile`: mode,
    /// owner and symbolic links kept); files whose bytes do not change are not touched.
    public static func writeChanged(_ files: [FormattedFile], jobs: Int = availableCores) -> [FormatWriteFailure] {
        let changed: [(file: FormattedFile, bytes: [UInt8])] = files.compactMap { file in
            guard case .changed(_, let new) = file.result else { return nil }
            return (file, new)
        }
        let failures = ResultSlots<String>(count: changed.count)
        // In parallel: each rewrite waits for its file to reach the disk.
        parallelFor(changed.count, jobs: jobs) { i in
            if let reason = FileSystem.replaceFile(changed[i].file.absolutePath, with: changed[i].bytes) { failures.set(i, reason) }
        }
        return zip(changed, failures.values).compactMap { entry, reason in
            reason.map { FormatWriteFailure(path: entry.file.path, reason: $0) }
        }
    }

    private static func formatFile(_ absolute: String, shown: String, base: String, sources: SourceMap) -> FormattingResult {
        do {
            return format(try FileSystem.readFile(absolute), path: shown, sources: sources)
        } catch {
            return readFailure(error, shown: shown, base: base, sources: sources)
        }
    }

    private static func format(_ bytes: [UInt8], path: String, sources: SourceMap) -> FormattingResult {
        let file = sources.add(path: path, bytes: bytes)
        switch Formatter.format(file) {
        case .formatted(let out):
            // Only the sources of diagnostics are kept.
            sources.forget(file.id)
            return out == bytes ? .unchanged : .changed(old: bytes, new: out)
        case .syntaxErrors(let diagnostics):
            return .syntaxErrors(diagnostics, file: file)
        case .internalError(let message):
            sources.forget(file.id)
            return .internalError(message)
        }
    }

    /// A file over the size limit is diagnosed as the compiler diagnoses it; any other read
    /// failure is an I/O problem.
    private static func readFailure(_ failure: IOFailure, shown: String, base: String, sources: SourceMap) -> FormattingResult {
        guard failure.tooLarge else { return .failed(reason: failure.reason) }
        let diagnostic = Compiler.readFailureDiagnostic(IOFailure(shown, failure.reason, tooLarge: true), base: base)
        return .syntaxErrors([diagnostic], file: sources.add(path: shown, bytes: []))
    }
}
