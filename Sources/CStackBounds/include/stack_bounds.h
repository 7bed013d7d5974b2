#ifndef TENANTC_STACK_BOUNDS_H
#define TENANTC_STACK_BOUNDS_H
#include <stdint.h>

/// The lowest address of the calling thread's stack, or 0 when it cannot be known.
uintptr_t tenantc_stack_low(void);

#endif
