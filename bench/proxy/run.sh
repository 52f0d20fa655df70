#!/usr/bin/env bash
# Proxy overhead (issue 15): the same bot swarm against coserver directly and
# through `coserver proxy` (every packet printed, decoded, to a file and
# recorded), compared by the bots' walk round trip. Separate processes,
# loopback only: the server on CPU 0, the bots and the proxy on CPU 1
# (PROXY_CPU=0 puts the proxy beside the server instead).
#
#   bench/proxy/run.sh                      # 200 bots, 30 s per run
#   N=500 DURATION=60s bench/proxy/run.sh
#   SPREAD=0 bench/proxy/run.sh             # every bot sees every other: n² packets
#   TOGETHER=1 bench/proxy/run.sh           # both swarms at once on one server: the
#                                           # same machine noise for both (shared hosts)
#
# Results: bench/out/proxy-{direct,proxy}.json (the bots' reports), the
# proxy's trace and recording sizes, and a summary on stdout. The walk p99
# through the proxy must stay within 2x of the direct run.
set -euo pipefail
cd "$(dirname "$0")/../.."

N=${N:-200}
DURATION=${DURATION:-30s}
RATE=${RATE:-100}
SPREAD=${SPREAD:-450}  # as bench/swarm: homes spread round the start; SPREAD=0 puts all in one view
SERVER_CPU=${SERVER_CPU:-0}
BOTS_CPU=${BOTS_CPU:-1}
PROXY_CPU=${PROXY_CPU:-$BOTS_CPU} # the proxy stands on the bots' side of the wire
OUT=${OUT:-bench/out}
ACCOUNT=127.0.0.1:29958
GAME=127.0.0.1:25816
ADMIN=127.0.0.1:29100
PROXY_ACCOUNT=127.0.0.1:29960
PROXY_GAME=127.0.0.1:25817

mkdir -p "$OUT"
go build -o "$OUT/coserver" ./cmd/coserver
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run() { # run <label> <account address the bots use> [proxy]
	local label=$1 addr=$2 with_proxy=${3:-}
	local dir px=""
	dir=$(mktemp -d)
	GOMAXPROCS=1 taskset -c "$SERVER_CPU" "$OUT/coserver" serve -db "$dir/bench.db" \
		-account-addr "$ACCOUNT" -game-addr "$GAME" -game-host 127.0.0.1 -admin-addr "$ADMIN" \
		-auto-register -password-hash test -log-level warn \
		-max-conns-per-ip 40000 >"$dir/server.out" 2>"$dir/server.err" &
	local srv=$!
	for _ in $(seq 100); do
		curl -sf "http://$ADMIN/metrics" >/dev/null && break
		sleep 0.1
	done
	if [ -n "$with_proxy" ]; then
		GOMAXPROCS=1 taskset -c "$PROXY_CPU" "$OUT/coserver" proxy -account-addr "$PROXY_ACCOUNT" \
			-game-addr "$PROXY_GAME" -game-host 127.0.0.1 -upstream "$ACCOUNT" \
			-out "$OUT/proxy-trace.txt" -record "$OUT/proxy-recording.jsonl" 2>"$dir/proxy.err" &
		px=$!
		for _ in $(seq 100); do
			(exec 3<>"/dev/tcp/${PROXY_ACCOUNT%:*}/${PROXY_ACCOUNT#*:}") 2>/dev/null && break
			sleep 0.1
		done
	fi
	local p0=0 p1=0
	[ -n "$px" ] && p0=$(cpu_ticks "$px")
	local s0; s0=$(cpu_ticks "$srv")
	GOMAXPROCS=1 taskset -c "$BOTS_CPU" "$OUT/coserver" bots -account-addr "$addr" -n "$N" \
		-rate "$RATE" -spread "$SPREAD" -duration "$DURATION" -json >"$OUT/proxy-$label.json" 2>"$OUT/proxy-$label.progress"
	local s1; s1=$(cpu_ticks "$srv")
	[ -n "$px" ] && p1=$(cpu_ticks "$px")
	[ -n "$px" ] && { kill -TERM "$px"; wait "$px" || true; }
	kill -TERM "$srv"
	wait "$srv" || true
	python3 - "$OUT/proxy-$label.json" "$label" "$s0" "$s1" "$p0" "$p1" "$hz" <<'PY'
import json, sys
path, label, s0, s1, p0, p1, hz = sys.argv[1:]
r = json.load(open(path))
secs, hz = r["elapsed_s"], int(hz)
rtt, steady = r["move_rtt"], r["steady_move_rtt"]
errors = sum(r.get("errors", {}).values())
acked = r["walks"]["acknowledged"]
print(f'{label:<7} walk p50/p99 all {rtt["p50_ms"]:.2f}/{rtt["p99_ms"]:.2f} ms, steady {steady["p50_ms"]:.2f}/{steady["p99_ms"]:.2f} ms, '
      f'{acked / secs:.0f} walks/s, server cpu {100 * (int(s1) - int(s0)) / hz / secs:.1f}%, '
      f'proxy cpu {100 * (int(p1) - int(p0)) / hz / secs:.1f}%, errors {errors}')
PY
	rm -rf "$dir"
}

