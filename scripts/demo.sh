#!/usr/bin/env bash
# Starts immosync for a person to look at, with the onOffice emulator in place of
# onOffice: each has its own database under demo/ (kept between runs; delete demo/
# to start over), on fixed loopback ports (DEMO_UI_PORT / DEMO_EMU_PORT override).
# The first run seeds an emulated customer, links a demo company to it and imports.
# Stops both on Ctrl-C.
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

# A first run sets the demo up: an onOffice customer with 200 seeded addresses in the
# emulator, a company on the platform linked to it, and the initial import.
fresh=0
if [ ! -f "$dir/company.json" ]; then
	fresh=1
	"$build/onoffice-emu" customer add --name "Demo Makler GmbH" --db "$dir/emu.db" \
		>"$dir/customer.json"
	web=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["customer_web_id"])' \
		<"$dir/customer.json")
	"$build/onoffice-emu" seed --customer "$web" --count 200 --seed 1 --db "$dir/emu.db" \
		>/dev/null
fi

# The Marketplace's provider secret of the demo (onOffice and immosync share it).
provider_secret=demo-provider-secret
"$build/immosync" serve --listen "127.0.0.1:$ui_port" --db "$dir/immosync.db" \
	--onoffice-url "http://127.0.0.1:$emu_port/api/stable/api.php" \
	--public-url "http://127.0.0.1:$ui_port" --provider-secret "$provider_secret" \
	>"$dir/immosync.out" 2>"$dir/immosync.log" &
pids+=($!)
wait_ready immosync "http://127.0.0.1:$ui_port"

field() { # file key
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}
if [ "$fresh" = 1 ]; then
	"$build/immosync" company create --name "Demo Makler GmbH" \
		--owner-email inhaber@demo.example --db "$dir/immosync.db" >"$dir/company.json"
	field "$dir/customer.json" secret | "$build/immosync" company link \
		--company "$(field "$dir/company.json" company_id)" \
		--customer-web-id "$(field "$dir/customer.json" customer_web_id)" \
		--token "$(field "$dir/customer.json" token)" --db "$dir/immosync.db" >/dev/null
	curl -fsS -X POST -H "Authorization: Bearer $(field "$dir/company.json" api_token)" \
		"http://127.0.0.1:$ui_port/api/v1/sync/initial" >/dev/null
	for _ in $(seq 1 100); do
		status=$(curl -fsS -H "Authorization: Bearer $(field "$dir/company.json" api_token)" \
			"http://127.0.0.1:$ui_port/api/v1/sync/status")
		case "$status" in *'"running":false'*'"last_run_at":"'*) break ;; esac
		sleep 0.2
	done
fi
token=$(field "$dir/company.json" api_token)
# What onOffice opens when the agent clicks BOTTIMMO inside enterprise (R-A12).
service_url=$("$build/onoffice-emu" service-url --customer "$(field "$dir/customer.json" \
	customer_web_id)" --provider-url "http://127.0.0.1:$ui_port/onoffice/open" \
	--provider-secret "$provider_secret" --db "$dir/emu.db")
contacts=$(curl -fsS -H "Authorization: Bearer $token" \
	"http://127.0.0.1:$ui_port/api/v1/contacts?per_page=1" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')

cat <<MSG
demo: started
  onoffice-emu  http://127.0.0.1:$emu_port  (database $dir/emu.db, log $dir/onoffice-emu.log)
  immosync      http://127.0.0.1:$ui_port  (database $dir/immosync.db, log $dir/immosync.log)
  the company "Demo Makler GmbH" is linked to an emulated onOffice customer with 200
  addresses; the import brought in $contacts consented contacts.
  API token (scope full): $token
  try:
    curl -H "Authorization: Bearer $token" http://127.0.0.1:$ui_port/api/v1/sync/status
    curl -H "Authorization: Bearer $token" 'http://127.0.0.1:$ui_port/api/v1/contacts?per_page=5'
    curl -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{"lead":{"email":"anna@example.de","first_name":"Anna"},"conversion":{"type":"callback","details":{"topic":"Preisfindung"}}}' http://127.0.0.1:$ui_port/api/v1/conversions
    curl http://127.0.0.1:$ui_port/metrics
  open immosync from onOffice (service entry, signed, valid 10 minutes):
    $service_url
Not yet built: the export back to onOffice and the web UI. Press Ctrl-C to stop.
MSG
if [ -n "${DEMO_SECONDS:-}" ]; then
	sleep "$DEMO_SECONDS"
else
	wait -n "${pids[@]}" || true
fi
