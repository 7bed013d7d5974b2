// Counts the heap the process holds, so that a fuzz target can tell how much memory one input
// made the compiler take: libFuzzer's own limits only see the whole process, or one allocation.
#include "heap_watch.h"
#include <stdatomic.h>

// From the sanitizer runtime (sanitizer/allocator_interface.h), linked in by -sanitize=address.
int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void *, size_t),
                                              void (*free_hook)(const volatile void *));
size_t __sanitizer_get_allocated_size(const volatile void *p);

static _Atomic long live;
static _Atomic long peak;
static atomic_flag installed = ATOMIC_FLAG_INIT;

static void on_malloc(const volatile void *p, size_t size) {
  (void)p;
  long now = atomic_fetch_add_explicit(&live, (long)size, memory_order_relaxed) + (long)size;
  long seen = atomic_load_explicit(&peak, memory_order_relaxed);
  while (now > seen && !atomic_compare_exchange_weak_explicit(&peak, &seen, now, memory_order_relaxed, memory_order_relaxed)) {
  }
}

// Called before the block is released, while its size can still be asked for.
static void on_free(const volatile void *p) {
  if (p) atomic_fetch_sub_explicit(&live, (long)__sanitizer_get_allocated_size(p), memory_order_relaxed);
}

void tenantc_heap_watch_start(void) {
  if (!atomic_flag_test_and_set(&installed)) __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
}

long tenantc_heap_live(void) { return atomic_load_explicit(&live, memory_order_relaxed); }

long tenantc_heap_peak(void) { return atomic_load_explicit(&peak, memory_order_relaxed); }

void tenantc_heap_reset_peak(void) { atomic_store_explicit(&peak, tenantc_heap_live(), memory_order_relaxed); }