if [ -n "${TOGETHER:-}" ]; then
	# One server and one proxy; N bots direct and N bots through the proxy
	# at the same time, so that both see the same host load. Each swarm
	# logs in at RATE/2 so the two together do not trip the login limits.
	RATE=$((RATE / 2))
	dir=$(mktemp -d)
	GOMAXPROCS=1 taskset -c "$SERVER_CPU" "$OUT/coserver" serve -db "$dir/bench.db" \
		-account-addr "$ACCOUNT" -game-addr "$GAME" -game-host 127.0.0.1 -admin-addr "$ADMIN" \
		-auto-register -password-hash test -log-level warn -max-conns-per-ip 40000 >"$dir/server.out" 2>"$dir/server.err" &
	srv=$!
	for _ in $(seq 100); do curl -sf "http://$ADMIN/metrics" >/dev/null && break; sleep 0.1; done
	GOMAXPROCS=1 taskset -c "$PROXY_CPU" "$OUT/coserver" proxy -account-addr "$PROXY_ACCOUNT" \
		-game-addr "$PROXY_GAME" -game-host 127.0.0.1 -upstream "$ACCOUNT" \
		-out "$OUT/proxy-trace.txt" -record "$OUT/proxy-recording.jsonl" 2>"$dir/proxy.err" &
	px=$!
	sleep 1
	GOMAXPROCS=1 taskset -c "$BOTS_CPU" "$OUT/coserver" bots -account-addr "$ACCOUNT" -prefix direct -n "$N" \
		-rate "$RATE" -spread "$SPREAD" -duration "$DURATION" -json >"$OUT/proxy-direct.json" 2>"$OUT/proxy-direct.progress" &
	b1=$!
	GOMAXPROCS=1 taskset -c "$BOTS_CPU" "$OUT/coserver" bots -account-addr "$PROXY_ACCOUNT" -prefix proxied -n "$N" \
		-rate "$RATE" -spread "$SPREAD" -duration "$DURATION" -json >"$OUT/proxy-proxy.json" 2>"$OUT/proxy-proxy.progress"
	wait "$b1" || true
	kill -TERM "$px"; wait "$px" || true
	kill -TERM "$srv"; wait "$srv" || true
	rm -rf "$dir"
	python3 - "$OUT" <<'PY'
import json, sys
for label in ("direct", "proxy"):
    r = json.load(open(f"{sys.argv[1]}/proxy-{label}.json"))
    a, s = r["move_rtt"], r["steady_move_rtt"]
    errors = sum(r.get("errors", {}).values())
    print(f'{label:<7} walk p50/p99 all {a["p50_ms"]:.2f}/{a["p99_ms"]:.2f} ms, '
          f'steady {s["p50_ms"]:.2f}/{s["p99_ms"]:.2f} ms, errors {errors}')
PY
else
	run direct "$ACCOUNT"
	run proxy "$PROXY_ACCOUNT" yes
fi
echo "trace: $(wc -l <"$OUT/proxy-trace.txt") lines, $(du -h "$OUT/proxy-trace.txt" | cut -f1); recording: $(du -h "$OUT/proxy-recording.jsonl" | cut -f1)"
python3 - "$OUT/proxy-direct.json" "$OUT/proxy-proxy.json" <<'PY'
import json, sys
d, p = (json.load(open(f)) for f in sys.argv[1:])
dp, pp = d["steady_move_rtt"]["p99_ms"], p["steady_move_rtt"]["p99_ms"]
ratio = pp / dp if dp else float("inf")
print(f"steady walk p99: direct {dp:.2f} ms, proxy {pp:.2f} ms, ratio {ratio:.2f} ({'within' if ratio <= 2 else 'OVER'} 2x)")
PY
