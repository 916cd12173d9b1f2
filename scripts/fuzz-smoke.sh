#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR for SECONDS each, starting from its seed
# corpus fuzz/corpus/<name>/ (copied, so the run does not write into the tree).
# Exits non-zero on the first crash, leak or assertion a target finds.
set -euo pipefail
build=$(cd "${1:-build-fuzz}" && pwd)
seconds=${2:-20}
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
found=0
for bin in "$build"/fuzz_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	seeds="$top/fuzz/corpus/${name#fuzz_}"
	mkdir -p "$work/$name"
	[ -d "$seeds" ] && cp -r "$seeds"/. "$work/$name/"
	echo "fuzz-smoke: $name for ${seconds}s"
	(cd "$work" && "$bin" -max_total_time="$seconds" -print_final_stats=1 "$work/$name" \
		2>"$work/$name.log") || { tail -40 "$work/$name.log"; exit 1; }
	grep -E "stat::number_of_executed_units|Done" "$work/$name.log" | tail -2 | sed "s/^/  /"
	found=$((found + 1))
done
if [ "$found" -eq 0 ]; then
	echo "fuzz-smoke: no fuzz targets in $build" >&2
	exit 1
fi
