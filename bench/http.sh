#!/usr/bin/env bash
# HTTP layer overhead: wrk (keep-alive, loopback) against immosync's /healthz and
# against a bare libmicrohttpd server answering the same bytes (the floor), in the
# same run. Prints requests/s, latency p50/p99 and the ratio ours/floor.
#   bench/http.sh [BUILD_DIR] [SECONDS]
set -euo pipefail
build=${1:-build}
secs=${2:-5}
conns=${BENCH_CONNECTIONS:-32}
. "$(dirname "$0")/lib.sh"

measure() { # name url -> "rps p50 p99"
	wrk -t2 -c"$conns" -d"${secs}s" --latency "$2/healthz" >"$work/$1.wrk"
	local rps p50 p99
	rps=$(awk '/Requests\/sec/ {print $2}' "$work/$1.wrk")
	p50=$(awk '$1=="50%" {print $2}' "$work/$1.wrk")
	p99=$(awk '$1=="99%" {print $2}' "$work/$1.wrk")
	echo "$rps $p50 $p99"
}

start floor "$build/bench_http_floor"
floor_url=$url
start immosync "$build/immosync" serve --listen 127.0.0.1:0 --db "$work/bench.db"
ours_url=$url

read -r f_rps f_p50 f_p99 < <(measure floor "$floor_url")
read -r o_rps o_p50 o_p99 < <(measure immosync "$ours_url")
ratio=$(awk -v a="$o_rps" -v b="$f_rps" 'BEGIN { printf "%.2f", a / b }')
printf 'http /healthz, %s connections, %s s each, loopback, keep-alive\n' "$conns" "$secs"
printf '  floor (bare libmicrohttpd)   %10.0f req/s   p50 %-8s p99 %s\n' "$f_rps" "$f_p50" "$f_p99"
printf '  immosync serve               %10.0f req/s   p50 %-8s p99 %s\n' "$o_rps" "$o_p50" "$o_p99"
printf '  ratio immosync/floor         %s\n' "$ratio"
