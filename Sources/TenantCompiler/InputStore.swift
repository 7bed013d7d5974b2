import Synchronization
import TenantDiagnostics
import TenantSyntax

/// Reads a file whole (`FileSystem.readFile`, unless a test makes it fail).
typealias InputReader = @Sendable (String) throws(IOFailure) -> [UInt8]

/// The inputs of a compile, from their outline (phase 3) to their compile (phase 8). It owns
/// the memory they take: most files are read and lexed once and kept with their tokens; past
/// `budget` bytes, the bytes alone are kept within as much again; beyond that a file is read a
/// second time when its tenants are compiled — so memory does not grow with the number of
/// inputs. A read that fails, the first or the second, is reported (`Outline.failure`, or the
/// error `unit(_:sources:)` throws), never dropped.
struct InputStore: Sendable {
    private(set) var files: [InputDiscovery.PendingFile]
    private(set) var outlines: [Outline]
    private let read: InputReader

    /// Phase 3: an outline of every input, in parallel: the names it declares, from its tokens
    /// alone. A file that declares tiers (or an editor's buffer) is parsed now, as its tiers
    /// join its group's.
    init(_ files: [InputDiscovery.PendingFile], sources: SourceMap, budget: Int, jobs: Int, read: @escaping InputReader) {
        self.files = files
        self.read = read
        let kept = Atomic<Int>(0)
        let keptRaw = Atomic<Int>(0)
        let outlined = ResultSlots<Outline>(count: files.count)
        parallelFor(files.count, jobs: Compiler.readers(jobs)) { i in
            let f = files[i]
            var o = Outline()
            let bytes: [UInt8]
            if let c = f.contents {
                bytes = c
            } else {
                do throws(IOFailure) { bytes = try read(f.absolute) } catch {
                    o.failure = error
                    outlined.set(i, o)
                    return
                }
            }
            // Lexed against a file of its own: the source map is filled (under its lock) by the
            // compile workers, not by the many reading threads. Tokens hold offsets, not files.
            let lexed = Lexer.tokenize(SourceFile(id: FileID(raw: 0), path: f.display, bytes: bytes))
            let outline = Lexer.outline(of: lexed, bytes: bytes)
            o.tenants = outline.tenants
            o.parents = outline.parents
            o.declaresTiers = outline.declaresTiers
            let size = bytes.capacity + lexed.tokens.capacity * MemoryLayout<Token>.stride
            if outline.declaresTiers || f.contents != nil {
                let file = sources.add(path: f.display, bytes: bytes)
                o.unit = Parser.parse(file, lexed: lexed.diagnostics.isEmpty ? lexed : nil)
            } else if lexed.diagnostics.isEmpty, kept.add(size, ordering: .relaxed).newValue <= budget {
                o.tokens = lexed
                o.bytes = bytes
            } else if keptRaw.add(bytes.capacity, ordering: .relaxed).newValue <= budget {
                o.bytes = bytes
            }
            outlined.set(i, o)
        }
        outlines = outlined.takeAll(missing: Outline())
    }

    var count: Int { files.count }

    /// Adds a file to compile after the outline phase (a project file a changed tier affects),
    /// with its syntax tree when it was parsed already; else it is read when compiled.
    mutating func append(_ file: InputDiscovery.PendingFile, unit: SourceUnit?) {
        files.append(file)
        outlines.append(Outline(unit: unit))
    }

    /// Parses input `i` now unless phase 3 did (a file whose tenant ids collide, shown at both
    /// places): from the kept tokens, the kept bytes, or a second read.
    mutating func ensureParsed(_ i: Int, sources: SourceMap) {
        guard outlines[i].unit == nil, outlines[i].failure == nil else { return }
        do throws(IOFailure) {
            outlines[i].unit = try unit(i, sources: sources)
            outlines[i].tokens = nil
            outlines[i].bytes = nil
        } catch {
            outlines[i].failure = error
        }
    }

    /// The syntax tree of input `i`: parsed in an earlier phase, or from the kept tokens, the
    /// kept bytes, or a second read (whose failure is thrown, to be reported). Nil when the first
    /// read failed (reported with the others).
    func unit(_ i: Int, sources: SourceMap) throws(IOFailure) -> SourceUnit? {
        let outline = outlines[i]
        let f = files[i]
        if let unit = outline.unit { return unit }
        if let bytes = outline.bytes, let tokens = outline.tokens {
            return Parser.parse(sources.add(path: f.display, bytes: bytes), lexed: tokens)
        }
        guard outline.failure == nil else { return nil }
        let bytes: [UInt8]
        if let kept = f.contents ?? outline.bytes { bytes = kept } else { bytes = try read(f.absolute) }
        return Parser.parse(sources.add(path: f.display, bytes: bytes))
    }

    /// What each input declares and extends, for `ProjectTiers`.
    var summaries: [ProjectTiers.InputSummary] {
        outlines.indices.map { ProjectTiers.InputSummary(group: files[$0].group, unit: outlines[$0].unit, parents: outlines[$0].parents) }
    }

    /// The tiers the inputs declare, by group (name → the file that declares it): a check of
    /// them also checks the project's tenants they affect.
    var declaredTiers: [Int: [String: String]] {
        var declared: [Int: [String: String]] = [:]
        for i in outlines.indices where outlines[i].declaresTiers {
            guard let unit = outlines[i].unit else { continue }
            for d in unit.declarations where d.kind == .tier {
                declared[files[i].group, default: [:]][d.name.text] = files[i].display
            }
        }
        return declared
    }
}

/// What phase 3 learns of an input.
struct Outline: Sendable {
    var tenants: [String] = []
    /// The tier each tenant extends, when its header names one.
    var parents: [String?] = []
    var declaresTiers = false
    /// Set for files parsed in this phase.
    var unit: SourceUnit?
    var failure: IOFailure?
    /// The file and its tokens, kept while their total size stays under the store's budget.
    var tokens: LexedFile?
    /// The bytes (with the tokens, or alone past that budget while they fit in another).
    var bytes: [UInt8]?
}
