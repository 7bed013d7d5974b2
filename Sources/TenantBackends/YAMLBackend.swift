import CYAML
import TenantModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// YAML through the system libyaml emitter: block style, 2-space indent, UTF-8, an explicit
/// `---` start and an implicit end.
///
/// Every document starts with `---`, so `.file` and `.stream` render the same bytes and
/// concatenating tenants yields a valid multi-document stream. libyaml only guarantees syntax;
/// choosing a scalar style that keeps every string a string is done here (see
/// `plainScalarIsAmbiguous`).
public struct YAMLBackend: Backend {
    public var name: String { "yaml" }
    public var fileExtension: String { "yaml" }

    public init() {}

    public func render(_ tenant: ResolvedTenant, options: RenderOptions, layout: RenderLayout, into out: inout [UInt8]) throws {
        try document(into: &out, options: options) { try $0.record(tenant.config) }
    }

    /// Writes while the config is walked: the evaluator's values go to libyaml without a
    /// `Record` of the whole config being built (and freed) for each tenant.
    ///
    /// The entries a tenant shares with its tier are written by libyaml once per tier and
    /// environment, and their bytes reused for the tier's next tenants (see `YAMLTreeWriter`).
    public func render(tree: any ConfigTree, options: RenderOptions, layout: RenderLayout, into out: inout [UInt8]) throws {
        let store = tree.shared
        let key = "yaml " + options.units.rawValue + " " + options.sensitive.rawValue
        let kept = store?[key] as? SharedYAMLEntries
        try document(into: &out, options: options) { emitter in
            let writer = YAMLTreeWriter(emitter, kept: kept)
            try tree.walk(writer)
            if let store, !writer.written.isEmpty {
                store[key] = SharedYAMLEntries(kept, adding: writer.written)
            }
        }
    }

    /// One document appended to `out`, its root written by `root`.
    private func document(into out: inout [UInt8], options: RenderOptions, _ root: (YAMLEmitter) throws -> Void) throws {
        let start = out.count
        out.reserveCapacity(out.count + 8192)  // a document is a few KiB: grow once, not by doubling
        do {
            try withUnsafeMutablePointer(to: &out) { sink in
                let emitter = try YAMLEmitter(sink: sink, options: options)
                defer { emitter.close() }
                try emitter.document(root)
            }
        } catch {
            // A failed render leaves the buffer as it was.
            out.removeSubrange(start...)
            throw error
        }
    }
}

/// What libyaml wrote for the entries the tenants of one tier share with it, by entry. Empty
/// for an entry whose bytes are not its own alone (it ends with a line break): libyaml writes
/// that one every time, and no tenant writes it aside again only to find that out.
private final class SharedYAMLEntries: Sendable {
    let bytes: [[UInt8]?]

    init(_ old: SharedYAMLEntries?, adding new: [(entry: Int32, bytes: [UInt8])]) {
        var bytes = old?.bytes ?? []
        for (entry, b) in new {
            let i = Int(entry)
            if i >= bytes.count { bytes += [[UInt8]?](repeating: nil, count: i + 1 - bytes.count) }
            bytes[i] = b
        }
        self.bytes = bytes
    }

    subscript(entry: Int32) -> [UInt8]? { entry >= 0 && Int(entry) < bytes.count ? bytes[Int(entry)] : nil }
}

