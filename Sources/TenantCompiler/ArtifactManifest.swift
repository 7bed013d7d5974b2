import TenantDiagnostics

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `DIR/.tenantc-manifest`: the artifacts tenantc wrote in an output directory, so that the
/// artifacts of a tenant that is no longer among the inputs can be reported and, with
/// `--prune`, removed — and nothing else ever is.
///
/// A text file: a header line, then one line per artifact, sorted by path:
///
///     # tenantc manifest 1: path, tenant, size in bytes, fingerprint of each artifact tenantc wrote here
///     alpha.yaml alpha 5123 8c1f0e2d3b4a5968
///     staging/alpha.yaml alpha 5120 0f1e2d3c4b5a6978
///
/// The path is relative to the output directory (an environment's directory, then the file),
/// the fingerprint is `ArtifactFingerprint` of the bytes tenantc wrote, in 16 hex digits. It is
/// written like an artifact (a temporary file, then a rename) in the commit, and only then.
/// Anything that does not read exactly so is not a manifest: it is ignored (never a reason to
/// remove a file) and replaced.
enum ArtifactManifest {
    static let fileName = ".tenantc-manifest"
    static let header = Array("# tenantc manifest 1: path, tenant, size in bytes, fingerprint of each artifact tenantc wrote here\n".utf8)
    /// A manifest larger than this is not read (a million artifacts take about 60 MiB).
    static let maxBytes = 256 << 20

    /// One line of a manifest read back, as ranges of its bytes.
    struct Entry {
        /// The path, relative to the output directory.
        var path: Range<Int>
        /// The whole line, without its line break.
        var line: Range<Int>
        /// Where the file name starts (after the environment's directory and `/`, if any).
        var nameStart: Int
        var tenant: Range<Int>
        var size: Int
        var fingerprint: UInt64
    }

    /// The indices of the `entries` (of the manifest `old`, in path order) whose path this build's
    /// `lines` (`sorted` by path) do not hold.
    static func notProduced(_ entries: [Entry], of old: [UInt8], by lines: Lines, sorted: [Range<Int>]) -> [Int] {
        var result: [Int] = []
        lines.bytes.withUnsafeBufferPointer { nb in
            old.withUnsafeBufferPointer { ob in
                var i = 0
                for j in entries.indices {
                    var c = 1
                    while i < sorted.count {
                        c = compare(nb, lines.path(sorted[i]), ob, entries[j].path)
                        if c >= 0 { break }
                        i += 1
                    }
                    if i < sorted.count, c == 0 { continue }
                    result.append(j)
                }
            }
        }
        return result
    }

    /// The new manifest: this build's `lines` (`sorted` by path) and the earlier entries `kept`
    /// (lines of `old`, in path order), merged in path order.
    static func merged(_ lines: Lines, sorted: [Range<Int>], keeping kept: [Entry], of old: [UInt8]) -> [UInt8] {
        var bytes = header
        bytes.reserveCapacity(header.count + lines.bytes.count + sorted.count + kept.reduce(0) { $0 + $1.line.count + 1 })
        lines.bytes.withUnsafeBufferPointer { nb in
            old.withUnsafeBufferPointer { ob in
                var i = 0
                var k = 0
                while i < sorted.count || k < kept.count {
                    if k == kept.count || (i < sorted.count && compare(nb, lines.path(sorted[i]), ob, kept[k].path) < 0) {
                        bytes.append(contentsOf: nb[sorted[i]])
                        i += 1
                    } else {
                        bytes.append(contentsOf: ob[kept[k].line])
                        k += 1
                    }
                    bytes.append(0x0A)
                }
            }
        }
        return bytes
    }

    /// Why a manifest cannot be used.
    struct Unreadable: Error {
        var reason: String
    }

    /// The lines of this build's artifacts, in the order they were staged.
    struct Lines: Sendable {
        var bytes: [UInt8] = []
        var spans: [Range<Int>] = []

