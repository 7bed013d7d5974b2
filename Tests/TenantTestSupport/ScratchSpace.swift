import Foundation

/// A directory of this test process's own for the files of client runs (a script on standard
/// input, what a program wrote), deleted when the process ends, however it ends.
enum ScratchSpace {
    private static let root: Result<(URL, ExitWatchdog), ServerError> = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tenantc-clients-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            return .success((url, try ExitWatchdog(commands: [], removing: url)))
        } catch {
            return .failure(ServerError("cannot make a scratch directory \(url.path): \(error)"))
        }
    }()

    /// A new, empty directory; the caller deletes it when done.
    static func makeDirectory(_ prefix: String) throws -> URL {
        let url = try root.get().0.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
