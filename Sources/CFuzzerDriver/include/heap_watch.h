#ifndef TENANTC_HEAP_WATCH_H
#define TENANTC_HEAP_WATCH_H
#include <stddef.h>

/// Starts counting the bytes the process holds on the heap (through the sanitizer's malloc and
/// free hooks); idempotent.
void tenantc_heap_watch_start(void);
/// The bytes held now, counted from the start.
long tenantc_heap_live(void);
/// The most held since the last reset.
long tenantc_heap_peak(void);
/// Makes the bytes held now the peak.
void tenantc_heap_reset_peak(void);

#endif
