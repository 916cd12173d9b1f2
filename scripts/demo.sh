#!/usr/bin/env bash
# Starts what immosync has so far for a person to look at: the onOffice emulator
# and immosync itself, each with its own database under demo/, on fixed loopback
# ports (override with DEMO_UI_PORT / DEMO_EMU_PORT). Stops both on Ctrl-C.
# Run through `make demo` (it builds first) or ./run-demo (installs, builds, runs).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
dir=$top/demo
ui_port=${DEMO_UI_PORT:-8080}
emu_port=${DEMO_EMU_PORT:-8090}
mkdir -p "$dir"

pids=()
stop() {
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	echo "demo: stopped"
}
trap stop EXIT INT TERM

wait_ready() { # name url
	for _ in $(seq 1 100); do
		if curl -fsS "$2/readyz" >/dev/null 2>&1; then return 0; fi
		sleep 0.1
	done
	echo "demo: $1 did not become ready; see $dir/$1.log" >&2
	exit 1
}

"$build/onoffice-emu" serve --listen "127.0.0.1:$emu_port" --db "$dir/emu.db" \
	>"$dir/onoffice-emu.out" 2>"$dir/onoffice-emu.log" &
pids+=($!)
wait_ready onoffice-emu "http://127.0.0.1:$emu_port"

"$build/immosync" serve --listen "127.0.0.1:$ui_port" --db "$dir/immosync.db" \
	>"$dir/immosync.out" 2>"$dir/immosync.log" &
pids+=($!)
wait_ready immosync "http://127.0.0.1:$ui_port"

cat <<MSG
demo: started
  onoffice-emu  http://127.0.0.1:$emu_port  (database $dir/emu.db, log $dir/onoffice-emu.log)
  immosync      http://127.0.0.1:$ui_port  (database $dir/immosync.db, log $dir/immosync.log)
  try:          curl http://127.0.0.1:$ui_port/healthz
                curl http://127.0.0.1:$ui_port/metrics
What exists so far is the foundation (health, readiness, metrics). Press Ctrl-C to stop.
MSG
if [ -n "${DEMO_SECONDS:-}" ]; then
	sleep "$DEMO_SECONDS"
else
	wait -n "${pids[@]}" || true
fi