/// A walked config, written field by field.
///
/// An entry the tenant shares with its tier is written by libyaml for the first tenant, and
/// its bytes are appended as they are for the next ones. In a block mapping, what libyaml
/// writes for an entry (a line break, the indentation, the key, the value) depends only on the
/// entry and its depth, both the tier's, and not on the entries around it; after any entry
/// libyaml is in the same state (inside the mapping, past the indentation), so it starts the
/// next one on a new line either way.
///
/// Two cases need care:
/// - After a mapping starts, libyaml holds events back (it looks a few events ahead, to see
///   whether the mapping is empty), so the bytes before the entry are not written yet. There
///   the shared entries are given to libyaml as one stand-in entry, `x: []`, which makes it
///   write everything it holds; the stand-in's bytes, last in the output, are then replaced.
/// - After a `|` string that ends in a line break, libyaml starts the next entry without one.
///   No bytes are kept that end so, and none are appended directly after such a string (a
///   stand-in there is written without its line break, like the entries it stands for).
private final class YAMLTreeWriter: ConfigVisitor {
    private let newline = UInt8(ascii: "\n")
    /// What libyaml writes for the stand-in entry (`settle`) after its indentation.
    private static let standIn: [UInt8] = Array("x: []".utf8)
    private(set) var emitter: YAMLEmitter
    private let kept: SharedYAMLEntries?
    /// Entries written here for the first time (empty bytes: not to be reused).
    private(set) var written: [(entry: Int32, bytes: [UInt8])] = []
    /// The bytes of shared entries that libyaml was not given yet (held back by it).
    private var pending: [UInt8] = []
    /// The records open around the next field (the root is 1).
    private var depth = 0

    init(_ emitter: YAMLEmitter, kept: SharedYAMLEntries?) {
        self.emitter = emitter
        self.kept = kept
    }

    func sharedEntry(_ entry: Int32, _ write: () throws -> Void) throws {
        let known = kept?[entry]
        if known?.isEmpty == true {
            try settle()
            return try write()
        }
        if pending.isEmpty, emitter.holdsNoEvent {
            try emitter.flush()
            guard emitter.sink.pointee.last != newline else { return try write() }
            if let known {
                emitter.sink.pointee.append(contentsOf: known)
                return
            }
            // Written by libyaml where nothing is pending: the bytes are the entry's own.
            let start = emitter.sink.pointee.count
            try write()
            written.append((entry, try ownBytes(of: emitter, from: start) ?? []))
            return
        }
        if let known {
            pending += known
            return
        }
        guard let bytes = try writeApart(write) else {
            written.append((entry, []))
            try settle()
            return try write()
        }
        written.append((entry, bytes))
        pending += bytes
    }

    /// Writes the pending entries: the stand-in through libyaml, then their bytes in its place.
    private func settle() throws {
        guard !pending.isEmpty else { return }
        try emitter.plain("x" as StaticString)
        try emitter.emptyFlowSequence()
        try emitter.flush()
        guard emitter.holdsNoEvent, let start = standInStart() else {
            throw BackendError("libyaml did not write a shared entry where it was expected")
        }
        // From the line break before the stand-in: after a `|` string, that break is the
        // string's own and the stand-in had none, like the first pending entry (which starts
        // with one): the bytes come out the same either way.
        emitter.sink.pointee.replaceSubrange(start..., with: pending)
        pending.removeAll(keepingCapacity: true)
    }

    /// Where the output ends with the stand-in at this depth: a line break, the indentation,
    /// `x: []`.
    private func standInStart() -> Int? {
        guard depth > 0 else { return nil }  // fields come inside a record
        return emitter.sink.pointee.withUnsafeBufferPointer { out in
            let tail = YAMLTreeWriter.standIn
            let indent = 2 * (depth - 1)
            let start = out.count - tail.count - indent - 1
            guard start >= 0, out[start] == newline,
                  out[(start + 1)..<(start + 1 + indent)].allSatisfy({ $0 == UInt8(ascii: " ") }),
                  out[(start + 1 + indent)...].elementsEqual(tail)
            else { return nil }
            return start
        }
    }

    /// The bytes of an entry at this depth, written by libyaml into a document of its own: as
    /// deep, after two entries (so that it holds nothing back); nil when they are not the
    /// entry's own (see above).
    private func writeApart(_ write: () throws -> Void) throws -> [UInt8]? {
        var scratch: [UInt8] = []
        return try withUnsafeMutablePointer(to: &scratch) { sink in
            let apart = try YAMLEmitter(sink: sink, options: emitter.options)
            defer { apart.close() }
            try apart.begin()
            try apart.beginMapping(YAML_BLOCK_MAPPING_STYLE)
            for _ in 1..<max(depth, 1) {
                try apart.plain("x" as StaticString)
                try apart.beginMapping(YAML_BLOCK_MAPPING_STYLE)
            }
            for _ in 0..<2 {
                try apart.plain("x" as StaticString)
                try apart.plain("x" as StaticString)
            }
            try apart.flush()
            let start = sink.pointee.count
            // The entry alone: nothing of the main document is settled into this one.
            let (main, held) = (emitter, pending)
            (emitter, pending) = (apart, [])
            defer { (emitter, pending) = (main, held) }
            try write()
            return try ownBytes(of: apart, from: start)
        }
    }

