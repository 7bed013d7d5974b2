import Foundation
import TenantBackends
import TenantCompiler
import TenantDiagnostics
import Testing

/// Only regular files are read: a FIFO, a socket or a device where a file is expected is an
/// error, never a wait; and standard input is read no further than a source file may be long.
@Suite struct SpecialFileTests {
    @Test func aFIFOAmongTheInputsIsAnErrorNotAHang() throws {
        let p = try Project(tenants: ["alpha": goodTenant("alpha")])
        defer { p.remove() }
        try #require(mkfifo(p.path("tenants/fifo.tenant"), 0o644) == 0)
        for inputs in [["tenants/alpha.tenant", "tenants/fifo.tenant"], ["tenants"]] {
            let outcome = Compiler.run(CompileRequest(inputs: inputs.map { SourceInput(path: $0) }, workingDirectory: p.root.path))
            #expect(outcome.exitCode == 2)
            #expect(outcome.diagnostics.contains { $0.code == .unreadableFile && $0.message.contains("tenants/fifo.tenant: is a FIFO") },
                    "\(humanText(outcome))")
        }
    }

    @Test func aFIFOInTheTiersIsAnErrorNotAHang() throws {
        let p = try Project(tenants: ["alpha": goodTenant("alpha")])
        defer { p.remove() }
        try #require(mkfifo(p.path("tiers/late.tenant"), 0o644) == 0)
        let outcome = p.build(["alpha"])
        #expect(outcome.exitCode == 2)
        #expect(outcome.diagnostics.contains { $0.code == .unreadableFile && $0.message.contains("tiers/late.tenant: is a FIFO") },
                "\(humanText(outcome))")
        #expect(!FileManager.default.fileExists(atPath: p.path("out")))
    }

    @Test func aFIFOAsTheKeyFileIsAnErrorNotAHang() throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try #require(mkfifo(dir.appendingPathComponent("key").path, 0o600) == 0)
        let run = try TenantcCLI.run(["check", repoRoot + "/examples/existing_tenant.tenant", "--key-file", "key"], in: dir)
        #expect(run.status == 2)
        #expect(run.stderr.contains("key file key is not a regular file"), "\(run.stderr)")
    }

    /// Runs `tenantc` with `file` as standard input; returns the status, stderr, and how far
    /// into the file tenantc read (the offset is shared with the child).
    static func runWithInput(_ arguments: [String], file: String, in dir: URL) throws -> (status: Int32, stderr: String, offset: Int64) {
        let input = try #require(FileHandle(forReadingAtPath: file))
        defer { try? input.close() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: TenantcCLI.tenantc)
        p.arguments = arguments
        p.currentDirectoryURL = dir
        let errors = Pipe()
        p.standardInput = input
        p.standardOutput = FileHandle.nullDevice
        p.standardError = errors
        try p.run()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: err, as: UTF8.self), Int64(lseek(input.fileDescriptor, 0, SEEK_CUR)))
    }

    @Test func standardInputOverTheLimitIsE0009AndIsNotReadToItsEnd() throws {
        let dir = try TenantcCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(atPath: repoRoot + "/tiers", toPath: dir.appendingPathComponent("tiers").path)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("tenants"), withIntermediateDirectories: true)
        let big = dir.appendingPathComponent("tenants/big.tenant").path
        let limit = 16 << 20
        #expect(FileManager.default.createFile(atPath: big, contents: nil))
        try #require(truncate(big, off_t(4 * limit)) == 0)  // sparse: 64 MiB of NULs that take no disk
        let asFile = try TenantcCLI.run(["check", "tenants/big.tenant", "--color", "never"], in: dir)
        let asBuffer = try Self.runWithInput(["check", "--stdin-filename", "tenants/big.tenant", "-", "--color", "never"], file: big, in: dir)
        #expect(asFile.status == 1)
        #expect(asFile.stderr.contains("E0009"), "\(asFile.stderr)")
        #expect(asBuffer.status == asFile.status)
        #expect(asBuffer.stderr == asFile.stderr)
        #expect(asBuffer.offset == Int64(limit + 1), "tenantc read \(asBuffer.offset) bytes of standard input")
    }
}
