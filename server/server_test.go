package server

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/coserver/coserver/wire"
)

// plain is the identity cipher: the runtime tests look at bytes, not crypto.
type plain struct{}

func (plain) Encrypt([]byte) {}
func (plain) Decrypt([]byte) {}

const (
	typeSeq   wire.Type = 9001 // body: u32 sequence number; echoed back
	typeBlock wire.Type = 9002 // blocks the handler until the test releases it
	typeBlast wire.Type = 9003 // queues a burst of large packets to the sender
	typeKick  wire.Type = 9004 // answers, then kicks
	typeAuth  wire.Type = 9005 // authenticates the connection, answers
	typeWait  wire.Type = 9006 // blocks the handler until the connection's context ends
	typeLater wire.Type = 9007 // queues body[0] copies of the packet for later, then signals blocked
)

// testService records what its sessions see.
type testService struct {
	mux      *Mux[*testSession]
	release  chan struct{}
	blocked  chan struct{}
	closed   chan Reason
	mu       sync.Mutex
	bad      []string
	handled  atomic.Int64
	sessions atomic.Int64
}

type testSession struct {
	svc      *testService
	c        *Conn
	next     uint32
	inflight atomic.Int32
}

func newTestService() *testService {
	s := &testService{
		mux:     NewMux[*testSession](),
		release: make(chan struct{}),
		blocked: make(chan struct{}, 16),
		closed:  make(chan Reason, 4096),
	}
	s.mux.Handle(typeSeq, (*testSession).handleSeq, 0)
	s.mux.Handle(typeBlock, func(ts *testSession, _ []byte) error {
		ts.svc.blocked <- struct{}{}
		<-ts.svc.release
		return nil
	}, 0)
	s.mux.Handle(typeBlast, func(ts *testSession, _ []byte) error {
		big := rawPacket(typeBlast, make([]byte, 1000))
		for range 1000 {
			if !ts.c.SendRaw(big) {
				break
			}
		}
		return nil
	}, 0)
	s.mux.Handle(typeKick, func(ts *testSession, p []byte) error {
		ts.c.SendRaw(p)
		return Kick(ReasonKicked, nil)
	}, 0)
	s.mux.Handle(typeAuth, func(ts *testSession, p []byte) error {
		ts.c.SetAuthenticated()
		ts.c.SendRaw(p)
		return nil
	}, 0)
	s.mux.Handle(typeLater, func(ts *testSession, p []byte) error {
		for range p[wire.HeaderSize] {
			ts.c.SendRawLater(p)
		}
		ts.svc.blocked <- struct{}{}
		return nil
	}, 0)
	s.mux.Handle(typeWait, func(ts *testSession, _ []byte) error {
		ts.svc.blocked <- struct{}{}
		<-ts.c.Context().Done()
		return nil
	}, 0)
	return s
}

func (s *testService) Open(c *Conn) Session {
	s.sessions.Add(1)
	return &testSession{svc: s, c: c}
}

func (ts *testSession) Handle(t wire.Type, p []byte) error {
	if ts.inflight.Add(1) != 1 {
		ts.fail("two handlers of one connection ran concurrently")
	}
	defer ts.inflight.Add(-1)
	ts.svc.handled.Add(1)
	return ts.svc.mux.Dispatch(ts, 0, t, p)
}

func (ts *testSession) Close(r Reason) {
	if ts.c.Context().Err() == nil {
		ts.fail("connection context not cancelled when its session closes")
	}
	ts.svc.closed <- r
}

func (ts *testSession) fail(msg string) {
	ts.svc.mu.Lock()
	ts.svc.bad = append(ts.svc.bad, msg)
	ts.svc.mu.Unlock()
}

func (ts *testSession) handleSeq(p []byte) error {
	seq := binary.LittleEndian.Uint32(p[4:])
	if seq != ts.next {
		ts.fail("out of order")
	}
	ts.next++
	ts.c.SendRaw(p)
	return nil
}

