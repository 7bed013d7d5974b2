import Foundation

/// A database cluster made once per test process with `initdb` (a second or two) and copied for
/// each server (a fraction of that): UTF8, C locale, the superuser `postgres`, the settings of
/// `PostgresServer.settings` and its pg_hba.conf. Deleted when the process ends.
struct PostgresTemplate: Sendable {
    let installation: PostgresInstallation
    let account: ServerAccount
    let dataDirectory: URL
    /// Kept for the life of the process: its cleanup runs when the process ends.
    private let watchdog: ExitWatchdog

    static let shared: Result<PostgresTemplate, ServerError> = {
        do { return .success(try make()) }
        catch let error as ServerError { return .failure(error) }
        catch { return .failure(ServerError("\(error)")) }
    }()

    private static func make() throws -> PostgresTemplate {
        guard let installation = PostgresInstallation.found else { throw ServerError(PostgresServer.howToGetIt) }
        let account = try ServerAccount.current.get()
        let directory = try PostgresServer.makeServerDirectory("tenantc-pg-template", account: account)
        let watchdog = try ExitWatchdog(commands: [], removing: directory)
        let data = directory.appendingPathComponent("data")
        do {
            try initdb(installation, account: account, data: data)
            try configure(data, account: account)
        } catch {
            watchdog.fire()
            throw error
        }
        return PostgresTemplate(installation: installation, account: account, dataDirectory: data, watchdog: watchdog)
    }

    /// `--no-sync`: a cluster the tests throw away needs no fsync, and initdb's are most of its time.
    private static func initdb(_ installation: PostgresInstallation, account: ServerAccount, data: URL) throws {
        let (program, arguments) = account.command([
            installation.initdb, "--pgdata=\(data.path)", "--username=\(PostgresServer.superuser)", "--encoding=UTF8",
            "--locale=C", "--auth=trust", "--no-sync",
        ])
        try ProgramRunner.check(program, arguments, environment: PostgresClient.environment(), in: data.deletingLastPathComponent())
    }

    /// The settings, then `instance.conf`, which each server writes with its port and socket directory.
    private static func configure(_ data: URL, account: ServerAccount) throws {
        let conf = data.appendingPathComponent("postgresql.conf")
        let settings = try String(contentsOf: conf, encoding: .utf8) + "\n" + PostgresServer.settings.joined(separator: "\n")
            + "\ninclude_if_exists = '\(PostgresServer.instanceSettingsFile)'\n"
        try write(settings, to: conf, account: account)
        try write(PostgresServer.hbaFile(testLines: PostgresServer.defaultHBALines), to: data.appendingPathComponent("pg_hba.conf"), account: account)
    }

    static func write(_ text: String, to url: URL, account: ServerAccount) throws {
        try Data(text.utf8).write(to: url)
        try account.own(url)
    }
}
