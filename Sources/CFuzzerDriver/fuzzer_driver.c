// LLVMFuzzerRunDriver comes with -sanitize=fuzzer: its declaration in include/fuzzer_driver.h
// is all this file provides.
#include "fuzzer_driver.h"
