#!/usr/bin/env bash
# Runs every benchmark (`make bench`). BENCH_SECONDS sets each measurement's length;
# CI runs them only in a short smoke mode. Benchmarks print figures and a ratio to a
# floor measured in the same run; they never fail on a number.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
secs=${BENCH_SECONDS:-5}
"$top/bench/http.sh" "$build" "$secs"
"$top/bench/ingest.sh" "$build" "$secs"
python3 "$top/bench/read.py" "$build" "${BENCH_READ_COUNT:-100000}"
python3 "$top/bench/import.py" "$build" "${BENCH_IMPORT_COUNT:-100000}"
