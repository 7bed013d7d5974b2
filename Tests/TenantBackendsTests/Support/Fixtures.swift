import TenantTestSupport
import TenantBackends
import TenantModel

/// Strings that a careless YAML writer gets wrong: every YAML 1.1 / 1.2 special form, every
/// indicator, quotes, whitespace at the edges, control characters, line breaks, non-ASCII.
let trickyStrings: [String] = [
    // null and bool words, in the case variants readers know and some they do not
    "no", "No", "NO", "nO", "on", "On", "ON", "off", "Off", "OFF", "yes", "Yes", "YES", "y", "Y", "n", "N",
    "~", "null", "Null", "NULL", "nUll", "true", "True", "TRUE", "tRUE", "false", "False", "FALSE",
    // ints and floats of both versions
    "0", "1", "-5", "+5", "017", "09", "0o17", "0x1F", "0X1F", "0x_1F", "0b101", "-0b1", "1_000", "1_", "-_1", "+_", "1_000.5",
    "1e3", "1E3", "1e+3", "1.5e-3", "3.14", "1.", ".5", "-.5", "+1.0", ".", ".inf", "-.inf", "+.INF", ".Inf", ".NaN",
    ".nan", ".NAN", "12:30", "1:30", "-1:30", "190:20:30.15", "1:2:3",
    // timestamps
    "2026-01-01", "2001-12-14t21:59:43.10-05:00", "2001-12-14T21:59:43Z", "2001-12-14 21:59:43.10 -5",
    "2001-1-2 3:04:05", "2001-12-14 21:59:43.10 Z", "2001-12-14\t21:59:43 +05:30",
    // YAML 1.1 merge and value keys
    "<<", "=",
    // whitespace at the edges and the empty string
    "", " ", " leading space", "trailing space ", "  ",
    // indicators
    "#comment", "a #b", "a#b", "key: value", "a:b", "a:", ":x", ":", "- item", "-", "-x", "--", "---", "--- x", "...",
    "*alias", "&anchor", "!tag", "!!str", "%x", "@x", "`x`", "'single'", "\"double\"", "it's", "say \"hi\"",
    "[x]", "{x}", "x, y", ",x", "?", "? x", "?x", "|", "|x", ">", ">x", "a\\b",
    // non-ASCII
    "héllo", "日本語", "emoji 😀", "😀", "mid\u{FEFF}bom", "nbsp\u{A0}x", "é:",
    // control characters, tabs, line breaks
    "bell\u{7}", "nul\u{0}x", "del\u{7F}", "esc\u{1B}[0m", "tab\there", "\tlead tab", "trail tab\t",
    "a\nb\n", "a\nb", "a\n\n", "\n", "\n\n", "a\n\nb", "line  \nwith trailing spaces", "  indented\nsecond",
    "a\n  indented\nc", "crlf\r\nline", "cr\ronly", "ls\u{2028}x", "ps\u{2029}x", "nel\u{85}x", "yes\n", "- a\n- b",
    "# not a comment\nx", "key: value\nother: 1",
    // ordinary strings that must survive too
    "us-east-1", "10.0.0.0/8", "0 2 * * 1-6", "AES-256-GCM", "tenant_data", "v1.2.3-beta", "1.2.3",
    "unlimited", "512MiB", "https://example.com/a?b=c#d", "C:\\path", "a b", "<redacted>",
]

/// Strings checked in YAML only: Foundation's JSON parser drops a byte order mark at the start
/// of a string value, so it cannot judge these (the JSON bytes are checked in `JSONTests`).
let yamlOnlyStrings: [String] = ["\u{FEFF}bom", "\u{FEFF}"]

/// Keys a field could be called that are not strings when written plain.
let trickyKeys: [String] = ["on", "yes", "null", "true", "123", "~", "<<", "", "1.5", "a: b", "multi\nline"]

/// Strings that YAML reads as strings when plain, so they should be written plain: quoting
/// everything would be safe but ugly and unlike what people write.
let plainStrings: [String] = [
    "us-east-1", "10.0.0.0/8", "0 2 * * 1-6", "AES-256-GCM", "tenant_data", "v1.2.3-beta", "a:b", "a#b",
    "https://example.com/a?b=c", "512MiB", "30d", "70%", "unlimited", "Norway", "yesterday", "nonce", "online",
    "offline", "truest", "nullable", "0x", "0xZZ", "1.2.3-rc1", "2026-01-01-backup", "12:60", "1:30pm",
    "10:00-12:00", "e5", "+", "1e", "1e+", "-inf", "nan", "inf", "héllo", "日本語", "=a", "<<a", "~a", "a b",
    "C:\\path", "<redacted>", "_1", "1__x",
]

