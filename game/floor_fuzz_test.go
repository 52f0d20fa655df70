package game

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coserver/coserver/mapdata"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/store"
)

// Sizes of FuzzFloorRequests' world.
const (
	fuzzPlayers      = 3
	fuzzItemsEach    = 6
	fuzzSilverEach   = 1000
	fuzzMapSide      = 48 // small, so that drops crowd and search for room
	fuzzFirstItemUID = store.FirstItemID
)

// fuzzFloorWorld is a world whose maps do not run: the fuzz target is the
// goroutine that owns its map, and calls the map's methods directly.
func fuzzFloorWorld(t testing.TB) *World {
	t.Helper()
	m, err := newMetrics(prometheus.NewRegistry(), func() float64 { return 0 })
	if err != nil {
		t.Fatal(err)
	}
	w, err := newWorld(Config{RemoveAction: msg.ActionLeaveMap, MaxPlayers: 100}, nil, m, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	w.saver = newSaver(newFakeStore()) // versions only: no item store
	return w
}

// FuzzFloorRequests runs random sequences of drops, money drops, pick-ups,
// steps and clock jumps by three players on one small map, and checks after
// each request that every item is in exactly one place (an inventory, the
// floor, or expired), that the silver carried plus the silver on the floor
// plus the silver expired never changes, that the floor's two indexes
// agree, and that each player's screen shows exactly the floor items in
// view.
func FuzzFloorRequests(f *testing.F) {
	f.Add([]byte{0, 0, 0, 2, 0, 0})                         // drop, pick
	f.Add([]byte{1, 0, 200, 2, 1, 0, 4, 0, 31, 2, 1, 0})    // money drop, refused pick, wait, pick
	f.Add([]byte{0, 1, 3, 3, 2, 1, 2, 2, 0, 4, 0, 200})     // drop, step, pick far, expire
	f.Add([]byte{1, 2, 255, 1, 2, 255, 1, 2, 255, 1, 2, 9}) // crowding money
	w := fuzzFloorWorld(f)
	var now time.Time // the clock of the iteration running
	w.cfg.Now = func() time.Time { return now }
	f.Fuzz(func(t *testing.T, ops []byte) { floorRequests(t, w, &now, ops) })
}

// floorRequests is one run of FuzzFloorRequests on a new map of w, with
// the clock *clock (w's Config.Now reads it).
func floorRequests(t *testing.T, w *World, clock *time.Time, ops []byte) {
	if len(ops) > 3*200 {
		ops = ops[:3*200]
	}
	now := clock
	{
		m := newMap(w, MapInfo{ID: 7777, Name: "fuzz"}, mapdata.Open(fuzzMapSide, fuzzMapSide))
		*now = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		ps := make([]*Player, fuzzPlayers)
		uid := fuzzFirstItemUID
		for i := range ps {
			items := make([]store.Item, fuzzItemsEach)
			for j := range items {
				items[j] = store.Item{ID: uid, Type: 1000000, Owner: store.OwnerCharacter, OwnerID: uint32(PlayerIDMin + i),
					Position: store.PosInventory, Version: 1}
				uid++
			}
			if i == 0 {
				items[0].Position = store.PosRightHand // one equipped item, never dropped
			}
			ch := store.Character{ID: uint32(PlayerIDMin + i), Name: fmt.Sprint("f", i), Silver: fuzzSilverEach,
				X: fuzzMapSide / 2, Y: fuzzMapSide / 2}
			ps[i] = newPlayer(ch, false, &countConn{}, items)
			m.enter(ps[i])
		}
		var expiredItems, expiredMoney int
		expiring := func() { // counts what the next expiry at now takes
			for _, f := range m.ground.byID {
				if !now.Before(f.expires) {
					if f.item.ID != 0 {
						expiredItems++
					}
					expiredMoney += int(f.money)
				}
			}
		}
		for k := 0; k+2 < len(ops); k += 3 {
			p := ps[int(ops[k+1])%len(ps)]
			arg := ops[k+2]
			switch ops[k] % 6 {
			case 0: // drop the arg-th item held (by uid order), near the player
				id := fuzzFirstItemUID + uint32(arg)%(fuzzPlayers*fuzzItemsEach)
				m.dropItem(p, id, msg.DropXY(p.x+uint16(arg%3), p.y), *now)
			case 1: // drop money, maybe far
				m.dropMoney(p, uint32(arg)*7, msg.DropXY(p.x+uint16(arg%16), p.y+uint16(arg%5)), *now)
			case 2: // pick the arg-th floor item (ids in map order are random: take the nearest)
				var best *floorItem
				for _, f := range m.ground.byID {
					if best == nil || max(abs(int(f.x)-int(p.x)), abs(int(f.y)-int(p.y))) <
						max(abs(int(best.x)-int(p.x)), abs(int(best.y)-int(p.y))) {
						best = f
					}
				}
				if best != nil {
					m.pick(p, best.id, *now)
				} else {
					m.pick(p, uint32(arg), *now)
				}
			case 3: // a step towards one of 8 directions, staying on the map
				d := walkDelta[arg%8]
				x, y := int(p.x)+d[0], int(p.y)+d[1]
				if x >= 0 && y >= 0 && x < fuzzMapSide && y < fuzzMapSide {
					m.moveTo(p, uint16(x), uint16(y), &msg.Walk{ID: p.id})
				}
			case 4: // time passes; the tick expires what is over
				*now = now.Add(time.Duration(arg) * time.Second)
				expiring()
				m.expireFloor(*now)
			case 5: // a player leaves and comes back (entering expires too)
				m.leave(p)
				expiring()
				m.enter(p)
			}
			checkFloor(t, m, ps, expiredItems, expiredMoney)
		}
	}
}

// checkFloor checks FuzzFloorRequests' invariants.
func checkFloor(t *testing.T, m *Map, ps []*Player, expiredItems, expiredMoney int) {
	t.Helper()
	where := make(map[uint32]uint32, fuzzPlayers*fuzzItemsEach) // item uid → the player holding it, 0 the floor
	silver := expiredMoney
	for _, p := range ps {
		inInv := 0
		for id, it := range p.inv.items {
			if w, dup := where[id]; dup {
				t.Fatalf("item %d held by %d and %d", id, p.id, w)
			}
			where[id] = p.id
			if it.Position == store.PosInventory {
				inInv++
			}
			if it.Owner != store.OwnerCharacter || it.OwnerID != p.id {
				t.Fatalf("item %d held by %d is owned by %d/%d", id, p.id, it.Owner, it.OwnerID)
			}
		}
		if inInv != p.inv.count || p.inv.count > msg.InventorySize {
			t.Fatalf("player %d: count %d, %d in the inventory", p.id, p.inv.count, inInv)
		}
		silver += int(p.ch.Silver)
	}
	g := &m.ground
	if len(g.byID) != len(g.byTile) {
		t.Fatalf("%d floor items by id, %d by tile", len(g.byID), len(g.byTile))
	}
	for id, f := range g.byID {
		if g.byTile[tile(f.x, f.y)] != f || f.id != id || !m.floor.Walkable(int(f.x), int(f.y)) {
			t.Fatalf("floor item %d at %d,%d badly indexed", id, f.x, f.y)
		}
		if f.item.ID != 0 {
			if w, dup := where[id]; dup {
				t.Fatalf("item %d on the floor and held by %d", id, w)
			}
			where[id] = 0
			if f.item.Owner != store.OwnerFloor || f.item.OwnerID != m.id || f.item.Position != store.PosFloor {
				t.Fatalf("floor item %d stored as %+v", id, f.item)
			}
		} else if f.id < moneyIDMin {
			t.Fatalf("money pile with id %d", f.id)
		}
		silver += int(f.money)
	}
	drops := make(map[uint32]int, fuzzPlayers)
	for _, f := range g.byID {
		if f.dropper != 0 {
			drops[f.dropper]++
		}
	}
	if len(drops) != len(g.dropped) {
		t.Fatalf("drops by player %v, counted %v", drops, g.dropped)
	}
	for id, n := range drops {
		if g.dropped[id] != n || n > MaxDropsPerPlayer {
			t.Fatalf("drops by player %v, counted %v", drops, g.dropped)
		}
	}
	if len(where)+expiredItems != fuzzPlayers*fuzzItemsEach {
		t.Fatalf("%d items placed + %d expired, want %d", len(where), expiredItems, fuzzPlayers*fuzzItemsEach)
	}
	if silver != fuzzPlayers*fuzzSilverEach {
		t.Fatalf("silver carried, on the floor and expired: %d, want %d", silver, fuzzPlayers*fuzzSilverEach)
	}
	for _, p := range ps {
		for id, f := range g.byID {
			if inView(int(p.x), int(p.y), int(f.x), int(f.y)) && p.seen[id] != f {
				t.Fatalf("player %d at %d,%d does not see floor item %d at %d,%d", p.id, p.x, p.y, id, f.x, f.y)
			}
		}
		for id, th := range p.seen {
			if f, ok := th.(*floorItem); ok && g.byID[id] != f {
				t.Fatalf("player %d sees floor item %d that is gone", p.id, id)
			}
		}
	}
}

// BenchmarkDropPick is one item dropped and picked up again, with its two
// versioned save events queued, on the map's goroutine (what a map spends
// per floor transfer; the save itself: store benchmarks).
func BenchmarkDropPick(b *testing.B) {
	s, db := itemServer(b)
	a, _ := shopper(b, s, db, "benchfloor", 1_000_000, 1)
	uid, err := s.uids.take(context.Background(), 1)
	if err != nil {
		b.Fatal(err)
	}
	m := a.player.at.Load()
	m.call(func(m *Map) { m.leave(a.player) }) // only p sees the floor: no test connection's cost
	c := &countConn{}
	p := newPlayer(store.Character{ID: a.player.id + 1, Name: "floorbench", MapID: twinCity, X: traderX + 1,
		Y: traderY, Silver: 1000}, false, c, nil)
	m.call(func(m *Map) {
		m.enter(p)
		m.buy(p, traderID, potionType, 1, uid)
	})
	now := time.Now()
	data := msg.DropXY(traderX+1, traderY)
	b.Run("in-map", func(b *testing.B) {
		b.ReportAllocs()
		m.call(func(m *Map) {
			for b.Loop() {
				m.dropItem(p, uid, data, now)
				m.pick(p, uid, now)
			}
		})
		s.saver.drain()
	})
	b.Run("via-call", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m.call(func(m *Map) {
				m.dropItem(p, uid, data, now)
				m.pick(p, uid, now)
			})
		}
		s.saver.drain()
	})
	if _, ok := carried(&session{player: p})[uid]; !ok {
		b.Fatal("the item was lost")
	}
}

// BenchmarkDropPickSaved is what one map sustains with the saves included:
// one op is 40 items dropped and picked up again (80 transfers) on the
// map's goroutine, then a SaveAll writing their 80 events and the
// character in one transaction to SQLite (one fsync).
func BenchmarkDropPickSaved(b *testing.B) {
	s, db := itemServer(b)
	a, _ := shopper(b, s, db, "benchsaved", 1_000_000, 1)
	const n = msg.InventorySize
	first, err := s.uids.take(context.Background(), n)
	if err != nil {
		b.Fatal(err)
	}
	p := a.player // its test connection keeps what it is sent: allocations here are not the server's
	m := p.at.Load()
	m.call(func(m *Map) { m.buy(p, traderID, potionType, n, first) })
	if err := s.SaveAll(context.Background(), "bench"); err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	data := msg.DropXY(traderX+1, traderY)
	b.ReportAllocs()
	for b.Loop() {
		m.call(func(m *Map) {
			for i := range uint32(n) {
				m.dropItem(p, first+i, data, now)
			}
			for i := range uint32(n) {
				m.pick(p, first+i, now)
			}
		})
		if err := s.SaveAll(context.Background(), "bench"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(2*n*b.N)/b.Elapsed().Seconds(), "transfers/s")
}
