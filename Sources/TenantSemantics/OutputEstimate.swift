import TenantDiagnostics
import TenantModel

/// About how many bytes an artifact takes, from its values before any backend renders them:
/// what a build checks against `--max-artifact-size`, so that a formula that multiplies its
/// output (a long string repeated into many fields, a list of lists) is refused before gigabytes
/// are rendered. An estimate, meant to be within a small factor of YAML's and JSON's sizes.
public struct OutputEstimate: Sendable {
    public internal(set) var bytes = 0
    /// The field that adds the most, and its share: what a diagnostic points at.
    public internal(set) var largest: Int32 = -1
    public internal(set) var largestBytes = 0

    /// What a line of output costs besides its key and value: indentation, `: `, quotes, a line end.
    static let entryOverhead = 16

    mutating func add(_ slot: Int32, bytes b: Int) {
        let (sum, overflow) = bytes.addingReportingOverflow(b)
        bytes = overflow ? .max : sum
        if b > largestBytes {
            largest = slot
            largestBytes = b
        }
    }

    /// The estimate of a config whose fields are those of `base` plus those counted in `self`
    /// (an overestimate where they set the same field: it is a bound, not a size).
    func adding(_ base: OutputEstimate) -> OutputEstimate {
        var total = self
        let (sum, overflow) = bytes.addingReportingOverflow(base.bytes)
        total.bytes = overflow ? .max : sum
        if base.largestBytes > largestBytes {
            total.largest = base.largest
            total.largestBytes = base.largestBytes
        }
        return total
    }
}

/// "64 MiB", "1.7 GiB", "512 bytes": a size as a diagnostic states it.
func approximateSize(_ bytes: Int) -> String {
    let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    guard bytes >= 1 << 10 else { return plural(bytes, "byte") }
    var value = Double(bytes) / 1024
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    let rounded = (value * 10).rounded() / 10
    let text = rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    return "\(text) \(units[unit])"
}