    /// What `emitter` wrote from `start` on, when that is one self-contained entry: nothing
    /// held back, starting on a new line, not ending with a line break (see above).
    private func ownBytes(of emitter: YAMLEmitter, from start: Int) throws -> [UInt8]? {
        try emitter.flush()
        let out = emitter.sink.pointee
        guard emitter.holdsNoEvent, start < out.count, out[start] == newline, out.last != newline else { return nil }
        return Array(out[start...])
    }

    // Block style asked for every record: libyaml writes `{}` for one that turns out empty
    // (it looks ahead for that), so no field needs to be known before its record opens.
    func beginRecord() throws {
        depth += 1
        try emitter.beginMapping(YAML_BLOCK_MAPPING_STYLE)
    }

    func endRecord() throws {
        try settle()
        depth -= 1
        try emitter.endMapping()
    }

    func recordKey(_ key: String) throws {
        try settle()
        try emitter.string(key)
    }

    func record(_ record: Record) throws { try emitter.record(record) }

    func field(_ key: String, _ value: Value) throws {
        try settle()
        try emitter.string(key)
        try emitter.value(value)
    }
}

/// One libyaml emitter writing into a `[UInt8]`, for the duration of one render call.
private struct YAMLEmitter {
    let emitter: UnsafeMutablePointer<yaml_emitter_t>
    let options: RenderOptions
    let sink: UnsafeMutablePointer<[UInt8]>

    /// `sink` must stay valid until `close()`: libyaml calls back into it when it flushes.
    init(sink: UnsafeMutablePointer<[UInt8]>, options: RenderOptions) throws {
        self.sink = sink
        // libyaml keeps pointers into the emitter struct, so it needs a stable address.
        emitter = .allocate(capacity: 1)
        guard yaml_emitter_initialize(emitter) == 1 else {
            emitter.deallocate()
            throw BackendError("libyaml: cannot initialize the emitter (out of memory)")
        }
        self.options = options
        yaml_emitter_set_unicode(emitter, 1)  // otherwise non-ASCII is escaped
        yaml_emitter_set_width(emitter, -1)  // otherwise long strings are folded
        yaml_emitter_set_indent(emitter, 2)
        yaml_emitter_set_break(emitter, YAML_LN_BREAK)
        yaml_emitter_set_output(
            emitter,
            { data, buffer, size in
                guard let data, let buffer else { return 1 }
                data.assumingMemoryBound(to: [UInt8].self).pointee
                    .append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
                return 1
            },
            UnsafeMutableRawPointer(sink))
    }

    /// libyaml has written every event it was given (into its buffer). Read from its event
    /// queue, a member yaml.h calls internal: the tests compare every walked artifact with
    /// the built one, so a libyaml that queued differently would be caught there.
    var holdsNoEvent: Bool { emitter.pointee.events.head == emitter.pointee.events.tail }

    /// Moves what libyaml has written into the sink.
    func flush() throws {
        guard yaml_emitter_flush(emitter) == 1 else { throw BackendError("libyaml: cannot write the output") }
    }

    func close() {
        yaml_emitter_delete(emitter)
        emitter.deallocate()
    }

    func document(_ root: (YAMLEmitter) throws -> Void) throws {
        try begin()
        try root(self)
        var ev = yaml_event_t()
        try emit(&ev, yaml_document_end_event_initialize(&ev, 1))
        try emit(&ev, yaml_stream_end_event_initialize(&ev))  // flushes into the sink
    }

