// Target `redaction`: a plaintext written where a secret belongs is never echoed back by a
// diagnostic, in any format (docs/secrets.md). A marker plaintext is planted in the tenant's
// body ahead of the fuzzed bytes, in one of several positions the first byte picks; the
// diagnostics of the whole buffer are rendered in every format, and none may contain it.
//
// The planted statement comes first and ends with `;`, so the fuzzed bytes after it cannot
// change how it is lexed or parsed (they cannot make it part of a comment or a string). They
// could still spell the marker themselves; a marker seen in the output is therefore looked
// for again with a second, different marker planted: only when that one shows too did the
// output come from the planted value.
import Foundation
import TenantDiagnostics
import TenantSemantics

enum Redaction {
    static let marker = "zq7Pw3nKx9Lm2Vb"
    static let otherMarker = "yr4Jt8cHs6Fd1Ng"

    /// Where a plaintext can be written in place of a secret; `PLAINTEXT` stands for the marker.
    static let positions = [
        #"databases.postgresql.password = "PLAINTEXT";"#,
        #"databases.postgresql.password = PLAINTEXT;"#,
        #"databases.postgresql.password = "${PLAINTEXT}";"#,
        #"databases.postgresql.password = "pre-${"PLAINTEXT"}-post";"#,
        #"databases { postgresql { password = "PLAINTEXT" } };"#,
        #"env staging { databases.postgresql.password = "PLAINTEXT" };"#,
        #"env development { databases.mongodb { password = "PLAINTEXT" } };"#,
        #"api_key: secret = "PLAINTEXT";"#,
        #"api_key: secret? = "PLAINTEXT";"# + "\n" + #"env production { api_key = "PLAINTEXT" };"#,
        #"databases.postgresql.password = secret("PLAINTEXT");"#,
        #"databases.redis.password = secret("tenantc:v1:0a1b2c3d:PLAINTEXT");"#,
        "databases.postgresql.password = \"\"\"\n    PLAINTEXT\n    \"\"\";",
    ]

    static func planted(_ position: Int, _ marker: String) -> [UInt8] {
        Array((positions[position].replacingOccurrences(of: "PLAINTEXT", with: marker) + "\n").utf8)
    }
}

func fuzzRedaction(_ bytes: [UInt8], _ shipped: ShippedTiers) {
    let position = Int(bytes.first ?? 0) % Redaction.positions.count
    guard let output = renderedDiagnostics(bytes, position, Redaction.marker, shipped), output.contains(Redaction.marker),
          let other = renderedDiagnostics(bytes, position, Redaction.otherMarker, shipped), other.contains(Redaction.otherMarker)
    else { return }
    fail("a plaintext written where a secret belongs appears in a diagnostic (planted as `\(Redaction.positions[position])`):\n\(output)")
}

/// Every diagnostic of the buffer with `marker` planted, rendered in every format.
private func renderedDiagnostics(_ bytes: [UInt8], _ position: Int, _ marker: String, _ shipped: ShippedTiers) -> String? {
    guard let unit = shipped.parse(TenantBody.wrap(bytes, after: Redaction.planted(position, marker))) else { return nil }
    let resolved = ResolvedBuffer(unit, shipped.tiers, artifact: false)
    let diagnostics = resolved.diagnostics.finalized(sourceMap: shipped.sources)
    markSecretValues(shownBy: diagnostics, sources: shipped.sources, tiers: [shipped.tiers])
    let counts = resolved.diagnostics.counts
    return DiagnosticFormat.allCases.map { format in
        render(diagnostics, as: format, sourceMap: shipped.sources, style: .plain, counts: counts, toolVersion: "fuzz")
    }.joined(separator: "\n")
}
