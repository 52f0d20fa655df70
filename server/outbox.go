package server

import (
	"sync"

	"github.com/coserver/coserver/wire"
)

// outboxKeep is the buffer capacity an outbox keeps after draining; larger
// buffers (a burst to a slow reader) are dropped so idle connections stay
// small.
const outboxKeep = 16 << 10

// outbox is a connection's queue of plaintext packets waiting to be
// encrypted and written, bounded in bytes. Appending never blocks.
//
// One writer goroutine at a time drains it: it swaps the pending buffer for
// its own, encrypts the whole batch in place and writes it with one syscall.
// The writer goroutine exists only while there is something to write.
type outbox struct {
	mu      sync.Mutex
	pending []byte // queued plaintext packets, in order
	spare   []byte // an empty buffer to swap in for pending
	codec   wire.Codec
	limit   int
	writing bool // a writer goroutine is running
	closed  bool // nothing more is accepted
	idle    chan struct{}
}

// appendResult says what an append did.
type appendResult uint8

const (
	appended     appendResult = iota // queued; the caller's writer is running or was started
	startWriter                      // queued; the caller must start a writer goroutine
	dropped                          // the outbox is closed; nothing queued
	overflow                         // the outbox is full: the connection must be kicked
	encodeFailed                     // the packet did not encode; nothing queued
)

// appendPacket encodes p onto the queue.
func (o *outbox) appendPacket(p wire.Packet) (appendResult, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return dropped, nil
	}
	before := len(o.pending)
	out, err := o.codec.Encode(o.pending, p)
	if err != nil {
		return encodeFailed, err
	}
	o.pending = out
	return o.queued(before), nil
}

// appendRaw queues an already encoded packet (a broadcast encoded once).
func (o *outbox) appendRaw(b []byte) appendResult {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return dropped
	}
	before := len(o.pending)
	o.pending = append(o.pending, b...)
	return o.queued(before)
}

// queued finishes an append made under the lock: enforce the byte limit and
// say whether a writer must start.
func (o *outbox) queued(before int) appendResult {
	if len(o.pending) > o.limit {
		o.pending = o.pending[:before]
		o.closed = true
		return overflow
	}
	if o.writing {
		return appended
	}
	o.writing = true
	return startWriter
}

// take returns the next batch to write, or nil when there is nothing left,
// in which case the writer must stop. written is the writer's previous batch
// (nil on its first call), recycled as the next pending buffer.
func (o *outbox) take(written []byte) []byte {
	o.mu.Lock()
	defer o.mu.Unlock()
	if written != nil && cap(written) <= outboxKeep {
		o.spare = written[:0]
	}
	if len(o.pending) == 0 {
		o.writing = false
		if cap(o.pending) > outboxKeep {
			o.pending = nil
		}
		if o.idle != nil {
			close(o.idle)
			o.idle = nil
		}
		return nil
	}
	batch := o.pending
	o.pending, o.spare = o.spare, nil
	return batch
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
func (o *outbox) abandon() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.pending, o.spare, o.writing, o.closed = nil, nil, false, true
	if o.idle != nil {
		close(o.idle)
		o.idle = nil
	}
}

// stop closes the outbox to new packets.
func (o *outbox) stop() {
	o.mu.Lock()
	o.closed = true
	o.mu.Unlock()
}
