#!/usr/bin/env bash
# Compares the SQL golden files with DuckDB (@duckdb/node-api from scripts/install-deps.sh --bench).
# Exit 0 equal, 1 different, 77 skipped (node or DuckDB missing). Usage: duckdb_compare.sh [repo root]
set -euo pipefail
root="${1:-$(cd "$(dirname "$0")/../../.." && pwd)}"
if ! command -v node > /dev/null; then
  echo "SKIP: node not installed"
  exit 77
fi
exec node "$root/tests/engine/sql/duckdb_compare.mjs" "$root"
