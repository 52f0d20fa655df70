package game

import (
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/wire"
)

// newCappedWorld is newTestWorld with at most limit players on a screen.
func newCappedWorld(t testing.TB, limit int) *World {
	t.Helper()
	return newCappedWorldAt(t, limit, nil)
}

// newCappedWorldAt is newCappedWorld on the game clock now (nil: the wall
// clock).
func newCappedWorldAt(t testing.TB, limit int, now func() time.Time) *World {
	t.Helper()
	return newTestWorldWith(t, nil, Config{ScreenPlayers: limit, Now: now})
}

// shown replays what a client was sent into the set of players it shows:
// a spawn of a player already shown, or a removal of one not shown, is an
// error (the client's screen and the server's would drift apart).
type shown map[uint32]bool

func (s shown) apply(t *testing.T, who uint32, pkts []wire.Packet) {
	t.Helper()
	for _, p := range pkts {
		switch p := p.(type) {
		case *msg.Player:
			if p.ID < PlayerIDMin { // a monster
				continue
			}
			if s[p.ID] {
				t.Fatalf("client %d: spawn of %d, already shown", who, p.ID)
			}
			s[p.ID] = true
		case *msg.Action:
			if p.Subtype != msg.ActionLeaveMap || p.ID < PlayerIDMin {
				continue
			}
			if !s[p.ID] {
				t.Fatalf("client %d: removal of %d, not shown", who, p.ID)
			}
			delete(s, p.ID)
		}
	}
}

// crowd is players on one map with what each client shows.
type crowd struct {
	m     *Map
	ps    []*Player
	conns []*fakeConn
	shown []shown
}

func (c *crowd) add(t *testing.T, x, y uint16) {
	t.Helper()
	p, fc := addPlayer(t, c.m, x, y)
	c.ps, c.conns, c.shown = append(c.ps, p), append(c.conns, fc), append(c.shown, shown{})
}

// check replays every client's packets and verifies, on the map's
// goroutine, that each client shows exactly its screen, that screens are
// symmetric, in view and at most limit long.
func (c *crowd) check(t *testing.T, limit int) {
	t.Helper()
	for i, fc := range c.conns {
		c.shown[i].apply(t, c.ps[i].id, fc.take())
	}
	c.m.call(func(*Map) {
		for i, p := range c.ps {
			if limit > 0 && p.screen.len() > limit {
				t.Errorf("player %d sees %d players, cap %d", p.id, p.screen.len(), limit)
			}
			if p.screen.len() != len(c.shown[i]) {
				t.Errorf("player %d: server screen %d, client shows %d", p.id, p.screen.len(), len(c.shown[i]))
			}
			if err := p.screen.check(p); err != nil {
				t.Errorf("player %d: %v", p.id, err)
			}
			for _, e := range p.screen.e {
				o, id := e.o, e.o.id
				if !c.shown[i][id] {
					t.Errorf("player %d: %d on the screen, not shown", p.id, id)
				}
				if find(o, p) < 0 {
					t.Errorf("player %d sees %d, not the other way round", p.id, id)
				}
				if !inView(int(p.x), int(p.y), int(o.x), int(o.y)) {
					t.Errorf("player %d sees %d out of view", p.id, id)
				}
			}
		}
	})
}

// TestScreenCapCrowdOnOneTile: N+k players on one tile each see at most N,
// and every spawn a client gets has its removal once the player goes.
func TestScreenCapCrowdOnOneTile(t *testing.T) {
	const limit, extra = 5, 4
	w := newCappedWorld(t, limit)
	c := &crowd{m: w.maps[StartMap]}
	for range limit + extra {
		c.add(t, 100, 100)
	}
	c.check(t, limit)
	// The first limit+1 arrivals fill each other's screens; each later one
	// finds them full and is counted as left out.
	if got := testutil.ToFloat64(w.metrics.screenFull); got < extra-1 {
		t.Errorf("screen_full counted %v refreshes, want at least %d", got, extra-1)
	}
	c.m.call(func(*Map) {
		for _, p := range c.ps[:limit+1] {
			if p.screen.len() != limit {
				t.Errorf("player %d sees %d, want the cap %d", p.id, p.screen.len(), limit)
			}
		}
	})
	// Everyone leaves: every client that showed a player got its removal.
	for i, p := range c.ps {
		c.m.call(func(m *Map) { m.leave(p) })
		for j, fc := range c.conns[i+1:] {
			c.shown[i+1+j].apply(t, c.ps[i+1+j].id, fc.take())
			if c.shown[i+1+j][p.id] {
				t.Fatalf("client %d still shows %d, who left", c.ps[i+1+j].id, p.id)
			}
		}
	}
}

