package game

import (
	"context"
	"encoding/binary"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/coserver/coserver/content"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/wire"
)

// Default pack facts the warehouse tests use.
const (
	vaultID     = 21   // VaultKeeper, Twin City (433, 381): within reach of a shopper
	birthVault  = 2    // Keeper, Birth Village: another map
	herbalistID = 3    // Herbalist, Birth Village (66, 105): herbalist.lua
	birthMap    = 1010 //
	herbalistX  = 66   //
	herbalistY  = 106  // next to the Herbalist
	nearVaultX  = traderX + 1
	potionPrice = 20 // MinorHealPotion
)

// itemServerCap is itemServer with a warehouse capacity.
func itemServerCap(t testing.TB, capacity int) (*Server, *store.DB) {
	t.Helper()
	s, db, _ := itemServerStop(t, capacity)
	return s, db
}

// itemServerStop is itemServerCap that also returns the function stopping
// the server's goroutines (maps, ticks, periodic saves): after it, map
// commands run on the caller's goroutine.
func itemServerStop(t testing.TB, capacity int) (*Server, *store.DB, func()) {
	t.Helper()
	return itemServerWith(t, filepath.Join(t.TempDir(), "items.db"), Config{WarehouseCapacity: capacity})
}

// villager creates a character with silver and places it on mapID at
// (x, y).
func villager(t testing.TB, s *Server, db *store.DB, name string, silver uint32, mapID uint32, x, y uint16) (*session, *fakeConn) {
	t.Helper()
	return placeNew(t, s, db, store.Character{Name: name, Body: 1003, Class: 10, Level: 1, Silver: silver,
		Vitality: 10, HP: 10, MapID: mapID, X: x, Y: y})
}

// pkg sends a MsgPackage through the handler.
func pkg(t testing.TB, sess *session, r msg.Package) error {
	t.Helper()
	return handleVia(t, sess, sess.handlePackage, &r)
}

// stored returns what p keeps in warehouses, read on its map.
func stored(sess *session) map[uint32]store.Item {
	out := map[uint32]store.Item{}
	p := sess.player
	p.at.Load().call(func(*Map) {
		for id, it := range p.inv.stored {
			out[id] = *it
		}
	})
	return out
}

// lastList returns the last warehouse list among pk.
func lastList(pk []wire.Packet) *msg.Package {
	var l *msg.Package
	for _, p := range pk {
		if w, ok := p.(*msg.Package); ok {
			l = w
		}
	}
	return l
}

// money returns p's silver and warehouse silver, read on its map.
func money(sess *session) (silver, warehouse uint32) {
	p := sess.player
	p.at.Load().call(func(*Map) { silver, warehouse = p.ch.Silver, p.ch.WarehouseSilver })
	return
}

