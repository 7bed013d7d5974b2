import TenantDiagnostics

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file whose bytes a check's fix-its change.
public struct FixedFile: Sendable {
    /// As diagnostics show it.
    public var path: String
    public var absolutePath: String
    /// The bytes the check read.
    public var old: [UInt8]
    /// Those bytes with the fixes applied.
    public var new: [UInt8]
    /// How many fixes were applied.
    public var applied: Int
}

/// Fixes a check offers in one file that were not applied.
public struct UnappliedFixes: Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        /// They touch the value of a secret field.
        case touchesSecret
        /// The file is not one to rewrite: an editor's buffer (stdin), or a file outside the
        /// inputs and their projects.
        case notWritable
        /// They overlap a fix that was applied: the next round may apply them.
        case overlapping
        /// They still applied when the rounds ran out.
        case roundLimit
    }

    public var path: String
    public var count: Int
    public var reason: Reason
}

/// What one check's fix-its make of its files.
public struct FixRound: Sendable {
    /// The files whose bytes change, in the order of the diagnostics.
    public var files: [FixedFile] = []
    public var unapplied: [UnappliedFixes] = []
}

/// How many fixes `check --fix` applied to one file, in all its rounds.
public struct FixTally: Sendable, Equatable {
    public var path: String
    public var count: Int
}

/// What `check --fix` did.
public struct FixRun: Sendable {
    /// The last check: what remains, reported as `check` reports it.
    public var outcome: CompileOutcome
    /// The files fixed, in the order they were first fixed.
    public var fixed: [FixTally]
    /// The fixes the last check offers that were not applied.
    public var unapplied: [UnappliedFixes]
    /// Files that could not be rewritten (they are left as they were).
    public var writeFailures: [FormatWriteFailure]
}

/// `check --fix` (docs/diagnostics.md, "Fixes and `check --fix`"): the fix-its of a check
/// applied to its files, then the files checked again, round after round, while fixes apply
/// (fixes that overlap are taken in turn: `2 hours` becomes `2h`, then the `:` before it `=`).
/// The files that may be rewritten are the inputs read from disk and the other files of their
/// projects; never an editor's buffer.
public enum FixApplication {
    /// Rounds of fixes at most: a fix that brings back the problem it fixed must not loop.
    public static let maxRounds = 4

    /// Checks `request`, applies the fixes, and checks again until no fix applies, a write
    /// fails, or `rounds` rounds were written. A check with a usage or I/O error fixes nothing.
    public static func check(_ request: CompileRequest, rounds: Int = maxRounds) -> FixRun {
        // Each check's working memory is freed: kept until the exit, the rounds' would add up.
        var request = request
        request.freesWorkingMemory = true
        var outcome = Compiler.run(request)
        var round = self.round(outcome, of: request)
        var fixed: [FixTally] = []
        var failures: [FormatWriteFailure] = []
        var roundsWritten = 0
        while !round.files.isEmpty, failures.isEmpty, roundsWritten < rounds {
            failures = write(round, jobs: request.jobs)
            tally(round.files.filter { file in !failures.contains { $0.path == file.path } }, into: &fixed)
            outcome = Compiler.run(request)
            round = self.round(outcome, of: request)
            roundsWritten += 1
        }
        var unapplied = round.unapplied
        if failures.isEmpty { unapplied += round.files.map { UnappliedFixes(path: $0.path, count: $0.applied, reason: .roundLimit) } }
        return FixRun(outcome: outcome, fixed: fixed, unapplied: unapplied, writeFailures: failures)
    }

    /// The files the fix-its of `outcome`, a check of `request`, change, and the fixes left out.
    public static func round(_ outcome: CompileOutcome, of request: CompileRequest) -> FixRound {
        var round = FixRound()
        guard !outcome.usageOrIOFailure else { return round }
        let base = FileSystem.absolute(request.workingDirectory ?? FileSystem.currentDirectory, base: FileSystem.currentDirectory)
        let writable = WritableFiles(request, base: base)
        for (file, absolute, fixes) in fixesByFile(outcome, base: base) {
            guard writable.allows(absolute) else {
                round.unapplied.append(UnappliedFixes(path: file.path, count: Set(fixes).count, reason: .notWritable))
                continue
            }
            let selection = FixSelection(fixes, in: file.bytes, sensitive: file.sensitiveRanges)
            if selection.touchingSecrets > 0 {
                round.unapplied.append(UnappliedFixes(path: file.path, count: selection.touchingSecrets, reason: .touchesSecret))
            }
            if selection.overlapping > 0 {
                round.unapplied.append(UnappliedFixes(path: file.path, count: selection.overlapping, reason: .overlapping))
            }
            guard !selection.edits.isEmpty else { continue }
            round.files.append(FixedFile(path: file.path, absolutePath: absolute, old: file.bytes, new: selection.applied(to: file.bytes),
                                         applied: selection.edits.count))
        }
        return round
    }