        /// Appends the line of an artifact: `PATH TENANT SIZE FINGERPRINT` (the tenant is the
        /// file name up to its first `.`).
        mutating func append(path: String, size: Int, fingerprint: UInt64) {
            let start = bytes.count
            var path = path
            path.withUTF8 { p in
                bytes.append(contentsOf: p)
                bytes.append(0x20)
                // The tenant: the file name up to its first `.`.
                let name = (p.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 }) ?? 0
                let dot = p[name...].firstIndex(of: UInt8(ascii: ".")) ?? p.count
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: p[name..<dot]))
            }
            bytes.append(0x20)
            var power = 1
            while power <= size / 10 { power *= 10 }
            var rest = size
            while power > 0 {
                bytes.append(UInt8(0x30 + rest / power))
                rest %= power
                power /= 10
            }
            bytes.append(0x20)
            for shift in stride(from: 60, through: 0, by: -4) {
                let d = UInt8((fingerprint >> UInt64(shift)) & 0xF)
                bytes.append(d < 10 ? 0x30 + d : 0x61 + d - 10)
            }
            spans.append(start..<bytes.count)
        }

        /// The lines sorted by path (a line starts with its path, and a space sorts before
        /// every byte a path may hold).
        func sorted() -> [Range<Int>] {
            bytes.withUnsafeBufferPointer { b in spans.sorted { ArtifactManifest.compare(b, $0, b, $1) < 0 } }
        }

        /// The path of the line `span`.
        func path(_ span: Range<Int>) -> Range<Int> {
            span.lowerBound..<(bytes[span].firstIndex(of: 0x20) ?? span.upperBound)
        }

        /// A manifest of these lines alone.
        func manifest() -> [UInt8] {
            var out = ArtifactManifest.header
            out.reserveCapacity(out.count + bytes.count + spans.count)
            for span in sorted() {
                out.append(contentsOf: bytes[span])
                out.append(0x0A)
            }
            return out
        }
    }

    /// The entries of a manifest's bytes, sorted by path; any line that is not exactly what
    /// tenantc writes makes the whole file unusable.
    static func parse(_ bytes: [UInt8]) throws(Unreadable) -> [Entry] {
        guard bytes.count >= header.count, bytes[..<header.count].elementsEqual(header) else {
            throw Unreadable(reason: "its first line is not tenantc's manifest header")
        }
        var entries: [Entry] = []
        var sorted = true
        var failure: Unreadable?
        bytes.withUnsafeBufferPointer { b in
            var start = header.count
            var lineNumber = 1
            while start < b.count {
                lineNumber += 1
                guard let end = b[start...].firstIndex(of: 0x0A) else {
                    failure = Unreadable(reason: "line \(lineNumber) does not end")
                    return
                }
                guard let entry = parseLine(b, start, end) else {
                    failure = Unreadable(reason: "line \(lineNumber) is not an artifact's line")
                    return
                }
                if let last = entries.last, compare(b, last.path, b, entry.path) >= 0 { sorted = false }
                entries.append(entry)
                start = end + 1
            }
        }
        if let failure { throw failure }
        if !sorted {
            bytes.withUnsafeBufferPointer { b in entries.sort { compare(b, $0.path, b, $1.path) < 0 } }
            for k in entries.indices.dropFirst() where bytes[entries[k - 1].path].elementsEqual(bytes[entries[k].path]) {
                throw Unreadable(reason: "it lists `\(String(decoding: bytes[entries[k].path], as: UTF8.self))` twice")
            }
        }
        return entries
    }

    /// `PATH TENANT SIZE FINGERPRINT`, where PATH is `[ENV/]TENANT.EXT`, in `b[start..<end]`.
    private static func parseLine(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Entry? {
        // The four fields, between single spaces.
        var cuts = (0, 0, 0)
        var found = 0
        for i in start..<end where b[i] == 0x20 {
            switch found {
            case 0: cuts.0 = i
            case 1: cuts.1 = i
            case 2: cuts.2 = i
            default: return nil
            }
            found += 1
        }
        guard found == 3 else { return nil }
        let path = start..<cuts.0, tenant = (cuts.0 + 1)..<cuts.1, size = (cuts.1 + 1)..<cuts.2, fingerprint = (cuts.2 + 1)..<end
        // The path: an environment's directory (optional, a safe name), then TENANT.EXT.
        var nameStart = path.lowerBound
        if let slash = b[path].firstIndex(of: UInt8(ascii: "/")) {
            guard isSafeDirectoryName(b, path.lowerBound..<slash) else { return nil }
            nameStart = slash + 1
        }
        let name = nameStart..<path.upperBound
        guard let dot = b[name].firstIndex(of: UInt8(ascii: ".")), isTenantID(b, nameStart..<dot),
              isBackendName(b, (dot + 1)..<path.upperBound), compare(b, nameStart..<dot, b, tenant) == 0 else { return nil }
        // The size: decimal, no leading zero.
        guard !size.isEmpty, size.count <= 18, b[size].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), b[size.lowerBound] != 0x30 || size.count == 1
        else { return nil }
        let n = b[size].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        // The fingerprint: 16 lower-case hex digits.
        guard fingerprint.count == 16 else { return nil }
        var f: UInt64 = 0
        for c in b[fingerprint] {
            switch c {
            case 0x30...0x39: f = f << 4 | UInt64(c - 0x30)
            case 0x61...0x66: f = f << 4 | UInt64(c - 0x61 + 10)
            default: return nil
            }
        }
        return Entry(path: path, line: start..<end, nameStart: nameStart, tenant: tenant, size: n, fingerprint: f)
    }

    /// An environment's directory as tenantc names it (`Compiler.isSafePathComponent`): letters,
    /// digits, `_`, `-` and `.`, not `.` or `..`.
    private static func isSafeDirectoryName(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Bool {
        guard !r.isEmpty, r.count <= 255, !b[r].allSatisfy({ $0 == 0x2E }) || r.count > 2 else { return false }
        return b[r].allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D || $0 == 0x2E }
    }

    /// `[a-z][a-z0-9_]{0,62}` (docs/language.md: tenant ids name the output files).
    private static func isTenantID(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Bool {
        guard !r.isEmpty, r.count <= 63, b[r.lowerBound] >= 0x61, b[r.lowerBound] <= 0x7A else { return false }
        return b[r].allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
    }

    /// A backend's file extension: lower-case letters, digits, `-` and `_`.
    private static func isBackendName(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Bool {
        !r.isEmpty && r.count <= 64 && b[r].allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D }
    }

    /// Byte order of two ranges of `bytes`.
    static func lessThan(_ bytes: [UInt8], _ a: Range<Int>, _ b: Range<Int>) -> Bool {
        bytes.withUnsafeBufferPointer { p in compare(p, a, p, b) < 0 }
    }

    /// memcmp order of `x[a]` and `y[b]`: negative, zero or positive.
    static func compare(_ x: UnsafeBufferPointer<UInt8>, _ a: Range<Int>, _ y: UnsafeBufferPointer<UInt8>, _ b: Range<Int>) -> Int {
        let n = min(a.count, b.count)
        if n > 0, let p = x.baseAddress, let q = y.baseAddress {
            let c = memcmp(p + a.lowerBound, q + b.lowerBound, n)
            if c != 0 { return Int(c) }
        }
        return a.count - b.count
    }
}

