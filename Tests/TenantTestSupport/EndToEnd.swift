import Foundation

/// The switch `.ci/run` sets: with `TENANTC_REQUIRE_E2E=1`, a test that needs an external
/// program (an editor, pre-commit, a database server) fails when it is missing instead of being
/// skipped, so CI cannot pass without having run it.
public enum EndToEnd {
    public static let required = ProcessInfo.processInfo.environment["TENANTC_REQUIRE_E2E"] == "1"
}
