#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds CityOps (Release) and starts the console on its embedded
# simulator: no network, no Kafka. Extra arguments go to cityops (e.g. --scenario quiet-day).
# Without a display, cityops says so and prints the equivalent headless command instead.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DCITYOPS_BUILD_TESTS=OFF -DCITYOPS_BUILD_BENCH=OFF >/dev/null
cmake --build build/release --target cityops
exec build/release/app/cityops "$@"