// TestScreenCapNearestFirst: a capped screen takes the nearest players.
// Two pairs stand 32 tiles apart (out of each other's view), a fifth player
// between them takes three of the four (its screen is full); the last comes
// next to the fifth, which has no room, and takes the nearest 3 of the
// other 4 (distances 18, 16, 16, 18), ties by id.
func TestScreenCapNearestFirst(t *testing.T) {
	w := newCappedWorld(t, 3)
	c := &crowd{m: w.maps[StartMap]}
	for _, at := range [][2]uint16{{82, 100}, {84, 100}, {116, 100}, {118, 100}, {100, 101}, {100, 100}} {
		c.add(t, at[0], at[1])
	}
	c.check(t, 3)
	me := c.shown[len(c.ps)-1]
	for i, want := range []bool{true, true, true, false, false} {
		if me[c.ps[i].id] != want {
			t.Errorf("player at (%d,%d) shown %v, want %v", c.ps[i].x, c.ps[i].y, me[c.ps[i].id], want)
		}
	}
}

// TestScreenCapMoveAwayAndBack: a player who walks out of a crowd's view
// loses it both ways, frees the room it held, and on its way back is shown
// again within the cap.
func TestScreenCapMoveAwayAndBack(t *testing.T) {
	const limit = 4
	w := newCappedWorld(t, limit)
	c := &crowd{m: w.maps[StartMap]}
	for range limit + 3 {
		c.add(t, 100, 100)
	}
	c.check(t, limit)
	me := c.ps[0]
	for x := uint16(101); x <= 100+ViewRange+1; x++ {
		c.m.call(func(m *Map) { m.moveTo(me, x, 100, &msg.Walk{ID: me.id, Direction: 6}) })
		c.check(t, limit)
	}
	if len(c.shown[0]) != 0 {
		t.Fatalf("out of view, the client still shows %d players", len(c.shown[0]))
	}
	// The crowd had a member walk away: those who saw it have room again
	// and take it back when it returns.
	c.m.call(func(m *Map) { m.moveTo(me, 100, 100, &msg.Walk{ID: me.id, Direction: 2}) })
	c.check(t, limit)
	if len(c.shown[0]) == 0 {
		t.Fatal("back in the crowd, the player sees nobody")
	}
}

// TestScreenCapRandomWalk: players wandering in and out of each other's
// view, with and without a cap, keep every client consistent with the
// server, screens symmetric and bounded; a player that just moved sees
// everyone in view unless one of the two screens is full. With a cap,
// screens swap players (counted), and the counter stays at 0 without one.
func TestScreenCapRandomWalk(t *testing.T) {
	for _, limit := range []int{0, 3, 8} {
		w := newCappedWorld(t, limit)
		c := &crowd{m: w.maps[StartMap]}
		rng := rand.New(rand.NewPCG(17, uint64(limit)))
		for range 30 {
			c.add(t, uint16(80+rng.IntN(40)), uint16(80+rng.IntN(40)))
		}
		c.check(t, limit)
		for range 300 {
			p := c.ps[rng.IntN(len(c.ps))]
			x, y := uint16(70+rng.IntN(60)), uint16(70+rng.IntN(60))
			c.m.call(func(m *Map) {
				m.moveTo(p, x, y, &msg.Walk{ID: p.id})
				m.grid.near(int(x), int(y), func(o *Player) {
					if o == p || find(p, o) >= 0 {
						return
					}
					if limit == 0 || (p.screen.len() < limit && o.screen.len() < limit) {
						t.Errorf("cap %d: %d in view of %d, not shown, both with room", limit, o.id, p.id)
					}
				})
			})
			c.check(t, limit)
		}
		if swaps := testutil.ToFloat64(w.metrics.screenSwaps); (swaps > 0) != (limit > 0) {
			t.Errorf("cap %d: %v swaps", limit, swaps)
		}
	}
}

