package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/coserver/coserver/store"
)

// Sizes of the economy the conservation tests run.
const (
	// econChars is the number of characters trading.
	econChars = 8
	// econItemsPer is the number of items each character starts with;
	// all items together stay below MaxInventoryItems, so a character
	// can always receive one.
	econItemsPer = 4
	// econMap is the map the floor items lie on.
	econMap = 1002
	// econMaxSnapshots is the most snapshots one save takes from the pile.
	econMaxSnapshots = 4
)

// econ is a small game world for the conservation tests: characters with
// silver and items, changed under one lock as a map goroutine changes them.
// Every transfer takes a version from one counter and is queued as an event
// at once; snapshots of characters go to a pile that saves take from in
// random order, so they reach the store shuffled and often stale. A save
// takes its snapshots and then every queued event, and commits before the
// next save starts: every event reaches the store no later than a snapshot
// taken after it (the ordering rule of docs/ITEMS-STORE.md).
type econ struct {
	db *store.DB

	saveMu sync.Mutex // held from taking a save's entries until it commits

	mu      sync.Mutex // the "map goroutine": guards everything below
	version uint64     // the one version counter
	chars   []store.Character
	items   map[uint32]store.Item // every item's current state, by uid
	events  store.Batch           // transfers not yet taken by a save
	pile    []store.Batch         // snapshots not yet saved

	// totalItems and totalSilver never change.
	totalItems  int
	totalSilver int64
}

// newEcon creates the characters (names from prefix) and their items in db
// and saves the initial state.
func newEcon(t testing.TB, db *store.DB, prefix string) *econ {
	t.Helper()
	ctx := context.Background()
	e := &econ{db: db, items: make(map[uint32]store.Item)}
	e.chars = bulkCharacters(t, db, prefix, econChars)
	v, err := db.LatestVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e.version = v
	first, err := db.NewItemIDs(ctx, econChars*econItemsPer)
	if err != nil {
		t.Fatal(err)
	}
	var b store.Batch
	for i := range econChars * econItemsPer {
		it := store.Item{ID: first + uint32(i), Type: 410301 + uint32(i%5)*10000, Owner: store.OwnerCharacter,
			OwnerID: e.chars[i%econChars].ID, Position: store.PosInventory, Amount: 100, AmountLimit: 100,
			Version: e.next()}
		e.items[it.ID] = it
		b.Items = append(b.Items, it)
	}
	for _, c := range e.chars {
		b.Characters = append(b.Characters, store.CharacterSnapshot{Character: c, Version: e.next()})
		e.totalSilver += int64(c.Silver)
	}
	e.totalItems = len(e.items)
	if err := db.Save(ctx, b); err != nil {
		t.Fatal(err)
	}
	return e
}

// next returns a new version. e.mu held.
func (e *econ) next() uint64 {
	e.version++
	return e.version
}

// itemOf returns a random item owned by owner (kind, id), if any. e.mu held.
func (e *econ) itemOf(rng *rand.Rand, kind store.OwnerKind, id uint32) (store.Item, bool) {
	var ids []uint32
	for uid, it := range e.items {
		if it.Owner == kind && it.OwnerID == id {
			ids = append(ids, uid)
		}
	}
	if len(ids) == 0 {
		return store.Item{}, false
	}
	slices.Sort(ids)
	return e.items[ids[rng.IntN(len(ids))]], true
}

// move gives it to a new owner as of version v and queues the new state.
// e.mu held.
func (e *econ) move(it store.Item, kind store.OwnerKind, id uint32, v uint64) {
	it.Owner, it.OwnerID, it.Version = kind, id, v
	it.Position = store.PosInventory
	if kind == store.OwnerFloor {
		it.Position = store.PosFloor
	}
	it.Slot = uint16(v)
	e.items[it.ID] = it
	e.events.Items = append(e.events.Items, it)
}

