#ifndef TENANTC_STACK_BOUNDS_H
#define TENANTC_STACK_BOUNDS_H
#include <stdint.h>

/// The lowest address of the calling thread's stack, or 0 when it cannot be known.
uintptr_t tenantc_stack_low(void);

/// The caller's current stack position: the real frame address, even under AddressSanitizer,
/// whose fake stacks move the addresses of locals to the heap.
uintptr_t tenantc_stack_position(void);

#endif