// TestScreenSwapDenseWalk: a crowd much denser than the cap, every player
// stepping one tile at a time inside a small square, so that full screens
// swap players both ways (both screens full) all the time: every client
// stays consistent with the server, screens symmetric, in view and
// bounded, at most MaxScreenSwaps swaps a refresh.
func TestScreenSwapDenseWalk(t *testing.T) {
	for _, limit := range []int{1, 2, 5} {
		w := newCappedWorld(t, limit)
		c := &crowd{m: w.maps[StartMap]}
		rng := rand.New(rand.NewPCG(23, uint64(limit)))
		const side = 12
		for range 40 {
			c.add(t, uint16(100+rng.IntN(side)), uint16(100+rng.IntN(side)))
		}
		c.check(t, limit)
		for range 400 {
			p := c.ps[rng.IntN(len(c.ps))]
			dir := uint8(rng.IntN(8))
			d := walkDelta[dir]
			x, y := int(p.x)+d[0], int(p.y)+d[1]
			if x < 100 || y < 100 || x >= 100+side || y >= 100+side {
				x, y = int(p.x)-d[0], int(p.y)-d[1]
			}
			c.m.call(func(m *Map) {
				before := testutil.ToFloat64(w.metrics.screenSwaps)
				m.moveTo(p, uint16(x), uint16(y), &msg.Walk{ID: p.id, Direction: dir})
				if n := testutil.ToFloat64(w.metrics.screenSwaps) - before; n > MaxScreenSwaps {
					t.Errorf("cap %d: one refresh made %v swaps", limit, n)
				}
			})
			c.check(t, limit)
		}
		if swaps := testutil.ToFloat64(w.metrics.screenSwaps); swaps == 0 {
			t.Errorf("cap %d: no swap in a crowd of 40", limit)
		}
	}
}

// TestScreenSwapNearest: a full screen of far players; a player comes next
// to p. After the newcomer's move (it walks in) or after p's (it appears
// there), it is on p's screen and p's farthest is not, both ways.
func TestScreenSwapNearest(t *testing.T) {
	for _, walk := range []bool{true, false} {
		w := newCappedWorld(t, 2)
		c := &crowd{m: w.maps[StartMap]}
		c.add(t, 100, 100) // p
		c.add(t, 117, 100) // a, 17 tiles from p: the farthest
		c.add(t, 84, 100)  // b, 16 tiles from p, out of a's view
		c.check(t, 2)
		p, a := c.ps[0], c.ps[1]
		c.m.call(func(*Map) {
			if p.screen.len() != 2 {
				t.Errorf("p sees %d players, want its screen full (2)", p.screen.len())
			}
		})
		if walk {
			c.add(t, 100, 130) // out of everyone's view
			n := c.ps[3]
			for y := uint16(129); y >= 101; y-- {
				c.m.call(func(m *Map) { m.moveTo(n, 100, y, &msg.Walk{ID: n.id}) })
				c.check(t, 2)
			}
		} else {
			c.add(t, 101, 100) // takes a and b, which had room: p's stays as it was
			c.check(t, 2)
			c.m.call(func(m *Map) { m.moveTo(p, 100, 101, &msg.Walk{ID: p.id}) })
			c.check(t, 2)
		}
		n := c.ps[3]
		c.m.call(func(*Map) {
			if find(p, n) < 0 {
				t.Errorf("walk %v: the player next to p is not on its screen", walk)
			}
			if find(p, a) >= 0 || find(a, p) >= 0 {
				t.Errorf("walk %v: p and its farthest still see each other", walk)
			}
		})
		if swaps := testutil.ToFloat64(w.metrics.screenSwaps); swaps != 1 {
			t.Errorf("walk %v: %v swaps, want 1", walk, swaps)
		}
	}
}

