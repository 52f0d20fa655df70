// Command runtime measures coserver's connection runtime (package server)
// with the server and the load in separate processes, as they run in
// production: the real TQ cipher, framer, Mux, outbox and metrics, over
// loopback TCP.
//
//	runtime -mode server -addr 127.0.0.1:9500 -http 127.0.0.1:9501 [-ratelimit]
//	runtime -mode load -scenario pipeline|idle|isolation -addr ... -http ...
//	runtime -mode summary -results results.jsonl
//
// The server answers every echo packet with Conn.SendRaw of the packet (the
// whole handler path: decrypt, frame, dispatch, copy, encrypt, write) and
// serves its memory (/mem), its Prometheus metrics (/metrics) and a CPU
// profile (/debug/pprof/profile) on the -http address. run.sh pins the two
// processes to different CPUs and repeats each scenario.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Flag defaults.
const (
	defaultAddr       = "127.0.0.1:9500"
	defaultHTTPAddr   = "127.0.0.1:9501"
	defaultMaxConns   = 20000
	defaultWarmup     = 2 * time.Second
	defaultWindow     = 10 * time.Second
	defaultHonest     = 1000
	defaultNonReaders = 100
	defaultFlooders   = 100
	defaultInterval   = 100 * time.Millisecond // 10 packets/s per client: a game client's pace, well under the rate limit
	defaultBurstCount = 64
	defaultBurstSize  = 2048 // 64 × 2 KiB = 128 KiB queued per burst request
	defaultBurstPace  = 25 * time.Millisecond
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "runtime:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("runtime", flag.ContinueOnError)
	mode := fs.String("mode", "", "server, load or summary")
	scenario := fs.String("scenario", "", "load: pipeline, idle or isolation")
	var so serverOptions
	var lo loadOptions
	fs.StringVar(&so.addr, "addr", defaultAddr, "echo listener address (loopback only)")
	fs.StringVar(&so.httpAddr, "http", defaultHTTPAddr, "server stats address: /mem, /metrics, /debug/pprof/profile (loopback only)")
	fs.BoolVar(&so.rateLimit, "ratelimit", false, "server: keep the default packet rate limit (else disabled)")
	fs.DurationVar(&so.flushDelay, "flushdelay", 0, "server: Config.FlushDelay (0: the server's default; negative, e.g. -1ns: write at once)")
	fs.IntVar(&so.maxConns, "maxconns", defaultMaxConns, "server: MaxConns and MaxConnsPerIP")
	memRate := fs.Int("memprofilerate", 0, "server: runtime.MemProfileRate (1 records every allocation; 0 keeps the default)")
	logLevel := fs.String("log", "warn", "server: log level (debug, info, warn, error)")
	fs.IntVar(&lo.rep, "rep", 1, "load: repeat number, recorded with the results")
	fs.StringVar(&lo.tag, "tag", "", "load: text appended to each result's configuration (e.g. the server's flags)")
	fs.StringVar(&lo.out, "results", "", "load: append results to this JSON-lines file; summary: read it")
	conns := fs.String("conns", "1,4,16,64", "pipeline: connection counts")
	inflight := fs.String("inflight", "16,64", "pipeline: packets in flight per connection")
	fs.DurationVar(&lo.warmup, "warmup", defaultWarmup, "pipeline, isolation: warm-up before the window")
	fs.DurationVar(&lo.window, "window", defaultWindow, "pipeline, isolation: measurement window")
	fs.StringVar(&lo.cpuProfile, "cpuprofile", "", "pipeline: fetch a server CPU profile of the window into this file")
	idle := fs.String("idle", "1000,10000", "idle: connection counts, measured in turn")
	fs.DurationVar(&lo.idleHold, "idlehold", 0, "idle: keep the connections open this long after the last step (to take a heap profile)")
	fs.IntVar(&lo.honest, "honest", defaultHonest, "isolation: honest ping-pong clients")
	fs.IntVar(&lo.nonReaders, "nonreaders", defaultNonReaders, "isolation: clients that ask for bursts and never read")
	fs.IntVar(&lo.flooders, "flooders", defaultFlooders, "isolation: clients that flood packets")
	fs.DurationVar(&lo.interval, "interval", defaultInterval, "isolation: honest clients' time between packets")
	fs.IntVar(&lo.burstCount, "burstcount", defaultBurstCount, "isolation: packets per burst request")
	fs.IntVar(&lo.burstSize, "burstsize", defaultBurstSize, "isolation: bytes per burst packet")
	fs.DurationVar(&lo.burstPace, "burstpace", defaultBurstPace, "isolation: time between a non-reader's burst requests")
	if err := fs.Parse(args); err != nil {
		return err
	}
	lo.addr, lo.httpAddr = so.addr, so.httpAddr
	var err error
	if lo.conns, err = ints(*conns); err != nil {
		return err
	}
	if lo.inflight, err = ints(*inflight); err != nil {
		return err
	}
	if lo.idleCounts, err = ints(*idle); err != nil {
		return err
	}
	switch *mode {
	case "server":
		if err := so.logLevel.UnmarshalText([]byte(*logLevel)); err != nil {
			return err
		}
		if *memRate > 0 {
			runtime.MemProfileRate = *memRate
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return runServer(ctx, so)
	case "load":
		if err := loopbackOnly(lo.addr); err != nil {
			return err
		}
		if err := loopbackOnly(lo.httpAddr); err != nil {
			return err
		}
		switch *scenario {
		case "pipeline":
			return runPipeline(lo)
		case "idle":
			return runIdle(lo)
		case "isolation":
			return runIsolation(lo)
		}
		return fmt.Errorf("unknown scenario %q", *scenario)
	case "summary":
		return summarize(os.Stdout, lo.out)
	}
	return fmt.Errorf("unknown mode %q (server, load or summary)", *mode)
}

// ints parses a comma-separated list of positive integers.
func ints(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("bad count %q in %q", f, s)
		}
		out = append(out, n)
	}
	return out, nil
}