/// The fingerprint of an artifact's bytes that the manifest records: a 64-bit hash in the
/// manner of wyhash (four lanes of 64×64→128-bit multiplies over 64-byte blocks), about 0.7
/// instructions a byte. It tells the bytes tenantc wrote from a file someone else put at that
/// name since (with the size, which the manifest records too); it is not meant to resist a
/// forger — whoever can write in the output directory can delete its files anyway.
/// Part of the manifest's format 1: it never changes within it.
enum ArtifactFingerprint {
    private static let k0: UInt64 = 0xA076_1D64_78BD_642F
    private static let k1: UInt64 = 0xE703_7ED1_A0B4_28DB
    private static let k2: UInt64 = 0x8EBC_6AF0_9C88_C6E3
    private static let k3: UInt64 = 0x5899_65CC_7537_4CC3

    @inline(__always) private static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let r = a.multipliedFullWidth(by: b)
        return r.high ^ r.low
    }

    static func of(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBytes { of($0) } }

    static func of(_ raw: UnsafeRawBufferPointer) -> UInt64 {
        let n = raw.count
        var a = k0 ^ UInt64(n)
        var b = k1
        var c = k2
        var d = k3
        @inline(__always) func block(_ p: UnsafeRawPointer) {
            @inline(__always) func word(_ at: Int) -> UInt64 { UInt64(littleEndian: p.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
            a = mix(word(0) ^ k1, word(8) ^ a)
            b = mix(word(16) ^ k2, word(24) ^ b)
            c = mix(word(32) ^ k3, word(40) ^ c)
            d = mix(word(48) ^ k0, word(56) ^ d)
        }
        if let p = raw.baseAddress {
            var i = 0
            while i + 64 <= n {
                block(p + i)
                i += 64
            }
            if i < n {
                // The last 1 to 63 bytes, padded with zeros (the length, mixed in first, tells
                // the padding from zeros).
                var last: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
                withUnsafeMutableBytes(of: &last) { buffer in
                    buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[i..<n]))
                    block(UnsafeRawPointer(buffer.baseAddress!))  // a 64-byte tuple has storage
                }
            }
        }
        return mix(mix(a ^ c, b ^ d) ^ k1, UInt64(n) ^ k2)
    }
}

