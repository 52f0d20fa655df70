package storetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/coserver/coserver/names"
	"github.com/coserver/coserver/store"
)

// newIDs reserves n item uids and returns them.
func newIDs(t testing.TB, db *store.DB, n int) []uint32 {
	t.Helper()
	first, err := db.NewItemIDs(context.Background(), n)
	if err != nil {
		t.Fatalf("NewItemIDs(%d): %v", n, err)
	}
	ids := make([]uint32, n)
	for i := range ids {
		ids[i] = first + uint32(i)
	}
	return ids
}

// testItem is a blade in the inventory of owner.
func testItem(id, owner uint32, version uint64) store.Item {
	return store.Item{ID: id, Type: 410301, Owner: store.OwnerCharacter, OwnerID: owner, Position: store.PosInventory,
		Slot: 3, Amount: 2900, AmountLimit: 3000, Plus: 1, Bless: 3, Gem1: 11, Gem2: 255, Enchant: 200,
		Version: version}
}

// itemsOf returns ItemsOf(id) or fails the test.
func itemsOf(t *testing.T, db *store.DB, id uint32) []store.Item {
	t.Helper()
	items, err := db.ItemsOf(context.Background(), id)
	if err != nil {
		t.Fatalf("ItemsOf(%d): %v", id, err)
	}
	return items
}

// snapshotOf is c as of version v.
func snapshotOf(c store.Character, v uint64) store.CharacterSnapshot {
	return store.CharacterSnapshot{Character: c, Version: v}
}

// silverOf returns the stored silver of character c.
func silverOf(t *testing.T, db *store.DB, c store.Character) uint32 {
	t.Helper()
	got, err := db.CharacterByName(context.Background(), c.Name)
	if err != nil {
		t.Fatal(err)
	}
	return got.Silver
}