func rawPacket(t wire.Type, body []byte) []byte {
	p := binary.LittleEndian.AppendUint16(nil, uint16(wire.HeaderSize+len(body)))
	p = binary.LittleEndian.AppendUint16(p, uint16(t))
	return append(p, body...)
}

func seqPacket(n uint32) []byte {
	return rawPacket(typeSeq, binary.LittleEndian.AppendUint32(nil, n))
}

type harness struct {
	t    *testing.T
	addr string // the listener's address
	srv  *Server
	svc  *testService
	reg  *prometheus.Registry
	m    *Metrics
}

func start(t *testing.T, cfg Config) *harness {
	t.Helper()
	return startWith(t, cfg, nil)
}

// startWith is start with a function that adjusts the server before it
// serves (nil for none).
func startWith(t *testing.T, cfg Config, tune func(*Server)) *harness {
	t.Helper()
	cfg.Name = "test"
	cfg.NewCipher = func() Cipher { return plain{} }
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	svc := newTestService()
	srv := New(cfg, svc, m, svc.mux.Types())
	if tune != nil {
		tune(srv)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(context.Background(), ln) }()
	h := &harness{t: t, addr: ln.Addr().String(), srv: srv, svc: svc, reg: reg, m: m}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		svc.mu.Lock()
		defer svc.mu.Unlock()
		for _, b := range svc.bad {
			t.Error(b)
		}
	})
	return h
}

func (h *harness) dial() net.Conn {
	h.t.Helper()
	c, err := net.Dial("tcp", h.addr)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { c.Close() })
	return c
}

// closedCount returns the closed-connection counter for a reason.
func (h *harness) closedCount(r Reason) float64 {
	return testutil.ToFloat64(h.m.closed.WithLabelValues("test", string(r)))
}

// waitClosed waits until a session closes with reason r.
func (h *harness) waitClosed(r Reason) {
	h.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case got := <-h.svc.closed:
			if got == r {
				return
			}
		case <-deadline:
			h.t.Fatalf("no connection closed with reason %s", r)
		}
	}
}

// expectAlive checks that c still answers a sequence packet.
func expectEcho(t *testing.T, c net.Conn, seq uint32) {
	t.Helper()
	want := seqPacket(seq)
	if _, err := c.Write(want); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(want))
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("echo %d: got %x, %v", seq, got, err)
	}
}

func TestOrderingAcrossManyClients(t *testing.T) {
	h := start(t, Config{PacketRate: -1, MaxConnsPerIP: 100})
	const clients, packets = 50, 400
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			c, err := net.Dial("tcp", h.addr)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			var stream []byte
			for i := range uint32(packets) {
				stream = append(stream, seqPacket(i)...)
			}
			go func() { _, _ = c.Write(stream) }()
			got := make([]byte, len(stream))
			_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
			if _, err := io.ReadFull(c, got); err != nil {
				t.Error(err)
				return
			}
			if !bytes.Equal(got, stream) {
				t.Error("echoes out of order")
			}
		})
	}
	wg.Wait()
	if n := h.svc.handled.Load(); n != clients*packets {
		t.Fatalf("handled %d packets, want %d", n, clients*packets)
	}
}

func TestClientsRunInParallel(t *testing.T) {
	h := start(t, Config{})
	a := h.dial()
	if _, err := a.Write(rawPacket(typeBlock, nil)); err != nil {
		t.Fatal(err)
	}
	<-h.svc.blocked // a's handler is now stuck
	b := h.dial()
	expectEcho(t, b, 0) // b is served meanwhile
	close(h.svc.release)
}

func TestSlowConsumerKickedOthersGoOn(t *testing.T) {
	h := start(t, Config{OutboxLimit: 64 << 10})
	slow := h.dial()
	if tc, ok := slow.(*net.TCPConn); ok {
		_ = tc.SetReadBuffer(4 << 10)
	}
	if _, err := slow.Write(rawPacket(typeBlast, nil)); err != nil { // 1 MB queued to a client that never reads
		t.Fatal(err)
	}
	h.waitClosed(ReasonSlowConsumer)
	if v := testutil.ToFloat64(h.m.overflows.WithLabelValues("test")); v != 1 {
		t.Fatalf("overflow counter %v, want 1", v)
	}
	expectEcho(t, h.dial(), 0)
}

