import Foundation

/// Runs a program to completion. Standard input, output and error go through files, not pipes:
/// a client that writes a lot to one stream while the caller waits on another cannot block.
enum ProgramRunner {
    static func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil,
                    stdin: String = "", in directory: URL? = nil) throws -> CommandOutput {
        let scratch = try ScratchSpace.makeDirectory("run")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let input = try fileHandle(scratch.appendingPathComponent("stdin"), contents: stdin, forWriting: false)
        let output = try fileHandle(scratch.appendingPathComponent("stdout"), contents: "", forWriting: true)
        let errors = try fileHandle(scratch.appendingPathComponent("stderr"), contents: "", forWriting: true)
        defer { for handle in [input, output, errors] { try? handle.close() } }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = directory }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        return CommandOutput(status: process.terminationStatus,
                             stdout: try String(contentsOf: scratch.appendingPathComponent("stdout"), encoding: .utf8),
                             stderr: try String(contentsOf: scratch.appendingPathComponent("stderr"), encoding: .utf8))
    }

    /// `run`, for a program that must succeed: its output, or an error that shows what it said.
    @discardableResult
    static func check(_ program: String, _ arguments: [String], environment: [String: String]? = nil,
                      stdin: String = "", in directory: URL? = nil) throws -> CommandOutput {
        let result = try run(program, arguments, environment: environment, stdin: stdin, in: directory)
        guard result.succeeded else {
            throw ServerError("\(program) \(arguments.joined(separator: " ")) failed: \(result)")
        }
        return result
    }

    private static func fileHandle(_ url: URL, contents: String, forWriting: Bool) throws -> FileHandle {
        try Data(contents.utf8).write(to: url)
        return forWriting ? try FileHandle(forWritingTo: url) : try FileHandle(forReadingFrom: url)
    }
}

/// The first executable file called `name` in the directories of `PATH`.
func executableOnPath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    for directory in path.split(separator: ":") where !directory.isEmpty {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}
