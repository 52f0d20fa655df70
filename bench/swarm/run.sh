#!/usr/bin/env bash
# Load benchmark of issue 7: coserver and the bot swarm as separate processes
# pinned to separate cores, ramping the number of bots. For each size it
# records the bots' walk round trip (p50/p99/max), how late the other bots
# see a walk ("seen by others", the bots' seen_rtt), logins/s, errors, and
# the server's CPU and memory per bot. Everything talks to 127.0.0.1 only.
#
#   bench/swarm/run.sh                  # sizes 1000 2000 5000 10000, 60 s each
#   SIZES="500 1000" DURATION=30s bench/swarm/run.sh
#   BEHAVIOUR=npc SIZES=1000 bench/swarm/run.sh   # bots talk to NPCs and travel
#   BEHAVIOUR=items SPREAD=0 SIZES="100 300" bench/swarm/run.sh   # bots buy from the Pedlar, drop, pick up
#   BEHAVIOUR=hunt SIZES=500 bench/swarm/run.sh   # bots hunt monsters (attack RTT in the JSON)
#   SHAPE=crowd SIZES=1000 bench/swarm/run.sh   # every bot stays on the start tile: one screen (SPREAD=0)
#   SETTLE=0 bench/swarm/run.sh   # the steady phase from the last login (default: 5 s after it)
#   SHAPE=crowd SERVER_FLAGS="-hash-queue 10000 -screen-players 0" bench/swarm/run.sh   # the crowd without the screen cap
#   ACCOUNT_ADDR=127.0.0.1:39958 GAME_ADDR=127.0.0.1:35816 ADMIN_ADDR=127.0.0.1:39100 bench/swarm/run.sh
#
# Results: bench/out/swarm-<n>.json (the bots' report), swarm-<n>.items (the
# server's item and floor counters at the end) and a summary table on
# stdout. The server core is CPU 0, the bots' core CPU 1.
#
# After each size the floor (bench/floor) runs on the same cores: a minimal
# program making as many loopback reads and writes per second per connection
# as the server did, so the table can say how many times that bare minimum
# the server costs per bot (FLOOR=0 skips it; FLOOR_ADDR, FLOOR_DURATION).
set -euo pipefail
cd "$(dirname "$0")/../.."

SIZES=${SIZES:-"1000 2000 5000 10000"}
DURATION=${DURATION:-60s}
RATE=${RATE:-250}      # logins started per second
SHAPE=${SHAPE:-spread} # spread: homes over SPREAD tiles; crowd: everyone on the start tile (SPREAD=0)
SPREAD=${SPREAD:-450}  # tiles the bots' homes spread over around the start
if [ "$SHAPE" = crowd ]; then SPREAD=0; fi
BEHAVIOUR=${BEHAVIOUR:-walk} # walk; npc: click NPCs, answer dialogs, travel between maps; items: buy, use, drop, pick up; hunt: fight monsters
SERVER_BIN=${SERVER_BIN:-}   # another coserver binary to run as the server (A/B runs); default: this tree
SERVER_FLAGS=${SERVER_FLAGS--hash-queue 10000} # extra server flags (the login ramp needs a long hash queue)
SERVER_CPU=${SERVER_CPU:-0}
BOTS_CPU=${BOTS_CPU:-1}
OUT=${OUT:-bench/out}
ACCOUNT=${ACCOUNT_ADDR:-127.0.0.1:29958} # the server's listen addresses (loopback only)
GAME=${GAME_ADDR:-127.0.0.1:25816}
ADMIN=${ADMIN_ADDR:-127.0.0.1:29100}
SETTLE=${SETTLE:-5} # seconds after the last login before the steady phase (the ramp's backlog drains first)
FLOOR=${FLOOR:-1}
FLOOR_ADDR=${FLOOR_ADDR:-127.0.0.1:29200}
FLOOR_DURATION=${FLOOR_DURATION:-20s}

