#!/usr/bin/env bash
# Honest login latency while one IP hammers the account server (issue 10,
# item 6): the server (production argon2id parameters) pinned to CPU 0 with
# GOMAXPROCS=1, the load pinned to CPU 1; 32 attackers loop logins from
# 127.0.0.2 while one honest player logs in N times from 127.0.0.3. Runs the
# working tree and, for comparison, the commit BEFORE; each first without an
# attack. The honest player pauses -interval (300 ms) between logins, under
# the per-IP login rate. Loopback only.
#
#   bench/login/run.sh                    # BEFORE=cab2de9, N=100
#   BEFORE=HEAD~3 N=50 bench/login/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
BEFORE=${BEFORE:-cab2de9}
N=${N:-100}
ATTACKERS=${ATTACKERS:-32}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
ACCOUNT=127.0.0.1:29958
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"; git worktree remove --force "$OUT/before-src" 2>/dev/null || true' EXIT

go build -o "$OUT/after" ./cmd/coserver
go build -o "$OUT/bench" ./bench/login
git worktree add -q --detach "$OUT/before-src" "$BEFORE"
(cd "$OUT/before-src" && go build -o "$OUT/before" ./cmd/coserver)

for version in before after; do
	db=$(mktemp -d)
	GOMAXPROCS=1 taskset -c "$SERVER_CPU" "$OUT/$version" serve -db "$db/login.db" \
		-account-addr "$ACCOUNT" -game-addr 127.0.0.1:25816 -game-host 127.0.0.1 -admin-addr "" \
		-auto-register -password-hash default -log-level error -max-conns-per-ip 1000 >/dev/null &
	srv=$!
	for _ in $(seq 100); do
		(echo >/dev/tcp/127.0.0.1/29958) 2>/dev/null && break
		sleep 0.1
	done
	if [ $version = before ]; then label=$BEFORE; else label="$(git rev-parse --short HEAD) + working tree"; fi
	echo "== $version ($label), no attack"
	taskset -c "$LOAD_CPU" "$OUT/bench" -addr "$ACCOUNT" -attackers 0 -warmup 0s -n 20 || true
	echo "== $version ($label), $ATTACKERS attackers from one IP"
	taskset -c "$LOAD_CPU" "$OUT/bench" -addr "$ACCOUNT" -attackers "$ATTACKERS" -n "$N" || true
	kill -TERM "$srv"
	wait "$srv" || true
	rm -rf "$db"
done
