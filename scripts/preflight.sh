#!/usr/bin/env bash
# Checks, in a second, what would otherwise make `make run` fail after minutes
# of building: the tools and their versions, free ports, a writable data
# directory and disk space. Each problem is named with what to do about it.
set -uo pipefail

problems=()
need_version() { # name, have, want (major[.minor])
	if [[ "$(printf '%s\n%s\n' "$3" "$2" | sort -V | head -1)" != "$3" ]]; then
		problems+=("$1 $2 is too old: $3 or newer is needed")
	fi
}

if command -v go >/dev/null; then
	need_version Go "$(go env GOVERSION | sed 's/^go//')" 1.26
else
	problems+=("Go is not installed (https://go.dev/dl, 1.26 or newer)")
fi
if command -v node >/dev/null && command -v npm >/dev/null; then
	need_version Node.js "$(node --version | sed 's/^v//')" 20
else
	problems+=("Node.js 20 and npm are needed to build the web app")
fi

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
addr="${CRM_ADDR:-:8080}"
port="${addr##*:}"
if [[ -n "$port" && "$port" != 0 ]] && ! port_free "$port"; then
	problems+=("port $port (CRM_ADDR) is in use: stop what listens there or set CRM_ADDR=:8081")
fi

data="${CRM_DATA_DIR:-./data}"
if ! mkdir -p "$data" 2>/dev/null || [[ ! -w "$data" ]]; then
	problems+=("the data directory $data (CRM_DATA_DIR) cannot be written")
else
	free_kb=$(df -Pk "$data" | awk 'NR==2 {print $4}')
	if [[ -n "$free_kb" && "$free_kb" -lt 1048576 ]]; then
		problems+=("less than 1 GiB free under $data: the build and the database need more")
	fi
fi
if [[ -z "${CRM_DATABASE_URL:-}" && "$(id -u)" -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
	problems+=("running as root needs the postgres OS user (it comes with the postgresql package)")
fi

if ((${#problems[@]} > 0)); then
	printf 'make run cannot work yet:\n' >&2
	printf '  - %s\n' "${problems[@]}" >&2
	exit 1
fi