func TestBadLengthClosesOnlyThatConnection(t *testing.T) {
	for _, n := range []uint16{0, 3, wire.MaxPacketSize + 1, 0xffff} {
		h := start(t, Config{})
		good := h.dial()
		expectEcho(t, good, 0)
		bad := h.dial()
		_, _ = bad.Write(binary.LittleEndian.AppendUint16(nil, n))
		h.waitClosed(ReasonBadLength)
		_ = bad.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := bad.Read(make([]byte, 1)); err == nil {
			t.Fatalf("length %d: connection still open", n)
		}
		expectEcho(t, good, 1)
	}
}

func TestHandlerPanicClosesOnlyThatConnection(t *testing.T) {
	h := start(t, Config{})
	good := h.dial()
	expectEcho(t, good, 0)
	c := h.dial()
	_, _ = c.Write(rawPacket(typeSeq, []byte{1})) // the test handler reads 4 body bytes: it panics
	h.waitClosed(ReasonHandlerError)
	expectEcho(t, good, 1)
}

func TestFloodKickedByRateLimit(t *testing.T) {
	h := start(t, Config{PacketRate: 50, PacketBurst: 20})
	flood := h.dial()
	go func() {
		for i := uint32(0); ; i++ {
			if _, err := flood.Write(seqPacket(i)); err != nil {
				return
			}
		}
	}()
	h.waitClosed(ReasonRateLimit)
	if v := testutil.ToFloat64(h.m.rateKicks.WithLabelValues("test")); v != 1 {
		t.Fatalf("rate-limit counter %v, want 1", v)
	}
}

func TestConnectionCaps(t *testing.T) {
	h := start(t, Config{MaxConns: 3, MaxConnsPerIP: 2})
	a, b := h.dial(), h.dial()
	expectEcho(t, a, 0)
	expectEcho(t, b, 0)
	third := h.dial() // a third from 127.0.0.1 is over the per-IP cap
	_ = third.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := third.Read(make([]byte, 1)); err == nil {
		t.Fatal("third connection from one IP was accepted")
	}
	if v := testutil.ToFloat64(h.m.rejected.WithLabelValues("test", "per_ip")); v != 1 {
		t.Fatalf("per-IP rejections %v, want 1", v)
	}
	if v := testutil.ToFloat64(h.m.rejected.WithLabelValues("test", "total")); v != 0 {
		t.Fatalf("total rejections %v, want 0", v)
	}
	expectEcho(t, a, 1) // the refusal left the admitted connections alone
}

func TestTotalConnectionCap(t *testing.T) {
	h := start(t, Config{MaxConns: 2, MaxConnsPerIP: 10})
	a, b := h.dial(), h.dial()
	expectEcho(t, a, 0)
	expectEcho(t, b, 0)
	third := h.dial() // under the per-IP cap, over the total
	_ = third.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := third.Read(make([]byte, 1)); err == nil {
		t.Fatal("third connection accepted over the total cap")
	}
	if v := testutil.ToFloat64(h.m.rejected.WithLabelValues("test", "total")); v != 1 {
		t.Fatalf("total rejections %v, want 1", v)
	}
	expectEcho(t, b, 1)
}

func TestHandshakeDeadline(t *testing.T) {
	h := start(t, Config{HandshakeTimeout: 100 * time.Millisecond})
	_ = h.dial() // sends nothing
	h.waitClosed(ReasonHandshakeTimeout)
}

func TestKickFlushesAnswer(t *testing.T) {
	h := start(t, Config{})
	c := h.dial()
	want := rawPacket(typeKick, []byte("bye!"))
	_, _ = c.Write(want)
	got, err := io.ReadAll(c)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("got %x, %v; want the answer then EOF", got, err)
	}
	h.waitClosed(ReasonKicked)
}