    /// The start of the stream and of its one document.
    func begin() throws {
        var ev = yaml_event_t()
        try emit(&ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING))
        try emit(&ev, yaml_document_start_event_initialize(&ev, nil, nil, nil, 0))
    }

    /// `initialized` is the result of the `yaml_*_event_initialize` call that filled `ev`.
    /// The emitter takes ownership of the event whether or not it succeeds.
    @inline(__always)
    private func emit(_ ev: inout yaml_event_t, _ initialized: Int32) throws {
        guard initialized == 1 else { throw BackendError("libyaml: cannot create an event (out of memory)") }
        guard yaml_emitter_emit(emitter, &ev) == 1 else {
            let problem = emitter.pointee.problem.map { String(cString: $0) } ?? "unknown error"
            throw BackendError("libyaml emitter: \(problem)")
        }
    }

    func value(_ v: Value) throws {
        switch v {
        case .record(let r): try record(r)
        case .list(let items):
            var ev = yaml_event_t()
            let style = items.isEmpty ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE
            try emit(&ev, yaml_sequence_start_event_initialize(&ev, nil, nil, 1, style))
            for item in items { try value(item) }
            try emit(&ev, yaml_sequence_end_event_initialize(&ev))
        // Strings directly: the shared encoding below would copy each into a `Scalar` first.
        case .string(let s): try string(s)
        default:
            switch v.scalar(options)! {  // nil only for lists and records, handled above
            case .bool(let b): try plain(b ? "true" as StaticString : "false")
            case .int(let i): try withDecimalDigits(i) { try scalar($0, YAML_PLAIN_SCALAR_STYLE) }
            // formatFloat always writes a `.` and a signed exponent, and `.inf`/`.nan` for the
            // rest, so YAML 1.1 and 1.2 readers both read a float.
            case .float(let d): try plain(formatFloat(d))
            case .number(let s): try plain(s)
            case .string(let s): try string(s)
            }
        }
    }

    /// `[]`.
    func emptyFlowSequence() throws {
        var ev = yaml_event_t()
        try emit(&ev, yaml_sequence_start_event_initialize(&ev, nil, nil, 1, YAML_FLOW_SEQUENCE_STYLE))
        try emit(&ev, yaml_sequence_end_event_initialize(&ev))
    }

    func beginMapping(_ style: yaml_mapping_style_t) throws {
        var ev = yaml_event_t()
        try emit(&ev, yaml_mapping_start_event_initialize(&ev, nil, nil, 1, style))
    }

    func endMapping() throws {
        var ev = yaml_event_t()
        try emit(&ev, yaml_mapping_end_event_initialize(&ev))
    }

    func record(_ r: Record) throws {
        try beginMapping(r.isEmpty ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE)
        // Through the arrays' buffers: subscripting the arrays retained and released every key
        // and value on the way.
        try r.keys.withUnsafeBufferPointer { keys in
            try r.values.withUnsafeBufferPointer { values in
                for i in 0..<min(keys.count, values.count) {
                    try string(keys[i])  // keys need the same quoting: `on:` would be a bool key
                    try value(values[i])
                }
            }
        }
        try endMapping()
    }

    @inline(__always)
    private func plain(_ s: String) throws {
        try withUTF8Bytes(s) { try scalar($0, YAML_PLAIN_SCALAR_STYLE) }
    }

    @inline(__always)
    func plain(_ s: StaticString) throws {
        try scalar(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount), YAML_PLAIN_SCALAR_STYLE)
    }

    func string(_ s: String) throws {
        try withUTF8Bytes(s) { try scalar($0, stringStyle($0)) }
    }

    /// A scalar event, filled in directly rather than through `yaml_scalar_event_initialize`:
    /// that function validates the value as UTF-8, which a Swift string already is, and the
    /// check was a twelfth of the emitter's time. The copy is made with `malloc` because the
    /// emitter frees every event's value with `free` once it has written it.
    private func scalar(_ bytes: UnsafeBufferPointer<UInt8>, _ style: yaml_scalar_style_t) throws {
        let count = bytes.count
        guard count < Int(Int32.max) else {
            throw BackendError("a string of \(count) bytes is too long for libyaml")
        }
        guard let copy = malloc(count + 1)?.assumingMemoryBound(to: UInt8.self) else {
            throw BackendError("libyaml: cannot create an event (out of memory)")
        }
        if let base = bytes.baseAddress { copy.initialize(from: base, count: count) }
        copy[count] = 0  // libyaml never reads past `length`, but its own copies end in NUL too
        var ev = yaml_event_t()
        ev.type = YAML_SCALAR_EVENT
        ev.data.scalar.value = copy
        ev.data.scalar.length = count
        ev.data.scalar.plain_implicit = 1
        ev.data.scalar.quoted_implicit = 1
        ev.data.scalar.style = style
        try emit(&ev, 1)
    }
}

