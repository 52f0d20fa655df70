package game

import (
	"cmp"
	"slices"
	"time"
)

// The screen cap's swaps (docs/ARCHITECTURE.md, "Crowds"): a full screen
// takes a player clearly nearer than the farthest one on it in that one's
// place, a few per refresh.
const (
	// ScreenSwapMargin is how much nearer, in tiles of the view's distance
	// (the larger of |dx| and |dy|), a player off a full screen must be
	// than the one it replaces. Two players at about the same distance so
	// do not take turns on a screen at every step: each swap costs four
	// packets and a redraw.
	ScreenSwapMargin = 3
	// MaxScreenSwaps is the most swaps one refresh of a screen makes; the
	// rest wait for the next move of either player.
	MaxScreenSwaps = 2
	// ScreenSwapInterval is how often a player's refreshes look for swaps
	// at most. In a crowd that walks, the nearest players change at every
	// step (2-3 swaps a move without it, which made a crowd's map goroutine
	// 4-7 times as busy); a screen still comes to show the nearest within
	// seconds of the crowd settling.
	ScreenSwapInterval = time.Second
	// screenSwapCandidates is how many of the nearest players off a
	// screen one refresh considers for a swap.
	screenSwapCandidates = 8
	// screenFarScans is how many full screens of candidates one refresh
	// looks through for their farthest player.
	screenFarScans = 1
	// screenFillReach is how far a screen with room looks first for
	// players to take: only when fewer than its room stand that near does
	// it look through the whole view.
	screenFillReach = 2
)

// refreshScreen brings p's screen up to date after p appeared or moved:
// players out of view are removed both ways, then players newly in view are
// spawned both ways. announce, when not nil, is the packet of p's move: it
// goes to each player on p's screen that still sees p, in the pass that
// checks the screen (one look at each observer), so that each of them
// gets it before anything else of this refresh.
//
// While the screen refreshes, the players on it carry a mark in the grid:
// the search for newcomers skips them without looking them up.
//
// With a cap (Config.ScreenPlayers > 0) the relation stays symmetric and
// bounded on both sides (refreshCapped).
func (m *Map) refreshScreen(p *Player, announce []byte) {
	limit := m.world.cfg.ScreenPlayers
	far := ranking{size: MaxScreenSwaps, farFirst: true}
	m.marks++
	mark := m.marks
	for i := p.screen.len() - 1; i >= 0; i-- { // from the end: unsee moves the last into i
		o := p.screen.at(i)
		d := distance(p.x, p.y, o.x, o.y)
		if d > ViewRange {
			m.unsee(p, i)
			continue
		}
		if announce != nil {
			o.conn.SendRawLater(announce)
		}
		m.grid.mark(o, mark)
		if limit > 0 {
			far.offer(o, d)
		}
	}
	var mine []byte // p's spawn, encoded once, lazily
	if limit > 0 {
		m.refreshCapped(p, limit, &far, mark, &mine)
		for i := range p.far {
			p.far[i] = nil
			if i < far.n {
				p.far[i] = far.e[i].o
			}
		}
	} else {
		m.grid.around(int(p.x), int(p.y), ViewRange, mark, func(o *Player, _ int) {
			if o != p { // the unmarked are off p's screen
				m.see(p, o, &mine)
			}
		})
	}
	m.refreshThings(p)
}