func (s *suite) testNewItemIDs(t *testing.T) {
	db, path := s.openTest(t)
	ctx := context.Background()
	first, err := db.NewItemIDs(ctx, 3)
	if err != nil || first != store.FirstItemID {
		t.Fatalf("NewItemIDs(3) = %d, %v; want %d", first, err, store.FirstItemID)
	}
	db = s.reopen(t, db, path)
	if next, err := db.NewItemIDs(ctx, store.MaxNewItemIDs); err != nil || next != store.FirstItemID+3 {
		t.Fatalf("NewItemIDs(max) after reopen = %d, %v; want %d", next, err, store.FirstItemID+3)
	}
	for _, n := range []int{0, -1, store.MaxNewItemIDs + 1} {
		if _, err := db.NewItemIDs(ctx, n); err == nil {
			t.Errorf("NewItemIDs(%d) succeeded", n)
		}
	}
	if _, err := db.Exec(context.Background(), `UPDATE item_ids SET next = ?`, int64(store.LastItemID)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.NewItemIDs(ctx, 2); err == nil {
		t.Error("NewItemIDs beyond store.LastItemID succeeded")
	}
	if id, err := db.NewItemIDs(ctx, 1); err != nil || id != store.LastItemID {
		t.Errorf("NewItemIDs(1) at the end = %d, %v; want %d", id, err, store.LastItemID)
	}
}

func (s *suite) testItemsRoundTrip(t *testing.T) {
	db, path := s.openTest(t)
	ctx := context.Background()
	cs := createCharacters(t, db, "it", 2)
	a, b := cs[0].ID, cs[1].ID
	ids := newIDs(t, db, 6)
	want := []store.Item{
		testItem(ids[0], a, 1),
		{ID: ids[1], Type: 130305, Owner: store.OwnerCharacter, OwnerID: a, Position: store.PosArmor, Amount: 1, AmountLimit: 1, Version: 2},
		{ID: ids[2], Type: 1000000, Owner: store.OwnerCharacter, OwnerID: a, Position: store.PosWarehouse, Warehouse: 8, Slot: 1, Amount: 3, AmountLimit: 5, Version: 3},
		{ID: ids[3], Type: 1000000, Owner: store.OwnerCharacter, OwnerID: a, Position: store.PosWarehouse, Warehouse: 44, Version: 4},
	}
	other := testItem(ids[4], b, 5)
	floor := store.Item{ID: ids[5], Type: 1088000, Owner: store.OwnerFloor, OwnerID: 1002, Position: store.PosFloor, Version: 6}
	if err := db.SaveItems(ctx, append([]store.Item{other, floor}, want...)...); err != nil {
		t.Fatalf("SaveItems: %v", err)
	}
	db = s.reopen(t, db, path)
	if got := itemsOf(t, db, a); !reflect.DeepEqual(got, want) {
		t.Errorf("ItemsOf(a) =\n%+v\nwant\n%+v", got, want)
	}
	if got := itemsOf(t, db, b); !reflect.DeepEqual(got, []store.Item{other}) {
		t.Errorf("ItemsOf(b) = %+v", got)
	}
	if got, err := db.FloorItems(ctx); err != nil || !reflect.DeepEqual(got, []store.Item{floor}) {
		t.Errorf("FloorItems = %+v, %v", got, err)
	}
	if got := itemsOf(t, db, 12345); len(got) != 0 {
		t.Errorf("ItemsOf(nobody) = %+v", got)
	}
	if v, err := db.LatestVersion(ctx); err != nil || v != 6 {
		t.Errorf("LatestVersion = %d, %v; want 6", v, err)
	}
}

func (s *suite) testItemVersions(t *testing.T) {
	db, _ := s.openTest(t)
	ctx := context.Background()
	cs := createCharacters(t, db, "v", 3)
	a, b, c := cs[0].ID, cs[1].ID, cs[2].ID
	id := newIDs(t, db, 1)[0]

	// A had it (v1), gave it to B (v3); B's save arrives first.
	if err := db.SaveItems(ctx, testItem(id, b, 3)); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveItems(ctx, testItem(id, a, 1)); err != nil {
		t.Fatal(err)
	}
	if len(itemsOf(t, db, a)) != 0 || len(itemsOf(t, db, b)) != 1 {
		t.Fatalf("a stale save moved the item back: a %v, b %v", itemsOf(t, db, a), itemsOf(t, db, b))
	}
	// Equal version: not newer, skipped.
	if err := db.SaveItems(ctx, testItem(id, c, 3)); err != nil || len(itemsOf(t, db, c)) != 0 {
		t.Fatalf("an equal version was applied (%v)", err)
	}
	// A delete older than the move is ignored.
	if err := db.DeleteItems(ctx, store.ItemDeletion{ID: id, Version: 2}); err != nil {
		t.Fatal(err)
	}
	if len(itemsOf(t, db, b)) != 1 {
		t.Fatal("a stale delete removed the item")
	}
	// A newer delete removes it, and an older state does not bring it back.
	if err := db.DeleteItems(ctx, store.ItemDeletion{ID: id, Version: 5}); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveItems(ctx, testItem(id, c, 4)); err != nil {
		t.Fatal(err)
	}
	for _, o := range []uint32{a, b, c} {
		if got := itemsOf(t, db, o); len(got) != 0 {
			t.Fatalf("deleted item back at %d: %+v", o, got)
		}
	}
	// A delete that arrives before the item's first state.
	id2 := newIDs(t, db, 1)[0]
	if err := db.DeleteItems(ctx, store.ItemDeletion{ID: id2, Version: 9}); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveItems(ctx, testItem(id2, a, 8)); err != nil || len(itemsOf(t, db, a)) != 0 {
		t.Fatalf("a state older than the delete created the item (%v)", err)
	}
	// Tombstones older than 6 go; the one of version 9 stays.
	if n, err := db.PurgeTombstones(ctx, 6); err != nil || n != 1 {
		t.Fatalf("PurgeTombstones(6) = %d, %v; want 1", n, err)
	}
	if err := db.SaveItems(ctx, testItem(id2, a, 8)); err != nil || len(itemsOf(t, db, a)) != 0 {
		t.Fatalf("a purge removed a tombstone still needed (%v)", err)
	}
	// A newer state brings a deleted uid back (an undo the game chose).
	if err := db.SaveItems(ctx, testItem(id2, a, 10)); err != nil || len(itemsOf(t, db, a)) != 1 {
		t.Fatalf("a newer state did not apply (%v)", err)
	}
	if v, err := db.LatestVersion(ctx); err != nil || v != 10 {
		t.Errorf("LatestVersion = %d, %v; want 10", v, err)
	}
}

func (s *suite) testItemsRefused(t *testing.T) {
	db, _ := s.openTest(t)
	ctx := context.Background()
	a := createCharacters(t, db, "r", 1)[0].ID
	ids := newIDs(t, db, store.MaxInventoryItems+2)
	id := ids[0]
	mod := func(f func(*store.Item)) store.Item {
		it := testItem(id, a, 1)
		f(&it)
		return it
	}
	bad := map[string]store.Item{
		"version 0":             mod(func(it *store.Item) { it.Version = 0 }),
		"version too big":       mod(func(it *store.Item) { it.Version = store.MaxVersion + 1 }),
		"uid below range":       mod(func(it *store.Item) { it.ID = store.FirstItemID - 1 }),
		"uid above range":       mod(func(it *store.Item) { it.ID = store.LastItemID + 1 }),
		"uid not handed out":    mod(func(it *store.Item) { it.ID = ids[len(ids)-1] + 1 }),
		"type 0":                mod(func(it *store.Item) { it.Type = 0 }),
		"floor position for pc": mod(func(it *store.Item) { it.Position = store.PosFloor }),
		"position 10":           mod(func(it *store.Item) { it.Position = 10 }),
		"warehouse without npc": mod(func(it *store.Item) { it.Position = store.PosWarehouse }),
		"npc in inventory":      mod(func(it *store.Item) { it.Warehouse = 8 }),
		"floor in inventory":    mod(func(it *store.Item) { it.Owner = store.OwnerFloor }),
		"none with an owner":    mod(func(it *store.Item) { it.Owner, it.Position = store.OwnerNone, store.PosNone }),
		"owner kind 3":          mod(func(it *store.Item) { it.Owner = 3 }),
		"missing character":     mod(func(it *store.Item) { it.OwnerID = 42 }),
	}
	for name, it := range bad {
		want := store.ErrInvalid
		if name == "missing character" {
			want = store.ErrNotFound
		}
		if err := db.SaveItems(ctx, it); !errors.Is(err, want) {
			t.Errorf("%s: SaveItems(%+v) = %v, want %v", name, it, err, want)
		}
	}
	if err := db.DeleteItems(ctx, store.ItemDeletion{ID: id, Version: 0}); err == nil {
		t.Error("DeleteItems with version 0 succeeded")
	}
	if err := db.DeleteItems(ctx, store.ItemDeletion{ID: ids[len(ids)-1] + 1, Version: 1}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("DeleteItems of a uid not handed out = %v, want store.ErrInvalid", err)
	}

	// Limits: 41 items in the inventory, two helmets, too many in a warehouse.
	var full []store.Item
	for i, id := range ids[:store.MaxInventoryItems+1] {
		full = append(full, testItem(id, a, uint64(i+1)))
	}
	if err := db.SaveItems(ctx, full...); !errors.Is(err, store.ErrInvalid) {
		t.Error("41 inventory items saved")
	}
	helmets := []store.Item{
		mod(func(it *store.Item) { it.Position = store.PosHelmet }),
		mod(func(it *store.Item) { it.ID, it.Position = ids[1], store.PosHelmet }),
	}
	if err := db.SaveItems(ctx, helmets...); !errors.Is(err, store.ErrInvalid) {
		t.Error("two helmets saved")
	}
	var stored []store.Item
	for i, id := range ids[:store.MaxWarehouseItems+1] {
		stored = append(stored, store.Item{ID: id, Type: 1000000, Owner: store.OwnerCharacter, OwnerID: a,
			Position: store.PosWarehouse, Warehouse: 8, Version: uint64(i + 1)})
	}
	if err := db.SaveItems(ctx, stored...); !errors.Is(err, store.ErrInvalid) {
		t.Error("warehouse over store.MaxWarehouseItems saved")
	}
	// The limits hold per warehouse: the same items split over two NPCs fit.
	stored[0].Warehouse = 44
	if err := db.SaveItems(ctx, stored...); err != nil {
		t.Errorf("two warehouses within limits: %v", err)
	}
	if got := len(itemsOf(t, db, a)); got != store.MaxWarehouseItems+1 {
		t.Errorf("%d items stored, want %d", got, store.MaxWarehouseItems+1)
	}
}

func (s *suite) testSaveAllOrNothing(t *testing.T) {
	db, _ := s.openTest(t)
	ctx := context.Background()
	cs := createCharacters(t, db, "all", 2)
	ids := newIDs(t, db, 2)
	good := store.Batch{
		Characters: []store.CharacterSnapshot{snapshotOf(cs[0], 1)},
		Items:      []store.Item{testItem(ids[0], cs[0].ID, 2)},
		Deleted:    []store.ItemDeletion{{ID: ids[1], Version: 3}},
		Transfers:  []store.MoneyTransfer{{Version: 4, Moves: []store.MoneyMove{{CharacterID: cs[0].ID, Silver: -10}, {CharacterID: cs[1].ID, Silver: 10}}}},
	}
	good.Characters[0].Character.Level = 99
	for name, spoil := range map[string]func(*store.Batch){
		"ghost snapshot":     func(b *store.Batch) { b.Characters = append(b.Characters, snapshotOf(store.Character{ID: 42}, 9)) },
		"ghost owner":        func(b *store.Batch) { b.Items = append(b.Items, testItem(ids[1], 42, 9)) },
		"ghost payee":        func(b *store.Batch) { b.Transfers[0].Moves[1].CharacterID = 42 },
		"overdraft":          func(b *store.Batch) { b.Transfers[0].Moves[0].Silver = -1_000_000 },
		"overflow":           func(b *store.Batch) { b.Transfers[0].Moves[1].Silver = math.MaxUint32 },
		"move out of range":  func(b *store.Batch) { b.Transfers[0].Moves[1].Silver = math.MaxUint32 + 1 },
		"one payee twice":    func(b *store.Batch) { b.Transfers[0].Moves[1].CharacterID = cs[0].ID },
		"transfer version 0": func(b *store.Batch) { b.Transfers[0].Version = 0 },
		"snapshot version 0": func(b *store.Batch) { b.Characters[0].Version = 0 },
		"too many vars": func(b *store.Batch) {
			b.Characters[0].Character.Vars = make(map[string]string)
			for i := range store.MaxVars + 1 {
				b.Characters[0].Character.Vars[string(rune('a'+i%26))+string(rune('a'+i/26))] = "x"
			}
		},
	} {
		b := good
		b.Characters = append([]store.CharacterSnapshot(nil), good.Characters...)
		b.Items = append([]store.Item(nil), good.Items...)
		b.Transfers = []store.MoneyTransfer{{Version: 4, Moves: append([]store.MoneyMove(nil), good.Transfers[0].Moves...)}}
		spoil(&b)
		if err := db.Save(ctx, b); err == nil {
			t.Errorf("%s: Save succeeded", name)
		}
		if got := itemsOf(t, db, cs[0].ID); len(got) != 0 {
			t.Fatalf("%s: failed Save stored %+v", name, got)
		}
		if c, err := db.CharacterByName(ctx, cs[0].Name); err != nil || c.Level == 99 || c.Silver != cs[0].Silver {
			t.Fatalf("%s: failed Save changed the character: %+v, %v", name, c, err)
		}
	}
	if err := db.Save(ctx, good); err != nil {
		t.Fatalf("good batch: %v", err)
	}
	if got := silverOf(t, db, cs[1]); got != cs[1].Silver+10 {
		t.Errorf("payee has %d silver, want %d", got, cs[1].Silver+10)
	}
	if c, _ := db.CharacterByName(ctx, cs[0].Name); c.Level != 99 || c.Silver != cs[0].Silver-10 {
		t.Errorf("payer: level %d silver %d", c.Level, c.Silver)
	}
	if err := db.Save(ctx, store.Batch{}); err != nil {
		t.Errorf("empty Save: %v", err)
	}
}

// bulkCharacters creates n characters (with their accounts) in one
// transaction, faster than createCharacters for tests that need many.
func bulkCharacters(t testing.TB, db *store.DB, prefix string, n int) []store.Character {
	t.Helper()
	cs := make([]store.Character, n)
	ctx := context.Background()
	err := func() error {
		var next int64
		if err := db.QueryRow(ctx, `SELECT COALESCE(MAX(id), ?) + 1 FROM characters`, int64(store.FirstCharacterID)-1).Scan(&next); err != nil {
			return err
		}
		for i := range cs {
			name := fmt.Sprintf("%s%d", prefix, i)
			a, err := db.CreateAccount(ctx, name, testHash)
			if err != nil {
				return err
			}
			c := testCharacter(a.ID, name)
			c.ID = uint32(next) + uint32(i)
			if _, err := db.Exec(ctx, `INSERT INTO characters (id, account_id, name, name_key,
				body, avatar, hair, class, prev_class, rebirths, level, exp,
				silver, cps, strength, agility, vitality, spirit, attr_points, hp, mp, pk_points,
				map_id, x, y, created_at, saved_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1)`,
				c.ID, c.AccountID, c.Name, names.Key(c.Name), c.Body, c.Avatar, c.Hair, c.Class, c.PrevClass,
				c.Rebirths, c.Level, c.Silver, c.CPs, c.Strength, c.Agility, c.Vitality, c.Spirit,
				c.AttrPoints, c.HP, c.MP, c.PKPoints, c.MapID, c.X, c.Y); err != nil {
				return err
			}
			cs[i] = c
		}
		return nil
	}()
	if err != nil {
		t.Fatalf("bulkCharacters: %v", err)
	}
	return cs
}

// moneyOf returns the stored silver of every character, by id.
func moneyOf(t testing.TB, db *store.DB) map[uint32]int64 {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT id, silver FROM characters`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	m := make(map[uint32]int64)
	for rows.Next() {
		var id uint32
		var silver int64
		if err := rows.Scan(&id, &silver); err != nil {
			t.Fatal(err)
		}
		m[id] = silver
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}

// permutations returns every order of 0 … n-1.
func permutations(n int) [][]int {
	var perms [][]int
	var permute func(p []int, k int)
	permute = func(p []int, k int) {
		if k == len(p) {
			perms = append(perms, append([]int(nil), p...))
			return
		}
		for i := k; i < len(p); i++ {
			p[k], p[i] = p[i], p[k]
			permute(p, k+1)
			p[k], p[i] = p[i], p[k]
		}
	}
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	permute(p, 0)
	return perms
}

// TestMoneyOrders saves a transfer between two characters and snapshots of
// both taken before and after it, in every order (one pair of characters
// per order, all orders side by side), then replays them all. Once all are
// saved each character has its newest snapshot's money; after each step
// the pair's total is unchanged whenever the transfer was saved no later
// than the snapshots that contain it (the game's ordering rule,
// docs/ITEMS-STORE.md).
func (s *suite) testMoneyOrders(t *testing.T) {
	ctx := context.Background()
	const pay = 300
	// Versions: snapshots of both at 1, the transfer at 2, snapshots at 3.
	const steps = 5
	perms := permutations(steps)
	db, _ := s.openTest(t)
	cs := bulkCharacters(t, db, "m", 2*len(perms))
	type pair struct {
		a, b    store.Character
		entries [steps]store.Batch // a1, b1, T, a3, b3
		saved   [steps]bool
	}
	pairs := make([]pair, len(perms))
	for i := range pairs {
		a, b := cs[2*i], cs[2*i+1]
		a1, b1, a3, b3 := a, b, a, b
		a1.Level, b1.Level = 7, 8 // changes before the transfer that are not money
		a3.Silver, b3.Silver = a.Silver-pay, b.Silver+pay
		pairs[i] = pair{a: a, b: b, entries: [steps]store.Batch{
			{Characters: []store.CharacterSnapshot{snapshotOf(a1, 1)}},
			{Characters: []store.CharacterSnapshot{snapshotOf(b1, 1)}},
			{Transfers: []store.MoneyTransfer{{Version: 2, Moves: []store.MoneyMove{
				{CharacterID: a.ID, Silver: -pay}, {CharacterID: b.ID, Silver: pay}}}}},
			{Characters: []store.CharacterSnapshot{snapshotOf(a3, 3)}},
			{Characters: []store.CharacterSnapshot{snapshotOf(b3, 3)}},
		}}
	}
	// Step k saves, for every pair, the k-th entry of its order.
	for round := range 2 { // the second round replays everything
		for k := range steps {
			var b store.Batch
			for i, p := range pairs {
				e := p.entries[perms[i][k]]
				b.Characters = append(b.Characters, e.Characters...)
				b.Transfers = append(b.Transfers, e.Transfers...)
				pairs[i].saved[perms[i][k]] = true
			}
			if err := db.Save(ctx, b); err != nil {
				t.Fatalf("round %d step %d: %v", round, k, err)
			}
			money := moneyOf(t, db)
			for i, p := range pairs {
				if p.saved[2] || !p.saved[3] && !p.saved[4] {
					if got, want := money[p.a.ID]+money[p.b.ID], int64(p.a.Silver)+int64(p.b.Silver); got != want {
						t.Fatalf("order %v: after step %d the total is %d, want %d", perms[i], k, got, want)
					}
				}
			}
		}
	}
	money := moneyOf(t, db)
	for i, p := range pairs {
		if ga, gb := money[p.a.ID], money[p.b.ID]; ga != int64(p.a.Silver)-pay || gb != int64(p.b.Silver)+pay {
			t.Errorf("order %v: silver %d, %d; want %d, %d", perms[i], ga, gb, p.a.Silver-pay, p.b.Silver+pay)
		}
	}
	// The money log is empty once every character has a snapshot newer
	// than every transfer.
	var left int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM money_log`).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d money log rows left (%v)", left, err)
	}
}

