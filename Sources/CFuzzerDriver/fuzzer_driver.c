// The declaration in include/fuzzer_driver.h is all this module provides; SwiftPM wants a source.
#include "fuzzer_driver.h"
