import Glibc

/// A monotonic clock for the timings the server reports when asked (`--timings`).
enum Clock {
    static var now: timespec {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return t
    }

    static func milliseconds(since start: timespec) -> Double {
        let end = now
        return Double(end.tv_sec - start.tv_sec) * 1000 + Double(end.tv_nsec - start.tv_nsec) / 1_000_000
    }
}