mkdir -p "$OUT"
go build -o "$OUT/coserver" ./cmd/coserver
go build -o "$OUT/floor" ./bench/floor
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
hz=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }
# game_io prints the game listener's socket writes, bytes written and
# packets received so far, from the admin endpoint's metrics.
game_io() {
	curl -sf "http://$ADMIN/metrics" | awk '
		/^coserver_write_syscalls_total\{listener="game"/ {w += $NF}
		/^coserver_bytes_out_total\{listener="game"/ {b += $NF}
		/^coserver_packets_in_total\{listener="game"/ {p += $NF}
		END {printf "%d %d %d\n", w, b, p}'
}

echo "shape $SHAPE (spread $SPREAD), server flags: $SERVER_FLAGS; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
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
	io0=$(game_io)
	# The steady phase starts SETTLE seconds after every bot is in the
	# world (as the bots' -settle): note the server's CPU ticks, the time
	# and its socket counters then.
	(
		while :; do
			on=$(curl -sf "http://$ADMIN/metrics" | awk '/^coserver_game_players_online / {print int($2)}')
			if [ "${on:-0}" -ge "$n" ]; then
				sleep "$SETTLE"
				echo "$(cpu_ticks "$srv") $(date +%s.%N) $(game_io)" >"$dir/steady"
				break
			fi
			sleep 0.5
		done
	) &
	watcher=$!
	GOMAXPROCS=1 taskset -c "$BOTS_CPU" /usr/bin/time -f "%U %S" -o "$OUT/swarm-$n.botcpu" "$OUT/coserver" bots -account-addr "$ACCOUNT" -n "$n" \
		-rate "$RATE" -spread "$SPREAD" -behaviour "$BEHAVIOUR" -duration "$DURATION" -settle "${SETTLE}s" -json >"$OUT/swarm-$n.json" 2>"$OUT/swarm-$n.progress" ||
		echo "$n bots: the run failed: $(tail -n 1 "$OUT/swarm-$n.progress")" >&2
	t1=$(cpu_ticks "$srv")
	tend=$(date +%s.%N)
	io1=$(game_io)
	kill "$watcher" 2>/dev/null || true
	wait "$watcher" 2>/dev/null || true
	steady=$(cat "$dir/steady" 2>/dev/null || true)
	end_rss=$(rss_kib "$srv")
	hwm=$(hwm_kib "$srv")
	curl -sf "http://$ADMIN/metrics" | grep -E '^coserver_game_(items_total|item_refused_total|floor_)' >"$OUT/swarm-$n.items" || true
	kill -TERM "$srv"
	wait "$srv" || true
	floor_json=""
	# Per connection and second, what the server did: writes, bytes per
	# write, packets read (one read each: the bots' packets are spaced).
	secs=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["elapsed_s"])' "$OUT/swarm-$n.json")
	read -r w0 b0 p0 <<<"$io0"
	read -r w1 b1 p1 <<<"$io1"
	rates=$(python3 -c 'import sys; n,s,w,b,p=map(float,sys.argv[1:]); print(f"{max(w/s/n,0.01):.3f} {max(int(b/max(w,1)),1)} {max(p/s/n,0.01):.3f}")' \
		"$n" "$secs" $((w1 - w0)) $((b1 - b0)) $((p1 - p0)))
	read -r fw fb fr <<<"$rates"
	io_line="server writes per bot-second: $fw of $fb B each; packets read per bot-second: $fr"
	if [ "$FLOOR" = 1 ]; then
		taskset -c "$SERVER_CPU" env GOMAXPROCS=1 "$OUT/floor" -role serve -addr "$FLOOR_ADDR" -writes "$fw" -write-bytes "$fb" >/dev/null 2>&1 &
		fsrv=$!
		for _ in $(seq 50); do (exec 3<>"/dev/tcp/${FLOOR_ADDR%:*}/${FLOOR_ADDR#*:}") 2>/dev/null && break; sleep 0.1; done
		f0=$(cpu_ticks "$fsrv")
		GOMAXPROCS=1 taskset -c "$BOTS_CPU" "$OUT/floor" -role load -addr "$FLOOR_ADDR" -n "$n" -reads "$fr" -read-bytes 20 -duration "$FLOOR_DURATION" >"$OUT/floor-$n.json"
		f1=$(cpu_ticks "$fsrv")
		kill "$fsrv"
		wait "$fsrv" 2>/dev/null || true
		floor_json="$OUT/floor-$n.json:$f0:$f1:$fw:$fb:$fr"
	fi
	SETTLE=$SETTLE python3 - "$OUT/swarm-$n.json" "$n" "$t0" "$t1" "$hz" "$base_rss" "$end_rss" "$hwm" "$OUT/swarm-$n.botcpu" "$floor_json" "$steady" "$tend $io1" <<'PY'
import json, os, sys
SETTLE = os.environ["SETTLE"]
path, n, t0, t1, hz, base, end, hwm, botcpu, floor, steady_at, last = sys.argv[1:]
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
seen, sseen = r.get("seen_rtt", {}), r.get("steady_seen_rtt", {})
if seen.get("count"):
    print(f'        seen by others p50/p99/max {seen["p50_ms"]:.1f}/{seen["p99_ms"]:.1f}/{seen["max_ms"]:.1f} ms, '
          f'steady p50/p99 {both(sseen) if sseen.get("count") else "-"} ms ({seen["count"]} sightings timed, '
          f'{r.get("seen_unpaired", 0)} left out)')
if steady_at:
    s_ticks, s_time, s_w, s_b, s_p = steady_at.split()
    e_time, e_w, e_b, e_p = last.split()
    span = float(e_time) - float(s_time)
    if span > 1:
        s_cpu = (int(t1) - int(s_ticks)) / hz / span
        writes = (int(e_w) - int(s_w)) / span / n
        print(f'        steady phase ({span:.0f} s, from {SETTLE} s after all {n} were in the world): server CPU {100 * s_cpu:.1f} %, '
              f'{1e6 * s_cpu / n:.1f} us/bot/s, {writes:.2f} writes per bot-s')
else:
    print('        no steady phase: not every bot was in the world at once')
# The bots print each second's walk p99 (the .progress file): over the
# steady seconds, the median second and the worst say whether the tail is
# spread out or a few bad seconds (a save, the ramp's drain).
per_s, all_in = [], None
progress = path[:-len(".json")] + ".progress"
try:
    for line in open(progress):
        f = line.split()
        if len(f) < 4 or f[1:3] != ["logged", "in"] or "rtt" not in f:
            continue
        t = float(f[0].rstrip("s"))
        done, total = map(int, f[3].split("/"))
        if done >= total and all_in is None:
            all_in = t
        if all_in is not None and t > all_in + float(SETTLE):
            per_s.append(float(f[f.index("rtt") + 4].rstrip("ms")))
except (OSError, ValueError, IndexError):
    per_s = []
if per_s:
    per_s.sort()
    print(f'        steady seconds\' walk p99: median {per_s[len(per_s) // 2]:.1f} ms, worst {per_s[-1]:.1f} ms ({len(per_s)} s)')
user, system = map(float, open(botcpu).read().split()[-2:])
print(f'        bots process CPU {100 * (user + system) / secs:.0f} % of its core over the run (login ramp included)')
if floor:
    fpath, f0, f1, fw, fb, fr = floor.split(':')
    fr_ = json.load(open(fpath))
    fcpu = (int(f1) - int(f0)) / hz / fr_["seconds"]
    per_bot = 1e6 * cpu / secs / n
    floor_bot = 1e6 * fcpu / n
    print(f'        floor: {fw} writes of {fb} B and {fr} reads per connection per s -> {100 * fcpu:.1f} % CPU, '
          f'{floor_bot:.1f} us/bot/s; server = {per_bot / max(floor_bot, 1e-9):.1f} x floor')
if r.get("items") and any(r["items"].values()):
    print(f'        items: {json.dumps(r["items"])}')
if r.get("click_rtt") and r["click_rtt"].get("count"):
    c, npcs = r["click_rtt"], r.get("npcs", {})
    print(f'        click -> first page p50/p99/max {c["p50_ms"]:.1f}/{c["p99_ms"]:.1f}/{c["max_ms"]:.1f} ms; '
          f'npcs {json.dumps(npcs)}')
PY
	echo "        $io_line"
	echo "        load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
	rm -rf "$dir"
done
