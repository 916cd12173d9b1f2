#!/usr/bin/env bash
# Installs every Debian package immosync needs to build, run, test and
# benchmark. Idempotent: packages already present are skipped, so a second
# run costs one dpkg query. Used by .ci/run and by the README's commands.
#
#   scripts/install-deps.sh           everything (build, tests, benchmarks)
#   scripts/install-deps.sh --run     only what building and the demo need
set -euo pipefail

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
fi

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#pkgs[@]} packages present"
	exit 0
fi

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
echo "install-deps: installing ${missing[*]}"
retry $sudo apt-get update -q
retry $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
