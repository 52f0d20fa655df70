package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/coserver/coserver/server"
	"github.com/coserver/coserver/tq"
	"github.com/coserver/coserver/wire"
)

// listenerName labels the benchmark listener in the server's metrics.
const listenerName = "bench"

// stateOpen is the only protocol state of the echo service.
const stateOpen server.State = 0

// serverOptions are the server mode's settings.
type serverOptions struct {
	addr, httpAddr string
	rateLimit      bool // keep the default packet rate limit (else disabled)
	maxConns       int
	flushDelay     time.Duration // Config.FlushDelay: 0 the default, < 0 write at once
	logLevel       slog.Level
}

// echoService answers typeEcho with the packet itself and typeBurst with a
// burst of packets, through a server.Mux as the game's handlers are.
type echoService struct {
	mux *server.Mux[*echoSession]
}

// echoSession is one connection of the echo service.
type echoSession struct {
	svc    *echoService
	c      *server.Conn
	authed bool // SetAuthenticated was called
}

func newEchoService() *echoService {
	s := &echoService{mux: server.NewMux[*echoSession]()}
	s.mux.Handle(typeEcho, (*echoSession).handleEcho, stateOpen)
	s.mux.Handle(typeBurst, (*echoSession).handleBurst, stateOpen)
	return s
}

// Open implements server.Service.
func (s *echoService) Open(c *server.Conn) server.Session { return &echoSession{svc: s, c: c} }

// Handle implements server.Session. The echo service has no login: the
// first packet authenticates the connection, so that it gets the idle
// timeout as a logged-in game client does.
func (es *echoSession) Handle(t wire.Type, p []byte) error {
	if !es.authed {
		es.authed = true
		es.c.SetAuthenticated()
	}
	return es.svc.mux.Dispatch(es, stateOpen, t, p)
}

// Close implements server.Session.
func (es *echoSession) Close(server.Reason) {}

func (es *echoSession) handleEcho(p []byte) error {
	es.c.SendRaw(p)
	return nil
}

func (es *echoSession) handleBurst(p []byte) error {
	if len(p) < burstReqSize {
		return server.Kick(server.ReasonMalformed, errors.New("short burst request"))
	}
	count := min(int(binary.LittleEndian.Uint16(p[wire.HeaderSize:])), maxBurstCount)
	size := min(max(int(binary.LittleEndian.Uint16(p[wire.HeaderSize+2:])), wire.HeaderSize), wire.MaxPacketSize)
	b := make([]byte, size)
	putHeader(b, typeBurst)
	for range count {
		if !es.c.SendRaw(b) {
			break
		}
	}
	return nil
}

// runServer serves the echo service on o.addr and the stats endpoints on
// o.httpAddr until SIGINT or SIGTERM.
func runServer(ctx context.Context, o serverOptions) error {
	if err := loopbackOnly(o.addr); err != nil {
		return err
	}
	if err := loopbackOnly(o.httpAddr); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: o.logLevel}))
	srv, reg := newServer(o, log)

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	hln, err := net.Listen("tcp", o.httpAddr)
	if err != nil {
		_ = ln.Close()
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/mem", func(w http.ResponseWriter, r *http.Request) {
		st := readStats(r.URL.Query().Get("gc") == "1", srv.Len())
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(st)
	})
	mux.HandleFunc("/debug/pprof/", pprof.Index) // heap, allocs, goroutine, ...
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = hs.Serve(hln) }()

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ctx, ln) }()
	fmt.Fprintf(os.Stderr, "server: echo on %s, stats on http://%s (GOMAXPROCS=%d, rate limit %v, flush delay %v)\n",
		ln.Addr(), hln.Addr(), runtime.GOMAXPROCS(0), o.rateLimit, o.flushDelay)
	select {
	case err = <-errc:
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		err = srv.Shutdown(sctx)
		cancel()
	}
	_ = hs.Close()
	return err
}

// newServer returns the echo server configured by o, with its metrics
// registry.
func newServer(o serverOptions, log *slog.Logger) (*server.Server, *prometheus.Registry) {
	reg := prometheus.NewRegistry()
	svc := newEchoService()
	cfg := server.Config{
		Name:          listenerName,
		MaxConns:      o.maxConns,
		MaxConnsPerIP: o.maxConns, // every client comes from 127.0.0.1
		FlushDelay:    o.flushDelay,
		NewCipher:     func() server.Cipher { return tq.NewServer() },
		Logger:        log,
	}
	if !o.rateLimit {
		cfg.PacketRate = -1
	}
	return server.New(cfg, svc, server.NewMetrics(reg), svc.mux.Types()), reg
}

// shutdownTimeout bounds the server's graceful shutdown at the end of a run.
const shutdownTimeout = 5 * time.Second

// loopbackOnly refuses any address but a loopback one: the benchmark never
// listens on or connects to another host.
func loopbackOnly(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("address %q is not a loopback IP address", addr)
	}
	return nil
}

// memStats is the server's memory and CPU as the /mem endpoint reports it.
type memStats struct {
	Conns       int    `json:"conns"`
	Goroutines  int    `json:"goroutines"`
	RSSBeforeGC int64  `json:"rss_before_gc"` // VmRSS before the forced GC (equals RSS without gc=1)
	RSS         int64  `json:"rss"`           // VmRSS, bytes
	HeapAlloc   uint64 `json:"heap_alloc"`    // live heap after GC when gc=1
	HeapInuse   uint64 `json:"heap_inuse"`
	StackInuse  uint64 `json:"stack_inuse"`
	Sys         uint64 `json:"sys"` // everything the Go runtime obtained from the OS
	Mallocs     uint64 `json:"mallocs"`
	NumGC       uint32 `json:"num_gc"`
	CPUNanos    int64  `json:"cpu_ns"` // user + system CPU time of the process
	WallNanos   int64  `json:"wall_ns"`
}

// readStats samples the process. With gc it first collects garbage and
// returns freed memory to the OS, so that RSS and the heap show what is live.
func readStats(gc bool, conns int) memStats {
	var st memStats
	st.RSSBeforeGC = rss()
	if gc {
		runtime.GC()
		debug.FreeOSMemory()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	st.Conns = conns
	st.Goroutines = runtime.NumGoroutine()
	st.RSS = rss()
	st.HeapAlloc, st.HeapInuse, st.StackInuse, st.Sys = ms.HeapAlloc, ms.HeapInuse, ms.StackInuse, ms.Sys
	st.Mallocs, st.NumGC = ms.Mallocs, ms.NumGC
	st.CPUNanos = cpuNanos()
	st.WallNanos = time.Now().UnixNano()
	return st
}

// rss returns the process's resident set size from /proc, or -1.
func rss() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return -1
			}
			return kb << 10
		}
	}
	return -1
}

// cpuNanos returns the user and system CPU time the process has used.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
