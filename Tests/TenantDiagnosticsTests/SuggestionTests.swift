import Testing
import TenantDiagnostics

@Suite("Did you mean")
struct SuggestionTests {
    let topLevel = ["tier", "environment", "databases", "caches", "limits", "backup"]
    let databases = ["postgresql", "mysql", "mariadb", "mongodb", "redis"]
    let tiers = ["free", "standard", "premium", "enterprise"]
    let environments = ["development", "staging", "production"]

    @Test func missingLetter() { #expect(suggestion(for: "databses", among: topLevel) == "databases") }

    @Test func wrongEnding() { #expect(suggestion(for: "postgress", among: databases) == "postgresql") }

    @Test func transpositionCountsOnce() {
        #expect(suggestion(for: "standrad", among: tiers) == "standard")
        // "ab" → "ba" is one transposition; plain Levenshtein would need two edits (over the threshold).
        #expect(suggestion(for: "ab", among: ["ba"]) == "ba")
    }

    @Test func abbreviationsAreNotExpanded() {
        // `prod` is 6 edits from `production`, far beyond max(1, 4 / 3) = 1.
        #expect(suggestion(for: "prod", among: environments) == nil)
        #expect(suggestion(for: "stagin", among: environments) == "staging")
    }

    @Test func nothingClose() {
        #expect(suggestion(for: "kubernetes", among: topLevel) == nil)
        #expect(suggestion(for: "x", among: ["y"]) == nil)  // a full replacement shares nothing
        #expect(suggestion(for: "", among: topLevel) == nil)
        #expect(suggestion(for: "tier", among: [String]()) == nil)
    }

    @Test func caseInsensitive() {
        #expect(suggestion(for: "PostgreSQL", among: databases) == "postgresql")
        #expect(suggestion(for: "Standrad", among: tiers) == "standard")
        #expect(suggestion(for: "ÉTÉ", among: ["hiver", "été"]) == "été")
        // An exact case-insensitive match beats a closer-looking earlier candidate.
        #expect(suggestion(for: "Tiers", among: ["tier", "tiers"]) == "tiers")
    }

    @Test func separatorsAreIgnored() {
        #expect(suggestion(for: "max-connections", among: ["max_connections", "connections"]) == "max_connections")
        #expect(suggestion(for: "MaxConnections", among: ["idle_timeout", "max_connections"]) == "max_connections")
    }

    @Test func identicalNameIsNotASuggestion() {
        #expect(suggestion(for: "tier", among: ["tier"]) == nil)
        #expect(suggestion(for: "tier", among: ["tier", "tiers"]) == "tiers")
    }

    @Test func tiesGoToTheEarlierCandidate() {
        #expect(suggestion(for: "cat", among: ["bat", "cut", "cab"]) == "bat")
        #expect(suggestion(for: "cat", among: ["cut", "bat"]) == "cut")
        // A smaller distance wins regardless of order.
        #expect(suggestion(for: "backups", among: ["backlogs", "backup"]) == "backup")
    }

    @Test func acceptsAnySequence() {
        #expect(suggestion(for: "redsi", among: databases.lazy.map { $0 }) == "redis")
        #expect(suggestion(for: "mongo_db", among: Set(databases)) == "mongodb")
    }
}