// refreshCapped shows p the players in view that a cap of limit allows;
// far holds the farthest players on p's screen, farthest first, and those
// on it carry mark in the grid (a search of the crowd skips them without
// reading them).
//
// While p's screen has room, players in view whose screens have room too
// are spawned, the nearest first: those within screenFillReach when there
// are enough of them, else from the whole view. Then (swapIn) the nearest
// players still off p's screen may take the place of farther ones. When
// p's screen is full and its farthest player is nearer than
// ScreenSwapMargin, nothing can change and the grid is not searched;
// otherwise only the square nearer than the farthest by the margin is.
func (m *Map) refreshCapped(p *Player, limit int, far *ranking, mark uint64, mine *[]byte) {
	room := limit - p.screen.len()
	full := room <= 0
	near := ranking{size: screenSwapCandidates}
	now := m.clock()
	swapping := !now.Before(p.swapAt) // p may look for swaps (ScreenSwapInterval)
	if full {
		m.world.metrics.screenFull.Inc()
		if !swapping || far.n == 0 || far.e[0].d < ScreenSwapMargin {
			return
		}
		m.gather(p, far.e[0].d-ScreenSwapMargin, limit, full, mark, &near) // nobody farther can take a place
	} else if m.gather(p, screenFillReach, limit, full, mark, &near); len(m.newcomers) < room {
		// Too few near by: look through the whole view.
		clear(m.newcomers)
		near = ranking{size: screenSwapCandidates}
		if off := m.gather(p, ViewRange, limit, full, mark, &near); off > min(len(m.newcomers), room) {
			m.world.metrics.screenFull.Inc() // someone in view will be left off
		}
	} else {
		m.world.metrics.screenFull.Inc() // p's screen fills up with those near by
	}
	if len(m.newcomers) > room {
		nearestAhead(m.newcomers, room)
		for _, r := range m.newcomers[room:] { // they may yet take a farther one's place
			near.offer(r.o, r.d)
		}
		clear(m.newcomers[room:])
		m.newcomers = m.newcomers[:room]
	}
	for _, r := range m.newcomers {
		m.see(p, r.o, mine)
	}
	clear(m.newcomers) // keep no pointers to players who may leave
	if near.n > 0 && swapping && m.swapIn(p, limit, far, &near, mine) > 0 {
		p.swapAt = now.Add(ScreenSwapInterval)
	}
}

// gather looks at the players within reach of p that are off its screen
// (those on it carry mark): into m.newcomers go those p may simply take
// (p's screen is not full and theirs neither), into near the nearest
// others. It returns how many players off p's screen it looked at.
func (m *Map) gather(p *Player, reach, limit int, full bool, mark uint64, near *ranking) int {
	off := 0
	m.newcomers = m.newcomers[:0]
	m.grid.around(int(p.x), int(p.y), reach, mark, func(o *Player, d int) {
		if o == p {
			return
		}
		off++
		room := !full && o.screen.len() < limit // o can simply be added
		if !room && !near.admits(d, o) {
			return // farther than the candidates for a swap already found
		}
		if room {
			m.newcomers = append(m.newcomers, ranked{o, d})
		} else {
			near.offer(o, d)
		}
	})
	return off
}

// swapIn puts the candidates of near (off p's screen, nearest first) on
// p's screen in place of farther players. When p's screen is full, a
// candidate o must be nearer to p than p's farthest f by
// ScreenSwapMargin, and f is removed both ways. When o's screen is full
// too, o's own farthest g must be farther from o than p by the margin, and
// g is removed both ways; o's farthest is the first of those its own last
// refresh found farthest (Player.far) still on its screen, else found by
// looking through its screen, at most screenFarScans times a refresh. (A
// full o next to a p with room takes p at its own refresh.) At most
// MaxScreenSwaps swaps, each counted in coserver_game_screen_swaps_total.
// It returns how many it made.
func (m *Map) swapIn(p *Player, limit int, far, near *ranking, mine *[]byte) int {
	swaps, scans, next := 0, 0, 0
	for _, c := range near.e[:near.n] {
		o, d := c.o, c.d
		if swaps == MaxScreenSwaps {
			break
		}
		if find(p, o) >= 0 {
			continue // came with a swap of an earlier candidate
		}
		var f *Player // p's player to drop
		if p.screen.len() >= limit {
			for next < far.n && find(p, far.e[next].o) < 0 {
				next++ // dropped by another's swap in this refresh
			}
			if next == far.n || d+ScreenSwapMargin > far.e[next].d {
				break // the later candidates are no nearer
			}
			f = far.e[next].o
		}
		var g *Player // o's player to drop
		if o.screen.len() >= limit {
			if f == nil {
				continue // o takes p at its own refresh, p being one with room
			}
			if g = o.farthest(); g == nil {
				if scans == screenFarScans {
					continue
				}
				scans++
				g = farthestOn(o)
				o.far = [MaxScreenSwaps]*Player{g}
			}
			if g == nil || distance(o.x, o.y, g.x, g.y) < d+ScreenSwapMargin {
				continue
			}
		}
		if f != nil {
			m.unsee(p, find(p, f))
			next++
		}
		if g != nil {
			m.unsee(o, find(o, g))
		}
		m.see(p, o, mine)
		if f != nil || g != nil {
			swaps++
			m.world.metrics.screenSwaps.Inc()
		}
	}
	// The players p dropped lead far: what is left is p's farthest (the
	// hint others' swaps use).
	far.n = copy(far.e[:], far.e[next:far.n])
	return swaps
}

