package bots

import (
	"testing"
	"time"

	"github.com/coserver/coserver/client"
)

// seenOp is one event of TestSeenPairing, on one mover's log and one
// observer's place in it.
type seenOp struct {
	op  byte  // 'w' the mover sends a walk; 'a' / 'r' its answer (accepted / refused) is read; 'l' the mover logs in again; 's' the observer sees it spawn; 'v' the observer sees a step
	dir uint8 // 'w', 'v': the direction
	at  int64 // 'w': when it is sent; 'a', 'r': when the answered walk was sent; 'v': when the step is read
	// want is, for 'v', the send time of the walk the step is paired with,
	// -1 for none.
	want int64
}

func TestSeenPairing(t *testing.T) {
	w := func(dir uint8, at int64) seenOp { return seenOp{op: 'w', dir: dir, at: at} }
	acc := func(sent int64) seenOp { return seenOp{op: 'a', at: sent} }
	ref := func(sent int64) seenOp { return seenOp{op: 'r', at: sent} }
	v := func(dir uint8, at, want int64) seenOp { return seenOp{op: 'v', dir: dir, at: at, want: want} }
	login, spawn := seenOp{op: 'l'}, seenOp{op: 's'}
	for _, c := range []struct {
		name string
		ops  []seenOp
	}{
		{"in order", []seenOp{w(1, 10), acc(10), v(1, 15, 10), w(2, 20), v(2, 27, 20), w(2, 30), acc(30), v(2, 33, 30)}},
		{"two in flight, other directions", []seenOp{w(1, 10), v(1, 12, 10), w(3, 20), w(5, 30), v(3, 40, 20), v(5, 45, 30)}},
		{"two in flight, same direction, the first answered", []seenOp{
			w(1, 10), v(1, 12, 10), w(3, 20), w(3, 30), acc(20), v(3, 40, 20), v(3, 45, 30)}},
		{"two in flight, same direction, neither answered: not certain", []seenOp{
			w(1, 10), v(1, 12, 10), w(3, 20), w(3, 30), v(3, 40, -1), v(3, 45, -1),
			w(4, 50), v(4, 55, 50), w(4, 60), v(4, 65, 60)}}, // a direction alone in the log pairs again
		{"a refused walk between", []seenOp{w(1, 10), v(1, 12, 10), w(3, 20), w(3, 30), ref(20), v(3, 40, 30)}},
		{"an unanswered walk in another direction was refused", []seenOp{
			w(1, 10), v(1, 12, 10), w(2, 20), w(3, 30), v(3, 40, 30), w(3, 50), v(3, 55, 50)}},
		{"the step read before its walk was sent", []seenOp{w(1, 10), v(1, 5, -1)}},
		{"observer joins late", []seenOp{
			w(0, 10), w(1, 20), w(2, 30), w(1, 40), w(1, 50), acc(10), acc(20), acc(30), acc(40),
			v(2, 55, 30), v(1, 57, 40), v(1, 58, 50)}},
		{"observer joins late, two in flight the same way", []seenOp{
			w(0, 10), w(2, 30), w(1, 40), w(1, 50), acc(10), acc(30), v(2, 55, 30), v(1, 57, -1)}},
		{"observer joins late, its first step ambiguous", []seenOp{
			w(1, 10), w(1, 20), v(1, 25, -1), w(2, 30), v(2, 35, 30), w(6, 40), v(6, 41, 40)}},
		{"observer saw the mover leave and come back", []seenOp{
			w(1, 10), v(1, 12, 10), w(2, 20), acc(20), w(2, 30), acc(30), spawn, w(3, 40), v(3, 45, 40)}},
		{"a place that missed a step is not trusted", []seenOp{
			w(1, 10), v(1, 12, 10), w(2, 20), acc(20), w(1, 30), w(1, 40), v(1, 45, -1)}},
		{"mover reconnects with the same id", []seenOp{
			w(1, 10), v(1, 12, 10), w(2, 20), login, w(2, 30), spawn, v(2, 35, 30), w(5, 40), v(5, 41, 40)}},
		{"mover reconnects, observer not told", []seenOp{
			w(1, 10), v(1, 12, 10), w(2, 20), login, w(2, 30), v(2, 35, 30)}},
		{"a mover far ahead of the observer", append(append([]seenOp{w(1, 10), v(1, 12, 10)},
			func() []seenOp {
				var ops []seenOp
				for j := range int64(2 * seenRing) {
					ops = append(ops, w(uint8(j%4), 20+j), acc(20+j))
				}
				return ops
			}()...), v(7, 100, -1), w(7, 110), v(7, 120, 110))},
	} {
		t.Run(c.name, func(t *testing.T) {
			var l walkLog
			p := place{id: 1, next: noPlace}
			for i, o := range c.ops {
				switch o.op {
				case 'w':
					l.log(o.dir, o.at)
				case 'a', 'r':
					l.answer(o.at+1, o.op == 'a') // the client sends just after the walk is logged
				case 'l':
					l.login()
				case 's':
					p.next = noPlace
				case 'v':
					sent, ok := l.pair(&p, o.dir, o.at)
					if !ok {
						sent = -1
					}
					if sent != o.want {
						t.Errorf("op %d: step %d read at %d paired with the walk sent at %d, want %d", i, o.dir, o.at, sent, o.want)
					}
				}
			}
		})
	}
}

