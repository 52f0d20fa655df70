package server

import (
	"bytes"
	"encoding/binary"
	"io"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coserver/coserver/wire"
)

// A due queue gives its entries back in order, those due first, and keeps
// them in order across the compaction of its taken front.
func TestDueQueueOrder(t *testing.T) {
	var q dueQueue
	const n = 5 * dueCompact
	for i := range n {
		q.push(due{at: int64(i)})
	}
	var got []due
	next := int64(0)
	for _, now := range []int64{-1, 0, dueCompact, 3 * dueCompact, 3*dueCompact + 7, n + 10} {
		got = q.takeDue(now, false, got[:0])
		for _, d := range got {
			if d.at != next || d.at > now {
				t.Fatalf("took the entry due at %d (now %d), want %d", d.at, now, next)
			}
			next++
		}
		if at, ok := q.next(); ok && at != next {
			t.Fatalf("next due at %d, want %d", at, next)
		}
	}
	if next != n || q.head != 0 || len(q.q) != 0 {
		t.Fatalf("took %d of %d; queue left with head %d, %d entries", next, n, q.head, len(q.q))
	}
	q.push(due{at: 50})
	q.push(due{at: 60})
	if got = q.takeDue(0, true, got[:0]); len(got) != 2 {
		t.Fatalf("taking all took %d of 2", len(got))
	}
}

// A stopped flusher hands what it still holds to writer goroutines, and
// what is sent afterwards is written at once: no packet waits for a
// flusher that is gone.
func TestStoppedFlusherWritesAtOnce(t *testing.T) {
	h, c, later := sendLater(t, never, 2)
	for _, f := range h.srv.flushers {
		f.stop()
	}
	readPackets(t, c, bytes.Repeat(later, 2))
	expectEchoAfter(t, c, nil, 0)
	if _, err := c.Write(laterPacket(1)); err != nil {
		t.Fatal(err)
	}
	<-h.svc.blocked
	readPackets(t, c, laterPacket(1))
}

// BenchmarkFlusherSchedule is one connection made due and written by the
// flusher, without the write itself: what the flusher's timekeeping costs
// per write.
func BenchmarkFlusherSchedule(b *testing.B) {
	f := newFlusher(-1, load{base: never, busy: never}, prometheus.NewHistogram(prometheus.HistogramOpts{Name: "late"}))
	b.ReportAllocs()
	for b.Loop() {
		f.mu.Lock()
		f.soon.push(due{at: f.clock()})
		f.work = f.soon.takeDue(f.clock(), false, f.work[:0])
		f.mu.Unlock()
	}
}

// A packet's way through the runtime and back — read, decrypt, frame,
// handle, queue the echo, the flusher's write — allocates nothing once the
// connection is warm.
func TestEchoThroughTheFlusherAllocatesNothing(t *testing.T) {
	h := start(t, Config{FlushDelay: -1, PacketRate: -1})
	c := h.dial()
	seq := uint32(0)
	out := seqPacket(0)
	in := make([]byte, len(out))
	echo := func() {
		binary.LittleEndian.PutUint32(out[wire.HeaderSize:], seq)
		seq++
		if _, err := c.Write(out); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(c, in); err != nil || !bytes.Equal(in, out) {
			t.Fatalf("echo %x, %v; want %x", in, err, out)
		}
	}
	for range 100 { // warm: pools, queues and buffers at their working size
		echo()
	}
	if n := testing.AllocsPerRun(200, echo); n != 0 {
		t.Fatalf("%v allocations per packet and echo, want 0", n)
	}
}