// farthest returns the first of the players p's last refresh found
// farthest that is still on p's screen, nil when none is.
func (p *Player) farthest() *Player {
	for _, g := range p.far {
		if g != nil && find(p, g) >= 0 {
			return g
		}
	}
	return nil
}

// farthestOn returns the player on o's screen farthest from o, nil when
// none; ties go the way ranking's farthest-first order does.
func farthestOn(o *Player) *Player {
	var g *Player
	gd := -1
	for _, e := range o.screen.e {
		q := e.o
		if d := distance(o.x, o.y, q.x, q.y); d > gd || d == gd && q.id > g.id {
			g, gd = q, d
		}
	}
	return g
}

// ranked is a player and its distance from the player whose screen
// refreshes.
type ranked struct {
	o *Player
	d int
}

// rankingMax is the most players a ranking holds.
const rankingMax = max(MaxScreenSwaps, screenSwapCandidates)

// ranking keeps the size (at most rankingMax) players nearest to a point,
// or farthest from it, in that order (ties: before), in a fixed array: a
// refresh ranks a screen or a crowd without allocating.
type ranking struct {
	size     int
	farFirst bool
	n        int
	e        [rankingMax]ranked
}

// before reports whether player o at distance d goes before r2. Farthest
// first, ties go by id (the higher first: a screen's players come in map
// order); nearest first, the one offered first stays first (the grid's
// order, which does not depend on map order), so that a search of a crowd
// reads no player farther than those it holds.
func (r *ranking) before(d int, o *Player, r2 ranked) bool {
	if d != r2.d {
		return d > r2.d == r.farFirst
	}
	return r.farFirst && o.id > r2.o.id
}

// admits reports whether o, at distance d, would be kept.
func (r *ranking) admits(d int, o *Player) bool {
	return r.n < r.size || r.before(d, o, r.e[r.n-1])
}

// offer keeps o, at distance d, if it ranks among the first size.
func (r *ranking) offer(o *Player, d int) {
	if !r.admits(d, o) {
		return
	}
	i := min(r.n, r.size-1) // the free slot, or the last one's
	for ; i > 0 && r.before(d, o, r.e[i-1]); i-- {
		r.e[i] = r.e[i-1]
	}
	r.e[i] = ranked{o, d}
	r.n = min(r.n+1, r.size)
}

// nearestAhead reorders rs so that its first n are the n nearest players
// (ties by id), so that a capped screen takes the nearest and the choice
// does not depend on map order. It counts distances rather than sorting
// (the crowd round a screen can be thousands of players) and orders only
// those at the n-th one's distance, by id; the first n are in no
// particular order.
func nearestAhead(rs []ranked, n int) {
	if n >= len(rs) {
		return
	}
	var count [ViewRange + 1]int // players by distance
	for _, r := range rs {
		count[r.d]++
	}
	edge, nearer := 0, 0 // the n-th player's distance, how many are nearer
	for nearer+count[edge] < n {
		nearer += count[edge]
		edge++
	}
	lo, i, hi := 0, 0, len(rs) // [0, lo) nearer, [lo, i) at edge, [hi, len) farther
	for i < hi {
		switch d := rs[i].d; {
		case d < edge:
			rs[lo], rs[i] = rs[i], rs[lo]
			lo, i = lo+1, i+1
		case d > edge:
			hi--
			rs[i], rs[hi] = rs[hi], rs[i]
		default:
			i++
		}
	}
	slices.SortFunc(rs[lo:hi], func(a, b ranked) int { return cmp.Compare(a.o.id, b.o.id) })
}
