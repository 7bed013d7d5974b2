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
        var report = Report()
        var pending: [(file: String, document: ImportedNode)] = []
        for file in try expanded(files, base: base) {
            do {
                for document in try read(file, base: base) where !document.isNull { pending.append((file, document)) }
            } catch {
                report.messages += "\(file):\(error.line):\(error.column): error: \(error.message)\n"
                report.failed += 1
            }
        }
        let results = ResultSlots<Result<TenantImporter.Imported, TenantImporter.Failure>>(count: pending.count)
        let documents = pending.map(\.document)
        parallelFor(pending.count, jobs: jobs) { i in results.set(i, importer.importDocument(documents[i], options: options)) }
        var written: [String: String] = [:]
        for (i, result) in results.takeAll(missing: .failure(TenantImporter.Failure([]))).enumerated() {
            let (file, document) = pending[i]
            let place = "\(file):\(document.line)"
            switch result {
            case .failure(let failure):
                report.failed += 1
                for note in failure.notes { report.messages += "\(place): note: \(note)\n" }
                for p in failure.problems { report.messages += describe(p, file: file) }
            case .success(let tenant):
                for note in tenant.notes { report.messages += "\(place): note: \(note)\n" }
                if let first = written[tenant.id] {
                    report.failed += 1
                    report.messages += "\(place): error: tenant `\(tenant.id)` was already imported from \(first)\n"
                    continue
                }
                if toStandardOutput {
                    report.standardOutput += (report.standardOutput.isEmpty ? "" : "\n") + tenant.source
                } else if let problem = writeNew(directory + "/" + tenant.id + ".tenant", tenant.source) {
                    report.failed += 1
                    report.messages += "\(place): error: \(output)/\(tenant.id).tenant: \(problem)\n"
                    continue
                }
                written[tenant.id] = place
                report.imported += 1
            }
        }
        return report
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

    private static func read(_ file: String, base: String) throws(DocumentError) -> [ImportedNode] {
        let bytes: [UInt8]
        do { bytes = try FileSystem.readFile(FileSystem.absolute(file, base: base), limit: maxInputBytes) } catch {
            throw DocumentError("cannot read: \(error.reason)", line: 1, column: 1)
        }
        return try DocumentReader.read(bytes)
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

    /// Writes `text` to `path`, which must not exist: through a temporary file linked into place,
    /// so that a reader never sees half a file and an existing file is never replaced.
    public static func writeNew(_ path: String, _ text: String) -> String? {
        let temporary = FileSystem.parent(path) + "/." + (path.split(separator: "/").last.map(String.init) ?? "") + ".tenantc-import-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        var failure = FileSystem.writeAll(fd, Array(text.utf8)) ?? 0
        if close(fd) != 0, failure == 0 { failure = errno }
        defer { unlink(temporary) }
        guard failure == 0 else { return String(cString: strerror(failure)) }
        guard link(temporary, path) == 0 else {
            return errno == EEXIST ? "exists already: an import never replaces a file (move it away, or import into another directory)"
                                   : String(cString: strerror(errno))
        }
        return nil
    }
}