/// What the driver tells a commit about the manifest.
struct ManifestPolicy: Sendable {
    /// Every tenant id the inputs declare; nil when unknown (then no artifact is stale).
    var tenants: Set<String>?
    /// `--prune`: remove the stale artifacts that still hold what tenantc wrote.
    var prune = false
    /// The build has errors and commits only because of `--keep-going`: nothing is removed
    /// (a tenant in a file with errors may be missing from the inputs' ids).
    var buildHasErrors = false

    init(tenants: Set<String>? = nil, prune: Bool = false, buildHasErrors: Bool = false) {
        self.tenants = tenants
        self.prune = prune
        self.buildHasErrors = buildHasErrors
    }
}

/// What a commit did.
struct CommitReport: Sendable {
    var written = 0
    var unchanged = 0
    /// The artifacts `--prune` removed, as shown paths, sorted.
    var removed: [String] = []
    /// Stale artifacts kept, changed ones, a manifest that could not be used.
    var warnings: [Diagnostic] = []
    /// The artifacts were renamed into place, but the manifest could not be written (exit 2).
    var problem: Diagnostic?
}

extension ArtifactWriter {
    /// Most artifacts a warning names; the manifest lists them all.
    static let listedArtifacts = 20

    /// Reads the manifest of the output directory, merges this build's artifacts into it,
    /// decides which of the others are stale, removes them (`--prune`, and only those whose
    /// bytes are still tenantc's), and writes the manifest when it changed. Runs in the commit,
    /// after every artifact was renamed into place, holding the output directory's lock.
    func updateManifest(in rootFD: Int32, policy: ManifestPolicy, wroteArtifacts: Bool) -> CommitReport {
        var report = CommitReport()
        let lines = recorded.withLock { $0 }
        let newSorted = lines.sorted()
        let manifestPath = root + "/" + ArtifactManifest.fileName
        var fresh = ArtifactManifest.header
        fresh.reserveCapacity(fresh.count + lines.bytes.count + newSorted.count)
        for span in newSorted {
            fresh.append(contentsOf: lines.bytes[span])
            fresh.append(0x0A)
        }

        // The manifest of the builds before.
        var old: [UInt8] = []
        var oldPrivate = false
        var oldOpen = false
        var entries: [ArtifactManifest.Entry] = []
        let privateMode = fileMode & 0o077 == 0
        switch readManifest(rootFD) {
        case .missing:
            break
        case .read(let bytes, let mode):
            old = bytes
            oldPrivate = mode & 0o077 == 0
            oldOpen = !oldPrivate
            // The usual rebuild: the same artifacts as last time, every one as it was.
            if old == fresh, !(privateMode && oldOpen) { return report }
            do throws(ArtifactManifest.Unreadable) { entries = try ArtifactManifest.parse(bytes) } catch {
                report.warnings.append(unusableManifest(display(manifestPath), error.reason))
            }
        case .unreadable(let reason):
            report.warnings.append(unusableManifest(display(manifestPath), reason))
        }

        let notProduced = ArtifactManifest.notProduced(entries, of: old, by: lines, sorted: newSorted)

        var kept: [Int] = []
        var stale: [(shown: String, tenant: String, note: String?)] = []
        var changed: [(shown: String, tenant: String, why: String)] = []
        var removals: [(entry: Int, place: ArtifactPlace, file: FileIdentity)] = []
        let pruning = policy.prune && !policy.buildHasErrors
        var directories = OpenDirectories(root: rootFD)
        defer { directories.closeAll() }
        for j in notProduced {
            let e = entries[j]
            let place = ArtifactPlace(old, e, root: root)
            let tenant = String(decoding: old[e.tenant], as: UTF8.self)
            let isStale = policy.tenants.map { !$0.contains(tenant) } ?? false
            guard isStale else {
                // A tenant still among the inputs (another backend's or environment's artifact,
                // or a tenant that failed): kept while its file is there.
                if directories.exists(place) { kept.append(j) }
                continue
            }
            switch directories.inspect(place, size: e.size, fingerprint: e.fingerprint) {
            case .gone:
                continue
            case .changed(let why):
                changed.append((display(place.path), tenant, why))
            case .ours(let file):
                if pruning {
                    removals.append((j, place, file))
                } else {
                    kept.append(j)
                    stale.append((display(place.path), tenant, nil))
                }
            }
        }
        for r in removals {
            switch directories.remove(r.place, ifStill: r.file) {
            case nil:
                report.removed.append(display(r.place.path))
            case .changed(let why)?:
                changed.append((display(r.place.path), String(decoding: old[entries[r.entry].tenant], as: UTF8.self), why))
            case .failed(let why)?:
                kept.append(r.entry)
                stale.append((display(r.place.path), String(decoding: old[entries[r.entry].tenant], as: UTF8.self), "could not be removed: \(why)"))
            }
        }
        kept.sort()

        let bytes = ArtifactManifest.merged(lines, sorted: newSorted, keeping: kept.map { entries[$0] }, of: old)
        // Fingerprints of plaintext artifacts are kept as private as the artifacts.
        let mode: mode_t = privateMode || (oldPrivate && !kept.isEmpty) ? 0o600 : fileMode
        if bytes != old || (mode & 0o077 == 0 && oldOpen) {
            do throws(IOFailure) { try replaceManifest(in: rootFD, bytes, mode: mode) } catch {
                if wroteArtifacts || !report.removed.isEmpty {
                    report.problem = .error(.unwritableOutput, "cannot write \(error.description) (the artifacts were written; the manifest still lists an earlier build's)",
                                            at: nil)
                } else {
                    report.warnings.append(.warning(.unusableManifest, "cannot record the artifacts in \(error.description)", at: nil,
                                                    help: ["the artifacts of tenants removed later cannot be reported or pruned until it is written"]))
                }
            }
        }
        report.removed.sort { FileSystem.bytewiseLess($0, $1) }
        report.warnings += staleWarnings(stale, changed, policy: policy)
        return report
    }

