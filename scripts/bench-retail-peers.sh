#!/usr/bin/env bash
# Issue #8 benchmark: the retail workflow end to end in CityOps' batch engine (bench_retail), pandas
# (Debian python3-pandas) and DuckDB (npm @duckdb/node-api, 2 threads) on the same generated CSVs,
# 1 M rows (best of 3) and 10 M rows (~1 GB, once) by default. Prints one JSON object on stdout (times per
# phase and tool, peak RSS, speed-ups, whether the three agree on final rows, top-5 and averages);
# progress goes to stderr. Exit status 2 when the tools disagree.
#
#   scripts/bench-retail-peers.sh [rows[:runs] ...]      e.g. scripts/bench-retail-peers.sh 100000:3
#
# Env: BENCH_RETAIL (default build-rel/bench/bench_retail or build/bench/bench_retail), SKIP_TOOLS
# (comma list of cityops,pandas,duckdb), KEEP_CSV_DIR (reuse/keep generated CSVs there).
# Needs: scripts/install-deps.sh --bench (python3-pandas) and `npm ci --prefix scripts/bench` (done here
# when scripts/bench/node_modules is missing).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

bench="${BENCH_RETAIL:-}"
if [ -z "$bench" ]; then
  for candidate in "$root/build-rel/bench/bench_retail" "$root/build/bench/bench_retail"; do
    if [ -x "$candidate" ]; then bench="$candidate"; break; fi
  done
fi
[ -n "$bench" ] && [ -x "$bench" ] || { echo "bench-retail-peers: build bench_retail in Release and set BENCH_RETAIL" >&2; exit 1; }

if ! /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
  echo "bench-retail-peers: python3-pandas missing: run scripts/install-deps.sh --bench" >&2; exit 1
fi
if [ ! -d "$root/scripts/bench/node_modules/@duckdb/node-api" ]; then
  echo "bench-retail-peers: installing @duckdb/node-api into scripts/bench/node_modules" >&2
  npm ci --prefix "$root/scripts/bench" --no-audit --no-fund >&2
fi

if [ -n "${KEEP_CSV_DIR:-}" ]; then
  tmp="$KEEP_CSV_DIR"; mkdir -p "$tmp"
else
  tmp="$(mktemp -d -t cityops-retail-XXXXXX)"
  trap 'rm -rf "$tmp"' EXIT
fi

specs=("$@")
[ ${#specs[@]} -gt 0 ] || specs=(1000000:3 10000000:1)
/usr/bin/python3 "$root/scripts/bench/retail_peers.py" "$bench" "$tmp" "${specs[@]}"
