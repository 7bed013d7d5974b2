import Synchronization
import TenantSyntax

/// Runs `body(i)` for every i in `0..<count` on `jobs` threads; each index runs exactly once.
/// Results go through `ResultSlots`, so callers get them back in index order.
///
/// The threads are created with large stacks, so that the evaluator's recursion depth limits —
/// not the thread that happened to run a tenant — decide when input is too deep. Even `jobs: 1`
/// runs on such a thread, so diagnostics do not depend on the thread count.
func parallelFor(_ count: Int, jobs: Int, _ body: @Sendable (Int) -> Void) {
    parallelFor(count, jobs: jobs) { (_: Int, i: Int) in body(i) }
}

/// The same, telling `body` which worker (0..<jobs) runs it: for per-thread state.
func parallelFor(_ count: Int, jobs: Int, _ body: @Sendable (_ worker: Int, _ index: Int) -> Void) {
    guard count > 0 else { return }
    let workers = max(1, min(jobs, count))
    if workers == 1 {
        // One worker: the calling thread, when it already has a worker's stack (the driver's
        // own thread does); a thread costs more than checking one file.
        withStackSpace(needed: workerStackSize - (1 << 20), size: workerStackSize) {
            for i in 0..<count { body(0, i) }
        }
        return
    }
    let next = Atomic<Int>(0)
    let started = Atomic<Int>(0)
    withoutActuallyEscaping(body) { body in
        runOnLargeStacks(threads: workers) {
            let worker = started.add(1, ordering: .relaxed).oldValue
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                if i >= count { break }
                body(worker, i)
            }
        }
    }
}

/// Stack size of the worker threads.
let workerStackSize = compilerStackSize

/// Runs `work` on `threads` new threads (`startThread`) and waits for them all.
private func runOnLargeStacks(threads: Int, _ work: @escaping @Sendable () -> Void) {
    var ids: [pthread_t] = []
    for _ in 0..<threads {
        if let thread = startThread(stackSize: workerStackSize, work) {
            ids.append(thread)
        } else {
            work()  // no thread: do the work here rather than lose it
        }
    }
    for tid in ids { pthread_join(tid, nil) }
}

/// A fixed array that parallel workers fill, each index written by exactly one worker.
final class ResultSlots<T>: @unchecked Sendable {
    // Safe: `parallelFor` hands every index to exactly one worker, and reads happen after it
    // returns. A raw buffer, because Swift's exclusivity checks on an array property would trap
    // on concurrent writes to distinct elements.
    private let storage: UnsafeMutableBufferPointer<T?>

    init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    func set(_ i: Int, _ value: T) { storage[i] = value }

    /// Reads slot `i`: only by the worker that owns it while workers run.
    func get(_ i: Int) -> T? { storage[i] }

    var values: [T?] { Array(storage) }

    /// Every value moved out (no copies, no reference counting), `missing` for a slot never
    /// set; the slots are left empty.
    func takeAll(missing: T) -> [T] {
        guard let base = storage.baseAddress else { return [] }
        return (0..<storage.count).map { i in
            let value = (base + i).move()
            (base + i).initialize(to: nil)
            return value ?? missing
        }
    }
}

/// The number of cores, the default for `--jobs`.
public var availableCores: Int {
    max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
