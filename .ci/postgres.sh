#!/usr/bin/env bash
# Starts a throwaway PostgreSQL for the tests and prints its DSN on stdout
# (everything else goes to stderr). Installs Debian's postgresql package
# when the server is missing. The cluster lives in a temporary directory,
# listens on 127.0.0.1 only, on a free port, and belongs to the postgres
# user; stop it with: pg_ctl -D "$COSERVER_PG_DATA" stop (the path is printed).
# Source it (. .ci/postgres.sh) to get COSERVER_TEST_POSTGRES and
# COSERVER_PG_DATA exported, or run it and read the DSN.
set -euo pipefail

pg_bin() {
	ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}
if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then
	echo "postgres.sh: installing postgresql" >&2
	apt-get update -qq >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
	# The package's own cluster is not used; do not leave it running.
	pg_ctlcluster --help >/dev/null 2>&1 && for c in $(pg_lsclusters -h 2>/dev/null | awk '{print $1"/"$2}'); do
		pg_ctlcluster "${c%/*}" "${c#*/}" stop >/dev/null 2>&1 || true
	done
fi
BIN=$(pg_bin)

# A free port: ask the kernel for one and release it.
if command -v python3 >/dev/null 2>&1; then
	PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
else
	PORT=$((20000 + RANDOM % 20000)) # pg_ctl fails below if it is taken
fi
DATA=$(mktemp -d /tmp/coserver-pg.XXXXXX)
chown postgres: "$DATA"
as_pg() { (cd / && runuser -u postgres -- "$@"); }
as_pg "$BIN/initdb" -D "$DATA/db" -U postgres -A trust --no-sync -E UTF8 >/dev/null
# Test settings: durability off (a throwaway cluster) unless
# COSERVER_PG_DURABLE=1 (for benchmarks beside SQLite's fsync), enough
# connections for the parallel suite, loopback only, socket in the data
# directory.
FAST="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
if [ "${COSERVER_PG_DURABLE:-}" = 1 ]; then FAST=""; fi
as_pg "$BIN/pg_ctl" -D "$DATA/db" -l "$DATA/log" -w -o "-c listen_addresses=127.0.0.1 -p $PORT \
	-c unix_socket_directories=$DATA $FAST -c max_connections=300" start >/dev/null
as_pg "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE coserver_test" >/dev/null
DSN="postgres://postgres@127.0.0.1:$PORT/coserver_test?sslmode=disable"
echo "postgres.sh: PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT, data $DATA" >&2
export COSERVER_TEST_POSTGRES="$DSN"
export COSERVER_PG_DATA="$DATA/db"
echo "$DSN"
