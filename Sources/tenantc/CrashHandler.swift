#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Exit code 3 for internal errors: a trap or a fault inside tenantc is a bug, never the user's
/// fault, so it gets a message asking for a report instead of a raw signal death.
enum CrashHandler {
    static func install() {
        // Run on an alternate stack, so that a stack overflow can still be reported.
        let size = 64 * 1024
        if let stack = malloc(size) {
            var ss = stack_t()
            ss.ss_sp = stack
            ss.ss_size = size
            ss.ss_flags = 0
            sigaltstack(&ss, nil)
        }
        for sig in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGABRT] {
            var action = sigaction()
            action.sa_flags = Int32(SA_ONSTACK) | Int32(bitPattern: UInt32(SA_RESETHAND))
            #if canImport(Darwin)
            action.__sigaction_u.__sa_handler = handler
            #else
            action.__sigaction_handler.sa_handler = handler
            #endif
            sigemptyset(&action.sa_mask)
            sigaction(sig, &action, nil)
        }
    }
}

private func handler(_ signal: Int32) {
    // Only async-signal-safe calls here.
    CrashHandlerMessage.write()
    _exit(3)
}

private enum CrashHandlerMessage {
    static func write() {
        let m: StaticString = "tenantc: internal error: the compiler crashed. This is a bug in tenantc, not in your files; please report it with the input that triggers it.\n"
        _ = Glibc.write(2, m.utf8Start, m.utf8CodeUnitCount)
    }
}