    /// The warnings about stale artifacts: those kept (W0507), those changed since tenantc wrote them (W0508).
    private func staleWarnings(_ stale: [(shown: String, tenant: String, note: String?)], _ changed: [(shown: String, tenant: String, why: String)],
                               policy: ManifestPolicy) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        let dir = display(root) + "/"
        func listed<T>(_ items: [T], _ line: (T) -> String) -> [String] {
            var notes = items.prefix(ArtifactWriter.listedArtifacts).map(line)
            if items.count > ArtifactWriter.listedArtifacts {
                notes.append("and \(items.count - ArtifactWriter.listedArtifacts) more (\(display(root + "/" + ArtifactManifest.fileName)) lists them all)")
            }
            return notes
        }
        if !stale.isEmpty {
            let n = stale.count
            var notes = listed(stale) { "\($0.shown) (tenant `\($0.tenant)`)" + ($0.note.map { ": " + $0 } ?? "") }
            var help: [String] = []
            if policy.prune && policy.buildHasErrors {
                notes.append("--prune removed nothing: the build has errors")
                help.append("fix the errors, then build with `--prune` again")
            } else if !policy.prune {
                help.append("if \(n == 1 ? "this tenant was" : "these tenants were") removed, build with `--prune` to remove \(n == 1 ? "its artifact" : "their artifacts")"
                            + " (only while \(n == 1 ? "it holds" : "they hold") what tenantc wrote); until then \(n == 1 ? "it is" : "they are") reported at every build")
            }
            warnings.append(.warning(.staleArtifact, "\(plural(n, "artifact")) in \(dir) \(n == 1 ? "belongs" : "belong") to "
                                     + "\(n == 1 ? "a tenant that is" : "tenants that are") not among the inputs", at: nil, notes: notes, help: help))
        }
        if !changed.isEmpty {
            let n = changed.count
            let verb = policy.prune && !policy.buildHasErrors ? "not removed" : "left alone"
            warnings.append(.warning(.changedArtifact, "\(plural(n, "artifact")) in \(dir) of \(n == 1 ? "a tenant" : "tenants") not among the inputs "
                                     + "\(n == 1 ? "was" : "were") changed since tenantc wrote \(n == 1 ? "it" : "them"): \(verb), and no longer tracked",
                                     at: nil, notes: listed(changed) { "\($0.shown) (tenant `\($0.tenant)`): \($0.why)" },
                                     help: ["tenantc removes only files that hold what it wrote; remove \(n == 1 ? "it" : "them") by hand if \(n == 1 ? "it is" : "they are") not needed"]))
        }
        return warnings
    }

    private func unusableManifest(_ shown: String, _ reason: String) -> Diagnostic {
        .warning(.unusableManifest, "\(shown) is not a manifest tenantc can use (\(reason)): it is ignored, and replaced by one that lists this build's artifacts",
                 at: nil, help: ["artifacts of tenants removed before this build are no longer tracked: remove them by hand if they are not needed"])
    }

    private enum ManifestRead {
        case missing
        case read([UInt8], mode_t)
        case unreadable(String)
    }

    /// The manifest's bytes; never through a symbolic link, never waiting on a FIFO.
    private func readManifest(_ rootFD: Int32) -> ManifestRead {
        let fd = openat(rootFD, ArtifactManifest.fileName, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return .missing }
            return .unreadable(errno == ELOOP ? "it is a symbolic link" : String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .unreadable(String(cString: strerror(errno))) }
        if let kind = FileSystem.notARegularFile(st.st_mode) { return .unreadable("it \(kind)") }
        guard fcntl(fd, F_SETFL, 0) == 0 else { return .unreadable(String(cString: strerror(errno))) }
        do throws(IOFailure) {
            let bytes = try FileSystem.readAll(fd, sizeHint: Int(st.st_size), limit: ArtifactManifest.maxBytes, name: ArtifactManifest.fileName)
            return .read(bytes, st.st_mode)
        } catch {
            return .unreadable(error.tooLarge ? "it is larger than \(ArtifactManifest.maxBytes >> 20) MiB" : error.reason)
        }
    }

    /// Writes the manifest as artifacts are written: a temporary file, then a rename over it.
    private func replaceManifest(in rootFD: Int32, _ bytes: [UInt8], mode: mode_t) throws(IOFailure) {
        let temp = "." + ArtifactManifest.fileName + ArtifactWriter.marker + "\(nextTemporaryNumber())"
        let shown = root + "/" + ArtifactManifest.fileName
        try writeNew(temp, in: rootFD, bytes, shown: shown, mode: mode)
        guard renameat(rootFD, temp, rootFD, ArtifactManifest.fileName) == 0 else {
            let failure = IOFailure(display(shown), errno: errno)
            unlinkat(rootFD, temp, 0)
            throw failure
        }
    }
}