// TestSaveVarsVersioned: a snapshot's variables are written only with the
// snapshot.
func (s *suite) testSaveVarsVersioned(t *testing.T) {
	db, _ := s.openTest(t)
	ctx := context.Background()
	c := createCharacters(t, db, "vars", 1)[0]
	newer, older := c, c
	newer.Vars = map[string]string{"quest": "2"}
	older.Vars = map[string]string{"quest": "1"}
	if err := db.Save(ctx, store.Batch{Characters: []store.CharacterSnapshot{snapshotOf(newer, 5), snapshotOf(older, 4)}}); err != nil {
		t.Fatal(err)
	}
	got, err := db.CharacterByName(ctx, c.Name)
	if err != nil || got.Vars["quest"] != "2" {
		t.Fatalf("vars = %v, %v; want quest=2", got.Vars, err)
	}
}

// Fuzz (FuzzSaveItem in a backend's tests) saves arbitrary item states into one database: a save
// either fails and changes nothing, or stores the state exactly when it is
// newer than the stored one and leaves the stored one otherwise. Never a
// panic.
func Fuzz(f *testing.F, o Opener) {
	s := &suite{o}
	const ids = 4 // uids handed out; the fuzzer also tries the next ones
	db, _ := s.openTest(f)
	ctx := context.Background()
	owner := bulkCharacters(f, db, "fz", 1)[0].ID
	first, err := db.NewItemIDs(ctx, ids)
	if err != nil {
		f.Fatal(err)
	}
	// uid offset, type, owner kind, owner id (0: the character), position,
	// warehouse, version, amount.
	f.Add(uint32(0), uint32(410301), uint8(store.OwnerCharacter), uint32(0), uint8(store.PosInventory), uint32(0), uint64(1), uint16(30))
	f.Add(uint32(0), uint32(410301), uint8(store.OwnerCharacter), uint32(0), uint8(store.PosHelmet), uint32(0), uint64(2), uint16(30))
	f.Add(uint32(1), uint32(1000000), uint8(store.OwnerCharacter), uint32(0), uint8(store.PosWarehouse), uint32(8), uint64(3), uint16(1))
	f.Add(uint32(2), uint32(1088000), uint8(store.OwnerFloor), uint32(1002), uint8(store.PosFloor), uint32(0), uint64(4), uint16(1))
	f.Add(uint32(3), uint32(1088000), uint8(store.OwnerNone), uint32(0), uint8(store.PosNone), uint32(0), uint64(5), uint16(1))
	f.Add(uint32(0), uint32(410301), uint8(store.OwnerCharacter), uint32(0), uint8(store.PosInventory), uint32(0), uint64(1), uint16(31)) // stale
	f.Add(uint32(ids), uint32(410301), uint8(store.OwnerCharacter), uint32(0), uint8(store.PosInventory), uint32(0), uint64(9), uint16(1))
	f.Add(uint32(0), uint32(410301), uint8(store.OwnerCharacter), uint32(7), uint8(store.PosInventory), uint32(0), uint64(9), uint16(1))
	f.Add(uint32(0), uint32(0), uint8(9), uint32(0), uint8(200), uint32(0), uint64(1)<<63, uint16(1))
	f.Fuzz(func(t *testing.T, off, typ uint32, kind uint8, ownerID uint32, pos uint8, warehouse uint32, version uint64, amount uint16) {
		if ownerID == 0 && store.OwnerKind(kind) == store.OwnerCharacter {
			ownerID = owner
		}
		it := store.Item{ID: first + off%(ids+2), Type: typ, Owner: store.OwnerKind(kind), OwnerID: ownerID,
			Position: store.Position(pos), Warehouse: warehouse, Amount: amount, Version: version}
		row := func() (store.Item, bool) {
			got, err := scanItem(db.QueryRow(context.Background(), `SELECT `+itemCols+` FROM items WHERE id = ?`, it.ID))
			if errors.Is(err, sql.ErrNoRows) {
				return store.Item{}, false
			}
			if err != nil {
				t.Fatal(err)
			}
			return got, true
		}
		before, had := row()
		err := db.SaveItems(ctx, it)
		after, has := row()
		switch {
		case err != nil && (has != had || after != before):
			t.Fatalf("failed save (%v) changed %+v to %+v", err, before, after)
		case err == nil && (!had || version > before.Version) && after != it:
			t.Fatalf("saved %+v, stored %+v", it, after)
		case err == nil && had && version <= before.Version && after != before:
			t.Fatalf("stale %+v changed %+v to %+v", it, before, after)
		}
	})
}