// pay moves silver from character a to b as of version v and queues the
// transfer. e.mu held.
func (e *econ) pay(a, b int, silver uint32, v uint64) {
	e.chars[a].Silver -= silver
	e.chars[b].Silver += silver
	e.events.Transfers = append(e.events.Transfers, store.MoneyTransfer{Version: v, Moves: []store.MoneyMove{
		{CharacterID: e.chars[a].ID, Silver: -int64(silver)},
		{CharacterID: e.chars[b].ID, Silver: int64(silver)},
	}})
}

// snapshot puts a snapshot of character i and its items on the pile.
// e.mu held.
func (e *econ) snapshot(i int) {
	c := e.chars[i]
	c.X++ // something else changed too
	e.chars[i] = c
	b := store.Batch{Characters: []store.CharacterSnapshot{{Character: c, Version: e.next()}}}
	for _, it := range e.items {
		if it.Owner == store.OwnerCharacter && it.OwnerID == c.ID {
			b.Items = append(b.Items, it)
		}
	}
	e.pile = append(e.pile, b)
}

// step does one random thing: give an item, pay, trade an item for
// silver, drop an item, pick one up, or take a snapshot.
func (e *econ) step(rng *rand.Rand) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, b := rng.IntN(econChars), rng.IntN(econChars-1)
	if b >= a {
		b++
	}
	ca, cb := e.chars[a], e.chars[b]
	switch rng.IntN(6) {
	case 0: // give
		if it, ok := e.itemOf(rng, store.OwnerCharacter, ca.ID); ok {
			e.move(it, store.OwnerCharacter, cb.ID, e.next())
		}
	case 1: // pay
		e.pay(a, b, rng.Uint32N(ca.Silver/2+1), e.next())
	case 2: // a sells b an item: both halves in one version
		if it, ok := e.itemOf(rng, store.OwnerCharacter, ca.ID); ok && cb.Silver > 0 {
			v := e.next()
			e.move(it, store.OwnerCharacter, cb.ID, v)
			e.pay(b, a, rng.Uint32N(cb.Silver)+1, v)
		}
	case 3: // drop
		if it, ok := e.itemOf(rng, store.OwnerCharacter, ca.ID); ok {
			e.move(it, store.OwnerFloor, econMap, e.next())
		}
	case 4: // pick up
		if it, ok := e.itemOf(rng, store.OwnerFloor, econMap); ok {
			e.move(it, store.OwnerCharacter, ca.ID, e.next())
		}
	case 5:
		e.snapshot(a)
	}
}

// take removes up to n random snapshots from the pile and then every
// queued event, as one batch. e.mu held.
func (e *econ) take(rng *rand.Rand, n int) store.Batch {
	var b store.Batch
	for range min(n, len(e.pile)) {
		i := rng.IntN(len(e.pile))
		b.Characters = append(b.Characters, e.pile[i].Characters...)
		b.Items = append(b.Items, e.pile[i].Items...)
		e.pile[i] = e.pile[len(e.pile)-1]
		e.pile = e.pile[:len(e.pile)-1]
	}
	b.Items = append(b.Items, e.events.Items...)
	b.Transfers = append(b.Transfers, e.events.Transfers...)
	e.events = store.Batch{}
	return b
}

// save saves a random handful of snapshots and every queued event, then
// checks the totals in the store.
func (e *econ) save(rng *rand.Rand) error {
	e.saveMu.Lock()
	defer e.saveMu.Unlock()
	e.mu.Lock()
	b := e.take(rng, rng.IntN(econMaxSnapshots+1))
	e.mu.Unlock()
	if err := e.db.Save(context.Background(), b); err != nil {
		return err
	}
	return checkTotals(e.db, e.totalItems, e.totalSilver)
}

