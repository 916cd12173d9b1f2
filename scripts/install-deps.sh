#!/usr/bin/env bash
# Installs every Debian package immosync needs to build, run, test and
# benchmark, and the npm packages of the OpenAPI check (tools/openapi, pinned by
# its package-lock.json: the only thing fetched from outside Debian). Idempotent:
# what is present is skipped, so a second run costs one dpkg query and a hash.
# Used by .ci/run and by the README's commands.
#
#   scripts/install-deps.sh           everything (build, tests, benchmarks)
#   scripts/install-deps.sh --run     only what building and the demo need
set -euo pipefail
cd "$(dirname "$0")/.."

build_pkgs=(
	build-essential cmake pkg-config ca-certificates curl
	libmicrohttpd-dev libcurl4-openssl-dev libjansson-dev libssl-dev
	libsqlite3-dev libpq-dev zlib1g-dev
)
test_pkgs=(
	libcmocka-dev clang clang-format libclang-rt-14-dev
	python3 python3-aiosmtpd php-cli wrk sqlite3 procps
)

pkgs=("${build_pkgs[@]}")
if [ "${1:-}" != "--run" ]; then
	pkgs+=("${test_pkgs[@]}")
	# node and npm run the OpenAPI check. Debian 12's (node 18, npm 9) are enough; a
	# machine that has both from elsewhere (NodeSource, say) keeps them, since
	# Debian's npm conflicts with NodeSource's nodejs.
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
		pkgs+=(nodejs npm)
	fi
fi

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
retry() {
	local n
	for n in 1 2 3 4 5; do
		if "$@"; then
			return 0
		fi
		echo "install-deps: attempt $n of '$*' failed, retrying" >&2
		sleep $((n * 5))
	done
	return 1
}
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#pkgs[@]} packages present"
else
	echo "install-deps: installing ${missing[*]}"
	retry $sudo apt-get update -q
	retry $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The OpenAPI check's npm packages, exactly as locked; skipped while node_modules was
# installed from this very lock file.
if [ "${1:-}" != "--run" ]; then
	dir=tools/openapi
	lock=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
	stamp="$dir/node_modules/.installed-from-lock"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock" ]; then
		echo "install-deps: $dir/node_modules matches its package-lock.json"
	else
		echo "install-deps: npm ci in $dir"
		retry sh -c "cd '$dir' && npm ci --no-audit --no-fund"
		echo "$lock" >"$stamp"
	fi
fi
