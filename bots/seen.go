package bots

import (
	"math"
	"math/bits"
	"sync/atomic"
)

// How late the other bots see a bot's walk (the "seen" latency, issue 17).
//
// Each bot keeps a log of its latest walks (walkLog): when it sent each and,
// once the server's answer to it is read, whether the server accepted it.
// When a bot sees another bot of the swarm step (client.Sighting), it looks
// the step up in the mover's log: a server shows an observer a mover's
// accepted steps in the order the mover sent them, and spawns the mover
// again when it comes back into view, so from the observer's place in the
// log (the walk after the last one it paired, forgotten at a spawn) the
// step is the first accepted walk in the step's direction. A walk whose
// answer the mover has not read yet may be the step or a refused walk: when
// a later walk in the same direction could be the step instead, the
// sighting is not paired (and the place is lost). Without a place (a first
// sighting, after a spawn, or after an unpaired one) a step is paired only
// when one walk alone in the log could be it. So a paired sighting is
// paired with its own walk, given that its walk is among the log's last
// seenRing walks and was sent on the mover's present connection; the
// sightings not paired are counted (stats.seenUnpaired). Jumps are ignored.

// Sizes of the seen-latency bookkeeping.
const (
	// seenRing is how many walks a bot's log keeps: more than twice
	// MaxPendingMoves, so that the answer to a walk finds it in the log
	// and an observer whose sightings lag its mover by up to about
	// seenRing walks finds them too.
	seenRing = 16
	// seenPlaces is how many movers an observer keeps its place with. Its
	// table is emptied when seenPlacesFull of them are in it; the movers
	// are then found again like newcomers.
	seenPlacesBits = 8
	seenPlaces     = 1 << seenPlacesBits
	seenPlacesFull = seenPlaces * 3 / 4
	// noPlace is place.next when the observer has no place in the log.
	noPlace = math.MaxUint32
)

// A log entry packs a walk into 64 bits: its direction, whether its answer
// has been read and whether it was accepted, the low 8 bits of its number
// (to tell an entry from the one it replaced), and its send time in
// nanoseconds since the run's start (51 bits: 26 days).
const (
	entryDir      = 7
	entryAnswered = 1 << 3
	entryAccepted = 1 << 4
	entryTagShift = 5
	entryAtShift  = 13
)

func packEntry(at int64, j uint32, dir uint8) uint64 {
	return uint64(at)<<entryAtShift | uint64(uint8(j))<<entryTagShift | uint64(dir&entryDir)
}

func entryAt(e uint64) int64     { return int64(e >> entryAtShift) }
func entryTag(e uint64) uint8    { return uint8(e >> entryTagShift) }
func entryDirOf(e uint64) uint8  { return uint8(e & entryDir) }
func entryRefused(e uint64) bool { return e&(entryAnswered|entryAccepted) == entryAnswered }

// walkLog is one bot's latest walks. The bot's worker logs them, its
// reader marks their answers, and every other bot's reader looks them up:
// all without locks.
type walkLog struct {
	sent atomic.Uint32 // walks logged: walk j is ring[j%seenRing] while j+seenRing ≥ sent
	base atomic.Uint32 // sent at the bot's latest login
	ring [seenRing]atomic.Uint64
}

// log logs a walk in direction dir, about to be sent, at `at` nanoseconds
// since the run's start, and returns its number. The bot's worker only.
func (l *walkLog) log(dir uint8, at int64) uint32 {
	j := l.sent.Load()
	l.ring[j%seenRing].Store(packEntry(at, j, dir))
	l.sent.Store(j + 1)
	return j
}

// unlog takes back walk j, the last logged, which could not be sent.
func (l *walkLog) unlog(j uint32) { l.sent.CompareAndSwap(j+1, j) }

// login marks a new connection: the walks logged before it are never
// paired.
func (l *walkLog) login() { l.base.Store(l.sent.Load()) }

// answer records the server's answer to the walk sent at `sent` ns since
// the run's start (client.Ack.Sent): the last one logged at or before it,
// since a bot logs a walk just before sending it. The bot's reader only.
func (l *walkLog) answer(sent int64, accepted bool) {
	mark := uint64(entryAnswered)
	if accepted {
		mark |= entryAccepted
	}
	s, base := l.sent.Load(), l.base.Load()
	for j := s; j > base && j+seenRing > s; {
		j--
		slot := &l.ring[j%seenRing]
		e := slot.Load()
		if entryTag(e) != uint8(j) {
			return // overwritten by a newer walk
		}
		if entryAt(e) <= sent {
			slot.CompareAndSwap(e, e|mark) // fails only when overwritten meanwhile
			return
		}
	}
}

// place is an observer's place in one mover's log: next is the first walk
// not yet paired, noPlace when unknown.
type place struct{ id, next uint32 }

// places is an observer's places, by mover id (open addressing). Only the
// observer's reader goroutine uses it, and its login goroutine empties it
// before the reader starts.
type places struct {
	slots [seenPlaces]place
	n     int
}