// checkTotals reports an error unless the store holds exactly items live
// items, each owned by an existing character or lying on the floor, and
// silver coins in all.
func checkTotals(db *store.DB, items int, silver int64) error {
	var n, ghosts, distinct int
	err := db.QueryRow(context.Background(), `SELECT COUNT(*), COUNT(DISTINCT i.id),
		SUM(CASE WHEN i.owner_kind = 2 OR c.id IS NOT NULL THEN 0 ELSE 1 END)
		FROM items i LEFT JOIN characters c ON i.owner_kind = 1 AND c.id = i.owner_id
		WHERE i.deleted = 0`).Scan(&n, &distinct, &ghosts)
	if err != nil {
		return fmt.Errorf("counting items: %w", err)
	}
	if n != items || distinct != items || ghosts != 0 {
		return fmt.Errorf("%d items (%d distinct, %d without an owner), want %d", n, distinct, ghosts, items)
	}
	var total int64
	if err := db.QueryRow(context.Background(), `SELECT SUM(silver) FROM characters`).Scan(&total); err != nil {
		return fmt.Errorf("counting silver: %w", err)
	}
	if total != silver {
		return fmt.Errorf("%d silver in all, want %d", total, silver)
	}
	return nil
}

// TestConservation runs workers that trade items and silver at random and
// save at random moments, snapshots shuffled; after every commit the store
// holds every item exactly once and all the silver. At the end, with a
// fresh snapshot of everyone saved, the store equals the world exactly.
func (s *suite) testConservation(t *testing.T) {
	const (
		workers = 4
		steps   = 300 // per worker
		saveOne = 8   // a worker saves after one step in saveOne
	)
	db, _ := s.openTest(t)
	e := newEcon(t, db, "econ")
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 12))
			for range steps {
				e.step(rng)
				if rng.IntN(saveOne) == 0 {
					if err := e.save(rng); err != nil {
						errs <- err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	// Everything left, with a fresh snapshot of everyone, in random order.
	rng := rand.New(rand.NewPCG(99, 12))
	e.mu.Lock()
	for i := range e.chars {
		e.snapshot(i)
	}
	e.mu.Unlock()
	saves := 0
	for len(e.pile) > 0 || len(e.events.Items)+len(e.events.Transfers) > 0 {
		if err := e.save(rng); err != nil {
			t.Fatal(err)
		}
		saves++
	}
	for _, c := range e.chars {
		got, err := db.CharacterByName(context.Background(), c.Name)
		if err != nil {
			t.Fatal(err)
		}
		if got.Silver != c.Silver || got.X != c.X {
			t.Errorf("character %d: silver %d x %d, want %d %d", c.ID, got.Silver, got.X, c.Silver, c.X)
		}
		var want []store.Item
		for _, it := range e.items {
			if it.Owner == store.OwnerCharacter && it.OwnerID == c.ID {
				want = append(want, it)
			}
		}
		sortItems(want)
		if got := itemsOf(t, db, c.ID); !slices.Equal(got, want) {
			t.Errorf("character %d: items\n%+v\nwant\n%+v", c.ID, got, want)
		}
	}
	var floor []store.Item
	for _, it := range e.items {
		if it.Owner == store.OwnerFloor {
			floor = append(floor, it)
		}
	}
	sortItems(floor)
	if got, err := db.FloorItems(context.Background()); err != nil || !slices.Equal(got, floor) {
		t.Errorf("floor items %+v, %v; want %+v", got, err, floor)
	}
	t.Logf("%d versions, %d final saves", e.version, saves)
}

// sortItems sorts items as ItemsOf returns them.
func sortItems(items []store.Item) {
	slices.SortFunc(items, func(a, b store.Item) int {
		switch {
		case a.Position != b.Position:
			return int(a.Position) - int(b.Position)
		case a.Warehouse != b.Warehouse:
			return int(a.Warehouse) - int(b.Warehouse)
		case a.Slot != b.Slot:
			return int(a.Slot) - int(b.Slot)
		}
		return int(a.ID) - int(b.ID)
	})
}