/// Where an artifact of the manifest is: its environment's directory (if any) and its name.
struct ArtifactPlace {
    var directory: String?
    var name: String
    /// The absolute path, for display.
    var path: String

    init(_ bytes: [UInt8], _ e: ArtifactManifest.Entry, root: String) {
        let relative = String(decoding: bytes[e.path], as: UTF8.self)
        name = String(decoding: bytes[e.nameStart..<e.path.upperBound], as: UTF8.self)
        directory = e.nameStart > e.path.lowerBound ? String(decoding: bytes[e.path.lowerBound..<(e.nameStart - 1)], as: UTF8.self) : nil
        path = root + "/" + relative
    }
}

/// The directories of the manifest's artifacts, each opened once, relative to the output
/// directory and without following a symbolic link (as `ArtifactWriter` writes them).
struct OpenDirectories {
    let root: Int32
    private var opened: [String: Int32] = [:]

    init(root: Int32) { self.root = root }

    enum Inspection: Error {
        case gone
        /// Tenantc's bytes: the file (device and inode) that holds them.
        case ours(FileIdentity)
        case changed(String)
    }

    enum Removal {
        case changed(String)
        case failed(String)
    }

    /// The open directory of `place`, or why there is none (`.gone` when it does not exist).
    private mutating func directory(_ place: ArtifactPlace) -> Result<Int32, Inspection>  {
        guard let name = place.directory else { return .success(root) }
        if let fd = opened[name] { return fd >= 0 ? .success(fd) : .failure(.gone) }
        let fd = openat(root, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if fd >= 0 {
            opened[name] = fd
            return .success(fd)
        }
        let code = errno
        if code == ENOENT {
            opened[name] = -1
            return .failure(.gone)
        }
        var st = stat()
        if fstatat(root, name, &st, AT_SYMLINK_NOFOLLOW) == 0, (st.st_mode & S_IFMT) == S_IFLNK {
            return .failure(.changed("its directory `\(name)` is a symbolic link now, which tenantc does not follow"))
        }
        return .failure(.changed("its directory `\(name)` cannot be opened: \(String(cString: strerror(code)))"))
    }

    /// Whether something is at the place (not followed if it is a link).
    mutating func exists(_ place: ArtifactPlace) -> Bool {
        let dir: Int32
        switch directory(place) {
        case .success(let fd): dir = fd
        case .failure(.gone): return false
        case .failure: return true
        }
        var st = stat()
        return fstatat(dir, place.name, &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT
    }

    /// Whether the file at `place` still holds what tenantc wrote: a regular file of `size`
    /// bytes with that fingerprint.
    mutating func inspect(_ place: ArtifactPlace, size: Int, fingerprint: UInt64) -> Inspection {
        let dir: Int32
        switch directory(place) {
        case .success(let fd): dir = fd
        case .failure(let inspection): return inspection
        }
        let changed = Inspection.changed("its bytes changed since tenantc wrote it")
        var st = stat()
        guard fstatat(dir, place.name, &st, AT_SYMLINK_NOFOLLOW) == 0 else {
            return errno == ENOENT ? .gone : .changed("cannot be read: \(String(cString: strerror(errno)))")
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFLNK: return .changed("it is a symbolic link now")
        default: return .changed("it is not a regular file now")
        }
        guard Int(st.st_size) == size else { return changed }
        let fd = openat(dir, place.name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return .changed("cannot be read: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var opened = stat()
        guard fstat(fd, &opened) == 0, (opened.st_mode & S_IFMT) == S_IFREG, fcntl(fd, F_SETFL, 0) == 0 else {
            return .changed("cannot be read: \(String(cString: strerror(errno)))")
        }
        guard let bytes = try? FileSystem.readAll(fd, sizeHint: size, limit: size, name: place.name), bytes.count == size,
              ArtifactFingerprint.of(bytes) == fingerprint else { return changed }
        return .ours(FileIdentity(device: UInt64(opened.st_dev), inode: UInt64(opened.st_ino)))
    }

    /// Removes the file at `place` if it is still `file` (the one whose bytes were checked); nil when removed.
    mutating func remove(_ place: ArtifactPlace, ifStill file: FileIdentity) -> Removal? {
        guard case .success(let dir) = directory(place) else { return .changed("its directory changed during the build") }
        var st = stat()
        guard fstatat(dir, place.name, &st, AT_SYMLINK_NOFOLLOW) == 0, (st.st_mode & S_IFMT) == S_IFREG,
              UInt64(st.st_dev) == file.device, UInt64(st.st_ino) == file.inode else { return .changed("it was replaced during the build") }
        guard unlinkat(dir, place.name, 0) == 0 else { return .failed(String(cString: strerror(errno))) }
        return nil
    }

    func closeAll() {
        for fd in opened.values where fd >= 0 { close(fd) }
    }
}
