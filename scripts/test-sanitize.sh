#!/usr/bin/env bash
# Builds the Qt-free core (engine, simulation) and its tests with AddressSanitizer and
# UndefinedBehaviorSanitizer, and runs those tests. CI runs it before the full suite.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE= "-DCMAKE_CXX_FLAGS=-O1 -g1 -DNDEBUG" -DCITYOPS_WERROR=ON -DCITYOPS_SANITIZE=ON \
      -DCITYOPS_BUILD_GUI=OFF -DCITYOPS_BUILD_BENCH=OFF >/dev/null
cmake --build build/asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --output-on-failure -j "$(nproc)" -L 'engine|simulation|layering'
