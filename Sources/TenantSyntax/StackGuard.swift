import CStackBounds

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Tells a recursive evaluation that the thread's stack is nearly used up, so that it can stop
/// with a diagnostic instead of crashing — whatever thread it runs on and however deep the
/// user's input goes.
public struct StackGuard: Sendable {
    /// The lowest stack address the evaluation may reach (stacks grow down).
    private let floor: UInt

    /// Room kept for reporting the problem once the guard trips.
    public static let margin: UInt = 256 * 1024

    public init() {
        let lowest = UInt(tenantc_stack_low())
        floor = lowest == 0 ? 0 : lowest + StackGuard.margin
    }

    /// True when the current frame is within the margin of the end of the stack.
    @inline(__always)
    public var isExhausted: Bool { UInt(tenantc_stack_position()) < floor }
}

/// Runs `body` where at least `needed` bytes of stack remain: on the calling thread when it has
/// them, else on a new thread with a `size`-byte stack. Compiling a config recurses as deep as
/// its input nests; this keeps the result the same whichever thread asked for it.
public func withStackSpace<T>(needed: Int = 16 << 20, size: Int = 64 << 20, _ body: () -> T) -> T {
    let low = UInt(tenantc_stack_low())
    let here = UInt(tenantc_stack_position())
    if low == 0 || here < low || here - low >= UInt(needed) { return body() }
    return withoutActuallyEscaping(body) { body in
        let box = StackSpaceBox(body)
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        pthread_attr_setstacksize(&attr, size)
        defer { pthread_attr_destroy(&attr) }
        var thread = pthread_t()
        let started = pthread_create(&thread, &attr, { raw in
            let box = Unmanaged<AnyObject>.fromOpaque(raw!).takeUnretainedValue() as! StackSpaceRunnable  // the box passed below
            box.run()
            return nil
        }, Unmanaged.passUnretained(box as AnyObject).toOpaque())
        if started != 0 {
            box.run()  // no thread: run here rather than not at all
        } else {
            pthread_join(thread, nil)
        }
        return box.result!  // set by `run`, on one thread or the other, before this line
    }
}

private protocol StackSpaceRunnable: AnyObject {
    func run()
}

private final class StackSpaceBox<T>: StackSpaceRunnable {
    let body: () -> T
    var result: T?
    init(_ body: @escaping () -> T) { self.body = body }
    func run() { result = body() }
}
