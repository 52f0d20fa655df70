package server

import (
	"sync"
	"time"

	"github.com/coserver/coserver/wire"
)

// chunkSize is the size of the pooled chunks an outbox queues packets in:
// several packets each, and always room for one of the largest.
const chunkSize = 8 * wire.MaxPacketSize

// chunkPool holds the outbox chunks of every connection of a server, so a
// burst to a slow reader borrows memory instead of growing (and later
// dropping) a buffer by doubling: no garbage for the collector to chase.
type chunkPool struct{ p sync.Pool }

func (cp *chunkPool) get() *[chunkSize]byte {
	if c, ok := cp.p.Get().(*[chunkSize]byte); ok {
		return c
	}
	return new([chunkSize]byte)
}

func (cp *chunkPool) put(c *[chunkSize]byte) { cp.p.Put(c) }

// chunk is a pooled buffer and how much of it holds packets.
type chunk struct {
	buf *[chunkSize]byte
	n   int
}

func (c *chunk) bytes() []byte { return c.buf[:c.n] }

// outbox is a connection's queue of plaintext packets waiting to be
// encrypted and written, bounded in bytes. Appending never blocks.
//
// One writer goroutine at a time drains it: it takes every queued chunk,
// encrypts them in order, in place, and writes them with one syscall
// (writev). The writer goroutine exists only while there is something to
// write, and an idle outbox holds no chunk.
//
// A packet queued for later (appendRaw with later set: news of other
// entities) claims no writer: it arms the outbox instead (the server's
// flusher then calls fire after the later delay), and waits in the queue,
// in order, until the next write of the connection takes it along, or the
// delay is up. So a client in a crowd costs a write per own action and per
// delay, not one per packet it is sent.
type outbox struct {
	mu      sync.Mutex
	pool    *chunkPool
	pending []chunk // queued packets, in order; the last one is being filled
	spare   []chunk // an empty slice to swap in for pending
	size    int     // bytes queued
	codec   wire.Codec
	limit   int
	writing bool // a writer is claimed: due in the flusher, or writing
	closed  bool // nothing more is accepted
	idle    chan struct{}

	// later is how long a packet queued for later may wait; <= 0 queues
	// such packets like any other.
	later time.Duration
	// arm is called, under mu, when a packet queued for later arms the
	// outbox: whoever keeps time must call fire(seq) once the later delay
	// is up.
	arm    func(seq uint32)
	armed  bool   // packets queued for later wait for fire(armSeq)
	armSeq uint32 // counts the arms, so that a stale fire does nothing
}

// appendResult says what an append did.
type appendResult uint8

const (
	appended     appendResult = iota // queued; a writer is claimed, or the outbox armed, for it
	startWriter                      // queued; the caller holds the writer's claim and must have it write
	armedLater                       // queued for later; the outbox was armed for it
	dropped                          // the outbox is closed; nothing queued
	overflow                         // the outbox is full: the connection must be kicked
	encodeFailed                     // the packet did not encode; nothing queued
)

// room returns the chunk to append up to n bytes to, starting a new one when
// the last is too full.
func (o *outbox) room(n int) *chunk {
	if k := len(o.pending); k > 0 && chunkSize-o.pending[k-1].n >= n {
		return &o.pending[k-1]
	}
	o.pending = append(o.pending, chunk{buf: o.pool.get()})
	return &o.pending[len(o.pending)-1]
}

// appendPacket encodes p onto the queue.
func (o *outbox) appendPacket(p wire.Packet) (appendResult, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return dropped, nil
	}
	c := o.room(wire.MaxPacketSize)
	out, err := o.codec.Encode(c.buf[c.n:c.n:chunkSize], p)
	if err != nil {
		return encodeFailed, err
	}
	c.n += len(out)
	return o.queued(len(out), false), nil
}

// appendRaw queues an already encoded packet (a broadcast encoded once);
// with later set it may wait for the later delay (see outbox). A packet
// longer than a chunk is split across chunks; the bytes stay in order.
func (o *outbox) appendRaw(b []byte, later bool) appendResult {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return dropped
	}
	total := len(b)
	for len(b) > 0 {
		c := o.room(min(len(b), chunkSize))
		n := copy(c.buf[c.n:], b)
		c.n += n
		b = b[n:]
	}
	return o.queued(total, later)
}

// queued finishes an append of n bytes made under the lock: enforce the
// byte limit and say whether a writer must start, or arm the outbox for a
// packet queued for later.
func (o *outbox) queued(n int, later bool) appendResult {
	o.size += n
	if o.size > o.limit {
		o.closed = true
		o.disarm()
		return overflow
	}
	if o.writing {
		return appended
	}
	if later && o.later > 0 {
		if o.armed {
			return appended
		}
		o.armed = true
		o.armSeq++
		o.arm(o.armSeq)
		return armedLater
	}
	o.disarm() // the writer takes the packets queued for later along
	o.writing = true
	return startWriter
}

// disarm forgets the arm: a fire for it will do nothing. Caller holds mu.
func (o *outbox) disarm() { o.armed = false }

// fire is the later delay's end for the arm seq: it reports whether the
// caller has claimed the writer for the packets queued for later (none
// has taken them since).
func (o *outbox) fire(seq uint32) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.armed || o.armSeq != seq {
		return false // a writer took them in the meantime
	}
	o.armed = false
	return o.claim()
}

// hurry cancels the wait of packets queued for later: it reports whether
// the caller must start a writer for them now (a kick, a shutdown).
func (o *outbox) hurry() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.disarm()
	return o.claim()
}

// claim makes the caller the writer when packets wait and no writer runs,
// and reports whether it did. Caller holds mu.
func (o *outbox) claim() bool {
	if o.writing || len(o.pending) == 0 {
		return false
	}
	o.writing = true
	return true
}

// take returns the queued chunks to write, or nil when there are none, in
// which case the writer must stop. written is the writer's previous batch
// (nil on its first call): its chunks go back to the pool.
func (o *outbox) take(written []chunk) []chunk {
	o.mu.Lock()
	defer o.mu.Unlock()
	if written != nil {
		o.recycle(written)
		o.spare = written[:0]
	}
	if len(o.pending) == 0 {
		o.writing = false
		if o.idle != nil {
			close(o.idle)
			o.idle = nil
		}
		return nil
	}
	batch := o.pending
	o.pending, o.spare, o.size = o.spare, nil, 0
	return batch
}

// recycle returns chunks to the pool. Caller holds mu.
func (o *outbox) recycle(cs []chunk) {
	for i := range cs {
		o.pool.put(cs[i].buf)
		cs[i] = chunk{}
	}
}

// waitIdle returns a channel closed when the writer has drained the queue.
func (o *outbox) waitIdle() <-chan struct{} {
	o.mu.Lock()
	defer o.mu.Unlock()
	ch := make(chan struct{})
	if !o.writing && len(o.pending) == 0 {
		close(ch)
		return ch
	}
	if o.idle == nil {
		o.idle = make(chan struct{})
	}
	return o.idle
}

// abandon drops what is queued after a failed write and releases waiters.
func (o *outbox) abandon(batch []chunk) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.recycle(batch)
	o.recycle(o.pending)
	o.pending, o.spare, o.size, o.writing, o.closed = nil, nil, 0, false, true
	o.disarm()
	if o.idle != nil {
		close(o.idle)
		o.idle = nil
	}
}

// stop closes the outbox to new packets and disarms it: what is queued is
// written by a claimed writer, or after hurry, or not at all.
func (o *outbox) stop() {
	o.mu.Lock()
	o.closed = true
	o.disarm()
	o.mu.Unlock()
}
