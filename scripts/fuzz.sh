#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan, libraries coverage-instrumented)
# and runs each for N minutes on a scratch copy of its seed corpus (the committed corpus is never
# changed). Prints per target: runs, execs/s, coverage (libFuzzer's cov:) and any crash file.
#
#   scripts/fuzz.sh [--minutes N] [--timeout S] [--build-dir DIR] [--jobs J] [target...]
#
# --timeout S: seconds one input may take before libFuzzer reports it (default 10; raise it on a loaded
# machine, where a starved process can exceed 10 s on an input that takes milliseconds).
# Targets: json_event receipt csv scenario geojson gateway_intake kafka_payload kafka_avro (default: all).
# Needs clang and libclang-rt-14-dev (scripts/install-deps.sh --fuzz). A crash input is saved to
# <build-dir>/findings/<target>/; add it to tests/fuzz/regressions/<target>/ once fixed, so the CTest
# replays (fuzz_replay_<target>) keep checking it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MINUTES=1
TIMEOUT=10
BUILD="$ROOT/build/fuzz"
JOBS=2
ALL=(json_event receipt csv scenario geojson gateway_intake kafka_payload kafka_avro)
TARGETS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES="$2"; shift 2 ;;
    --timeout) TIMEOUT="$2"; shift 2 ;;
    --build-dir) BUILD="$2"; shift 2 ;;
    --jobs) JOBS="$2"; shift 2 ;;
    -h|--help) sed -n 2,14p "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")
command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ not found (scripts/install-deps.sh --fuzz)" >&2; exit 1; }

CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCITYOPS_FUZZ=ON -DCITYOPS_SANITIZE=ON -DCITYOPS_BUILD_BENCH=OFF \
  -DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link >/dev/null
ninja -C "$BUILD" -j"$JOBS" $(printf 'fuzz_%s ' "${TARGETS[@]}")

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
status=0
printf '%-16s %8s %12s %10s %8s %s\n' target minutes execs execs/s cov finding
for t in "${TARGETS[@]}"; do
  work="$BUILD/fuzz-run/$t"
  findings="$BUILD/findings/$t"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$findings"
  cp -r "$ROOT/tests/fuzz/corpus/$t/." "$work/corpus/"
  dict=()
  [ -f "$ROOT/tests/fuzz/$t.dict" ] && dict=(-dict="$ROOT/tests/fuzz/$t.dict")
  set +e
  "$BUILD/tests/fuzz/fuzz_$t" "$work/corpus" "${dict[@]}" -max_total_time=$((MINUTES * 60)) \
    -max_len=65536 -timeout="$TIMEOUT" -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$findings/" >"$work/log.txt" 2>&1
  rc=$?
  set -e
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log.txt" | grep -o '[0-9]*$' || echo 0)
  rate=$(grep -o 'exec/s: [0-9]*' "$work/log.txt" | tail -1 | grep -o '[0-9]*$' || echo 0)
  cov=$(grep -o 'cov: [0-9]*' "$work/log.txt" | tail -1 | grep -o '[0-9]*$' || echo 0)
  crash=$(ls "$findings" 2>/dev/null | head -1)
  if [ $rc -ne 0 ] || [ -n "$crash" ]; then
    status=1
    printf '%-16s %8s %12s %10s %8s %s\n' "$t" "$MINUTES" "$runs" "$rate" "$cov" "CRASH: $findings/${crash:-?} (log $work/log.txt)"
  else
    printf '%-16s %8s %12s %10s %8s %s\n' "$t" "$MINUTES" "$runs" "$rate" "$cov" "none"
  fi
done
exit $status