func TestShutdownDrainsAndRunsHooks(t *testing.T) {
	h := start(t, Config{})
	var saved atomic.Bool
	h.srv.OnShutdown(func(context.Context) error { saved.Store(true); return nil })
	conns := []net.Conn{h.dial(), h.dial(), h.dial()}
	for i, c := range conns {
		expectEcho(t, c, uint32(0))
		_ = i
	}
	// One client is inside a handler when shutdown starts: it must finish.
	if _, err := conns[0].Write(rawPacket(typeBlock, nil)); err != nil {
		t.Fatal(err)
	}
	<-h.svc.blocked
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		done <- h.srv.Shutdown(ctx)
	}()
	select {
	case <-done:
		t.Fatal("shutdown returned while a handler was running")
	case <-time.After(100 * time.Millisecond):
	}
	close(h.svc.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !saved.Load() {
		t.Fatal("shutdown hook not run")
	}
	for range conns {
		h.waitClosed(ReasonShutdown)
	}
	if _, err := net.Dial("tcp", h.addr); err == nil {
		t.Fatal("still accepting after shutdown")
	}
	if h.closedCount(ReasonShutdown) != 3 {
		t.Fatalf("closed(shutdown) = %v, want 3", h.closedCount(ReasonShutdown))
	}
}

func TestUnknownTypeIgnored(t *testing.T) {
	h := start(t, Config{})
	c := h.dial()
	for range 3 {
		_, _ = c.Write(rawPacket(4242, nil))
	}
	expectEcho(t, c, 0)
	if v := testutil.ToFloat64(h.m.unknown.WithLabelValues("test")); v != 3 {
		t.Fatalf("unknown counter %v, want 3", v)
	}
}

func TestReasonFor(t *testing.T) {
	cases := map[Reason]error{
		ReasonKicked:       Kick(ReasonKicked, nil),
		ReasonMalformed:    &wire.FieldError{Field: "x"},
		ReasonOutOfState:   errors.Join(ErrOutOfState),
		ReasonHandlerError: errors.New("boom"),
	}
	for want, err := range cases {
		if got := reasonFor(err); got != want {
			t.Errorf("reasonFor(%v) = %s, want %s", err, got, want)
		}
	}
}

// drip writes one byte of a never-ending packet every interval until the
// connection fails or stop is closed.
func drip(c net.Conn, interval time.Duration, stop <-chan struct{}) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	// A typeSeq packet announced as the largest allowed: it never completes.
	p := rawPacket(typeSeq, make([]byte, wire.MaxPacketSize-wire.HeaderSize))
	for i := 0; ; i = (i + 1) % len(p) {
		if _, err := c.Write(p[i : i+1]); err != nil {
			return
		}
		select {
		case <-tick.C:
		case <-stop:
			return
		}
	}
}

func TestHandshakeDeadlineIsAbsoluteForDrip(t *testing.T) {
	h := start(t, Config{HandshakeTimeout: 300 * time.Millisecond})
	stop := make(chan struct{})
	defer close(stop)
	go drip(h.dial(), 20*time.Millisecond, stop) // each byte arrives well within the timeout
	h.waitClosed(ReasonHandshakeTimeout)
}

func TestHandshakeDeadlineIsAbsoluteForUnknownTypes(t *testing.T) {
	h := start(t, Config{HandshakeTimeout: 300 * time.Millisecond})
	c := h.dial()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			if _, err := c.Write(rawPacket(4242, nil)); err != nil { // a 4-byte packet without a handler
				return
			}
			select {
			case <-tick.C:
			case <-stop:
				return
			}
		}
	}()
	h.waitClosed(ReasonHandshakeTimeout)
	if v := testutil.ToFloat64(h.m.unknown.WithLabelValues("test")); v < 1 {
		t.Fatalf("unknown counter %v: the packets were not read", v)
	}
}

func TestAuthenticatedConnectionOutlivesHandshakeDeadline(t *testing.T) {
	h := start(t, Config{HandshakeTimeout: time.Second, IdleTimeout: time.Minute})
	authed := h.dial()
	auth := rawPacket(typeAuth, nil)
	if _, err := authed.Write(auth); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(auth))
	_ = authed.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(authed, got); err != nil {
		t.Fatal(err)
	}
	// A connection opened later, never authenticated, passes its deadline:
	// the authenticated one, older, has passed its handshake deadline too.
	_ = h.dial()
	h.waitClosed(ReasonHandshakeTimeout)
	expectEcho(t, authed, 0)
}

