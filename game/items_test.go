package game

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/coserver/coserver/content"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/script"
	"github.com/coserver/coserver/server"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/store/sqlite"
	"github.com/coserver/coserver/wire"
)

// Default pack facts the item tests use.
const (
	traderID    = 20      // the Trader's shop, Twin City
	traderX     = 427     // its place
	traderY     = 381     //
	twinCity    = 1002    //
	potionType  = 1000000 // a potion the Trader sells
	bladeType   = 410301  // a blade the Trader sells
	notSoldType = 1       // no such type
)

// itemServer is a game server over a real store with the default content
// pack.
func itemServer(t testing.TB) (*Server, *store.DB) {
	t.Helper()
	s, db, _ := itemServerWith(t, filepath.Join(t.TempDir(), "items.db"), Config{})
	return s, db
}

// itemServerWith is a game server over a SQLite store at path with the
// default content pack and cfg's other settings; it also returns the
// function stopping the server's goroutines.
func itemServerWith(t testing.TB, path string, cfg Config) (*Server, *store.DB, func()) {
	t.Helper()
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	pack, err := content.Load(content.Default())
	if err != nil {
		t.Fatal(err)
	}
	lib, err := script.Compile(pack.Scripts)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Content, cfg.Scripts = pack, lib
	s, stop := newTestServer(t, db, cfg)
	return s, db, stop
}

// shopper creates a character with silver and places it next to the Trader.
func shopper(t testing.TB, s *Server, db *store.DB, name string, silver uint32, level uint8) (*session, *fakeConn) {
	t.Helper()
	return placeNew(t, s, db, store.Character{Name: name, Body: 1003, Class: 10, Level: level, Silver: silver,
		Vitality: 10, HP: 10, MapID: twinCity, X: traderX + 1, Y: traderY})
}