func TestSeenUnlogAndAnswerAfterLap(t *testing.T) {
	var l walkLog
	j := l.log(3, 10)
	l.unlog(j)
	if l.sent.Load() != 0 {
		t.Fatalf("unlog left %d walks", l.sent.Load())
	}
	for k := range int64(seenRing + 2) {
		l.log(1, 100+k)
	}
	l.answer(100, true) // walk 0, overwritten: nothing to mark
	for k := range uint32(seenRing) {
		if e := l.ring[k].Load(); e&(entryAnswered|entryAccepted) != 0 {
			t.Errorf("entry %d marked: %#x", k, e)
		}
	}
	l.answer(100+seenRing+1, false) // the last walk
	if e := l.ring[(seenRing+1)%seenRing].Load(); !entryRefused(e) || entryAt(e) != 100+seenRing+1 {
		t.Errorf("last walk's entry %#x", e)
	}
}

func TestMoversAndPlaces(t *testing.T) {
	const n = 1000
	m := newMovers(n)
	logs := make([]walkLog, n)
	for i := range n {
		m.add(uint32(1_000_000+i), &logs[i])
	}
	m.add(1_000_000, &logs[0]) // again: a reconnect
	for i := range n {
		if got := m.find(uint32(1_000_000 + i)); got != &logs[i] {
			t.Fatalf("find(%d) = %p, want %p", 1_000_000+i, got, &logs[i])
		}
	}
	if m.find(7) != nil || m.find(1_000_000+n) != nil {
		t.Error("found a bot that never logged in")
	}
	var ps places
	first := ps.get(42)
	first.next = 5
	if ps.get(42).next != 5 || ps.n != 1 {
		t.Fatalf("place not kept: %+v, %d places", ps.get(42), ps.n)
	}
	for id := range uint32(seenPlacesFull) {
		ps.get(1000 + id)
	}
	if ps.n != 1 || ps.get(42).next != noPlace {
		t.Errorf("a full table was not emptied: %d places", ps.n)
	}
}

// TestSightingsAreTimed runs a swarm in the fake world with crowd set:
// every bot is shown every other's spawn and steps. After one bot has been
// shown seenGoal steps, the world ends its connection, which the bot reads
// only after those steps; once the bot has logged in again, the report must
// hold timed sightings.
func TestSightingsAreTimed(t *testing.T) {
	w := newNPCWorld(t)
	w.mu.Lock()
	w.crowd.on = true
	w.mu.Unlock()
	cfg := DefaultConfig()
	cfg.AccountAddr = w.acct.Addr().String()
	cfg.Count, cfg.Rate, cfg.Interval, cfg.Seed = 3, 100, 20*time.Millisecond, 11
	cfg.JumpEvery, cfg.ChatEvery = 0, 0
	cfg.Duration = time.Minute // a backstop only
	rep, ok := runUntil(t, cfg, w.crowd.done)
	if !ok {
		t.Fatal("no bot was shown enough steps and came back")
	}
	t.Logf("report:\n%s", rep)
	w.mu.Lock()
	shown := w.crowd.shown
	w.mu.Unlock()
	s := rep.SeenRTT
	if s.Count < 1 || s.Count+rep.SeenUnpaired < seenGoal || s.Count+rep.SeenUnpaired > int64(shown) || rep.SteadySeenRTT.Count > s.Count || len(rep.SeenRTTHistogram) == 0 {
		t.Errorf("seen RTT %+v, %d unpaired, steady %+v, %d steps shown", s, rep.SeenUnpaired, rep.SteadySeenRTT, shown)
	}
	if !(s.P50Ms <= s.P99Ms && s.P99Ms <= s.MaxMs) {
		t.Errorf("seen RTT quantiles out of order: %+v", s)
	}
}

// BenchmarkSighting is the observer's path per step seen: the mover's
// walk is found, paired and recorded. Each goroutine is another observer of
// the same movers, as the bots' readers are.
func BenchmarkSighting(b *testing.B) {
	const movers = 64
	r := &runner{movers: newMovers(movers), start: time.Now(), bots: make([]*bot, movers)}
	for i := range r.bots {
		r.bots[i] = &bot{idx: i}
		r.movers.add(uint32(1_000_000+i), &r.bots[i].walks)
	}
	// Each mover has a walk in every direction in its log, answered.
	for _, m := range r.bots {
		for d := range uint8(8) {
			m.walks.log(d, 0)
			m.walks.answer(0, true)
		}
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		o := &bot{}
		s := client.Sighting{At: r.start.Add(time.Millisecond)}
		for i := 0; pb.Next(); i++ {
			s.ID, s.Direction = uint32(1_000_000+i%movers), uint8(i/movers%8)
			r.onSighting(o, s)
		}
	})
}

func TestSightingAllocatesNothing(t *testing.T) {
	r := &runner{movers: newMovers(1), start: time.Now(), bots: []*bot{{}}}
	r.movers.add(5, &r.bots[0].walks)
	o := &bot{}
	s := client.Sighting{ID: 5, At: r.start.Add(time.Millisecond)}
	if n := testing.AllocsPerRun(100, func() {
		r.bots[0].walks.log(2, 0)
		s.Direction = 2
		r.onSighting(o, s)
	}); n != 0 {
		t.Errorf("%v allocations per sighting", n)
	}
	if r.st.seen.total.Load() == 0 {
		t.Error("no sighting recorded")
	}
}

// BenchmarkWalkLog is the mover's side per walk: logging it before the
// send and marking the server's answer.
func BenchmarkWalkLog(b *testing.B) {
	var l walkLog
	b.ReportAllocs()
	for i := range int64(b.N) {
		l.log(uint8(i%8), i)
		l.answer(i, true)
	}
}