func TestWarehouseOpenDepositWithdraw(t *testing.T) {
	s, db := itemServer(t)
	a, fa := shopper(t, s, db, "saver", 10_000, 1)
	p := a.player
	buy(t, a, traderID, bladeType, 1)
	buy(t, a, traderID, potionType, 1)
	var blade uint32
	for id, it := range carried(a) {
		if it.Type == bladeType {
			blade = id
		}
	}
	fa.take()

	// A click on the keeper opens the warehouse window, no dialog.
	p.at.Load().call(func(m *Map) { m.clickNPC(p, vaultID, time.Now()) })
	pk := fa.take()
	if len(pk) != 1 {
		t.Fatalf("click answered with %v", pk)
	}
	if a, ok := pk[0].(*msg.Action); !ok || a.Subtype != msg.ActionOpenDialog || a.Data1 != msg.DialogWarehouse || a.ID != p.id {
		t.Fatalf("click answered with %+v, want MsgAction 126 data 4", pk[0])
	}
	if err := pkg(t, a, msg.Package{ID: vaultID, Action: msg.PackageQuery, Kind: msg.PackageWarehouse}); err != nil {
		t.Fatal(err)
	}
	if l := lastList(fa.take()); l == nil || l.Count != 0 || l.ID != vaultID {
		t.Fatalf("empty warehouse listed as %+v", l)
	}

	// Check in: the blade leaves the inventory and is listed.
	if err := pkg(t, a, msg.Package{ID: vaultID, Action: msg.PackageCheckIn, Kind: msg.PackageWarehouse, UID: blade}); err != nil {
		t.Fatal(err)
	}
	pk = fa.take()
	if rm, ok := pk[0].(*msg.Item); !ok || rm.Action != msg.ItemOpDrop || rm.ID != blade {
		t.Errorf("deposit answered first with %+v, want MsgItem 3 (remove)", pk[0])
	}
	if l := lastList(pk); l == nil || l.Count != 1 || l.Items[0].UID != blade || l.Items[0].ItemType != bladeType {
		t.Fatalf("warehouse after the deposit: %+v", l)
	}
	if _, ok := carried(a)[blade]; ok {
		t.Fatal("deposited blade still carried")
	}
	if it := stored(a)[blade]; it.Position != store.PosWarehouse || it.Warehouse != vaultID {
		t.Fatalf("deposited blade kept as %+v", it)
	}
	if err := s.SaveAll(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	items, err := db.ItemsOf(context.Background(), p.id)
	if err != nil {
		t.Fatal(err)
	}
	var inWarehouse int
	for _, it := range items {
		if it.ID == blade && it.Position == store.PosWarehouse && it.Warehouse == vaultID {
			inWarehouse++
		}
	}
	if len(items) != 2 || inWarehouse != 1 {
		t.Fatalf("stored items %+v, want the potion and the blade in warehouse %d", items, vaultID)
	}
	// A login reads it back into the warehouse, not the inventory.
	if inv := newInventory(items); inv.count != 1 || inv.stored[blade] == nil || inv.items[blade] != nil {
		t.Fatalf("reloaded inventory: %d carried, blade stored %v", inv.count, inv.stored[blade] != nil)
	}

	// Check out: back in the inventory.
	if err := pkg(t, a, msg.Package{ID: vaultID, Action: msg.PackageCheckOut, Kind: msg.PackageWarehouse, UID: blade}); err != nil {
		t.Fatal(err)
	}
	pk = fa.take()
	if info, ok := pk[0].(*msg.ItemInfo); !ok || info.UID != blade || info.Action != msg.ItemAdd {
		t.Errorf("withdrawal answered first with %+v, want MsgItemInfo add", pk[0])
	}
	if l := lastList(pk); l == nil || l.Count != 0 {
		t.Fatalf("warehouse after the withdrawal: %+v", l)
	}
	if it := carried(a)[blade]; it.Position != store.PosInventory || it.Warehouse != 0 {
		t.Fatalf("withdrawn blade carried as %+v", it)
	}

	// Money: save 300, draw 100.
	silver0, _ := money(a)
	for _, r := range []msg.Item{
		{ID: vaultID, Data: 300, Action: msg.ItemOpSaveMoney},
		{ID: vaultID, Data: 100, Action: msg.ItemOpDrawMoney},
		{ID: vaultID, Action: msg.ItemOpQueryMoney},
	} {
		if err := item(t, a, r); err != nil {
			t.Fatal(err)
		}
	}
	var answer uint32
	for _, p := range fa.take() {
		if it, ok := p.(*msg.Item); ok && it.Action == msg.ItemOpQueryMoney {
			answer = it.Data
		}
	}
	silver, warehouse := money(a)
	if silver != silver0-200 || warehouse != 200 || answer != 200 {
		t.Fatalf("silver %d (was %d), warehouse %d, answered %d", silver, silver0, warehouse, answer)
	}
	if err := s.SaveAll(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	ch, err := db.CharacterByName(context.Background(), "saver")
	if err != nil {
		t.Fatal(err)
	}
	if ch.Silver != silver || ch.WarehouseSilver != warehouse {
		t.Errorf("stored silver %d and warehouse %d, memory %d and %d", ch.Silver, ch.WarehouseSilver, silver, warehouse)
	}
}

func TestWarehouseRefusals(t *testing.T) {
	s, db := itemServerCap(t, 2)
	a, _ := shopper(t, s, db, "hoarder", 1_000_000, 1)
	b, _ := shopper(t, s, db, "other", 1_000_000, 1)
	p := a.player
	buy(t, a, traderID, potionType, 4)
	buy(t, a, traderID, bladeType, 1)
	buy(t, b, traderID, potionType, 1)
	var blade uint32
	var potions []uint32
	for id, it := range carried(a) {
		if it.Type == bladeType {
			blade = id
		} else {
			potions = append(potions, id)
		}
	}
	var others uint32
	for id := range carried(b) {
		others = id
	}
	checkIn := func(sess *session, npc, uid uint32) {
		t.Helper()
		if err := pkg(t, sess, msg.Package{ID: npc, Action: msg.PackageCheckIn, Kind: msg.PackageWarehouse, UID: uid}); err != nil {
			t.Fatal(err)
		}
	}
	checkOut := func(sess *session, npc, uid uint32) {
		t.Helper()
		if err := pkg(t, sess, msg.Package{ID: npc, Action: msg.PackageCheckOut, Kind: msg.PackageWarehouse, UID: uid}); err != nil {
			t.Fatal(err)
		}
	}
	want := func(op, reason string, n float64) {
		t.Helper()
		if got := refusals(s, op, reason); got != n {
			t.Errorf("%s refused as %s %v times, want %v", op, reason, got, n)
		}
	}

	checkIn(a, traderID, potions[0]) // not a warehouse
	want("deposit", "not_warehouse", 1)
	checkIn(a, 999, potions[0]) // no such NPC
	checkIn(a, birthVault, potions[0])
	want("deposit", "no_npc", 2) // the Birth Village keeper is on another map
	checkIn(a, vaultID, others)  // another player's item
	checkIn(a, vaultID, 12345)   // nobody's
	want("deposit", "not_owned", 2)
	if err := item(t, a, msg.Item{ID: blade, Data: uint32(msg.PositionRightHand), Action: msg.ItemOpUse}); err != nil {
		t.Fatal(err)
	}
	checkIn(a, vaultID, blade) // equipped
	want("deposit", "equipped", 1)
	if err := pkg(t, a, msg.Package{ID: vaultID, Action: msg.PackageCheckIn, Kind: msg.PackageTrunk, UID: potions[0]}); err != nil {
		t.Fatal(err)
	}
	want("deposit", "kind", 1)
	// Out of range.
	p.at.Load().call(func(m *Map) { p.x = vaultX + NPCClickRange + 1; m.grid.moved(p) })
	checkIn(a, vaultID, potions[0])
	want("deposit", "far", 1)
	p.at.Load().call(func(m *Map) { p.x = nearVaultX; m.grid.moved(p) })
	// Full warehouse: capacity 2.
	for _, id := range potions[:3] {
		checkIn(a, vaultID, id)
	}
	want("deposit", "full", 1)
	if n := len(stored(a)); n != 2 {
		t.Fatalf("%d items stored, want 2", n)
	}
	// Withdrawals: not stored, another's, into a full inventory.
	checkOut(a, vaultID, potions[3])
	checkOut(b, vaultID, potions[0])
	want("withdraw", "not_stored", 2)
	buy(t, a, traderID, potionType, 20)
	buy(t, a, traderID, potionType, msg.InventorySize-(len(carried(a))-1)) // the worn blade is not in the bag
	if n := len(carried(a)); n != msg.InventorySize+1 {                    // 40 in the bag and the worn blade
		t.Fatalf("carried %d, want a full inventory", n)
	}
	checkOut(a, vaultID, potions[0])
	want("withdraw", "full", 1)

	// Money: more than carried, more than kept, a warehouse past 2^32-1, zero.
	_ = item(t, a, msg.Item{ID: vaultID, Data: 2_000_000, Action: msg.ItemOpSaveMoney})
	want("save_money", "money", 1)
	_ = item(t, a, msg.Item{ID: vaultID, Data: 1, Action: msg.ItemOpDrawMoney})
	want("draw_money", "money", 1)
	_ = item(t, a, msg.Item{ID: vaultID, Action: msg.ItemOpSaveMoney})
	want("save_money", "zero", 1)
	p.at.Load().call(func(*Map) { p.ch.WarehouseSilver = math.MaxUint32 })
	_ = item(t, a, msg.Item{ID: vaultID, Data: 1, Action: msg.ItemOpSaveMoney})
	want("save_money", "money_overflow", 1)
	p.at.Load().call(func(*Map) { p.ch.WarehouseSilver, p.ch.Silver = 10, math.MaxUint32 })
	_ = item(t, a, msg.Item{ID: vaultID, Data: 1, Action: msg.ItemOpDrawMoney})
	want("draw_money", "money_overflow", 1)
	_ = item(t, a, msg.Item{ID: traderID, Data: 1, Action: msg.ItemOpDrawMoney})
	want("draw_money", "not_warehouse", 1)
	p.at.Load().call(func(*Map) { p.ch.WarehouseSilver, p.ch.Silver = 0, 0 }) // undo what no transfer recorded

	// An unknown action is counted and ignored; a malformed packet is an
	// error (the connection closes), never a panic.
	if err := pkg(t, a, msg.Package{ID: vaultID, Action: 3, Kind: msg.PackageWarehouse}); err != nil {
		t.Errorf("unknown action: %v", err)
	}
	want("warehouse", "unsupported", 1)
	if err := a.handlePackage([]byte{1, 2, 3}); err == nil {
		t.Error("a truncated MsgPackage was accepted")
	}

	// Nothing was lost or duplicated: everything stored is where memory
	// says.
	if err := s.SaveAll(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	checkStoreMatches(t, db, a)
}

// vaultX is the VaultKeeper's x.
const vaultX = 433

// checkStoreMatches fails unless the store holds exactly the items, in the
// places, that memory says sess's player owns.
func checkStoreMatches(t *testing.T, db *store.DB, sess *session) {
	t.Helper()
	items, err := db.ItemsOf(context.Background(), sess.player.id)
	if err != nil {
		t.Fatal(err)
	}
	mem := carried(sess)
	for id, it := range stored(sess) {
		mem[id] = it
	}
	if len(items) != len(mem) {
		t.Errorf("%s: %d items stored, %d in memory", sess.player.name, len(items), len(mem))
	}
	for _, it := range items {
		m, ok := mem[it.ID]
		if !ok || m.Position != it.Position || m.Warehouse != it.Warehouse || m.Type != it.Type || m.Amount != it.Amount {
			t.Errorf("%s: stored %+v, memory %+v", sess.player.name, it, m)
		}
	}
}

func TestRepair(t *testing.T) {
	s, db := itemServer(t)
	a, fa := shopper(t, s, db, "fixer", 1000, 1)
	p := a.player
	buy(t, a, traderID, bladeType, 1)
	buy(t, a, traderID, potionType, 1)
	var blade, potion uint32
	for id, it := range carried(a) {
		if it.Type == bladeType {
			blade = id
		} else {
			potion = id
		}
	}
	// TrainingBlade: price 120, durability 3000, quality 1 (factor 0.75).
	p.at.Load().call(func(*Map) { p.inv.items[blade].Amount = 1000 })
	fa.take()
	silver0, _ := money(a)
	if err := item(t, a, msg.Item{ID: blade, Action: msg.ItemOpRepair}); err != nil {
		t.Fatal(err)
	}
	const cost = 60 // ⌈120 × 2000 / 3000 × 0.75⌉
	if silver, _ := money(a); silver != silver0-cost {
		t.Errorf("repair cost %d, want %d", silver0-silver, cost)
	}
	if it := carried(a)[blade]; it.Amount != it.AmountLimit {
		t.Errorf("repaired blade at %d/%d", it.Amount, it.AmountLimit)
	}
	var updated bool
	for _, pk := range fa.take() {
		if info, ok := pk.(*msg.ItemInfo); ok && info.UID == blade && info.Action == msg.ItemUpdate && info.Durability == 3000 {
			updated = true
		}
	}
	if !updated {
		t.Error("the client was not told the new durability")
	}

	// Refusals: nothing to repair, broken, not owned, no money.
	_ = item(t, a, msg.Item{ID: blade, Action: msg.ItemOpRepair})
	_ = item(t, a, msg.Item{ID: potion, Action: msg.ItemOpRepair})
	_ = item(t, a, msg.Item{ID: 424242, Action: msg.ItemOpRepair})
	p.at.Load().call(func(*Map) { p.inv.items[blade].Amount = 0 })
	_ = item(t, a, msg.Item{ID: blade, Action: msg.ItemOpRepair})
	p.at.Load().call(func(*Map) { p.inv.items[blade].Amount, p.ch.Silver = 1, 0 })
	_ = item(t, a, msg.Item{ID: blade, Action: msg.ItemOpRepair})
	for _, r := range []string{"not_damaged", "not_repairable", "not_owned", "broken", "money"} {
		if refusals(s, "repair", r) != 1 {
			t.Errorf("repair not refused as %s", r)
		}
	}

	// Repair all: the worn blade, all or nothing.
	p.at.Load().call(func(*Map) { p.ch.Silver = 1000 })
	if err := item(t, a, msg.Item{ID: blade, Data: uint32(msg.PositionRightHand), Action: msg.ItemOpUse}); err != nil {
		t.Fatal(err)
	}
	if err := item(t, a, msg.Item{Action: msg.ItemOpRepairAll}); err != nil {
		t.Fatal(err)
	}
	if it := carried(a)[blade]; it.Amount != it.AmountLimit {
		t.Errorf("repair all left the blade at %d/%d", it.Amount, it.AmountLimit)
	}
	_ = item(t, a, msg.Item{Action: msg.ItemOpRepairAll})
	if refusals(s, "repair_all", "not_damaged") != 1 {
		t.Error("repair all with nothing damaged not refused")
	}
}

func TestRepairCost(t *testing.T) {
	for _, tc := range []struct {
		typ      uint32
		price    uint32
		dur, max uint16
		want     uint32
		why      string
	}{
		{410301, 120, 1000, 3000, 60, ""},
		{410309, 120, 1000, 3000, 90, ""},         // super: × 1.125
		{410306, 1000, 2999, 3000, 1, ""},         // ⌈0.275⌉
		{410301, 0, 1, 3000, 1, ""},               // at least 1
		{410301, math.MaxUint32, 1, 65535, 0, ""}, // no overflow (checked below)
		{410301, 120, 3000, 3000, 0, "not_damaged"},
		{410301, 120, 0, 3000, 0, "broken"},
	} {
		cost, why := repairCost(content.ItemType{ID: tc.typ, Price: tc.price},
			&store.Item{Type: tc.typ, Amount: tc.dur, AmountLimit: tc.max})
		if tc.price == math.MaxUint32 {
			if why != "" || cost < math.MaxUint32/2 {
				t.Errorf("huge price: %d %q", cost, why)
			}
			continue
		}
		if cost != tc.want || why != tc.why {
			t.Errorf("type %d price %d at %d/%d: %d %q, want %d %q", tc.typ, tc.price, tc.dur, tc.max, cost, why, tc.want, tc.why)
		}
	}
}

func TestEquipmentStats(t *testing.T) {
	s, db := itemServer(t)
	a, _ := shopper(t, s, db, "fighter", 10_000, 1)
	p := a.player
	p.at.Load().call(func(*Map) { p.ch.Strength = 5 })
	buy(t, a, traderID, bladeType, 1)
	var blade uint32
	for id := range carried(a) {
		blade = id
	}
	stats := func() (st Stats) {
		p.at.Load().call(func(*Map) { st = p.stats })
		return
	}
	if err := item(t, a, msg.Item{ID: blade, Data: uint32(msg.PositionRightHand), Action: msg.ItemOpUse}); err != nil {
		t.Fatal(err)
	}
	// TrainingBlade: attack 12–18.
	if st := stats(); st.MinAttack != 17 || st.MaxAttack != 23 {
		t.Errorf("stats with the blade %+v, want attack 17–23", st)
	}
	if err := item(t, a, msg.Item{ID: blade, Data: uint32(msg.PositionRightHand), Action: msg.ItemOpUnequip}); err != nil {
		t.Fatal(err)
	}
	if st := stats(); st != (Stats{MinAttack: 5, MaxAttack: 5}) {
		t.Errorf("stats without equipment %+v", st)
	}
}

// TestHerbalistScript runs the default pack's herbalist.lua: five potions for
// 80 silver, then sold back for 5 each, saved as memory says.
func TestHerbalistScript(t *testing.T) {
	s, db := itemServer(t)
	a, _ := villager(t, s, db, "trader", 100, birthMap, herbalistX, herbalistY)
	p := a.player
	m := p.at.Load()
	now := time.Now()
	talk := func(option uint8) {
		t.Helper()
		if err := s.uids.reserve(context.Background()); err != nil { // as handleNpc does
			t.Fatal(err)
		}
		m.call(func(m *Map) { m.clickNPC(p, herbalistID, now) })
		m.call(func(m *Map) { m.answerDialog(p, option, "", now) })
	}
	talk(1)
	potions := 0
	for _, it := range carried(a) {
		if it.Type == potionType {
			potions++
		}
	}
	if silver, _ := money(a); silver != 20 || potions != 5 {
		t.Fatalf("after buying: %d silver, %d potions; want 20, 5", silver, potions)
	}
	talk(1) // 20 silver: too little, nothing changes
	m.call(func(m *Map) { m.answerDialog(p, 1, "", now) })
	talk(2)
	if silver, _ := money(a); silver != 45 || len(carried(a)) != 0 {
		t.Fatalf("after selling back: %d silver, %d items; want 45, 0", silver, len(carried(a)))
	}
	if err := s.SaveAll(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	ch, err := db.CharacterByName(context.Background(), "trader")
	if err != nil {
		t.Fatal(err)
	}
	if ch.Silver != 45 {
		t.Errorf("stored silver %d, want 45", ch.Silver)
	}
	checkStoreMatches(t, db, a)
}

// TestScriptItemRefusals: the script API refuses without changing
// anything.
func TestScriptItemRefusals(t *testing.T) {
	s, db := itemServer(t)
	a, _ := shopper(t, s, db, "scripted", 10, 1)
	p := a.player
	if err := s.uids.reserve(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got []bool
	p.at.Load().call(func(m *Map) {
		h := &dialogHost{m: m, p: p}
		got = append(got,
			h.TakeMoney(11),                                      // more than carried
			h.GiveMoney(math.MaxUint32),                          // overflow
			h.GiveItem(notSoldType, 1),                           // unknown type
			h.GiveItem(potionType, 41),                           // no room
			h.TakeItem(potionType, 1),                            // none carried
			h.GiveItem(potionType, 2), h.TakeItem(potionType, 1), // these two work
		)
	})
	want := []bool{false, false, false, false, false, true, true}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("call %d: %v, want %v", i, got[i], want[i])
		}
	}
	if silver, _ := money(a); silver != 10 || len(carried(a)) != 1 {
		t.Errorf("after refusals: %d silver, %d items; want 10, 1", silver, len(carried(a)))
	}
	for _, r := range [][2]string{{"take_money", "money"}, {"give_money", "money_overflow"},
		{"give_item", "unknown_type"}, {"give_item", "full"}, {"take_item", "not_owned"}} {
		if refusals(s, r[0], r[1]) != 1 {
			t.Errorf("%s not refused as %s", r[0], r[1])
		}
	}
}

// FuzzPackageHandling feeds a player next to a warehouse (capacity 3, 5
// potions carried) a sequence of arbitrary MsgPackage bodies: the input cut
// into bodies of fuzzBody bytes, the rest as a last longer one. Never a
// panic, and after every packet each item is somewhere, once. Every input
// starts from the same state (everything back in the bag), so an input
// always does the same thing and the fuzzer can minimise it; the server's
// goroutines are stopped (map commands run inline), so that no tick runs
// in the middle of an input.
func FuzzPackageHandling(f *testing.F) {
	const fuzzBody = msg.PackageHeaderSize - 4 // a body without records
	s, db, stop := itemServerStop(f, 3)
	a, _ := shopper(f, s, db, "fuzzer", 100_000, 1)
	first, err := s.uids.take(context.Background(), 5)
	if err != nil {
		f.Fatal(err)
	}
	p := a.player
	p.at.Load().call(func(m *Map) {
		m.buy(p, traderID, potionType, 5, first)
		p.conn = &encConn{} // encodes every answer, keeps none: memory stays flat
	})
	stop()
	var c wire.Codec
	var seed []byte
	for _, r := range []msg.Package{
		{ID: vaultID, Action: msg.PackageQuery, Kind: msg.PackageWarehouse},
		{ID: vaultID, Action: msg.PackageCheckIn, Kind: msg.PackageWarehouse, UID: first},
		{ID: vaultID, Action: msg.PackageCheckIn, Kind: msg.PackageWarehouse, UID: first + 1},
		{ID: vaultID, Action: msg.PackageCheckOut, Kind: msg.PackageWarehouse, UID: first},
		{ID: traderID, Action: msg.PackageCheckIn, Kind: msg.PackageWarehouse, UID: first + 1},
		{ID: vaultID, Action: msg.PackageCheckIn, Kind: msg.PackageChest, UID: first + 2},
		{ID: vaultID, Action: 9, Kind: 1, UID: 1},
	} {
		b, err := c.Encode(nil, &r)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[4:])
		seed = append(seed, b[4:]...)
	}
	f.Add(seed) // a whole session: list, deposits, a withdrawal, refusals
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) > wire.MaxPacketSize {
			return
		}
		p.at.Load().call(func(*Map) { // the same start for every input
			for id, it := range p.inv.stored {
				delete(p.inv.stored, id)
				it.Position, it.Warehouse = store.PosInventory, 0
				p.inv.items[id] = it
				p.inv.count++
			}
		})
		for len(in) > 0 {
			body := in
			if len(in) >= 2*fuzzBody {
				body = in[:fuzzBody]
			}
			in = in[len(body):]
			b := make([]byte, 4+len(body))
			binary.LittleEndian.PutUint16(b, uint16(len(b)))
			binary.LittleEndian.PutUint16(b[2:], uint16(wire.TypePackage))
			copy(b[4:], body)
			_ = a.handlePackage(b)
			sync_(p.at.Load())
			inv, kept := carried(a), stored(a)
			if len(inv)+len(kept) != 5 {
				t.Fatalf("%d carried + %d stored, want 5", len(inv), len(kept))
			}
			for id := range kept {
				if _, dup := inv[id]; dup {
					t.Fatalf("item %d both carried and stored", id)
				}
			}
			if len(kept) > 3 {
				t.Fatalf("%d items stored, capacity 3", len(kept))
			}
		}
		s.saver.drain() // the queued saves are not under test here
	})
}

