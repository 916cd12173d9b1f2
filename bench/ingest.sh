#!/usr/bin/env bash
# Ingest throughput (issue #5): wrk against immosync's POST /api/v1/conversions on
# loopback with keep-alive, next to two floors measured in the same run:
#   discard  the same bodies to a parse-and-discard endpoint on the same HTTP stack;
#   loop     the same ingest transactions in a plain loop, no HTTP.
# Reported: acknowledged conversions/s at full load, and p50/p99 at a fixed offered
# rate (RATE, default 2500/s), for durability normal (WAL + synchronous=NORMAL, which
# survives kill -9) and full (synchronous=FULL).
#   bench/ingest.sh [BUILD_DIR] [SECONDS]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
secs=${2:-5}
conns=${BENCH_CONNECTIONS:-32}
rate=${RATE:-2500}
top=$(cd "$(dirname "$0")/.." && pwd)
. "$(dirname "$0")/lib.sh"

# wrk NAME URL RATE -> "acked/s p50 p99"; acked = answered 2xx (wrk stops a thread on another).
run_wrk() {
	RUN=$1 RATE=$3 CONNECTIONS=$conns wrk -t2 -c"$conns" -d"${secs}s" --latency \
		-s "$top/bench/ingest.lua" "$2" >"$work/$1.wrk"
	local rps p50 p99 non2xx
	rps=$(awk '/Requests\/sec/ {print $2}' "$work/$1.wrk")
	non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/$1.wrk")
	p50=$(awk '$1=="50%" {print $2}' "$work/$1.wrk")
	p99=$(awk '$1=="99%" {print $2}' "$work/$1.wrk")
	if [ -n "$non2xx" ]; then
		echo "bench: $1 had $non2xx non-2xx answers" >&2
	fi
	echo "$rps $p50 $p99"
}

company() { # db -> token
	"$build/immosync" company create --name Bench --owner-email b@bench.example --db "$1" |
		sed -n 's/.*"api_token": "\([^"]*\)".*/\1/p'
}

start discard "$build/bench_ingest_floor" discard
export BENCH_TOKEN=unused
read -r d_rps d_p50 d_p99 < <(run_wrk discard "$url" 0)

printf 'ingest, %s connections, %s s per run, loopback, keep-alive, offered rate %s/s for latency\n' \
	"$conns" "$secs" "$rate"
printf '  %-34s %10.0f req/s   p50 %-8s p99 %s\n' "floor: parse and discard (HTTP)" "$d_rps" \
	"$d_p50" "$d_p99"

for mode in normal full; do
	db="$work/$mode.db"
	BENCH_TOKEN=$(company "$db")
	export BENCH_TOKEN
	loop=$("$build/bench_ingest_floor" loop "$work/loop-$mode.db" $((secs * 1500)) \
		"$([ "$mode" = full ] && echo full || echo normal)")
	start "immosync-$mode" "$build/immosync" serve --listen 127.0.0.1:0 --db "$db" \
		--durability "$mode" --log-level warn
	read -r o_rps _ _ < <(run_wrk "max-$mode" "$url" 0)
	read -r r_rps r_p50 r_p99 < <(run_wrk "rate-$mode" "$url" "$rate")
	kill -TERM "${pids[-1]}"
	wait "${pids[-1]}" 2>/dev/null || true
	unset 'pids[-1]'
	printf '  durability %s\n' "$mode"
	printf '    %-32s %10.0f tx/s\n' "floor: same transactions, loop" "$loop"
	printf '    %-32s %10.0f conversions/s acknowledged\n' "immosync, full load" "$o_rps"
	printf '    %-32s %10.0f conversions/s   p50 %-8s p99 %s\n' "immosync, at ${rate}/s" \
		"$r_rps" "$r_p50" "$r_p99"
	printf '    %-32s %.2f of the loop, %.2f of parse-and-discard\n' "ratio" \
		"$(awk -v a="$o_rps" -v b="$loop" 'BEGIN{print a/b}')" \
		"$(awk -v a="$o_rps" -v b="$d_rps" 'BEGIN{print a/b}')"
done
