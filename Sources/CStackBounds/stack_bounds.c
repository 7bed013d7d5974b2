// pthread_getattr_np needs _GNU_SOURCE, which Swift's Glibc module does not expose.
#define _GNU_SOURCE
#include "stack_bounds.h"
#include <pthread.h>

// glibc's pthread_getattr_np costs a system call (it asks for the thread's CPU affinity):
// the answer is cached per thread, as the stack of a thread never moves.
static __thread uintptr_t cached_low;

static uintptr_t stack_low_uncached(void);

uintptr_t tenantc_stack_low(void) {
    if (!cached_low) cached_low = stack_low_uncached();
    return cached_low;
}

static uintptr_t stack_low_uncached(void) {
#if defined(__APPLE__)
    pthread_t self = pthread_self();
    return (uintptr_t)pthread_get_stackaddr_np(self) - pthread_get_stacksize_np(self);
#else
    pthread_attr_t attr;
    void *address = 0;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return 0;
    int rc = pthread_attr_getstack(&attr, &address, &size);
    pthread_attr_destroy(&attr);
    return rc == 0 ? (uintptr_t)address : 0;
#endif
}

__attribute__((noinline)) uintptr_t tenantc_stack_position(void) {
    return (uintptr_t)__builtin_frame_address(0);
}