func size(_ bytes: Int64, _ family: SizeFamily) -> Value { .size(Size(bytes: bytes, family: family)) }
func duration(_ ms: Int64, _ family: DurationFamily = .day) -> Value { .duration(TimeSpan(milliseconds: ms, family: family)) }
func cpu(_ millicores: Int64) -> Value { .cpu(CPU(millicores: millicores)) }
func percent(_ micros: Int64) -> Value { .percent(Percent(micros: micros)) }

func tenant(_ config: Record, id: String = "acme") -> ResolvedTenant {
    ResolvedTenant(id: id, tier: "gold", environment: "prod", config: config)
}

/// A record with one field per string, `s0`, `s1`, …
func stringsRecord(_ strings: [String]) -> Record {
    Record(keys: strings.indices.map { "s\($0)" }, values: strings.map(Value.string))
}

/// A record with every kind of value, nested containers and empty ones.
let everyKind = Record([
    "enabled": .bool(true),
    "disabled": .bool(false),
    "replicas": .int(3),
    "offset": .int(-42),
    "big": .int(Int64.max),
    // Foundation's JSON parser reads negative ints of 19 digits as doubles; Int64.min is
    // checked in the golden tests.
    "small": .int(-999_999_999_999_999_999),
    "ratio": .float(0.25),
    "two": .float(2),
    "tiny": .float(1e-5),
    "huge": .float(1e300),
    "name": .string("Acme Corp"),
    "flag": .string("no"),
    "token": .secret("enc:v1:abc123"),
    "memory": size(512 << 20, .binary),
    "disk": size(1_500_000_000, .decimal),
    "odd": size(1500, .bytes),
    "retention": duration(30 * 86_400_000),
    "timeout": duration(1500),
    "window": duration(2 * 604_800_000, .week),
    "cores": cpu(250),
    "onecore": cpu(1000),
    "burst": cpu(1500),
    "threshold": percent(70_000_000),
    "fine": percent(12_500_000),
    "quota": .unlimited,
    "zones": .list([.string("a"), .string("b")]),
    "nested": .record(
        Record([
            "list": .list([.int(1), .record(Record(["x": .string("y"), "on": .bool(true)])), .list([.int(2), .list([])])]),
            "empty": .record(Record()),
        ])),
    "none": .list([]),
    "nothing": .record(Record()),
    "multi": .string("line one\nline two\n"),
])

/// What a reader of either format must get for `v`: the encoding rules of the design, written
/// out independently of the backends.
func expectedNode(_ v: Value, units: UnitsMode) -> Node {
    func number(_ text: String) -> Node { text.contains(".") ? .float(Double(text)!) : .int(Int64(text)!) }
    switch v {
    case .bool(let b): return .bool(b)
    case .int(let i): return .int(i)
    case .float(let d): return .float(d)
    case .string(let s): return .string(s)
    case .secret: return .string(SensitiveMode.redactedText)  // the default rendering
    case .cpu(let c): return number(c.coresText)
    case .unlimited: return .string("unlimited")
    case .size(let s): return units == .base ? .int(s.bytes) : .string(s.canonical)
    case .duration(let t):
        guard units == .base else { return .string(t.canonical) }
        return t.milliseconds % 1000 == 0 ? .int(t.milliseconds / 1000) : .float(Double(t.milliseconds) / 1000)
    case .percent(let p): return units == .base ? number(p.fractionText) : .string(p.canonical)
    case .list(let items): return .list(items.map { expectedNode($0, units: units) })
    case .record(let r):
        return .map(Dictionary(uniqueKeysWithValues: zip(r.keys, r.values.map { expectedNode($0, units: units) })))
    }
}

func render(_ backend: any Backend, _ t: ResolvedTenant, units: UnitsMode = .canonical, layout: RenderLayout = .file,
            sensitive: SensitiveMode = .redact) throws -> [UInt8] {
    var out: [UInt8] = []
    try backend.render(t, options: RenderOptions(units: units, sensitive: sensitive), layout: layout, into: &out)
    return out
}

func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
