# bench/lib.sh - what the shell benchmarks share: a scratch directory, servers started
# on 127.0.0.1:0 whose printed address is read back, and cleanup on exit.
# Source it, then: start NAME argv… (sets $url); everything started is stopped at exit.
work=$(mktemp -d)
pids=()
bench_cleanup() {
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap bench_cleanup EXIT

start() { # name argv... ; sets $url
	local name=$1
	shift
	"$@" >"$work/$name.out" 2>/dev/null &
	pids+=($!)
	for _ in $(seq 1 100); do
		url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/$name.out")
		[ -n "$url" ] && return 0
		sleep 0.05
	done
	echo "bench: $name did not start" >&2
	exit 1
}
