#!/usr/bin/env bash
# Installs what the server and the tests need from Debian's packages when it
# is missing and we can (root with apt-get): PostgreSQL server binaries and,
# with --browser, Chromium for the browser tests.
set -euo pipefail

need=()
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && ! command -v pg_ctl >/dev/null 2>&1; then
	need+=(postgresql postgresql-contrib)
fi
if [[ "${1:-}" == "--browser" ]] && [[ ! -x /usr/bin/chromium ]]; then
	need+=(chromium)
fi
if ((${#need[@]} == 0)); then
	exit 0
fi
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
	echo "missing: ${need[*]}; install them with your package manager (or set CRM_DATABASE_URL)" >&2
	exit 1
fi
echo "installing ${need[*]} ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${need[@]}" >/dev/null
