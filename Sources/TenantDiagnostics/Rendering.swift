/// How human-readable output is decorated. Whether colour is wanted (TTY, `--color`,
/// `NO_COLOR`) is the CLI's decision; renderers only obey it, so they stay testable.
public struct RenderStyle: Hashable, Sendable {
    /// Emit ANSI escapes. When false the output contains no escape byte at all.
    public var color: Bool

    public init(color: Bool = false) {
        self.color = color
    }

    public static let plain = RenderStyle(color: false)
    public static let colored = RenderStyle(color: true)
}

/// The output formats of `--format`; the raw values are the command-line spellings.
public enum DiagnosticFormat: String, CaseIterable, Hashable, Sendable {
    case human, json, gcc, sarif
}

/// Renders a finalized list in `format`, so the CLI needs a single call per format switch.
///
/// `counts` are the true totals (see `DiagnosticList.counts`); when nil they are counted from
/// `diagnostics`, which undercounts a capped list. Only the human format uses `style`; the
/// machine formats never contain escapes. `toolVersion` is recorded in SARIF output.
public func render(
    _ diagnostics: [Diagnostic], as format: DiagnosticFormat, sourceMap: SourceMap,
    style: RenderStyle = .plain, counts: DiagnosticCounts? = nil, toolVersion: String? = nil
) -> String {
    switch format {
    case .human: renderHuman(diagnostics, sourceMap: sourceMap, style: style)
    case .json: renderJSON(diagnostics, sourceMap: sourceMap, counts: counts)
    case .gcc: renderGCC(diagnostics, sourceMap: sourceMap)
    case .sarif: renderSARIF(diagnostics, sourceMap: sourceMap, toolVersion: toolVersion)
    }
}

// MARK: - ANSI

/// SGR sequences in rustc's palette, so users read tenantc's output the way they read rustc's.
struct Palette {
    let enabled: Bool

    static let reset = "\u{1B}[0m"
    static let bold = "1"
    static let red = "1;31"
    static let yellow = "1;33"
    static let green = "1;32"
    static let blue = "1;34"

    static func color(of severity: Severity) -> String {
        switch severity {
        case .error: red
        case .warning: yellow
        case .note: green
        }
    }

    func paint(_ text: String, _ sgr: String) -> String {
        guard enabled, !text.isEmpty else { return text }
        return "\u{1B}[" + sgr + "m" + text + Palette.reset
    }
}

// MARK: - Text for terminals and line-oriented tools

/// Makes text safe to print: a message may quote user input (a string literal, a field name),
/// and raw control characters from it could move the cursor, recolour the terminal or forge
/// extra lines for tools that parse the output. C0 controls and DEL become their visible
/// Control Pictures (␛), C1 controls and bidirectional overrides U+FFFD. Tabs stay; newlines
/// stay only when `keepNewlines` (else they become spaces).
func sanitized(_ text: String, keepNewlines: Bool) -> String {
    guard text.unicodeScalars.contains(where: { needsReplacement($0, keepNewlines: keepNewlines) }) else {
        return text
    }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
        if scalar == "\n" {
            out.append(keepNewlines ? "\n" : " ")
        } else if scalar == "\r" && keepNewlines {
            continue  // CRLF in a message is just a newline
        } else if needsReplacement(scalar, keepNewlines: keepNewlines) {
            out.append(visible(scalar))
        } else {
            out.append(scalar)
        }
    }
    return String(out)
}

private func needsReplacement(_ scalar: Unicode.Scalar, keepNewlines: Bool) -> Bool {
    let v = scalar.value
    if v == 0x09 { return false }
    if v == 0x0A { return !keepNewlines }
    return v < 0x20 || (0x7F...0x9F).contains(v) || isBidiControl(v)
}

func isBidiControl(_ v: UInt32) -> Bool {
    (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
}

/// The printable stand-in for a control character.
func visible(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
    let v = scalar.value
    if v < 0x20 { return Unicode.Scalar(0x2400 + v)! }  // U+2400…U+241F are scalar values
    if v == 0x7F { return "\u{2421}" }
    return "\u{FFFD}"
}

/// Terminal columns a scalar occupies, so carets line up under wide (CJK, emoji) and
/// combining characters. An approximation of East Asian Width without a table dependency.
func displayWidth(_ scalar: Unicode.Scalar) -> Int {
    let v = scalar.value
    if v < 0x300 { return 1 }
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0
    default: break
    }
    switch v {
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
        0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
        0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
        return 2
    default:
        return scalar.properties.isEmojiPresentation ? 2 : 1
    }
}

func decimalDigits(_ n: Int) -> Int {
    var n = max(n, 0)
    var digits = 1
    while n >= 10 {
        n /= 10
        digits += 1
    }
    return digits
}

func spaces(_ n: Int) -> String { String(repeating: " ", count: max(0, n)) }
