package game

import (
	"cmp"
	"slices"
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
	MaxScreenSwaps = 4
	// screenSwapCandidates is how many of the nearest players off a
	// screen one refresh considers for a swap.
	screenSwapCandidates = 8
	// screenFarScans is how many full screens of candidates one refresh
	// looks through for their farthest player.
	screenFarScans = 2
)

// refreshScreen brings p's screen up to date after p appeared or moved:
// players out of view are removed both ways, then players newly in view are
// spawned both ways. It returns nothing: packets announcing the move itself
// to those who already saw p are the caller's.
//
// With a cap (Config.ScreenPlayers > 0) the relation stays symmetric and
// bounded on both sides (refreshCapped).
func (m *Map) refreshScreen(p *Player) {
	limit := m.world.cfg.ScreenPlayers
	far := ranking{size: MaxScreenSwaps, farFirst: true}
	m.marks++
	mark := screenMark{m, m.marks}
	for id, o := range p.screen {
		d := distance(p.x, p.y, o.x, o.y)
		if d > ViewRange {
			m.unsee(p, o, id)
			continue
		}
		if limit > 0 {
			far.offer(o, d)
			o.mark = mark
		}
	}
	var mine []byte // p's spawn, encoded once, lazily
	if limit > 0 {
		m.refreshCapped(p, limit, &far, mark, &mine)
	} else {
		m.grid.near(int(p.x), int(p.y), func(o *Player) {
			if _, seen := p.screen[o.id]; !seen && o != p {
				m.see(p, o, &mine)
			}
		})
	}
	m.refreshThings(p)
}

// refreshCapped shows p the players in view that a cap of limit allows;
// far holds the farthest players on p's screen, farthest first, and those
// on it carry mark (telling them from the crowd costs no map lookup).
//
// Newcomers are spawned while both screens have room, the nearest first.
// Then a player o off a full screen takes the place of a farther one: when
// p's screen is full, o must be nearer to p than p's farthest f by
// ScreenSwapMargin, and f is removed both ways; when o's screen is full,
// its own farthest g must be farther from o than p by the margin, and g is
// removed both ways. At most MaxScreenSwaps swaps, among the
// screenSwapCandidates nearest players, looking through at most
// screenFarScans full screens of others. When p's screen is full and its
// farthest player is nearer than the margin, nothing can change and the
// grid is not searched at all.
func (m *Map) refreshCapped(p *Player, limit int, far *ranking, mark screenMark, mine *[]byte) {
	full := len(p.screen) >= limit
	reach := ViewRange
	if full {
		m.world.metrics.screenFull.Inc()
		if far.n == 0 || far.ds[0] < ScreenSwapMargin {
			return
		}
		reach = far.ds[0] - ScreenSwapMargin // nobody farther can take a place
	}
	near := ranking{size: screenSwapCandidates}
	inView := 0 // players in view of p, p aside
	m.newcomers = m.newcomers[:0]
	m.grid.around(int(p.x), int(p.y), reach, func(o *Player) {
		if o == p {
			return
		}
		inView++
		d := distance(p.x, p.y, o.x, o.y)
		room := !full && len(o.screen) < limit // o can simply be added
		if !room && !near.admits(d, o.id) {
			return // farther than the candidates for a swap already found
		}
		if o.mark == mark {
			return // on p's screen
		}
		if room {
			m.newcomers = append(m.newcomers, o)
		} else {
			near.offer(o, d)
		}
	})
	if room := limit - len(p.screen); len(m.newcomers) > room {
		nearestAhead(m.newcomers, room, p.x, p.y)
		for _, o := range m.newcomers[room:] { // they may yet take a farther one's place
			near.offer(o, distance(p.x, p.y, o.x, o.y))
		}
		clear(m.newcomers[room:])
		m.newcomers = m.newcomers[:room]
	}
	for _, o := range m.newcomers {
		m.see(p, o, mine)
	}
	clear(m.newcomers) // keep no pointers to players who may leave
	if near.n > 0 {
		m.swapIn(p, limit, far, &near, mine)
	}
	if !full && len(p.screen) < inView { // a full screen was counted above
		m.world.metrics.screenFull.Inc() // someone in view is left off
	}
}

