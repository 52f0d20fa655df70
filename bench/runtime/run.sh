#!/usr/bin/env bash
# Measures the connection runtime with the server and the load in separate
# processes: the server pinned to CPU 0 with GOMAXPROCS=1, the load pinned to
# CPU 1. Loopback (127.0.0.1) only. Each scenario runs REPS times on a fresh
# server; the summary (Markdown) is printed at the end and kept in $OUT.
#
#   bench/runtime/run.sh                 # everything, ~13 minutes
#   REPS=1 WINDOW=3s bench/runtime/run.sh  # a quick look
#   SCENARIOS="pipeline" bench/runtime/run.sh
#
# The pipeline runs twice per repeat: with the server's default write
# coalescing (Config.FlushDelay, 2 ms) and with -flushdelay -1ns (write at
# once), since the delay caps a connection with few packets in flight.
#
# Environment: REPS (3), WINDOW (10s), WARMUP (2s; 1s for the pipeline,
# which is steady within milliseconds), OUT (results directory),
# SCENARIOS ("pipeline idle isolation profile"), PORT (first port, 9500),
# SERVER_CPU (0), LOAD_CPU (1).
set -euo pipefail

cd "$(dirname "$0")/../.."
REPS=${REPS:-3}
WINDOW=${WINDOW:-10s}
WARMUP=${WARMUP:-2s}
OUT=${OUT:-/tmp/coserver-runtime-bench}
SCENARIOS=${SCENARIOS:-"pipeline idle isolation profile"}
PORT=${PORT:-9500}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
HOST=127.0.0.1

mkdir -p "$OUT"
BIN="$OUT/runtime"
RESULTS="$OUT/results.jsonl"
: >"$RESULTS"
go build -o "$BIN" ./bench/runtime

# Enough descriptors for 10,000 connections on each side.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

{
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown) (work tree may differ)"
	echo "nproc: $(nproc)"
	echo "kernel: $(uname -r)"
	echo "go: $(go version)"
	echo "open files: $(ulimit -n)"
	lscpu | head -n 15
	echo "cpu pressure at start: $(head -n 1 /proc/pressure/cpu 2>/dev/null || echo n/a)"
} | tee "$OUT/machine.txt"

SERVER_PID=""
stop_server() {
	if [[ -n $SERVER_PID ]]; then
		kill -TERM "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
		SERVER_PID=""
	fi
}
trap stop_server EXIT

# start_server FLAGS...: a fresh server on the next pair of ports.
start_server() {
	PORT=$((PORT + 2))
	ADDR="$HOST:$PORT"
	HTTP="$HOST:$((PORT + 1))"
	GOMAXPROCS=1 taskset -c "$SERVER_CPU" "$BIN" -mode server -addr "$ADDR" -http "$HTTP" "$@" \
		2>>"$OUT/server.log" &
	SERVER_PID=$!
	for _ in $(seq 50); do
		curl -sf "http://$HTTP/mem" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "server did not start; see $OUT/server.log" >&2
	exit 1
}

# load SCENARIO FLAGS...: the load process against the current server.
load() {
	local scenario=$1
	shift
	GOMAXPROCS=1 taskset -c "$LOAD_CPU" "$BIN" -mode load -scenario "$scenario" \
		-addr "$ADDR" -http "$HTTP" -warmup "$WARMUP" -window "$WINDOW" "$@"
}

for rep in $(seq "$REPS"); do
	for sc in $SCENARIOS; do
		echo "== $sc, repeat $rep/$REPS ($(head -n 1 /proc/pressure/cpu 2>/dev/null || true))"
		case $sc in
		pipeline)
			start_server
			load pipeline -rep "$rep" -results "$RESULTS" -conns 1,4,16,64 -inflight 16,64 -warmup 1s \
				-tag " flush=default"
			stop_server
			start_server -flushdelay -1ns
			load pipeline -rep "$rep" -results "$RESULTS" -conns 1,4,16,64 -inflight 16,64 -warmup 1s \
				-tag " flush=off"
			stop_server
			;;
		idle)
			start_server
			load idle -rep "$rep" -results "$RESULTS" -idle 1000,10000
			stop_server
			;;
		isolation)
			start_server -ratelimit
			load isolation -rep "$rep" -results "$RESULTS"
			stop_server
			;;
		esac
	done
done

if [[ " $SCENARIOS " == *" profile "* ]]; then
	for flush in default off; do
		echo "== CPU profile of the server, pipeline c=64 k=64, flush=$flush (not counted in the tables)"
		if [[ $flush == off ]]; then start_server -flushdelay -1ns; else start_server; fi
		load pipeline -conns 64 -inflight 64 -warmup 1s -cpuprofile "$OUT/pipeline-$flush.prof"
		stop_server
		go tool pprof -top -nodecount=30 "$BIN" "$OUT/pipeline-$flush.prof" 2>/dev/null | tee "$OUT/pipeline-$flush-top.txt"
		go tool pprof -top -cum -nodecount=40 "$BIN" "$OUT/pipeline-$flush.prof" 2>/dev/null >"$OUT/pipeline-$flush-top-cum.txt"
	done
fi

echo "cpu pressure at end: $(head -n 1 /proc/pressure/cpu 2>/dev/null || echo n/a)" | tee -a "$OUT/machine.txt"
"$BIN" -mode summary -results "$RESULTS" | tee "$OUT/summary.md"
echo
echo "results: $OUT (summary.md, results.jsonl, machine.txt, pipeline-*.prof)"