// get returns the place with mover id, a new one (noPlace) if need be.
func (t *places) get(id uint32) *place {
	for i := idHash(id) >> (32 - seenPlacesBits); ; i = (i + 1) % seenPlaces {
		p := &t.slots[i]
		if p.id == id {
			return p
		}
		if p.id == 0 {
			if t.n >= seenPlacesFull {
				t.reset()
				return t.get(id)
			}
			*p = place{id: id, next: noPlace}
			t.n++
			return p
		}
	}
}

// reset forgets every place.
func (t *places) reset() {
	clear(t.slots[:])
	t.n = 0
}

// pair pairs a step in direction dir that an observer read at `at` ns since
// the run's start with the walk of l it shows, from the observer's place p,
// which it moves on. It returns that walk's send time, and false when the
// walk is uncertain (see the comment at the top of this file).
func (l *walkLog) pair(p *place, dir uint8, at int64) (sent int64, ok bool) {
	s, lo := l.sent.Load(), l.base.Load()
	if s > seenRing {
		lo = max(lo, s-seenRing)
	}
	j, ok := uint32(0), false
	if p.next != noPlace && p.next >= lo && p.next <= s {
		j, sent, ok = l.follow(p.next, s, dir, at)
	}
	if !ok {
		j, sent, ok = l.anchor(lo, s, dir, at)
	}
	if !ok {
		p.next = noPlace
		return 0, false
	}
	p.next = j + 1
	return sent, true
}

// follow finds the step from a place: the first walk from `from` on that
// the server accepted, which must go in direction dir. It returns the
// walk's number and send time.
func (l *walkLog) follow(from, s uint32, dir uint8, at int64) (uint32, int64, bool) {
	for j := from; j < s; j++ {
		e := l.ring[j%seenRing].Load()
		switch {
		case entryTag(e) != uint8(j) || entryAt(e) > at:
			return 0, 0, false // overwritten, or sent after the step was read
		case entryRefused(e):
			continue
		case entryDirOf(e) != dir && e&entryAccepted != 0:
			return 0, 0, false // accepted, so shown before the step: the place is wrong
		case entryDirOf(e) != dir:
			continue // not the step, so refused: an accepted one would be shown first
		case e&entryAccepted != 0:
			return j, entryAt(e), true
		}
		// Unanswered yet, in the step's direction: the step, unless it was
		// refused and a later walk in the same direction is the step.
		if _, _, one := l.anchor(j, s, dir, at); !one {
			return 0, 0, false
		}
		return j, entryAt(e), true
	}
	return 0, 0, false
}

// anchor finds the step without a place: the one walk from `from` on,
// sent before the step was read and not refused, in direction dir.
func (l *walkLog) anchor(from, s uint32, dir uint8, at int64) (uint32, int64, bool) {
	found, sent, n := uint32(0), int64(0), 0
	for j := from; j < s; j++ {
		e := l.ring[j%seenRing].Load()
		if entryTag(e) != uint8(j) {
			return 0, 0, false
		}
		if entryAt(e) > at {
			break
		}
		if !entryRefused(e) && entryDirOf(e) == dir {
			found, sent, n = j, entryAt(e), n+1
		}
	}
	return found, sent, n == 1
}

// movers finds a bot's walk log by its character id: open addressing over
// atomics, filled as bots log in and read by every bot's reader without a
// lock. It has room for twice the bots; a bot whose id finds no room is not
// looked up (its steps are not timed).
type movers struct {
	ids   []atomic.Uint32
	logs  []atomic.Pointer[walkLog]
	shift int
}

func newMovers(bots int) *movers {
	b := bits.Len(uint(2*max(bots, 1) - 1))
	return &movers{ids: make([]atomic.Uint32, 1<<b), logs: make([]atomic.Pointer[walkLog], 1<<b), shift: 32 - b}
}

// add files l under character id (nonzero).
func (m *movers) add(id uint32, l *walkLog) {
	mask := uint32(len(m.ids) - 1)
	i := idHash(id) >> m.shift
	for n := 0; n < len(m.ids); {
		switch cur := m.ids[i].Load(); {
		case cur == id:
			m.logs[i].Store(l)
			return
		case cur == 0:
			if m.ids[i].CompareAndSwap(0, id) {
				m.logs[i].Store(l)
				return
			}
			continue // another bot took the slot: look at it again
		}
		i, n = (i+1)&mask, n+1
	}
}

// find returns the log filed under id, nil when there is none.
func (m *movers) find(id uint32) *walkLog {
	mask := uint32(len(m.ids) - 1)
	i := idHash(id) >> m.shift
	for range m.ids {
		switch m.ids[i].Load() {
		case id:
			return m.logs[i].Load()
		case 0:
			return nil
		}
		i = (i + 1) & mask
	}
	return nil
}

// idHash spreads character ids (often consecutive) over the top bits.
func idHash(id uint32) uint32 { return id * 0x9E3779B1 }