// TestWarehouseSilver: a deposit is one move between a character's purses,
// applied on top of an older snapshot and contained in a newer one.
func (s *suite) testWarehouseSilver(t *testing.T) {
	db, _ := s.openTest(t)
	ctx := context.Background()
	c := createCharacters(t, db, "wh", 1)[0]
	deposit := func(v uint64, n int64) store.Batch {
		return store.Batch{Transfers: []store.MoneyTransfer{{Version: v, Moves: []store.MoneyMove{
			{CharacterID: c.ID, Silver: -n, WarehouseSilver: n}}}}}
	}
	if err := db.Save(ctx, deposit(2, 400)); err != nil {
		t.Fatal(err)
	}
	if err := db.Save(ctx, store.Batch{Characters: []store.CharacterSnapshot{snapshotOf(c, 1)}}); err != nil {
		t.Fatal(err)
	}
	got, err := db.CharacterByName(ctx, c.Name)
	if err != nil || got.Silver != c.Silver-400 || got.WarehouseSilver != 400 {
		t.Fatalf("after deposit and older snapshot: %d silver, %d in the warehouse (%v)", got.Silver, got.WarehouseSilver, err)
	}
	c3 := c
	c3.Silver, c3.WarehouseSilver = c.Silver-400, 400
	if err := db.Save(ctx, store.Batch{Characters: []store.CharacterSnapshot{snapshotOf(c3, 3)}}); err != nil {
		t.Fatal(err)
	}
	if err := db.Save(ctx, deposit(4, -401)); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("withdrawing more than the warehouse holds = %v, want store.ErrInvalid", err)
	}
	if err := db.Save(ctx, deposit(4, math.MaxUint32+1)); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("a move out of range = %v, want store.ErrInvalid", err)
	}
	if got, err := db.CharacterByName(ctx, c.Name); err != nil || got.Silver != c3.Silver || got.WarehouseSilver != 400 {
		t.Fatalf("final: %d silver, %d in the warehouse (%v)", got.Silver, got.WarehouseSilver, err)
	}
}

// itemCols are the columns scanItem reads.
const itemCols = `id, type, owner_kind, owner_id, position, warehouse, slot, amount, amount_limit,
	plus, bless, gem1, gem2, enchant, version`

// scanItem reads the itemCols of a row, as the store does.
func scanItem(row interface{ Scan(...any) error }) (store.Item, error) {
	var it store.Item
	var version int64
	err := row.Scan(&it.ID, &it.Type, &it.Owner, &it.OwnerID, &it.Position, &it.Warehouse, &it.Slot,
		&it.Amount, &it.AmountLimit, &it.Plus, &it.Bless, &it.Gem1, &it.Gem2, &it.Enchant, &version)
	it.Version = uint64(version)
	return it, err
}