// placeNew creates an account named as ch and the character ch in it, and
// places it, with the items the store has for it, on its map as a session
// in the world.
func placeNew(t testing.TB, s *Server, db *store.DB, ch store.Character) (*session, *fakeConn) {
	t.Helper()
	ctx := context.Background()
	acc, err := db.CreateAccount(ctx, ch.Name, "x")
	if err != nil {
		t.Fatal(err)
	}
	ch.AccountID = acc.ID
	ch, err = db.CreateCharacter(ctx, ch)
	if err != nil {
		t.Fatal(err)
	}
	items, err := db.ItemsOf(ctx, ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	fc := &fakeConn{}
	p := newPlayer(ch, false, fc, items)
	sess := &session{srv: s, conn: &server.Conn{Log: slog.New(slog.DiscardHandler)}, done: make(chan struct{}),
		player: p, placed: true, state: stateWorld}
	m := s.world.maps[ch.MapID]
	p.at.Store(m)
	m.call(func(m *Map) { m.enter(p) })
	fc.take()
	return sess, fc
}

// buy has the session buy n of type t from npc, as handleItem does.
func buy(t *testing.T, sess *session, npc, typ uint32, n int) {
	t.Helper()
	first, err := sess.srv.uids.take(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	p := sess.player
	p.at.Load().call(func(m *Map) { m.buy(p, npc, typ, n, first) })
}

// item sends a MsgItem through the handler.
func item(t *testing.T, sess *session, r msg.Item) error {
	t.Helper()
	return handleVia(t, sess, sess.handleItem, &r)
}

// handleVia encodes r, gives it to the handler h of sess and waits until
// the player's map has run what the handler queued.
func handleVia(t testing.TB, sess *session, h func([]byte) error, r wire.Packet) error {
	t.Helper()
	var c wire.Codec
	b, err := c.Encode(nil, r)
	if err != nil {
		t.Fatal(err)
	}
	err = h(b)
	sync_(sess.player.at.Load())
	return err
}

// carried returns the items p carries, read on its map.
func carried(sess *session) map[uint32]store.Item {
	out := map[uint32]store.Item{}
	p := sess.player
	p.at.Load().call(func(*Map) {
		for id, it := range p.inv.items {
			out[id] = *it
		}
	})
	return out
}

func refusals(s *Server, op, reason string) float64 {
	return testutil.ToFloat64(s.m.itemRefused.WithLabelValues(op, reason))
}

func TestBuyUseEquipSell(t *testing.T) {
	s, db := itemServer(t)
	a, fa := shopper(t, s, db, "buyer", 10000, 1)
	b, fb := shopper(t, s, db, "watcher", 0, 1)
	_ = b
	fb.take()
	buy(t, a, traderID, potionType, 2)
	buy(t, a, traderID, bladeType, 1)
	inv := carried(a)
	if len(inv) != 3 {
		t.Fatalf("carried %d items, want 3", len(inv))
	}
	fa.take()
	var potion, blade uint32
	for id, it := range inv {
		switch it.Type {
		case potionType:
			potion = id
		case bladeType:
			blade = id
		}
	}
	if err := item(t, a, msg.Item{ID: potion, Action: msg.ItemOpUse}); err != nil {
		t.Fatal(err)
	}
	if _, ok := carried(a)[potion]; ok {
		t.Error("used potion still carried")
	}
	if err := item(t, a, msg.Item{ID: blade, Data: uint32(msg.PositionRightHand), Action: msg.ItemOpUse}); err != nil {
		t.Fatal(err)
	}
	if got := carried(a)[blade].Position; got != store.PosRightHand {
		t.Fatalf("blade at %d, want right hand", got)
	}
	var seen bool
	for _, p := range fb.take() {
		if sp, ok := p.(*msg.Player); ok && sp.ID == a.player.id && sp.RightHand == bladeType {
			seen = true
		}
	}
	if !seen {
		t.Error("the watcher did not see the blade")
	}
	// Selling the equipped blade is refused; unequip, then sell.
	if err := item(t, a, msg.Item{ID: traderID, Data: blade, Action: msg.ItemOpSell}); err != nil {
		t.Fatal(err)
	}
	if refusals(s, "sell", "equipped") != 1 {
		t.Error("selling an equipped item was not refused")
	}
	if err := item(t, a, msg.Item{ID: blade, Data: uint32(msg.PositionRightHand), Action: msg.ItemOpUnequip}); err != nil {
		t.Fatal(err)
	}
	if err := item(t, a, msg.Item{ID: traderID, Data: blade, Action: msg.ItemOpSell}); err != nil {
		t.Fatal(err)
	}
	if _, ok := carried(a)[blade]; ok {
		t.Error("sold blade still carried")
	}
	var silver uint32
	a.player.at.Load().call(func(*Map) { silver = a.player.ch.Silver })

	// Saved: one potion left, the silver the memory says.
	if err := s.SaveAll(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	stored, err := db.ItemsOf(context.Background(), a.player.id)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 1 || stored[0].Type != potionType {
		t.Errorf("stored items %+v, want one potion", stored)
	}
	ch, err := db.CharacterByName(context.Background(), "buyer")
	if err != nil {
		t.Fatal(err)
	}
	if ch.Silver != silver {
		t.Errorf("stored silver %d, memory %d", ch.Silver, silver)
	}
}

func TestItemRefusals(t *testing.T) {
	s, db := itemServer(t)
	a, _ := shopper(t, s, db, "poor", 5, 1)
	rich, _ := shopper(t, s, db, "rich", 1_000_000, 1)
	buy(t, a, traderID, potionType, 1)
	if refusals(s, "buy", "money") != 1 {
		t.Error("buying with too little money not refused")
	}
	buy(t, rich, 21, potionType, 1) // the vault keeper: not a shop (and not near)
	buy(t, rich, traderID, notSoldType, 1)
	if refusals(s, "buy", "not_sold") != 1 {
		t.Error("buying a type the shop does not sell not refused")
	}
	buy(t, rich, 999, potionType, 1)
	if refusals(s, "buy", "no_npc") != 1 {
		t.Error("buying from no NPC not refused")
	}
	// Out of range.
	p := rich.player
	p.at.Load().call(func(m *Map) { p.x = traderX + NPCClickRange + 1; m.grid.moved(p) })
	buy(t, rich, traderID, potionType, 1)
	if refusals(s, "buy", "far") != 1 {
		t.Error("buying out of range not refused")
	}
	p.at.Load().call(func(m *Map) { p.x = traderX + 1; m.grid.moved(p) })
	// Full inventory.
	for range 2 {
		buy(t, rich, traderID, potionType, 20)
	}
	buy(t, rich, traderID, potionType, 1)
	if refusals(s, "buy", "full") != 1 {
		t.Error("buying into a full inventory not refused")
	}
	var blade uint32
	for id, it := range carried(rich) {
		blade = id
		_ = it
	}
	// Another player's item, an item nobody has, a slot out of range.
	_ = item(t, a, msg.Item{ID: blade, Action: msg.ItemOpUse})
	_ = item(t, a, msg.Item{ID: 12345, Data: 4, Action: msg.ItemOpUse})
	_ = item(t, a, msg.Item{ID: blade, Data: 4, Action: msg.ItemOpUnequip})
	if got := refusals(s, "use", "not_owned"); got != 2 {
		t.Errorf("use of items not owned: %v refusals, want 2", got)
	}
	_ = item(t, rich, msg.Item{ID: blade, Data: 200, Action: msg.ItemOpUse})
	_ = item(t, rich, msg.Item{ID: blade, Data: 3, Action: msg.ItemOpUse})
	if refusals(s, "equip", "bad_slot")+refusals(s, "equip", "wrong_slot") != 2 {
		t.Error("equipping into a bad or wrong slot not refused")
	}
	// A malformed packet is an error (the connection closes), not a panic.
	if err := rich.handleItem([]byte{1, 2, 3}); err == nil {
		t.Error("a truncated MsgItem was accepted")
	}
}

func TestEquipBelowLevel(t *testing.T) {
	s, db := itemServer(t)
	a, _ := shopper(t, s, db, "novice", 1_000_000, 1)
	tab := s.world.table.Load()
	var typ uint32
	for _, id := range tab.shops[traderID].Items {
		if tab.types[id].ReqLevel > 1 && content.SlotOf(id) != content.PosInventory {
			typ = id
			break
		}
	}
	if typ == 0 {
		t.Skip("the default shop sells nothing above level 1")
	}
	buy(t, a, traderID, typ, 1)
	for id := range carried(a) {
		_ = item(t, a, msg.Item{ID: id, Data: uint32(content.SlotOf(typ)), Action: msg.ItemOpUse})
	}
	if refusals(s, "equip", "level") != 1 {
		t.Error("equipping below the required level not refused")
	}
}

func TestPingEchoed(t *testing.T) {
	s, db := itemServer(t)
	a, fa := shopper(t, s, db, "pinger", 0, 1)
	if err := item(t, a, msg.Item{ID: a.player.id, Action: msg.ItemOpPing, Timestamp: 77}); err != nil {
		t.Fatal(err)
	}
	pk := fa.take()
	if len(pk) != 1 || pk[0].(*msg.Item).Timestamp != 77 {
		t.Errorf("ping answered with %v", pk)
	}
}

// TestItemConservation: several players buy, use, equip, unequip, sell,
// deposit in and withdraw from the warehouse (items and money), get and
// lose items and silver through the script API, drop and pick up, at
// random on one map while saves run; afterwards the store holds exactly the
// items (carried, stored and on the floor), in their places, and the money
// memory does, and every item bought or given is in one place or was
// destroyed: nothing duplicated, nothing lost.
func TestItemConservation(t *testing.T) {
	s, db := itemServer(t)
	const players, steps = 4, 150
	sess := make([]*session, players)
	for i := range sess {
		sess[i], _ = shopper(t, s, db, "eco"+string(rune('a'+i)), 100_000, 130)
	}
	types := []uint32{potionType, bladeType}
	var given, taken atomic.Int64 // items scripts gave and took
	done := make(chan struct{})
	for i, a := range sess {
		go func() {
			defer func() { done <- struct{}{} }()
			rng := uint32(i*7919 + 1)
			next := func(n uint32) uint32 { rng = rng*1664525 + 1013904223; return (rng >> 8) % n }
			for range steps {
				inv := carried(a)
				var pick uint32
				for id := range inv {
					pick = id
					break
				}
				for id := range stored(a) {
					if next(2) == 0 {
						pick = id // sometimes a stored item
					}
					break
				}
				p := a.player
				switch next(13) {
				case 0:
					first, err := s.uids.take(context.Background(), 1)
					if err != nil {
						t.Error(err)
						return
					}
					p := a.player
					p.at.Load().call(func(m *Map) { m.buy(p, traderID, types[next(2)], 1, first) })
				case 1:
					_ = item(t, a, msg.Item{ID: traderID, Data: pick, Action: msg.ItemOpSell})
				case 2:
					_ = item(t, a, msg.Item{ID: pick, Action: msg.ItemOpUse})
				case 3:
					_ = item(t, a, msg.Item{ID: pick, Data: uint32(msg.PositionRightHand), Action: msg.ItemOpUnequip})
				case 4:
					o := sess[next(players)].player // maybe another player's item
					o.at.Load().call(func(m *Map) { m.use(o, pick, 0) })
				case 5: // game/floor.go
					_ = item(t, a, msg.Item{ID: pick, Data: msg.DropXY(traderX+1, traderY), Action: msg.ItemOpDrop})
				case 6:
					for id, f := range floorOf(a) { // someone else's is refused while reserved
						_ = mapItem(t, a, msg.MapItem{ID: id, X: f.x, Y: f.y, Action: msg.MapItemPick})
						break
					}
				case 7:
					_ = pkg(t, a, msg.Package{ID: vaultID, Action: msg.PackageCheckIn, Kind: msg.PackageWarehouse, UID: pick})
				case 8:
					_ = pkg(t, a, msg.Package{ID: vaultID, Action: msg.PackageCheckOut, Kind: msg.PackageWarehouse, UID: pick})
				case 9:
					_ = item(t, a, msg.Item{ID: vaultID, Data: next(5000), Action: msg.ItemOpSaveMoney})
				case 10:
					_ = item(t, a, msg.Item{ID: vaultID, Data: next(5000), Action: msg.ItemOpDrawMoney})
				case 11:
					if err := s.uids.reserve(context.Background()); err != nil { // as handleNpc does
						t.Error(err)
						return
					}
					typ, n := types[next(2)], next(3)+1
					p.at.Load().call(func(m *Map) {
						h := &dialogHost{m: m, p: p}
						if h.TakeMoney(n*10) && h.GiveItem(typ, int(n)) {
							given.Add(int64(n))
						}
					})
				case 12:
					typ := types[next(2)]
					p.at.Load().call(func(m *Map) {
						h := &dialogHost{m: m, p: p}
						if h.TakeItem(typ, 1) {
							taken.Add(1)
							h.GiveMoney(7)
						}
					})
				}
			}
		}()
	}
	saves := make(chan error)
	go func() {
		for range 5 {
			if err := s.SaveAll(context.Background(), "test"); err != nil {
				saves <- err
				return
			}
		}
		saves <- nil
	}()
	for range players {
		<-done
	}
	if err := <-saves; err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAll(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	// Every item bought is carried, on the floor, or was destroyed (used
	// up, sold, expired), once: in memory and in the store.
	floor := floorOf(sess[0])
	owner := map[uint32]uint32{}
	deposited := 0
	for id := range floor {
		owner[id] = 0
	}
	stFloor, err := db.FloorItems(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(stFloor) != len(floor) {
		t.Errorf("%d items stored on the floor, %d in memory", len(stFloor), len(floor))
	}
	for _, it := range stFloor {
		if f, ok := floor[it.ID]; !ok || f.item.Type != it.Type || it.OwnerID != twinCity {
			t.Errorf("stored on the floor %+v, memory %+v", it, f.item)
		}
	}
	ops := func(op string) int { return int(testutil.ToFloat64(s.m.items.WithLabelValues(op))) }
	held := 0
	for _, a := range sess {
		held += len(carried(a)) + len(stored(a))
	}
	expired := int(testutil.ToFloat64(s.m.floorExpired.WithLabelValues("item")))
	if ops("buy")+int(given.Load()) != held+len(floor)+ops("use")+ops("sell")+expired+int(taken.Load()) {
		t.Errorf("%d bought + %d given by scripts; %d carried or stored + %d on the floor + %d used + %d sold + %d expired + %d taken by scripts",
			ops("buy"), given.Load(), held, len(floor), ops("use"), ops("sell"), expired, taken.Load())
	}
	if ops("drop") == 0 || ops("pick") == 0 {
		t.Errorf("%d drops and %d picks: the random walk missed the floor", ops("drop"), ops("pick"))
	}
	for _, a := range sess {
		kept := stored(a)
		deposited += len(kept)
		for id := range carried(a) {
			if o, dup := owner[id]; dup {
				t.Fatalf("item %d carried by %d and %d", id, o, a.player.id)
			}
			owner[id] = a.player.id
		}
		for id := range kept {
			if o, dup := owner[id]; dup {
				t.Fatalf("item %d stored by %d and held by %d", id, a.player.id, o)
			}
			owner[id] = a.player.id
		}
		checkStoreMatches(t, db, a)
		ch, err := db.CharacterByName(context.Background(), a.player.name)
		if err != nil {
			t.Fatal(err)
		}
		silver, warehouse := money(a)
		if ch.Silver != silver || ch.WarehouseSilver != warehouse {
			t.Errorf("%s: stored silver %d and warehouse %d, memory %d and %d", a.player.name,
				ch.Silver, ch.WarehouseSilver, silver, warehouse)
		}
	}
	if deposited == 0 || refusals(s, "deposit", "not_owned") == 0 {
		t.Errorf("the run deposited %d items and refused %v deposits: it tests too little", deposited,
			refusals(s, "deposit", "not_owned"))
	}
}

func TestGiveMoneyAndItems(t *testing.T) {
	s, db := itemServer(t)
	a, _ := shopper(t, s, db, "gifted", 10, 1)
	p := a.player
	var okMoney, overflow bool
	var why string
	first, err := s.uids.take(context.Background(), 2)
	if err != nil {
		t.Fatal(err)
	}
	p.at.Load().call(func(m *Map) {
		okMoney = m.giveMoney(p, 100)
		overflow = m.giveMoney(p, 1<<32-1)
		why = m.giveItems(p, potionType, 2, first)
	})
	if !okMoney || overflow || why != "" {
		t.Fatalf("give: money %v, overflow %v, items %q", okMoney, overflow, why)
	}
	if err := s.SaveAll(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	ch, err := db.CharacterByName(context.Background(), "gifted")
	if err != nil {
		t.Fatal(err)
	}
	stored, err := db.ItemsOf(context.Background(), p.id)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Silver != 110 || len(stored) != 2 {
		t.Errorf("stored silver %d, %d items; want 110, 2", ch.Silver, len(stored))
	}
}

// BenchmarkBuySell is one purchase and one sale sent to the map goroutine,
// with their uid, versions and queued save events (the save itself: store
// benchmarks).
func BenchmarkBuySell(b *testing.B) {
	s, db := itemServer(b)
	a, _ := shopper(b, s, db, "bench", 1_000_000_000, 1)
	p := a.player
	m := p.at.Load()
	b.ReportAllocs()
	for b.Loop() {
		uid, err := s.uids.take(context.Background(), 1) // as the handler does
		if err != nil {
			b.Fatal(err)
		}
		m.call(func(m *Map) {
			m.buy(p, traderID, potionType, 1, uid)
			m.sell(p, traderID, uid)
		})
	}
	b.StopTimer()
	s.saver.drain()
}
