import Foundation

/// The PostgreSQL programs the tests run: the first directory on `PATH` with initdb, pg_ctl and
/// postgres, else the highest version under Debian's /usr/lib/postgresql/<version>/bin (where
/// those programs are kept off `PATH`). psql comes from the same directory when it is there,
/// so client and server are one version.
struct PostgresInstallation: Sendable {
    let initdb: String
    let pgCtl: String
    let postgres: String
    let psql: String

    static let serverPrograms = ["initdb", "pg_ctl", "postgres"]
    static let debianRoot = "/usr/lib/postgresql"

    static let found: PostgresInstallation? = {
        guard let bin = candidateDirectories().first(where: hasServerPrograms) else { return nil }
        guard let psql = executable(in: bin, "psql") ?? executableOnPath("psql") else { return nil }
        return PostgresInstallation(initdb: bin + "/initdb", pgCtl: bin + "/pg_ctl", postgres: bin + "/postgres", psql: psql)
    }()

    private static func candidateDirectories() -> [String] {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return path + debianDirectoriesNewestFirst()
    }

    private static func debianDirectoriesNewestFirst() -> [String] {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: debianRoot)) ?? []
        return versions.compactMap { name in Double(name).map { (name, $0) } }
            .sorted { $0.1 > $1.1 }
            .map { "\(debianRoot)/\($0.0)/bin" }
    }

    private static func hasServerPrograms(_ directory: String) -> Bool {
        serverPrograms.allSatisfy { executable(in: directory, $0) != nil }
    }

    private static func executable(in directory: String, _ name: String) -> String? {
        let path = directory + "/" + name
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }
}
