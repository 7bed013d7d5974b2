import CStackBounds

/// Tells a recursive evaluation that the thread's stack is nearly used up, so that it can stop
/// with a diagnostic instead of crashing — whatever thread it runs on and however deep the
/// user's input goes.
struct StackGuard {
    /// The lowest stack address the evaluation may reach (stacks grow down).
    private let floor: UInt

    /// Room kept for reporting the problem once the guard trips.
    static let margin: UInt = 256 * 1024

    init() {
        let lowest = UInt(tenantc_stack_low())
        floor = lowest == 0 ? 0 : lowest + StackGuard.margin
    }

    /// True when the current frame is within the margin of the end of the stack.
    @inline(__always)
    var isExhausted: Bool {
        var marker: UInt8 = 0
        return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) } < floor
    }
}
