#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import TenantImport

/// `tenantc import FILES…` over every document of every file: each tenant imported is written
/// as `<id>.tenant` in the output directory (never over an existing file) or to standard
/// output; each that cannot be is reported at its lines, and the others are still imported.
public enum ImportBatch {
    public struct Report: Sendable {
        /// What goes to standard error: problems, and notes on the choices made.
        public var messages = ""
        /// With `-o -`: the sources, one after the other.
        public var standardOutput = ""
        public var imported = 0
        public var failed = 0
    }

    /// The largest document file read (as for a source file).
    public static let maxInputBytes = FileSystem.maxSourceBytes

    /// `output`: a directory, or `-` for standard output.
    public static func run(files: [String], options: TenantImporter.Options, tiersDirectory: String?, output: String,
                           workingDirectory: String? = nil, jobs: Int = availableCores) throws(UsageFailure) -> Report {
        let base = FileSystem.absolute(workingDirectory ?? FileSystem.currentDirectory, base: FileSystem.currentDirectory)
        let toStandardOutput = output == "-"
        let directory = toStandardOutput ? base : FileSystem.absolute(output, base: base)
        if !toStandardOutput { try checkDirectory(directory, shown: output) }
        let importer = try TenantImporter.load(tiersDirectory: tiersDirectory, near: directory, workingDirectory: base)
        if let error = importer.tierDiagnostics.first(where: { $0.severity == .error }) {
            throw UsageFailure("the project's tiers have errors: \(error.message)", help: ["run `tenantc check` on the tier files"])
        }
        let outcomes = importFiles(try expanded(files, base: base), base: base, importer: importer, options: options, jobs: jobs)
        return report(outcomes, directory: toStandardOutput ? nil : directory, shown: output, jobs: jobs)
    }

    /// What became of one file: it could not be read, or each of its documents' imports.
    struct FileOutcome: Sendable {
        var file: String
        var unreadable: DocumentError?
        var documents: [(line: Int, result: Result<TenantImporter.Imported, TenantImporter.Failure>)] = []
    }

    /// Reads and imports every file, each by one worker: a document's tree lives only while
    /// its worker imports it.
    private static func importFiles(_ files: [String], base: String, importer: TenantImporter, options: TenantImporter.Options,
                                    jobs: Int) -> [FileOutcome] {
        let outcomes = ResultSlots<FileOutcome>(count: files.count)
        let memos = (0..<max(1, jobs)).map { _ in TenantImporter.WorkerMemo() }
        parallelFor(files.count, jobs: jobs) { worker, i in
            var outcome = FileOutcome(file: files[i])
            do throws(DocumentError) {
                for document in try read(files[i], base: base, fastPath: options.fastPaths.contains(.importReader)) where !document.isNull {
                    outcome.documents.append((document.line, importer.importDocument(document, options: options, memo: memos[worker])))
                }
            } catch {
                outcome.unreadable = error
            }
            outcomes.set(i, outcome)
        }
        return outcomes.takeAll(missing: FileOutcome(file: ""))
    }

    /// One imported tenant's place in the report: its messages, and the file it goes to.
    private struct Entry {
        var messages = ""
        var tenant: TenantImporter.Imported?
        var place = ""
    }

    /// The report of the imports, in the order of the files and their documents; the tenants
    /// are written (in parallel) to `directory`, or to standard output when it is nil. A tenant
    /// id imported twice is written once, from its first document.
    private static func report(_ outcomes: [FileOutcome], directory: String?, shown: String, jobs: Int) -> Report {
        var report = Report()
        var entries: [Entry] = []
        var firstPlace: [String: String] = [:]
        for outcome in outcomes {
            if let error = outcome.unreadable {
                entries.append(Entry(messages: "\(outcome.file):\(error.line):\(error.column): error: \(error.message)\n"))
                report.failed += 1
            }
            for (line, result) in outcome.documents {
                let place = "\(outcome.file):\(line)"
                var entry = Entry(place: place)
                switch result {
                case .failure(let failure):
                    report.failed += 1
                    for note in failure.notes { entry.messages += "\(place): note: \(note)\n" }
                    for p in failure.problems { entry.messages += describe(p, file: outcome.file) }
                case .success(let tenant):
                    for note in tenant.notes { entry.messages += "\(place): note: \(note)\n" }
                    if let first = firstPlace[tenant.id] {
                        report.failed += 1
                        entry.messages += "\(place): error: tenant `\(tenant.id)` was already imported from \(first)\n"
                    } else {
                        firstPlace[tenant.id] = place
                        entry.tenant = tenant
                    }
                }
                entries.append(entry)
            }
        }
        let written = write(entries.map(\.tenant), to: directory, jobs: jobs)
        for (i, entry) in entries.enumerated() {
            report.messages += entry.messages
            guard let tenant = entry.tenant else { continue }
            if let problem = written[i] {
                report.failed += 1
                report.messages += "\(entry.place): error: \(shown)/\(tenant.id).tenant: \(problem)\n"
            } else {
                report.imported += 1
                if directory == nil { report.standardOutput += (report.standardOutput.isEmpty ? "" : "\n") + tenant.source }
            }
        }
        return report
    }