// swapIn puts the candidates of near (off p's screen, nearest first) on
// p's screen where the rules of refreshCapped allow.
func (m *Map) swapIn(p *Player, limit int, far, near *ranking, mine *[]byte) {
	swaps, scans, next := 0, 0, 0
	for i, o := range near.ps[:near.n] {
		if swaps == MaxScreenSwaps {
			break
		}
		d := near.ds[i]
		var f *Player // p's player to drop
		if len(p.screen) >= limit {
			for next < far.n && p.screen[far.ps[next].id] != far.ps[next] {
				next++ // dropped by another's swap in this refresh
			}
			if next == far.n || d+ScreenSwapMargin > far.ds[next] {
				break // the later candidates are no nearer
			}
			f = far.ps[next]
		}
		var g *Player // o's player to drop
		if len(o.screen) >= limit {
			if scans == screenFarScans {
				continue
			}
			scans++
			var gd int
			if g, gd = farthestOn(o); g == nil || gd < d+ScreenSwapMargin {
				continue
			}
		}
		if f != nil {
			m.unsee(p, f, f.id)
			next++
		}
		if g != nil {
			m.unsee(o, g, g.id)
		}
		m.see(p, o, mine)
		if f != nil || g != nil {
			swaps++
			m.world.metrics.screenSwaps.Inc()
		}
	}
}

// farthestOn returns the player on o's screen farthest from o and its
// distance; ties go the way ranking's farthest-first order does.
func farthestOn(o *Player) (*Player, int) {
	var g *Player
	gd := -1
	for _, q := range o.screen {
		if d := distance(o.x, o.y, q.x, q.y); d > gd || d == gd && q.id > g.id {
			g, gd = q, d
		}
	}
	return g, gd
}

// screenMark tells the players on a screen being refreshed from the
// others: the map and the number of the refresh.
type screenMark struct {
	m *Map
	n uint64
}

// rankingMax is the most players a ranking holds.
const rankingMax = max(MaxScreenSwaps, screenSwapCandidates)

// ranking keeps the size (at most rankingMax) players nearest to a point,
// or farthest from it, in that order, ties by id (the lower first when
// nearest first, the higher when farthest first), in a fixed array: a
// refresh ranks a screen or a crowd without allocating.
type ranking struct {
	size     int
	farFirst bool
	n        int
	ps       [rankingMax]*Player
	ds       [rankingMax]int // their distances
}

// before reports whether a player id at distance d goes before one id2 at
// distance d2.
func (r *ranking) before(d int, id uint32, d2 int, id2 uint32) bool {
	if d != d2 {
		return d > d2 == r.farFirst
	}
	return id > id2 == r.farFirst
}

// admits reports whether a player id at distance d would be kept.
func (r *ranking) admits(d int, id uint32) bool {
	return r.n < r.size || r.before(d, id, r.ds[r.n-1], r.ps[r.n-1].id)
}

// offer keeps o, at distance d, if it ranks among the first size.
func (r *ranking) offer(o *Player, d int) {
	if !r.admits(d, o.id) {
		return
	}
	i := min(r.n, r.size-1) // the free slot, or the last one's
	for ; i > 0 && r.before(d, o.id, r.ds[i-1], r.ps[i-1].id); i-- {
		r.ps[i], r.ds[i] = r.ps[i-1], r.ds[i-1]
	}
	r.ps[i], r.ds[i] = o, d
	r.n = min(r.n+1, r.size)
}

// nearestAhead reorders ps so that its first n are the n players nearest
// to (x, y) (distance: the larger of |dx| and |dy|, the view's own
// measure), ties by id, so that a capped screen takes the nearest and the
// choice does not depend on map order. It counts distances rather than
// sorting (the crowd round a screen can be thousands of players) and
// orders only those at the n-th one's distance, by id; the first n are in
// no particular order.
func nearestAhead(ps []*Player, n int, x, y uint16) {
	if n >= len(ps) {
		return
	}
	dist := func(o *Player) int { return min(distance(o.x, o.y, x, y), ViewRange+1) }
	var count [ViewRange + 2]int // players by distance, the last for any farther
	for _, o := range ps {
		count[dist(o)]++
	}
	edge, nearer := 0, 0 // the n-th player's distance, how many are nearer
	for nearer+count[edge] < n {
		nearer += count[edge]
		edge++
	}
	lo, i, hi := 0, 0, len(ps) // [0, lo) nearer, [lo, i) at edge, [hi, len) farther
	for i < hi {
		switch d := dist(ps[i]); {
		case d < edge:
			ps[lo], ps[i] = ps[i], ps[lo]
			lo, i = lo+1, i+1
		case d > edge:
			hi--
			ps[i], ps[hi] = ps[hi], ps[i]
		default:
			i++
		}
	}
	slices.SortFunc(ps[lo:hi], func(a, b *Player) int { return cmp.Compare(a.id, b.id) })
}
