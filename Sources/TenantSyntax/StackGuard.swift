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

/// The stack of every thread tenantc compiles on (the driver's workers, a thread made for a
/// deep parse or resolution, the fuzzer's main thread): address space only, pages are used as
/// touched. The recursion limits of the parser and the evaluator, not the thread, then decide
/// when input nests too deep.
public let compilerStackSize = 64 << 20

/// Starts a thread with a `stackSize`-byte stack that runs `work`; nil when none could be made
/// (the caller then runs the work itself). The one place threads are made.
public func startThread(stackSize: Int = compilerStackSize, _ work: @escaping @Sendable () -> Void) -> pthread_t? {
    var attr = pthread_attr_t()
    pthread_attr_init(&attr)
    pthread_attr_setstacksize(&attr, stackSize)
    defer { pthread_attr_destroy(&attr) }
    let context = Unmanaged.passRetained(ThreadWork(work)).toOpaque()
    var thread = pthread_t()
    let rc = pthread_create(&thread, &attr, { raw in
        let work = Unmanaged<ThreadWork>.fromOpaque(raw!).takeRetainedValue()  // passed retained just above
        work.run()
        return nil
    }, context)
    guard rc == 0 else {
        Unmanaged<ThreadWork>.fromOpaque(context).release()
        return nil
    }
    return thread
}

private final class ThreadWork: Sendable {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}

/// Runs `body` where at least `needed` bytes of stack remain: on the calling thread when it has
/// them, else on a new thread with a `size`-byte stack. Compiling a config recurses as deep as
/// its input nests; this keeps the result the same whichever thread asked for it.
public func withStackSpace<T>(needed: Int = 16 << 20, size: Int = compilerStackSize, _ body: () -> T) -> T {
    let low = UInt(tenantc_stack_low())
    let here = UInt(tenantc_stack_position())
    if low == 0 || here < low || here - low >= UInt(needed) { return body() }
    return withoutActuallyEscaping(body) { body in
        // The calling thread waits for the new one: the body and its result are never shared.
        let box = StackSpaceBox(body)
        if let thread = startThread(stackSize: size, { box.run() }) {
            pthread_join(thread, nil)
        } else {
            box.run()  // no thread: run here rather than not at all
        }
        return box.result!  // set by `run`, on one thread or the other, before this line
    }
}

private final class StackSpaceBox<T>: @unchecked Sendable {
    let body: () -> T
    var result: T?
    init(_ body: @escaping () -> T) { self.body = body }
    func run() { result = body() }
}