    /// Rewrites the files of `round` in place, as `fmt` does (`SourceFormatting.writeChanged`:
    /// atomic, mode, owner and symbolic links kept). A file whose bytes are no longer those the
    /// check read is left as it is: its fixes were made for the old bytes.
    public static func write(_ round: FixRound, jobs: Int = availableCores) -> [FormatWriteFailure] {
        var failures: [FormatWriteFailure] = []
        var asChecked: [FormattedFile] = []
        for file in round.files {
            do throws(IOFailure) {
                guard try FileSystem.readFile(file.absolutePath) == file.old else {
                    failures.append(FormatWriteFailure(path: file.path, reason: "changed since it was checked"))
                    continue
                }
                asChecked.append(FormattedFile(path: file.path, absolutePath: file.absolutePath, result: .changed(old: file.old, new: file.new)))
            } catch {
                failures.append(FormatWriteFailure(path: file.path, reason: error.reason))
            }
        }
        return failures + SourceFormatting.writeChanged(asChecked, jobs: jobs)
    }

    /// The fixes of the diagnostics shown, per file, in the order of the diagnostics. A file
    /// read twice gets the fixes of both reads when they were made for the same bytes; else
    /// those of the later read wait for the next check.
    private static func fixesByFile(_ outcome: CompileOutcome, base: String) -> [(file: SourceFile, absolute: String, fixes: [FixIt])] {
        var ids: [FileID] = []
        for d in outcome.diagnostics where !d.hidesSource {
            for fix in d.fixes where !ids.contains(fix.span.file) { ids.append(fix.span.file) }
        }
        var files: [(file: SourceFile, absolute: String, fixes: [FixIt])] = []
        var byPath: [String: Int] = [:]
        for id in ids {
            guard let file = outcome.sources.file(id) else { continue }
            let fixes = FixSelection.fixes(of: outcome.diagnostics, in: id)
            let absolute = FileSystem.absolute(file.path, base: base)
            if let k = byPath[absolute] {
                if files[k].file.bytes == file.bytes { files[k].fixes += fixes }
                continue
            }
            byPath[absolute] = files.count
            files.append((file, absolute, fixes))
        }
        return files
    }

    /// Adds the fixes of `files` to the tally, a file's first round giving its place.
    private static func tally(_ files: [FixedFile], into fixed: inout [FixTally]) {
        for file in files {
            if let k = fixed.firstIndex(where: { $0.path == file.path }) {
                fixed[k].count += file.applied
            } else {
                fixed.append(FixTally(path: file.path, count: file.applied))
            }
        }
    }
}

/// The files a check's fixes may rewrite: the inputs read from disk, and the files of their
/// projects (docs/language.md, "Projects") — where the file really is, past symbolic links,
/// so that a `tiers/` linked to a shared directory is not rewritten. Never an editor's buffer,
/// and never the file it stands for.
private struct WritableFiles {
    private var inputs: Set<String> = []
    private var buffers: Set<String> = []
    /// The projects' directories, resolved.
    private var projects: [String] = []

    init(_ request: CompileRequest, base: String) {
        let discovered = InputDiscovery(request, base: base, scope: .inputs)
        for file in discovered.files {
            if file.contents == nil { inputs.insert(file.absolute) } else { buffers.insert(file.absolute) }
        }
        projects = discovered.groups.compactMap { $0.flatMap { WritableFiles.resolved(FileSystem.parent($0)) } }
    }

    func allows(_ absolute: String) -> Bool {
        if buffers.contains(absolute) { return false }
        if inputs.contains(absolute) { return true }
        guard let real = WritableFiles.resolved(absolute) else { return false }
        return projects.contains { real.hasPrefix($0 == "/" ? "/" : $0 + "/") }
    }

    /// The path with every symbolic link resolved; nil when it does not exist.
    private static func resolved(_ path: String) -> String? {
        guard let real = realpath(path, nil) else { return nil }
        defer { free(real) }
        return String(cString: real)
    }
}
