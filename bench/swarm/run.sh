#!/usr/bin/env bash
# Load benchmark of issue 7: coserver and the bot swarm as separate processes
# pinned to separate cores, ramping the number of bots. For each size it
# records the bots' walk round trip (p50/p99/max), logins/s, errors, and the
# server's CPU and memory per bot. Everything talks to 127.0.0.1 only.
#
#   bench/swarm/run.sh                  # sizes 1000 2000 5000 10000, 60 s each
#   SIZES="500 1000" DURATION=30s bench/swarm/run.sh
#   BEHAVIOUR=npc SIZES=1000 bench/swarm/run.sh   # bots talk to NPCs and travel
#   ACCOUNT_ADDR=127.0.0.1:39958 GAME_ADDR=127.0.0.1:35816 ADMIN_ADDR=127.0.0.1:39100 bench/swarm/run.sh
#
# Results: bench/out/swarm-<n>.json (the bots' report) and a summary table on
# stdout. The server core is CPU 0, the bots' core CPU 1.
set -euo pipefail
cd "$(dirname "$0")/../.."

SIZES=${SIZES:-"1000 2000 5000 10000"}
DURATION=${DURATION:-60s}
RATE=${RATE:-250}      # logins started per second
SPREAD=${SPREAD:-450}  # tiles the bots' homes spread over around the start
BEHAVIOUR=${BEHAVIOUR:-walk} # walk, or npc: click NPCs, answer dialogs, travel between maps
SERVER_BIN=${SERVER_BIN:-}   # another coserver binary to run as the server (A/B runs); default: this tree
SERVER_FLAGS=${SERVER_FLAGS--hash-queue 10000} # extra server flags (the login ramp needs a long hash queue)
SERVER_CPU=${SERVER_CPU:-0}
BOTS_CPU=${BOTS_CPU:-1}
OUT=${OUT:-bench/out}
ACCOUNT=${ACCOUNT_ADDR:-127.0.0.1:29958} # the server's listen addresses (loopback only)
GAME=${GAME_ADDR:-127.0.0.1:25816}
ADMIN=${ADMIN_ADDR:-127.0.0.1:29100}

mkdir -p "$OUT"
go build -o "$OUT/coserver" ./cmd/coserver
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
hz=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }

printf '%-7s %-7s %-9s %-17s %-17s %-8s %-10s %-12s %-12s %s\n' \
	bots active logins/s "p50/p99 all (ms)" "p50/p99 steady" walks/s srv_cpu_% cpu_us/bot/s rss_KiB/bot errors
for n in $SIZES; do
	dir=$(mktemp -d)
	GOMAXPROCS=1 taskset -c "$SERVER_CPU" "${SERVER_BIN:-$OUT/coserver}" serve -db "$dir/swarm.db" \
		-account-addr "$ACCOUNT" -game-addr "$GAME" -game-host 127.0.0.1 -admin-addr "$ADMIN" \
		-auto-register -password-hash test -log-level warn \
		-max-conns 40000 -max-conns-per-ip 40000 -max-players 40000 $SERVER_FLAGS >"$dir/server.out" 2>"$dir/server.err" &
	srv=$!
	for _ in $(seq 100); do
		curl -sf "http://$ADMIN/metrics" >/dev/null && break
		sleep 0.1
	done
	base_rss=$(rss_kib "$srv")
	t0=$(cpu_ticks "$srv")
	GOMAXPROCS=1 taskset -c "$BOTS_CPU" /usr/bin/time -f "%U %S" -o "$OUT/swarm-$n.botcpu" "$OUT/coserver" bots -account-addr "$ACCOUNT" -n "$n" \
		-rate "$RATE" -spread "$SPREAD" -behaviour "$BEHAVIOUR" -duration "$DURATION" -json >"$OUT/swarm-$n.json" 2>"$OUT/swarm-$n.progress" ||
		echo "$n bots: the run failed: $(tail -n 1 "$OUT/swarm-$n.progress")" >&2
	t1=$(cpu_ticks "$srv")
	end_rss=$(rss_kib "$srv")
	hwm=$(hwm_kib "$srv")
	kill -TERM "$srv"
	wait "$srv" || true
	python3 - "$OUT/swarm-$n.json" "$n" "$t0" "$t1" "$hz" "$base_rss" "$end_rss" "$hwm" "$OUT/swarm-$n.botcpu" <<'PY'
import json, sys
path, n, t0, t1, hz, base, end, hwm, botcpu = sys.argv[1:]
r = json.load(open(path))
n, hz = int(n), int(hz)
secs = r["elapsed_s"]
cpu = (int(t1) - int(t0)) / hz
walks = r["walks"]
acked = walks["acknowledged"]
rtt, steady = r["move_rtt"], r["steady_move_rtt"]
errors = sum(r.get("errors", {}).values())
both = lambda l: f'{l["p50_ms"]:.1f}/{l["p99_ms"]:.1f}'
print(f'{n:<7} {r["active_at_end"]:<7} {r["logins_per_s"]:<9.0f} {both(rtt):<17} {both(steady):<17} '
      f'{acked / secs:<8.0f} {100 * cpu / secs:<10.1f} {1e6 * cpu / secs / n:<12.1f} '
      f'{(int(end) - int(base)) / n:<12.1f} {errors} (peak RSS {int(hwm) // 1024} MiB)')
user, system = map(float, open(botcpu).read().split()[-2:])
print(f'        bots process CPU {100 * (user + system) / secs:.0f} % of its core over the run (login ramp included)')
if r.get("click_rtt") and r["click_rtt"].get("count"):
    c, npcs = r["click_rtt"], r.get("npcs", {})
    print(f'        click -> first page p50/p99/max {c["p50_ms"]:.1f}/{c["p99_ms"]:.1f}/{c["max_ms"]:.1f} ms; '
          f'npcs {json.dumps(npcs)}')
PY
	rm -rf "$dir"
done
