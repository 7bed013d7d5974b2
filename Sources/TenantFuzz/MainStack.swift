// libFuzzer notices a timeout only on the thread that runs the inputs, and its timer's signal
// goes to the main thread: inputs must run on the main thread. Compiling wants the 64 MiB stack
// the driver's threads have (on a smaller one the library moves each parse and resolution to a
// new thread, at the cost of a thread per call); the main thread gets it from the stack limit,
// which is read when a program starts.
import Foundation
import TenantSyntax

let mainStackSize = rlim_t(compilerStackSize)
/// RLIMIT_STACK, as glibc's prototypes take it.
let stackResource = __rlimit_resource_t(RLIMIT_STACK.rawValue)
/// RLIM_INFINITY (all bits set), which Swift imports as a negative literal it cannot store.
let unlimitedStack = rlim_t.max

/// Re-executes the program with a 64 MiB stack limit when the limit is smaller; returns when the
/// main thread has that stack.
func ensureMainStack() {
    var limit = rlimit()
    guard getrlimit(stackResource, &limit) == 0, limit.rlim_cur != unlimitedStack, limit.rlim_cur < mainStackSize else { return }
    guard limit.rlim_max == unlimitedStack || limit.rlim_max >= mainStackSize else {
        exitWithUsage("the stack limit is at most \(limit.rlim_max) bytes; raise it to 64 MiB (ulimit -s 65536)")
    }
    limit.rlim_cur = mainStackSize
    guard setrlimit(stackResource, &limit) == 0 else { exitWithUsage("cannot raise the stack limit to 64 MiB (ulimit -s 65536)") }
    execv("/proc/self/exe", CommandLine.unsafeArgv)
    exitWithUsage("cannot restart with a 64 MiB stack (ulimit -s 65536 before running)")
}
