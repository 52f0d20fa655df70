package server

import (
	"math"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// flusher keeps the time of a server's writes and makes them: a
// connection with a first packet to send is due FlushDelay later (so that
// the packets of that moment share the write), one with packets queued for
// later is due LaterDelay after the first of them, and when they are due
// the flusher's one goroutine writes them, one after the other, as far as
// each socket takes its batch at once (a socket that would block gets a
// writer goroutine of its own, which waits for it).
//
// It replaces a goroutine started, and a timer set, per write: with
// thousands of clients each written several times a second, those were a
// tenth of the server's CPU (the scheduler and the runtime's timer heap).
// A server has one flusher per processor (GOMAXPROCS when it was made),
// each for the connections whose id falls to it.
type flusher struct {
	soonDelay time.Duration       // FlushDelay; <= 0 is at once
	base      time.Time           // the zero of the due times
	late      prometheus.Observer // how late each write began
	// load is how busy the process is, and so the later delay: LaterDelay
	// while the processors have room, stretching toward LaterDelayBusy as
	// they fill up (load.go). The goroutine's own.
	load load

	once sync.Once // starts the goroutine at the first schedule
	mu   sync.Mutex
	soon dueQueue // claimed writers, due soonDelay after the claim
	// later holds armed outboxes, due laterDelay after the arm. Both queues
	// are in due order: the flush delay is fixed, and the later delay
	// shrinks by at most loadEase per sample (a due may be written that
	// much late).
	later dueQueue
	// laterDelay is the later delay now.
	laterDelay time.Duration
	// waiting is the due time the goroutine sleeps until (math.MaxInt64
	// when nothing is queued), or 0 while it runs: a schedule due earlier
	// wakes it.
	waiting int64
	stopped bool
	wake    chan struct{} // buffered, 1
	done    chan struct{} // closed when the goroutine has returned

	work []due // what the goroutine writes this turn (its own)
}

// due is one connection due at a time: with seq, an arm of its outbox
// (fire), else a claimed writer.
type due struct {
	c     *Conn
	at    int64 // nanoseconds since the flusher's base
	seq   uint32
	later bool
}

// dueQueue is a queue of dues in due order; its memory is reused.
type dueQueue struct {
	q    []due
	head int
}

// dueCompact is how many taken entries a queue lets pile up before it
// moves the rest to the front (when they are at least as many).
const dueCompact = 1024

func (d *dueQueue) push(e due) { d.q = append(d.q, e) }

// next returns the first due time, or false when the queue is empty.
func (d *dueQueue) next() (int64, bool) {
	if d.head == len(d.q) {
		return 0, false
	}
	return d.q[d.head].at, true
}

// takeDue moves the entries due by now (all of them with all set) onto
// into and returns it.
func (d *dueQueue) takeDue(now int64, all bool, into []due) []due {
	for d.head < len(d.q) && (all || d.q[d.head].at <= now) {
		into = append(into, d.q[d.head])
		d.q[d.head] = due{}
		d.head++
	}
	switch {
	case d.head == len(d.q):
		d.q, d.head = d.q[:0], 0
	case d.head >= dueCompact && 2*d.head >= len(d.q):
		n := copy(d.q, d.q[d.head:])
		clear(d.q[n:])
		d.q, d.head = d.q[:n], 0
	}
	return into
}

func newFlusher(soon time.Duration, load load, late prometheus.Observer) *flusher {
	return &flusher{
		late:       late,
		soonDelay:  soon,
		load:       load,
		laterDelay: load.base,
		base:       time.Now(),
		waiting:    math.MaxInt64,
		wake:       make(chan struct{}, 1),
		done:       make(chan struct{}),
	}
}

func (f *flusher) clock() int64 { return int64(time.Since(f.base)) }

// writeSoon has c's claimed writer write FlushDelay from now.
func (f *flusher) writeSoon(c *Conn) { f.schedule(due{c: c}) }

// fireLater has c's packets queued for later, arm seq, written LaterDelay
// from now unless a write takes them before. Called under the outbox's
// lock.
func (f *flusher) fireLater(c *Conn, seq uint32) { f.schedule(due{c: c, seq: seq, later: true}) }

// schedule queues e, due the flush delay from now (the later delay for a
// later e), and wakes the goroutine when it sleeps past that. A stopped
// flusher hands e over at once.
func (f *flusher) schedule(e due) {
	f.once.Do(func() { go f.run() })
	f.mu.Lock()
	if f.stopped {
		f.mu.Unlock()
		e.handOver()
		return
	}
	q, delay := &f.soon, f.soonDelay
	if e.later {
		q, delay = &f.later, f.laterDelay
	}
	e.at = f.clock() + int64(max(delay, 0))
	q.push(e)
	wake := e.at < f.waiting
	if wake {
		f.waiting = 0 // one wake-up is enough
	}
	f.mu.Unlock()
	if wake {
		f.kick()
	}
}

// kick wakes the goroutine, or leaves it a wake-up it has yet to take.
func (f *flusher) kick() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// write makes d's write on the flusher's goroutine: a claimed writer's, or
// an arm's unless a write has taken its packets since.
func (f *flusher) write(d *due) {
	f.late.Observe(float64(max(f.clock()-d.at, 0)) / 1e9)
	if d.later && !d.c.fireLater(d.seq) {
		return
	}
	d.c.flush()
}

// handOver makes d's write on a writer goroutine of its own, at once: the
// flusher has stopped.
func (d due) handOver() {
	c, seq := d.c, d.seq
	if !d.later {
		go c.writeLoop(nil)
		return
	}
	go func() {
		if c.fireLater(seq) {
			c.writeLoop(nil)
		}
	}()
}

// run is the flusher's goroutine: it sleeps until the first due time, or
// until woken for an earlier one, and writes what is due. Once stopped it
// hands what is left to writer goroutines and returns.
func (f *flusher) run() {
	defer close(f.done)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		f.mu.Lock()
		now := f.clock()
		if now-f.load.sampled >= int64(loadEvery) {
			f.laterDelay = f.load.sample(now, f.laterDelay)
		}
		f.work = f.soon.takeDue(now, f.stopped, f.work[:0])
		f.work = f.later.takeDue(now, f.stopped, f.work)
		if len(f.work) == 0 {
			if f.stopped {
				f.mu.Unlock()
				return
			}
			f.waiting = math.MaxInt64
			for _, q := range [...]*dueQueue{&f.soon, &f.later} {
				if at, ok := q.next(); ok {
					f.waiting = min(f.waiting, at)
				}
			}
			sleep := f.waiting
			f.mu.Unlock()
			if sleep != math.MaxInt64 {
				timer.Reset(time.Duration(sleep - now))
			}
			select {
			case <-f.wake:
			case <-timer.C:
			}
			timer.Stop()
			continue
		}
		f.waiting = 0
		stopped := f.stopped
		f.mu.Unlock()
		for i := range f.work {
			if stopped {
				f.work[i].handOver()
			} else {
				f.write(&f.work[i])
			}
		}
		clear(f.work)
	}
}

// stop makes the flusher hand what it holds to writer goroutines and
// return; what is scheduled afterwards gets writer goroutines at once.
func (f *flusher) stop() {
	f.mu.Lock()
	f.stopped = true
	f.mu.Unlock()
	f.once.Do(func() { close(f.done) }) // never started: nothing to hand over
	f.kick()
	<-f.done
}
