#!/usr/bin/env bash
# Starts the console under Xvfb on the CO2-episode scenario and saves a screenshot of the main window
# (map with sensors, live chart, alert list) to docs/screenshot-console.png, or to the path given.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs/screenshot-console.png}"

bash scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DCITYOPS_BUILD_TESTS=OFF -DCITYOPS_BUILD_BENCH=OFF >/dev/null
cmake --build build/release --target cityops
QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x1000x24" \
  build/release/app/cityops --scenario co2-episode --speed 120 --screenshot "$out" --screenshot-after 9
