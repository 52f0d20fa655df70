package game

import (
	"context"
	"maps"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/coserver/coserver/content"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/wire"
)

// testClock is a clock the test moves by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// floorServer is itemServer on the database file path, with a clock the
// test moves.
func floorServer(t testing.TB, path string) (*Server, *store.DB, *testClock, func()) {
	t.Helper()
	clk := &testClock{now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	s, db, stop := itemServerWith(t, path, Config{Now: clk.Now})
	return s, db, clk, stop
}

// mapItem sends a MsgMapItem through the handler.
func mapItem(t *testing.T, sess *session, r msg.MapItem) error {
	t.Helper()
	return handleVia(t, sess, sess.handleMapItem, &r)
}

// floorOf returns a copy of what lies on p's map's floor, by id.
func floorOf(sess *session) map[uint32]floorItem {
	out := map[uint32]floorItem{}
	sess.player.at.Load().call(func(m *Map) {
		for id, f := range m.ground.byID {
			out[id] = *f
		}
	})
	return out
}

// mapItems returns the MsgMapItem packets among pkts with action a, by id.
func mapItems(pkts []wire.Packet, a msg.MapItemAction) map[uint32]msg.MapItem {
	out := map[uint32]msg.MapItem{}
	for _, p := range pkts {
		if mi, ok := p.(*msg.MapItem); ok && mi.Action == a {
			out[mi.ID] = *mi
		}
	}
	return out
}

// boughtOne buys one item of type typ for sess and returns its uid.
func boughtOne(t *testing.T, sess *session, typ uint32) uint32 {
	t.Helper()
	before := carried(sess)
	buy(t, sess, traderID, typ, 1)
	for id := range carried(sess) {
		if _, old := before[id]; !old {
			return id
		}
	}
	t.Fatalf("buying %d gave nothing", typ)
	return 0
}

// at returns the position of sess's player.
func at(sess *session) (x, y uint16) {
	p := sess.player
	p.at.Load().call(func(*Map) { x, y = p.x, p.y })
	return x, y
}

// moveTo puts sess's player at (x, y) on its map.
func moveTo(sess *session, x, y uint16) {
	p := sess.player
	p.at.Load().call(func(m *Map) { m.moveTo(p, x, y, &msg.Walk{ID: p.id}) })
}

func silverOf(sess *session) (n uint32) {
	p := sess.player
	p.at.Load().call(func(*Map) { n = p.ch.Silver })
	return n
}

func TestDropAndPick(t *testing.T) {
	s, db, _, _ := floorServer(t, filepath.Join(t.TempDir(), "floor.db"))
	a, fa := shopper(t, s, db, "dropper", 1000, 1)
	_, fb := shopper(t, s, db, "watcher", 0, 1)
	uid := boughtOne(t, a, potionType)
	fa.take()
	fb.take()
	x, y := at(a)
	if err := item(t, a, msg.Item{ID: uid, Data: msg.DropXY(x, y), Action: msg.ItemOpDrop}); err != nil {
		t.Fatal(err)
	}
	if _, ok := carried(a)[uid]; ok {
		t.Fatal("the dropped item is still carried")
	}
	f, ok := floorOf(a)[uid]
	if !ok || f.x != x || f.y != y || f.item.Owner != store.OwnerFloor || f.owner != a.player.id {
		t.Fatalf("on the floor: %+v (found %v)", f, ok)
	}
	var removed bool
	for _, p := range fa.take() {
		if it, ok := p.(*msg.Item); ok && it.ID == uid && it.Action == msg.ItemOpDrop {
			removed = true
		}
	}
	if !removed {
		t.Error("the dropper was not told the item left its inventory")
	}
	if got, ok := mapItems(fb.take(), msg.MapItemCreate)[uid]; !ok || got.ItemType != potionType || got.X != x {
		t.Errorf("the watcher saw %+v (found %v)", got, ok)
	}
	// Saved on the floor: the row belongs to the map, not to a character.
	if err := s.SaveAll(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	fl, err := db.FloorItems(context.Background())
	if err != nil || len(fl) != 1 || fl[0].ID != uid || fl[0].OwnerID != twinCity {
		t.Fatalf("stored floor %+v, %v", fl, err)
	}
	if err := mapItem(t, a, msg.MapItem{ID: uid, X: x, Y: y, Action: msg.MapItemPick}); err != nil {
		t.Fatal(err)
	}
	if got := carried(a)[uid]; got.Position != store.PosInventory || got.Owner != store.OwnerCharacter {
		t.Fatalf("picked item %+v", got)
	}
	if len(floorOf(a)) != 0 {
		t.Error("the picked item is still on the floor")
	}
	if _, ok := mapItems(fb.take(), msg.MapItemDelete)[uid]; !ok {
		t.Error("the watcher did not see the item go")
	}
	if err := s.SaveAll(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	stored, err := db.ItemsOf(context.Background(), a.player.id)
	if err != nil || len(stored) != 1 || stored[0].ID != uid {
		t.Errorf("stored items %+v, %v", stored, err)
	}
	if fl, _ := db.FloorItems(context.Background()); len(fl) != 0 {
		t.Errorf("stored floor %+v after the pick", fl)
	}
	if g := testutil.ToFloat64(s.m.floorItems.WithLabelValues("item")); g != 0 {
		t.Errorf("floor gauge %v", g)
	}
}

func TestDropAndPickMoney(t *testing.T) {
	s, db, _, _ := floorServer(t, filepath.Join(t.TempDir(), "floor.db"))
	a, _ := shopper(t, s, db, "spender", 1000, 1)
	_, fb := shopper(t, s, db, "looker", 0, 1)
	x, y := at(a)
	_ = item(t, a, msg.Item{ID: 300, Data: msg.DropXY(x, y), Action: msg.ItemOpDropMoney})
	if got := silverOf(a); got != 700 {
		t.Fatalf("silver %d after dropping 300 of 1000", got)
	}
	var pile floorItem
	for _, f := range floorOf(a) {
		pile = f
	}
	if pile.money != 300 || pile.id < moneyIDMin {
		t.Fatalf("pile %+v", pile)
	}
	if got := mapItems(fb.take(), msg.MapItemCreate)[pile.id]; got.ItemType != msg.MoneyGold {
		t.Errorf("the pile shows as %d, want %d", got.ItemType, msg.MoneyGold)
	}
	// Saved while on the floor: the store sees the silver leave.
	if err := s.SaveAll(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	if ch, _ := db.CharacterByName(context.Background(), "spender"); ch.Silver != 700 {
		t.Errorf("stored silver %d, want 700", ch.Silver)
	}
	_ = mapItem(t, a, msg.MapItem{ID: pile.id, X: pile.x, Y: pile.y, Action: msg.MapItemPick})
	if got := silverOf(a); got != 1000 {
		t.Errorf("silver %d after picking the pile up", got)
	}
	if err := s.SaveAll(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	if ch, _ := db.CharacterByName(context.Background(), "spender"); ch.Silver != 1000 {
		t.Errorf("stored silver %d, want 1000", ch.Silver)
	}
}

// TestFloorRefusals: each refusal is counted, changes nothing and never
// closes the connection.
func TestFloorRefusals(t *testing.T) {
	s, db, clk, _ := floorServer(t, filepath.Join(t.TempDir(), "floor.db"))
	a, _ := shopper(t, s, db, "owner", 10_000, 130)
	b, _ := shopper(t, s, db, "other", 0, 1)
	x, y := at(a)
	check := func(op, reason string) {
		t.Helper()
		if got := refusals(s, op, reason); got != 1 {
			t.Errorf("%s %s: %v refusals, want 1", op, reason, got)
		}
	}
	// Drops: an item nobody has, another player's, an equipped one, too far.
	potion := boughtOne(t, a, potionType)
	blade := boughtOne(t, a, bladeType)
	_ = item(t, a, msg.Item{ID: 12345, Data: msg.DropXY(x, y), Action: msg.ItemOpDrop})
	check("drop", "not_owned")
	_ = item(t, b, msg.Item{ID: potion, Data: msg.DropXY(x, y), Action: msg.ItemOpDrop})
	if got := refusals(s, "drop", "not_owned"); got != 2 {
		t.Errorf("dropping another player's item: %v refusals", got)
	}
	_ = item(t, a, msg.Item{ID: blade, Data: uint32(msg.PositionRightHand), Action: msg.ItemOpUse})
	_ = item(t, a, msg.Item{ID: blade, Data: msg.DropXY(x, y), Action: msg.ItemOpDrop})
	check("drop", "equipped")
	_ = item(t, a, msg.Item{ID: potion, Data: msg.DropXY(x+DropRange+1, y), Action: msg.ItemOpDrop})
	check("drop", "far")
	// An item type the content marks as not droppable.
	tab := s.world.table.Load()
	nodrop := &itemTable{types: maps.Clone(tab.types), shops: tab.shops}
	pt := nodrop.types[potionType]
	pt.Monopoly |= content.MonopolyNoDrop
	nodrop.types[potionType] = pt
	s.world.table.Store(nodrop)
	_ = item(t, a, msg.Item{ID: potion, Data: msg.DropXY(x, y), Action: msg.ItemOpDrop})
	check("drop", "no_drop")
	s.world.table.Store(tab)
	_ = item(t, a, msg.Item{ID: 10_001, Data: msg.DropXY(x, y), Action: msg.ItemOpDropMoney})
	check("drop_money", "money")
	_ = item(t, a, msg.Item{ID: 0, Data: msg.DropXY(x, y), Action: msg.ItemOpDropMoney})
	check("drop_money", "zero")
	if len(floorOf(a)) != 0 {
		t.Fatalf("refused drops left %v on the floor", floorOf(a))
	}
	// Picks: an unknown id, someone else's reserved drop, out of range.
	_ = item(t, a, msg.Item{ID: potion, Data: msg.DropXY(x, y), Action: msg.ItemOpDrop})
	_ = mapItem(t, b, msg.MapItem{ID: 999, X: x, Y: y, Action: msg.MapItemPick})
	check("pick", "unknown")
	moveTo(b, x, y)
	_ = mapItem(t, b, msg.MapItem{ID: potion, X: x, Y: y, Action: msg.MapItemPick})
	check("pick", "reserved")
	moveTo(b, x+PickRange+1, y)
	clk.advance(OwnerWindow)
	_ = mapItem(t, b, msg.MapItem{ID: potion, X: x, Y: y, Action: msg.MapItemPick})
	check("pick", "far")
	if _, ok := floorOf(a)[potion]; !ok {
		t.Fatal("refused picks took the item")
	}
	// Full inventory: b fills its 40 slots, then tries.
	moveTo(b, x, y)
	first, err := s.uids.take(context.Background(), msg.InventorySize)
	if err != nil {
		t.Fatal(err)
	}
	var why string
	bp := b.player
	bp.at.Load().call(func(m *Map) { why = m.giveItems(bp, potionType, msg.InventorySize, first) })
	if why != "" {
		t.Fatal(why)
	}
	_ = mapItem(t, b, msg.MapItem{ID: potion, X: x, Y: y, Action: msg.MapItemPick})
	check("pick", "full")
	// Money overflow: a pile b cannot hold.
	_ = item(t, a, msg.Item{ID: 500, Data: msg.DropXY(x, y), Action: msg.ItemOpDropMoney})
	bp.at.Load().call(func(*Map) { bp.ch.Silver = 1<<32 - 100 })
	clk.advance(OwnerWindow)
	for id, f := range floorOf(a) {
		if f.money > 0 {
			_ = mapItem(t, b, msg.MapItem{ID: id, X: f.x, Y: f.y, Action: msg.MapItemPick})
		}
	}
	check("pick", "money_overflow")
	if len(floorOf(a)) != 2 {
		t.Errorf("floor %v, want the potion and the pile", floorOf(a))
	}
	// The owner's window is over: anyone with room may take the potion.
	_ = mapItem(t, a, msg.MapItem{ID: potion, X: x, Y: y, Action: msg.MapItemPick})
	if _, ok := carried(a)[potion]; !ok {
		t.Error("the owner could not pick its item up")
	}
	// A client sending a server action is ignored, not disconnected.
	if err := mapItem(t, a, msg.MapItem{ID: potion, Action: msg.MapItemCreate}); err != nil {
		t.Error(err)
	}
	if refusals(s, "map_item", "unsupported") != 1 {
		t.Error("a client's MsgMapItem create was not counted")
	}
	// A malformed packet is an error (the connection closes), not a panic.
	if err := a.handleMapItem([]byte{1, 2, 3}); err == nil {
		t.Error("a truncated MsgMapItem was accepted")
	}
}

// TestDropFindsFreeTile: a drop on a taken tile lands on the nearest free
// one; a map with no free tile in reach refuses it.
func TestDropFindsFreeTile(t *testing.T) {
	s, db, _, _ := floorServer(t, filepath.Join(t.TempDir(), "floor.db"))
	a, _ := shopper(t, s, db, "stacker", 100_000, 1)
	x, y := at(a)
	tiles := map[uint32]bool{}
	n := (2*DropSearchRadius + 1) * (2*DropSearchRadius + 1)
	for range n {
		_ = item(t, a, msg.Item{ID: 1, Data: msg.DropXY(x, y), Action: msg.ItemOpDropMoney})
	}
	for _, f := range floorOf(a) {
		if tiles[tile(f.x, f.y)] {
			t.Fatalf("two floor items on %d,%d", f.x, f.y)
		}
		tiles[tile(f.x, f.y)] = true
		if abs(int(f.x)-int(x)) > DropSearchRadius || abs(int(f.y)-int(y)) > DropSearchRadius {
			t.Errorf("pile at %d,%d, beyond the search radius of %d,%d", f.x, f.y, x, y)
		}
	}
	if len(tiles) != n {
		t.Fatalf("%d piles, want %d", len(tiles), n)
	}
	_ = item(t, a, msg.Item{ID: 1, Data: msg.DropXY(x, y), Action: msg.ItemOpDropMoney})
	if refusals(s, "drop_money", "no_room") != 1 {
		t.Error("a drop with no free tile in reach was not refused")
	}
	if got := silverOf(a); got != 100_000-uint32(n) {
		t.Errorf("silver %d, want %d", got, 100_000-n)
	}
}

// TestDropsPerPlayer: one player's drops may not fill the floor.
func TestDropsPerPlayer(t *testing.T) {
	s, db, _, _ := floorServer(t, filepath.Join(t.TempDir(), "floor.db"))
	a, _ := shopper(t, s, db, "griefer", 100_000, 1)
	x, y := at(a)
	for i := range MaxDropsPerPlayer {
		px, py := int(x)-DropRange+i%19, int(y)-DropRange+i/19*6
		_ = item(t, a, msg.Item{ID: 1, Data: msg.DropXY(uint16(px), uint16(py)), Action: msg.ItemOpDropMoney})
	}
	if n := len(floorOf(a)); n != MaxDropsPerPlayer {
		t.Fatalf("%d piles, want %d", n, MaxDropsPerPlayer)
	}
	_ = item(t, a, msg.Item{ID: 1, Data: msg.DropXY(x, y), Action: msg.ItemOpDropMoney})
	if refusals(s, "drop_money", "too_many") != 1 {
		t.Error("a drop past MaxDropsPerPlayer was not refused")
	}
	// Picking one up makes room again.
	for id, f := range floorOf(a) {
		moveTo(a, f.x, f.y)
		_ = mapItem(t, a, msg.MapItem{ID: id, X: f.x, Y: f.y, Action: msg.MapItemPick})
		break
	}
	_ = item(t, a, msg.Item{ID: 1, Data: msg.DropXY(at(a)), Action: msg.ItemOpDropMoney})
	if n := len(floorOf(a)); n != MaxDropsPerPlayer {
		t.Errorf("%d piles after a pick and a drop, want %d", n, MaxDropsPerPlayer)
	}
}

// TestFloorExpiry: items and money vanish after their lifetime, on the
// tick or, on a map nobody is on, when a player enters; an expired item is
// deleted in the store.
func TestFloorExpiry(t *testing.T) {
	s, db, clk, _ := floorServer(t, filepath.Join(t.TempDir(), "floor.db"))
	a, fa := shopper(t, s, db, "forgetful", 1000, 1)
	uid := boughtOne(t, a, potionType)
	x, y := at(a)
	_ = item(t, a, msg.Item{ID: uid, Data: msg.DropXY(x, y), Action: msg.ItemOpDrop})
	_ = item(t, a, msg.Item{ID: 10, Data: msg.DropXY(x, y), Action: msg.ItemOpDropMoney})
	fa.take()
	m := a.player.at.Load()
	clk.advance(MoneyLifetime)
	m.call(func(m *Map) { m.tick(clk.Now()) })
	fl := floorOf(a)
	if _, ok := fl[uid]; len(fl) != 1 || !ok {
		t.Fatalf("after %v the floor holds %v, want the item only", MoneyLifetime, fl)
	}
	if got := testutil.ToFloat64(s.m.floorExpired.WithLabelValues("money")); got != 1 {
		t.Errorf("money expiries %v", got)
	}
	if len(mapItems(fa.take(), msg.MapItemDelete)) != 1 {
		t.Error("the money's removal was not shown")
	}
	// Nobody on the map: no tick; the item goes when someone enters.
	p := a.player
	m.call(func(m *Map) { m.leave(p) })
	clk.advance(ItemLifetime)
	m.call(func(m *Map) { m.enter(p) })
	if fl := floorOf(a); len(fl) != 0 {
		t.Fatalf("expired items still on the floor: %v", fl)
	}
	if spawns := mapItems(fa.take(), msg.MapItemCreate); len(spawns) != 0 {
		t.Errorf("an expired item was shown: %v", spawns)
	}
	if err := s.SaveAll(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	if fl, _ := db.FloorItems(context.Background()); len(fl) != 0 {
		t.Errorf("expired items stored on the floor: %v", fl)
	}
	if got := testutil.ToFloat64(s.m.floorExpired.WithLabelValues("item")); got != 1 {
		t.Errorf("item expiries %v", got)
	}
}

// TestPickRace: two clients send a pick-up of one item at once, many times
// over; the map serialises them and exactly one gets each item.
func TestPickRace(t *testing.T) {
	s, db, clk, _ := floorServer(t, filepath.Join(t.TempDir(), "floor.db"))
	a, _ := shopper(t, s, db, "racera", 0, 1)
	b, _ := shopper(t, s, db, "racerb", 0, 1)
	x, y := at(a)
	moveTo(b, x, y)
	const rounds = 30
	first, err := s.uids.take(context.Background(), rounds)
	if err != nil {
		t.Fatal(err)
	}
	m := a.player.at.Load()
	for i := range uint32(rounds) {
		var ok bool
		m.call(func(m *Map) {
			l := loot{Type: potionType, UID: first + i}
			if i%2 == 1 {
				l = loot{Money: 7}
			}
			ok = m.dropLoot(0, x, y, l, clk.Now())
		})
		if !ok {
			t.Fatal("no room for the loot")
		}
		var id uint32
		for fid := range floorOf(a) {
			id = fid
		}
		var wg sync.WaitGroup
		for _, sess := range []*session{a, b} {
			wg.Go(func() {
				var c wire.Codec
				pkt, _ := c.Encode(nil, &msg.MapItem{ID: id, X: x, Y: y, Action: msg.MapItemPick})
				if err := sess.handleMapItem(pkt); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		sync_(m)
		if len(floorOf(a)) != 0 {
			t.Fatalf("round %d: nobody picked the loot up", i)
		}
	}
	items := len(carried(a)) + len(carried(b))
	silver := silverOf(a) + silverOf(b)
	if items != rounds/2 || silver != 7*rounds/2 {
		t.Errorf("%d items and %d silver picked, want %d and %d", items, silver, rounds/2, 7*rounds/2)
	}
	if got := refusals(s, "pick", "unknown"); got != rounds {
		t.Errorf("%v picks found the item gone, want %d (one per round)", got, rounds)
	}
	if err := s.SaveAll(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	var stored int
	for _, sess := range []*session{a, b} {
		its, err := db.ItemsOf(context.Background(), sess.player.id)
		if err != nil {
			t.Fatal(err)
		}
		stored += len(its)
	}
	if stored != rounds/2 {
		t.Errorf("%d items stored, want %d", stored, rounds/2)
	}
}

// TestRestartClearsFloor: items lying on the floor when the server stops
// (or crashes after a save) are gone after a restart, in the store too;
// nothing comes back twice.
func TestRestartClearsFloor(t *testing.T) {
	path := filepath.Join(t.TempDir(), "floor.db")
	s, db, _, stop := floorServer(t, path)
	a, _ := shopper(t, s, db, "leaver", 1000, 1)
	kept := boughtOne(t, a, potionType)
	dropped := boughtOne(t, a, potionType)
	x, y := at(a)
	_ = item(t, a, msg.Item{ID: dropped, Data: msg.DropXY(x, y), Action: msg.ItemOpDrop})
	if err := s.SaveAll(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	stop() // no logout save: as a crash after the last periodic save
	if fl, _ := db.FloorItems(context.Background()); len(fl) != 1 {
		t.Fatalf("before the restart the store's floor holds %v", fl)
	}
	s2, db2, _, _ := floorServer(t, path)
	_ = s2
	if fl, err := db2.FloorItems(context.Background()); err != nil || len(fl) != 0 {
		t.Errorf("after the restart the store's floor holds %v (%v)", fl, err)
	}
	stored, err := db2.ItemsOf(context.Background(), a.player.id)
	if err != nil || len(stored) != 1 || stored[0].ID != kept {
		t.Errorf("after the restart the character has %+v (%v), want the kept potion", stored, err)
	}
	for _, m := range s2.world.maps {
		m.call(func(m *Map) {
			if len(m.ground.byID) != 0 {
				t.Errorf("map %d starts with %d floor items", m.id, len(m.ground.byID))
			}
		})
	}
}

// TestFloorMoneyConservation: players drop and pick up silver at random,
// concurrently, with saves in between: the silver carried plus the silver
// on the floor never changes, and the store holds what memory does.
func TestFloorMoneyConservation(t *testing.T) {
	s, db, clk, _ := floorServer(t, filepath.Join(t.TempDir(), "floor.db"))
	const players, steps, start = 4, 120, 5000
	sess := make([]*session, players)
	for i := range sess {
		sess[i], _ = shopper(t, s, db, "coin"+string(rune('a'+i)), start, 1)
	}
	clk.advance(OwnerWindow) // picks below need no window: every drop is reserved
	x, y := at(sess[0])
	var wg sync.WaitGroup
	for i, a := range sess {
		wg.Go(func() {
			rng := uint32(i*104729 + 3)
			next := func(n uint32) uint32 { rng = rng*1664525 + 1013904223; return (rng >> 8) % n }
			for range steps {
				if next(2) == 0 {
					_ = item(t, a, msg.Item{ID: next(300), Data: msg.DropXY(x, y), Action: msg.ItemOpDropMoney})
					continue
				}
				for id, f := range floorOf(a) {
					if f.owner == a.player.id || next(2) == 0 {
						_ = mapItem(t, a, msg.MapItem{ID: id, X: f.x, Y: f.y, Action: msg.MapItemPick})
						break
					}
				}
			}
		})
	}
	saves := make(chan error, 1)
	go func() {
		for range 4 {
			if err := s.SaveAll(context.Background(), "test"); err != nil {
				saves <- err
				return
			}
		}
		saves <- nil
	}()
	wg.Wait()
	if err := <-saves; err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAll(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	var mem, stored, floor uint64
	for _, f := range floorOf(sess[0]) {
		floor += uint64(f.money)
	}
	for _, a := range sess {
		mem += uint64(silverOf(a))
		ch, err := db.CharacterByName(context.Background(), a.player.name)
		if err != nil {
			t.Fatal(err)
		}
		stored += uint64(ch.Silver)
	}
	if mem+floor != players*start || stored+floor != players*start {
		t.Errorf("silver carried %d (stored %d) + on the floor %d, want %d", mem, stored, floor, players*start)
	}
}
