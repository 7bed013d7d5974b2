import TenantDiagnostics

/// Editors' unsaved buffers, by the absolute path of the file each stands for. A compile given
/// an overlay reads a buffer wherever it would read its file — an input, a tier file, another
/// file of the project — so that the language server checks what the user sees, not what was
/// last saved.
public struct SourceOverlay: Sendable {
    public var buffers: [String: [UInt8]]

    public init(_ buffers: [String: [UInt8]] = [:]) { self.buffers = buffers }

    /// `read`, with the buffers standing for their files. A buffer larger than a source file
    /// may be is refused as the file would be.
    func reading(through read: @escaping InputReader) -> InputReader {
        guard !buffers.isEmpty else { return read }
        let buffers = buffers
        return { path throws(IOFailure) in
            guard let buffer = buffers[path] else { return try read(path) }
            guard buffer.count <= FileSystem.maxSourceBytes else {
                throw IOFailure(path, "larger than \(FileSystem.maxSourceBytes >> 20) MiB", tooLarge: true)
            }
            return buffer
        }
    }
}

extension FileSystem {
    /// `readFile` with the default limit, as an `InputReader`.
    static let readSourceFile: InputReader = { path throws(IOFailure) in try FileSystem.readFile(path) }
}
