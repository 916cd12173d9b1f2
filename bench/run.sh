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
# Tenants (issue #11): the full sizes (500 companies, a 60 s window, a burst of 100 × 2000;
# several minutes) when BENCH_SECONDS is 60 or more; else a smoke run of a few companies
# whose window covers one import interval. BENCH_TENANTS etc. set by hand win either way.
if [ "$secs" -lt 60 ]; then
	export BENCH_TENANTS=${BENCH_TENANTS:-5} BENCH_BURST_TENANTS=${BENCH_BURST_TENANTS:-3}
	export BENCH_BURST_ADDRESSES=${BENCH_BURST_ADDRESSES:-200}
	iv=${BENCH_INTERVAL_S:-10}
	export BENCH_WINDOW_S=${BENCH_WINDOW_S:-$((secs > iv + 2 ? secs : iv + 2))}
fi
python3 "$top/bench/tenants.py" "$build"
