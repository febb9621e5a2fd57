#pragma once

// FUZZ_CHECK: an invariant of a fuzz target. A violation prints where and aborts, which libFuzzer
// (and the replay driver under CTest) reports as a finding with its input.

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            std::fprintf(stderr, "fuzz invariant failed: %s at %s:%d\n", #cond, __FILE__, __LINE__); \
            std::abort();                                                                      \
        }                                                                                      \
    } while (false)