// BenchmarkDeposit is one check in and one check out through the map, with
// their versions and queued save events (the save itself: BENCHMARKS.md,
// the store's figures).
func BenchmarkDeposit(b *testing.B) {
	s, p, m, uid := depositBench(b)
	b.ReportAllocs()
	for b.Loop() {
		m.call(func(m *Map) {
			m.deposit(p, vaultID, msg.PackageWarehouse, uid)
			m.withdraw(p, vaultID, msg.PackageWarehouse, uid)
		})
	}
	b.StopTimer()
	s.saver.drain()
}

// depositBench is a server with a player next to the Trader holding one
// potion (uid) bought there, whose packets are encoded as an outbox does.
func depositBench(b *testing.B) (*Server, *Player, *Map, uint32) {
	b.Helper()
	s, db := itemServer(b)
	a, _ := shopper(b, s, db, "bench", 1_000_000, 1)
	p := a.player
	uid, err := s.uids.take(context.Background(), 1)
	if err != nil {
		b.Fatal(err)
	}
	m := p.at.Load()
	m.call(func(m *Map) {
		m.buy(p, traderID, potionType, 1, uid)
		p.conn = &encConn{} // encodes as an outbox does, into a reused buffer
	})
	return s, p, m, uid
}

// encConn encodes every packet into one reused buffer, as an outbox does.
type encConn struct {
	codec wire.Codec
	buf   []byte
}