    /// Writes each tenant as `<id>.tenant` in `directory` (none when it is nil): what kept each
    /// from being written, by index.
    private static func write(_ tenants: [TenantImporter.Imported?], to directory: String?, jobs: Int) -> [String?] {
        guard let directory else { return Array(repeating: nil, count: tenants.count) }
        let opened = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard opened >= 0 else {
            let problem = String(cString: strerror(errno))
            return tenants.map { $0 == nil ? nil : problem }
        }
        defer { close(opened) }
        let problems = ResultSlots<String>(count: tenants.count)
        parallelFor(tenants.count, jobs: jobs) { i in
            guard let tenant = tenants[i], let problem = writeNew(tenant.id + ".tenant", in: opened, tenant.source) else { return }
            problems.set(i, problem)
        }
        return problems.values
    }

    /// The files named, a directory standing for its `*.yaml`, `*.yml` and `*.json` files (not
    /// those of its subdirectories, nor hidden ones), in name order.
    private static func expanded(_ files: [String], base: String) throws(UsageFailure) -> [String] {
        var out: [String] = []
        for file in files {
            let absolute = FileSystem.absolute(file, base: base)
            guard FileSystem.isDirectory(absolute) else {
                out.append(file)
                continue
            }
            guard let handle = opendir(absolute) else { throw UsageFailure("\(file): \(String(cString: strerror(errno)))") }
            defer { closedir(handle) }
            var names: [String] = []
            while let entry = readdir(handle) {
                let name = FileSystem.entryName(entry)
                if !name.hasPrefix("."), name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.hasSuffix(".json") { names.append(name) }
            }
            let prefix = file.hasSuffix("/") ? file : file + "/"
            out += names.sorted().map { prefix + $0 }
        }
        return out
    }

    private static func read(_ file: String, base: String, fastPath: Bool) throws(DocumentError) -> [ImportedNode] {
        let bytes: [UInt8]
        do { bytes = try FileSystem.readFile(FileSystem.absolute(file, base: base), limit: maxInputBytes) } catch {
            throw DocumentError("cannot read: \(error.reason)", line: 1, column: 1)
        }
        return try DocumentReader.read(bytes, fastPath: fastPath)
    }

    private static func describe(_ p: TenantImporter.Problem, file: String) -> String {
        var text = "\(file):\(p.line):\(p.column): error: \(p.message)\n"
        for h in p.help { text += "  help: \(h)\n" }
        return text
    }

    private static func checkDirectory(_ directory: String, shown: String) throws(UsageFailure) {
        var st = stat()
        guard stat(directory, &st) == 0 else { throw UsageFailure("-o \(shown): \(String(cString: strerror(errno)))", help: ["create the directory first"]) }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw UsageFailure("-o \(shown): not a directory") }
    }

    /// Linux: the file written unnamed (`O_TMPFILE`) and then linked into place, one change of
    /// the directory instead of three (a temporary name, the link, its removal). Nil when the
    /// file system or the system cannot (then a named temporary file is used); else what
    /// `writeNew` hands back.
    static func writeUnnamed(_ name: String, in directory: Int32, _ text: String) -> String?? {
        #if os(Linux)
        let unnamed: Int32 = 0o20000000 | O_DIRECTORY  // O_TMPFILE, which Swift does not import
        let fd = openat(directory, ".", unnamed | O_WRONLY | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if let failure = FileSystem.writeAll(fd, Array(text.utf8)) { return .some(String(cString: strerror(failure))) }
        guard linkat(AT_FDCWD, "/proc/self/fd/\(fd)", directory, name, AT_SYMLINK_FOLLOW) == 0 else {
            if errno == EEXIST { return .some(exists) }
            return errno == ENOENT ? nil : .some(String(cString: strerror(errno)))
        }
        return .some(nil)
        #else
        return nil
        #endif
    }

    static let exists = "exists already: an import never replaces a file (move it away, or import into another directory)"

    /// Writes `text` to `path`, which must not exist: through a temporary file linked into place,
    /// so that a reader never sees half a file and an existing file is never replaced.
    public static func writeNew(_ path: String, _ text: String) -> String? {
        let directory = open(FileSystem.parent(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { return String(cString: strerror(errno)) }
        defer { close(directory) }
        return writeNew(path.split(separator: "/").last.map(String.init) ?? path, in: directory, text)
    }

    /// `writeNew` of the file `name` in the open `directory`: no path is looked up again per file.
    static func writeNew(_ name: String, in directory: Int32, _ text: String) -> String? {
        if let outcome = writeUnnamed(name, in: directory, text) { return outcome }
        return writeNamed(name, in: directory, text)
    }

    /// `writeNew` through a temporary file with a name of its own, linked into place and removed.
    static func writeNamed(_ name: String, in directory: Int32, _ text: String) -> String? {
        let temporary = "." + name + ".tenantc-import-\(getpid())"
        let fd = openat(directory, temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        var failure = FileSystem.writeAll(fd, Array(text.utf8)) ?? 0
        if close(fd) != 0, failure == 0 { failure = errno }
        defer { unlinkat(directory, temporary, 0) }
        guard failure == 0 else { return String(cString: strerror(failure)) }
        guard linkat(directory, temporary, directory, name, 0) == 0 else {
            return errno == EEXIST ? exists : String(cString: strerror(errno))
        }
        return nil
    }
}
