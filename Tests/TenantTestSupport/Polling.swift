import Foundation

/// Checks `condition` until it holds or `timeout` seconds have passed; whether it held. For
/// waiting on another process (a server that starts, a connection that closes): the interval
/// only spaces the checks, nothing is timed by it.
public func waitUntil(timeout: Double, pollingEvery interval: Double = 0.02, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if try condition() { return true }
        if Date() >= deadline { return false }
        Thread.sleep(forTimeInterval: interval)
    }
}
