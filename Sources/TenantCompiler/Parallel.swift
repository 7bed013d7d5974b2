import Dispatch
import Synchronization

/// Runs `body(i)` for every i in `0..<count` on `jobs` threads; each index runs exactly once.
/// Results go through `ResultSlots`, so callers get them back in index order.
func parallelFor(_ count: Int, jobs: Int, _ body: @Sendable (Int) -> Void) {
    guard count > 0 else { return }
    let workers = max(1, min(jobs, count))
    if workers == 1 {
        for i in 0..<count { body(i) }
        return
    }
    let next = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while true {
            let i = next.add(1, ordering: .relaxed).oldValue
            if i >= count { break }
            body(i)
        }
    }
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

    var values: [T?] { Array(storage) }
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