// TestScreenSwapNoFlicker: two players about as far from p, one on its
// full screen and one off it, step back and forth for a long time, each in
// turn two tiles nearer to p than the other: less than ScreenSwapMargin, so
// nobody is swapped and p's screen never changes (without the margin they
// would take turns on it at every step).
func TestScreenSwapNoFlicker(t *testing.T) {
	w := newCappedWorld(t, 1)
	c := &crowd{m: w.maps[StartMap]}
	c.add(t, 100, 100) // p
	c.add(t, 105, 100) // a: on p's screen
	c.add(t, 95, 100)  // b: 5 tiles from p too, its screen empty
	c.check(t, 1)
	p, a, b := c.ps[0], c.ps[1], c.ps[2]
	for i := range 300 {
		round := i / 3 % 2 // a at 106, b at 96 (b nearer by 2); then a at 104, b at 94
		mover, x := a, uint16(106-2*round)
		switch i % 3 {
		case 1:
			mover, x = b, uint16(96-2*round)
		case 2:
			mover, x = p, 100 // a step in place: p's screen refreshes
		}
		c.m.call(func(m *Map) { m.moveTo(mover, x, 100, &msg.Walk{ID: mover.id}) })
		c.check(t, 1)
		var same bool
		c.m.call(func(*Map) { same = find(p, a) >= 0 && p.screen.len() == 1 && b.screen.len() == 0 })
		if !same {
			t.Fatalf("move %d: p's screen changed", i)
		}
	}
	if swaps := testutil.ToFloat64(w.metrics.screenSwaps); swaps != 0 {
		t.Errorf("%v swaps between players at about the same distance", swaps)
	}
}

// TestScreenSwapInterval: after a swap, a player's refreshes make no other
// for ScreenSwapInterval of the game clock, then do again.
func TestScreenSwapInterval(t *testing.T) {
	var clock atomic.Int64 // game time in ns past start
	start := time.Now()
	w := newCappedWorldAt(t, 1, func() time.Time { return start.Add(time.Duration(clock.Load())) })
	c := &crowd{m: w.maps[StartMap]}
	c.add(t, 100, 100) // p
	c.add(t, 110, 100) // a: on p's screen, which is full (cap 1)
	c.add(t, 105, 100) // b: nearer, but everyone near it is full
	c.check(t, 1)
	p, a, b := c.ps[0], c.ps[1], c.ps[2]
	step := func(x, y uint16) {
		c.m.call(func(m *Map) { m.moveTo(p, x, y, &msg.Walk{ID: p.id}) })
		c.check(t, 1)
	}
	swaps := func() float64 { return testutil.ToFloat64(w.metrics.screenSwaps) }
	step(100, 101) // b (5 tiles) takes a's place (10): the first swap
	c.m.call(func(*Map) {
		if find(p, b) < 0 || find(p, a) >= 0 {
			t.Fatalf("p shows %v, want b in a's place", p.screen.ids())
		}
	})
	if swaps() != 1 {
		t.Fatalf("%v swaps, want 1", swaps())
	}
	c.add(t, 100, 102) // n: next to p, clearly nearer than b
	c.check(t, 1)
	n := c.ps[3]
	step(101, 101) // within the interval: no swap
	if swaps() != 1 {
		t.Fatalf("%v swaps within the interval, want still 1", swaps())
	}
	clock.Add(int64(ScreenSwapInterval))
	step(101, 102) // the interval has passed: n takes b's place
	c.m.call(func(*Map) {
		if find(p, n) < 0 {
			t.Errorf("after the interval p shows %v, want n", p.screen.ids())
		}
	})
	if swaps() != 2 {
		t.Fatalf("%v swaps after the interval, want 2", swaps())
	}
}
