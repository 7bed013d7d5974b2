/// Why a throwaway server could not be started, used or stopped: what was run and what it said.
public struct ServerError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