func TestShutdownDeadlineCancelsConnectionContexts(t *testing.T) {
	h := start(t, Config{})
	c := h.dial()
	if _, err := c.Write(rawPacket(typeWait, nil)); err != nil {
		t.Fatal(err)
	}
	<-h.svc.blocked // the handler waits on its connection's context
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the shutdown deadline has passed
	if err := h.srv.Shutdown(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Shutdown = %v, want context.Canceled", err)
	}
	h.waitClosed(ReasonShutdown) // the handler returned and the session closed
}

// captureHandler is a slog.Handler that keeps every record.
type captureHandler struct {
	mu   *sync.Mutex
	recs *[]slog.Record
}

func newCapture() captureHandler {
	return captureHandler{mu: new(sync.Mutex), recs: new([]slog.Record)}
}

func (h captureHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h captureHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h captureHandler) WithGroup(string) slog.Handler            { return h }
func (h captureHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	*h.recs = append(*h.recs, r.Clone())
	h.mu.Unlock()
	return nil
}

// count returns how many records have message msg, and the int64 value of
// attribute key in the last of them.
func (h captureHandler) count(msg, key string) (n int, last int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, r := range *h.recs {
		if r.Message != msg {
			continue
		}
		n++
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == key {
				last = a.Value.Int64()
			}
			return true
		})
	}
	return n, last
}

func TestRefusedConnectionLogsAreSampled(t *testing.T) {
	capt := newCapture()
	now := time.Unix(1000, 0) // the sampler's clock stands still: one interval
	h := startWith(t, Config{MaxConnsPerIP: 1, Logger: slog.New(capt)}, func(s *Server) {
		s.sampled.now = func() time.Time { return now }
	})
	expectEcho(t, h.dial(), 0) // holds the one connection 127.0.0.1 may have
	const refused = LogSampleBurst + 25
	for range refused {
		c := h.dial()
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Read(make([]byte, 1)); err == nil {
			t.Fatal("connection over the per-IP cap was accepted")
		}
	}
	if v := testutil.ToFloat64(h.m.rejected.WithLabelValues("test", "per_ip")); v != refused {
		t.Fatalf("per-IP rejections %v, want %d (counters stay exact)", v, refused)
	}
	if n, _ := capt.count("connection refused", ""); n != LogSampleBurst {
		t.Fatalf("%d refused-connection lines, want %d", n, LogSampleBurst)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if n, k := capt.count("suppressed 25 more", "suppressed"); n != 1 || k != refused-LogSampleBurst {
		t.Fatalf("%d summary lines with suppressed=%d, want 1 with %d", n, k, refused-LogSampleBurst)
	}
}

func TestLogSamplerWindows(t *testing.T) {
	capt := newCapture()
	now := time.Unix(1000, 0)
	s := newLogSampler(slog.New(capt), func() time.Time { return now })
	allowed := 0
	for range LogSampleBurst + 7 {
		if s.allow("per_ip") {
			allowed++
		}
	}
	if !s.allow("rate_limit") {
		t.Fatal("another reason shares the first one's budget")
	}
	if allowed != LogSampleBurst {
		t.Fatalf("allowed %d lines, want %d", allowed, LogSampleBurst)
	}
	if n, _ := capt.count("suppressed 7 more", ""); n != 0 {
		t.Fatal("summary logged before the interval ended")
	}
	now = now.Add(LogSampleInterval)
	if !s.allow("per_ip") {
		t.Fatal("a new interval did not reset the budget")
	}
	if n, k := capt.count("suppressed 7 more", "suppressed"); n != 1 || k != 7 {
		t.Fatalf("%d summary lines with suppressed=%d, want 1 with 7", n, k)
	}
	s.flush()
	if n, _ := capt.count("suppressed 7 more", ""); n != 1 {
		t.Fatal("flush repeated a reported count")
	}
}
