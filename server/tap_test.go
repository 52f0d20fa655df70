package server

import (
	"context"
	"io"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coserver/coserver/ratelimit"
	"github.com/coserver/coserver/record"
	"github.com/coserver/coserver/wire"
)

// streamConn is a net.Conn whose reads return one packet repeated n times,
// then io.EOF: the read path without a socket.
type streamConn struct {
	net.Conn // nil: only the methods below are used
	pkt      []byte
	left     int
	off      int
}

func (s *streamConn) Read(b []byte) (int, error) {
	n := 0
	for n < len(b) && s.left > 0 {
		k := copy(b[n:], s.pkt[s.off:])
		n += k
		s.off += k
		if s.off == len(s.pkt) {
			s.off = 0
			s.left--
		}
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}
func (*streamConn) SetReadDeadline(time.Time) error  { return nil }
func (*streamConn) SetWriteDeadline(time.Time) error { return nil }
func (*streamConn) Close() error                     { return nil }

// countSession counts packets.
type countSession struct{ n int }

func (s *countSession) Handle(wire.Type, []byte) error { s.n++; return nil }
func (s *countSession) Close(Reason)                   {}

// readPath runs the reader of one connection over n copies of pkt, tapped
// by tap (nil: trace off), and returns how many packets were handled.
func readPath(tb testing.TB, tap Tap, pkt []byte, n int) int {
	tb.Helper()
	srv := New(Config{Name: "game", PacketRate: -1, NewCipher: func() Cipher { return plain{} },
		Logger: slog.New(slog.DiscardHandler)}, nil, NewMetrics(prometheus.NewRegistry()), nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := &Conn{srv: srv, nc: &streamConn{pkt: pkt, left: n}, cipher: plain{}, ctx: ctx, cancel: cancel,
		handshake: time.Now().Add(time.Hour), Log: slog.New(slog.DiscardHandler), bucket: ratelimit.New(-1, 0)}
	c.sock.init(c.nc)
	c.framer = wire.NewPooledFramer(c, c.cipher, &srv.buffers)
	defer c.framer.Release()
	if tap != nil {
		c.tap.Store(&tapBox{tap})
	}
	sess := &countSession{}
	if r := c.readLoop(sess); r != ReasonEOF {
		tb.Fatalf("read loop ended with %s", r)
	}
	return sess.n
}

// logTap is the work package trace does per packet: decode and log.
type logTap struct{ log *slog.Logger }

func (t logTap) Packet(c *Conn, out bool, p []byte) {
	d := record.Decode(c.Listener(), p)
	t.log.Info("packet", "conn", c.ID(), "out", out, "type", d.Name(), "len", len(p), "fields", d.FieldsText())
}

// walkPacket is a MsgWalk, the commonest packet from clients.
var walkPacket = []byte{10, 0, 0xed, 0x03, 0x40, 0x42, 0x0f, 0x00, 2, 0}

func TestTraceOffAllocatesNothingPerPacket(t *testing.T) {
	const packets = 10000
	// The setup (a server, its metrics) allocates the same for one packet
	// as for ten thousand; a per-packet allocation would add thousands.
	one := testing.AllocsPerRun(3, func() { readPath(t, nil, walkPacket, 1) })
	many := testing.AllocsPerRun(3, func() { readPath(t, nil, walkPacket, packets) })
	if many-one > 10 {
		t.Errorf("%v allocations for %d packets with trace off, %v for one", many, packets, one)
	}
}

// recTap counts what it sees, both directions.
type recTap struct {
	mu      sync.Mutex
	in, out []wire.Type
}

func (r *recTap) Packet(_ *Conn, out bool, p []byte) {
	_, t := wire.Header(p)
	r.mu.Lock()
	defer r.mu.Unlock()
	if out {
		r.out = append(r.out, t)
	} else {
		r.in = append(r.in, t)
	}
}

type tapAll struct{ t Tap }

func (a tapAll) TapFor(*Conn) Tap { return a.t }

func TestTapSeesBothDirectionsAndFollowsRetap(t *testing.T) {
	h := start(t, Config{})
	rt := &recTap{}
	h.srv.SetTapper(tapAll{rt})
	c := h.dial()
	expectEcho(t, c, 0)
	expectEcho(t, c, 1)
	rt.mu.Lock()
	in, out := len(rt.in), len(rt.out)
	rt.mu.Unlock()
	if in != 2 || out != 2 {
		t.Fatalf("tap saw %d in, %d out; want 2 and 2", in, out)
	}
	h.srv.SetTapper(tapAll{nil}) // trace off for open connections too
	expectEcho(t, c, 2)
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if len(rt.in) != 2 {
		t.Fatalf("tap still sees packets after retap: %d", len(rt.in))
	}
}

func BenchmarkReadPath(b *testing.B) {
	for _, bc := range []struct {
		name string
		tap  Tap
	}{
		{"trace=off", nil},
		{"trace=on", logTap{slog.New(slog.NewTextHandler(io.Discard, nil))}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(walkPacket)))
			if n := readPath(b, bc.tap, walkPacket, b.N); n != b.N {
				b.Fatalf("%d packets handled, want %d", n, b.N)
			}
		})
	}
}