/// The style requested for a string. libyaml itself moves plain to single quotes, and single
/// quotes or `|` to double quotes, when the requested style cannot carry the string; what it
/// cannot know is which plain scalars a reader would take for a non-string.
@inline(__always)
func stringStyle(_ s: UnsafeBufferPointer<UInt8>) -> yaml_scalar_style_t {
    if plainScalarIsAmbiguous(s) { return YAML_SINGLE_QUOTED_SCALAR_STYLE }
    // Most strings are ASCII without a line break: plain, found eight bytes at a time. The
    // others are looked at byte by byte from the first word that is not.
    guard var i = firstWordWithSpecialByte(s) else { return YAML_PLAIN_SCALAR_STYLE }
    var newline = false
    let n = s.count
    while i < n {
        switch s[i] {
        case 0x0A:
            newline = true
        // NEL (C2 85), LS (E2 80 A8) and PS (E2 80 A9) are line breaks in YAML 1.1 but not in
        // 1.2; only an escape in double quotes reads the same in both.
        case 0xC2:
            if i + 1 < n, s[i + 1] == 0x85 { return YAML_DOUBLE_QUOTED_SCALAR_STYLE }
        case 0xE2:
            if i + 2 < n, s[i + 1] == 0x80, s[i + 2] == 0xA8 || s[i + 2] == 0xA9 {
                return YAML_DOUBLE_QUOTED_SCALAR_STYLE
            }
        default:
            break
        }
        i += 1
    }
    guard newline else { return YAML_PLAIN_SCALAR_STYLE }
    // Trailing blank lines need a keep-chomping `|+` block, after which libyaml ends the
    // document with `...`; double quotes keep every document ending the same way.
    if s[n - 1] == 0x0A, n == 1 || s[n - 2] == 0x0A { return YAML_DOUBLE_QUOTED_SCALAR_STYLE }
    return YAML_LITERAL_SCALAR_STYLE
}

/// Where the first eight bytes of `s` holding a line feed or a non-ASCII byte start; nil when
/// there are none. Checked a word at a time: the last word overlaps the one before it, and a
/// string shorter than a word is read into a zeroed one, so no byte is looked at alone.
@inline(__always)
private func firstWordWithSpecialByte(_ s: UnsafeBufferPointer<UInt8>) -> Int? {
    guard let base = s.baseAddress else { return nil }
    let raw = UnsafeRawPointer(base)
    let n = s.count
    if n < 8 {
        var w: UInt64 = 0
        withUnsafeMutableBytes(of: &w) { $0.copyMemory(from: UnsafeRawBufferPointer(start: raw, count: n)) }
        return isASCIIWithoutLineBreak(w) ? nil : 0
    }
    var i = 0
    while i + 8 < n {
        if !isASCIIWithoutLineBreak(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) { return i }
        i += 8
    }
    return isASCIIWithoutLineBreak(raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) ? nil : n - 8
}

/// No byte of `w` has its high bit set or is a line feed (a zero byte is neither).
@inline(__always)
private func isASCIIWithoutLineBreak(_ w: UInt64) -> Bool {
    let high: UInt64 = 0x8080_8080_8080_8080
    let ones: UInt64 = 0x0101_0101_0101_0101
    let lf = w ^ (ones &* 0x0A)  // a zero byte where `w` has a line feed
    return (w | ((lf &- ones) & ~lf)) & high == 0
}
