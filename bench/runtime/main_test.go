package main

import (
	"encoding/binary"
	"log/slog"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coserver/coserver/tq"
	"github.com/coserver/coserver/wire"
)

// startServer runs the benchmark's echo server in-process on a loopback port.
func startServer(t *testing.T, rateLimit bool) string {
	t.Helper()
	srv, _ := newServer(serverOptions{maxConns: defaultMaxConns, rateLimit: rateLimit},
		slog.New(slog.DiscardHandler))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(t.Context(), ln) }()
	t.Cleanup(func() { _ = ln.Close() })
	return ln.Addr().String()
}

func TestEchoAndPipeline(t *testing.T) {
	addr := startServer(t, false)
	nc, err := dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	if err := handshakeEcho(nc); err != nil {
		t.Fatal(err)
	}
	// pipelineConn starts its own cipher, so it needs a fresh connection.
	nc2, err := dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	var echoed atomic.Int64
	var stop atomic.Bool
	done := make(chan error, 1)
	go func() { done <- pipelineConn(nc2, 16, &echoed, &stop) }()
	time.Sleep(200 * time.Millisecond)
	stop.Store(true)
	_ = nc2.Close()
	<-done
	if echoed.Load() < 16 {
		t.Fatalf("echoed %d packets in 200 ms", echoed.Load())
	}
}

func TestBurst(t *testing.T) {
	addr := startServer(t, false)
	nc, err := dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	const count, size = 5, 100
	ci := tq.NewClient()
	p := burstRequest(count, size)
	ci.Encrypt(p)
	if _, err := nc.Write(p); err != nil {
		t.Fatal(err)
	}
	_ = nc.SetReadDeadline(time.Now().Add(ioTimeout))
	f := wire.NewFramer(nc, ci, nil)
	for i := range count {
		b, err := f.Next()
		if err != nil {
			t.Fatalf("packet %d: %v", i, err)
		}
		if n, typ := wire.Header(b); n != size || typ != typeBurst {
			t.Fatalf("packet %d: length %d type %d", i, n, typ)
		}
	}
}

func TestFlooderKicked(t *testing.T) {
	addr := startServer(t, true)
	if !flooder(addr, time.Now(), time.Now().Add(ioTimeout)) {
		t.Fatal("the flooder was not disconnected")
	}
}

func TestParseSample(t *testing.T) {
	name, labels, v, ok := parseSample(`coserver_connections_closed_total{listener="bench",reason="rate_limit"} 100`)
	if !ok || name != "coserver_connections_closed_total" || labels["reason"] != "rate_limit" || v != 100 {
		t.Fatalf("got %q %v %v %v", name, labels, v, ok)
	}
	if _, _, _, ok := parseSample("# HELP x y"); ok {
		t.Fatal("comment parsed as a sample")
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i))
	}
	if p := percentile(d, 0.5); p != 50 {
		t.Errorf("p50 = %d", p)
	}
	if p := percentile(d, 0.99); p != 99 {
		t.Errorf("p99 = %d", p)
	}
	if p := percentile(nil, 0.5); p != 0 {
		t.Errorf("empty = %d", p)
	}
}

func TestEchoPacket(t *testing.T) {
	p := echoPacket(7)
	if err := checkEcho(p); err != nil {
		t.Fatal(err)
	}
	if binary.LittleEndian.Uint32(p[wire.HeaderSize:]) != 7 {
		t.Fatal("sequence not encoded")
	}
	if err := checkEcho(burstRequest(1, 1)); err == nil {
		t.Fatal("a burst request passed as an echo")
	}
}

func TestLoopbackOnly(t *testing.T) {
	for _, a := range []string{"127.0.0.1:1", "[::1]:1"} {
		if err := loopbackOnly(a); err != nil {
			t.Errorf("%s: %v", a, err)
		}
	}
	for _, a := range []string{"10.0.0.1:1", "0.0.0.0:1", ":1", "example.com:1"} {
		if err := loopbackOnly(a); err == nil {
			t.Errorf("%s accepted", a)
		}
	}
}
