#!/usr/bin/env bash
# Installs CityOps' build and test dependencies from Debian 12 packages.
# Idempotent: when every package is already installed it returns at once without apt-get.
# Optional groups (not needed by the build or CI):
#   --bench   python3-pandas for scripts/bench-retail-peers.sh (DuckDB comes from npm, see that script)
#   --fuzz    clang and its libFuzzer/sanitizer runtimes for scripts/fuzz.sh
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config ninja-build
  qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev libqt6svg6-dev
  qt6-charts-dev qt6-positioning-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  qt6-svg-dev qt6-websockets-dev qt6-httpserver-dev
  libqcustomplot-dev
  librdkafka-dev libsqlite3-dev libboost-dev libsimdjson-dev libfast-float-dev
  libxlsxwriter-dev libavro-dev qtkeychain-qt6-dev
  zlib1g-dev
  libgtest-dev libbenchmark-dev
  xvfb xauth
  python3
)
BENCH_PACKAGES=(python3-pandas)
FUZZ_PACKAGES=(clang libclang-rt-14-dev)
for arg in "$@"; do
  case "$arg" in
    --bench) PACKAGES+=("${BENCH_PACKAGES[@]}") ;;
    --fuzz) PACKAGES+=("${FUZZ_PACKAGES[@]}") ;;
    *) echo "install-deps: unknown option '$arg' (known: --bench, --fuzz)" >&2; exit 1 ;;
  esac
done

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${#missing[@]} missing package(s): ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-deps: need root or sudo to run apt-get" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
