package server

import (
	"bytes"
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// never is a later delay no test outlives: packets sent for later leave
// only with another write, a kick or a shutdown.
const never = time.Hour

func laterPacket(n byte) []byte { return rawPacket(typeLater, []byte{n, 'l', 'a', 't'}) }

// sendLater starts a server whose later delay is delay, dials it and has
// its handler queue n copies of a packet for later; it returns the client
// and the packet once they are queued.
func sendLater(t *testing.T, delay time.Duration, n byte) (*harness, net.Conn, []byte) {
	t.Helper()
	h := start(t, Config{LaterDelay: delay})
	c := h.dial()
	p := laterPacket(n)
	if _, err := c.Write(p); err != nil {
		t.Fatal(err)
	}
	<-h.svc.blocked
	return h, c, p
}

// readPackets reads exactly the bytes of want from c and compares them.
func readPackets(t *testing.T, c net.Conn, want []byte) {
	t.Helper()
	got := make([]byte, len(want))
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("got %x, %v; want %x", got, err, want)
	}
}

// laterFlushes returns the writes the later delay started.
func (h *harness) laterFlushes() float64 {
	return testutil.ToFloat64(h.m.laterWrites.WithLabelValues("test"))
}

// The outbox's bookkeeping, step by step: packets for later arm the outbox
// once; a packet sent at once disarms it and its writer takes everything in
// one batch; the arm's fire after that finds nothing to do.
func TestOutboxLaterBookkeeping(t *testing.T) {
	o := outbox{pool: new(chunkPool), limit: 1 << 20, later: never, arm: func(uint32) {}}
	defer o.stop()
	p := []byte{4, 0, 1, 0}
	if r := o.appendRaw(p, true); r != armedLater {
		t.Fatalf("first later packet: %v, want armedLater", r)
	}
	if r := o.appendRaw(p, true); r != appended || !o.armed {
		t.Fatalf("second later packet: %v (armed %v), want appended to the armed outbox", r, o.armed)
	}
	if r := o.appendRaw(p, false); r != startWriter || o.armed {
		t.Fatalf("packet sent at once: %v (armed %v), want a writer and the outbox disarmed", r, o.armed)
	}
	if r := o.appendRaw(p, true); r != appended {
		t.Fatalf("later packet while writing: %v, want appended", r)
	}
	batch := o.take(nil)
	if n := len(batch); n != 1 || batch[0].n != 4*len(p) {
		t.Fatalf("batch of %d chunks, %d bytes; want all four packets in one", n, batch[0].n)
	}
	if o.take(batch) != nil || o.writing {
		t.Fatal("writer did not stop on an empty outbox")
	}
	if o.fire(o.armSeq) {
		t.Fatal("a stale fire claimed a writer with nothing queued")
	}
	if r := o.appendRaw(p, true); r != armedLater {
		t.Fatalf("later packet on an idle outbox: %v, want armedLater", r)
	}
	if !o.fire(o.armSeq) || o.armed || !o.writing {
		t.Fatal("the fire did not claim the writer for the later packet")
	}
	if o.hurry() {
		t.Fatal("hurry started a second writer")
	}
}

// With nothing else to send, packets sent for later leave when the delay
// has passed (together, unless the handler was held up longer than the
// delay between two of them).
func TestLaterPacketsLeaveAfterTheDelay(t *testing.T) {
	h, c, p := sendLater(t, 5*time.Millisecond, 3)
	readPackets(t, c, bytes.Repeat(p, 3))
	if l := h.laterFlushes(); l < 1 {
		t.Fatalf("later flushes %v; want the delay to have started the write", l)
	}
}

// Packets sent for later go with the next packet sent at once, in their
// order, in the same write; the delay then has nothing left to write.
func TestLaterPacketsRideWithTheNextWrite(t *testing.T) {
	h, c, later := sendLater(t, never, 2)
	expectEchoAfter(t, c, bytes.Repeat(later, 2), 0)
	if l := h.laterFlushes(); l != 0 {
		t.Fatalf("later flushes %v; want the later packets gone with the echo", l)
	}
}

// expectEchoAfter sends sequence packet seq and expects first before its
// echo.
func expectEchoAfter(t *testing.T, c net.Conn, first []byte, seq uint32) {
	t.Helper()
	if _, err := c.Write(seqPacket(seq)); err != nil {
		t.Fatal(err)
	}
	readPackets(t, c, append(append([]byte(nil), first...), seqPacket(seq)...))
}

// A kick does not wait for the delay: what was queued for later is written
// before the connection closes.
func TestKickWritesLaterPackets(t *testing.T) {
	h, c, later := sendLater(t, never, 1)
	kick := rawPacket(typeKick, []byte("bye!"))
	if _, err := c.Write(kick); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(c)
	if want := append(append([]byte(nil), later...), kick...); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("got %x, %v; want %x then EOF", got, err, want)
	}
	h.waitClosed(ReasonKicked)
}

// Nor does a shutdown: the later packets are flushed with the rest.
func TestShutdownWritesLaterPackets(t *testing.T) {
	h, c, later := sendLater(t, never, 4)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(c)
	if want := bytes.Repeat(later, 4); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("got %x, %v; want %x then EOF", got, err, want)
	}
}

// A negative delay sends later packets like any other: at once.
func TestNegativeLaterDelayWritesAtOnce(t *testing.T) {
	h, c, later := sendLater(t, -1, 1)
	readPackets(t, c, later)
	if l := h.laterFlushes(); l != 0 {
		t.Fatalf("later flushes %v, want 0", l)
	}
}

// BenchmarkAppendLater is one packet queued for later on an armed outbox: the map goroutine's cost per observer of a move.
func BenchmarkAppendLater(b *testing.B) {
	o := outbox{pool: new(chunkPool), limit: 1 << 30, later: never, arm: func(uint32) {}}
	defer o.stop()
	p := make([]byte, 16)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if o.appendRaw(p, true) == overflow {
			b.Fatal("overflow")
		}
		if n++; n == 4096 { // drain now and then, as the writer would
			o.recycle(o.pending)
			o.pending, o.size = o.pending[:0], 0
			n = 0
		}
	}
}