func (c *encConn) Send(p wire.Packet) bool {
	var err error
	c.buf, err = c.codec.Encode(c.buf[:0], p)
	return err == nil
}

func (c *encConn) SendRaw(b []byte) bool { c.buf = append(c.buf[:0], b...); return true }

func (c *encConn) SendRawLater(b []byte) bool { return c.SendRaw(b) }

// BenchmarkDepositSaved is one check in or out, alternately, and the save
// that writes it (with the character's snapshot) to SQLite: the database
// time of one warehouse move.
func BenchmarkDepositSaved(b *testing.B) {
	s, p, m, uid := depositBench(b)
	in := true
	b.ReportAllocs()
	for b.Loop() {
		m.call(func(m *Map) {
			if in {
				m.deposit(p, vaultID, msg.PackageWarehouse, uid)
			} else {
				m.withdraw(p, vaultID, msg.PackageWarehouse, uid)
			}
		})
		in = !in
		if err := s.SaveAll(context.Background(), "bench"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestStatsTwoWeapons: a second one-hand weapon in the left hand adds half
// its attack (combat.md §5.3), magic attack starts at Spirit, and fights
// read the same sums (statsOf).
func TestStatsTwoWeapons(t *testing.T) {
	s, _ := itemServer(t)
	tab := s.world.table.Load()
	p := newPlayer(store.Character{ID: 1_000_001, Strength: 5, Spirit: 7}, false, &fakeConn{}, []store.Item{
		{ID: store.FirstItemID, Type: bladeType, Owner: store.OwnerCharacter, Position: store.PosRightHand},
		{ID: store.FirstItemID + 1, Type: bladeType, Owner: store.OwnerCharacter, Position: store.PosLeftHand},
	})
	st := computeStats(p, tab)
	// TrainingBlade: attack 12–18; the left one counts 6–9.
	if want := (Stats{MinAttack: 5 + 12 + 6, MaxAttack: 5 + 18 + 9, MagicAttack: 7}); st != want {
		t.Errorf("stats %+v, want %+v", st, want)
	}
	var fs fightStats
	m := s.world.maps[StartMap]
	m.call(func(m *Map) { fs = m.statsOf(p) })
	if fs.attackMin != int(st.MinAttack) || fs.attackMax != int(st.MaxAttack) || fs.magicAttack != int(st.MagicAttack) {
		t.Errorf("fights read %+v, Stats say %+v", fs, st)
	}
}
