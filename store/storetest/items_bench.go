package storetest

import (
	"context"
	"testing"

	"github.com/coserver/coserver/store"
)

// benchTransfer measures one transfer as the game saves it: the snapshots
// of both characters, the item that changed hands and the silver paid for
// it, in one Save. With full, each snapshot also carries the character's
// other items unchanged (MaxInventoryItems-1 each), as a game that saves
// whole inventories would.
func (s *suite) benchTransferN(b *testing.B, full bool) {
	db, _ := s.openTest(b)
	ctx := context.Background()
	cs := bulkCharacters(b, db, "bench", 2)
	first, err := db.NewItemIDs(ctx, 2*store.MaxInventoryItems-1)
	if err != nil {
		b.Fatal(err)
	}
	var v uint64
	var inv [2][]store.Item // the items that stay put
	var setup store.Batch
	for i := range 2*store.MaxInventoryItems - 2 {
		v++
		it := testItem(first+uint32(i), cs[i%2].ID, v)
		inv[i%2] = append(inv[i%2], it)
		setup.Items = append(setup.Items, it)
	}
	moving := testItem(first+2*store.MaxInventoryItems-2, cs[0].ID, v+1)
	v++
	setup.Items = append(setup.Items, moving)
	if err := db.Save(ctx, setup); err != nil {
		b.Fatal(err)
	}
	a, c := 0, 1
	b.ReportAllocs()
	for b.Loop() {
		v++
		moving.OwnerID, moving.Version = cs[c].ID, v
		cs[a].Silver += 10
		cs[c].Silver -= 10
		batch := store.Batch{
			Characters: []store.CharacterSnapshot{{Character: cs[a], Version: v + 1}, {Character: cs[c], Version: v + 1}},
			Items:      []store.Item{moving},
			Transfers: []store.MoneyTransfer{{Version: v, Moves: []store.MoneyMove{
				{CharacterID: cs[a].ID, Silver: 10}, {CharacterID: cs[c].ID, Silver: -10}}}},
		}
		if full {
			batch.Items = append(batch.Items, inv[0]...)
			batch.Items = append(batch.Items, inv[1]...)
		}
		if err := db.Save(ctx, batch); err != nil {
			b.Fatal(err)
		}
		v++
		a, c = c, a
	}
}

func (s *suite) benchTransfer(b *testing.B)                { s.benchTransferN(b, false) }
func (s *suite) benchTransferFullInventories(b *testing.B) { s.benchTransferN(b, true) }

// BenchmarkItemsOf loads a character with a full inventory, every
// equipment slot and a warehouse of 20, as at login.
func (s *suite) benchItemsOf(b *testing.B) {
	db, _ := s.openTest(b)
	ctx := context.Background()
	c := bulkCharacters(b, db, "login", 1)[0]
	const warehouse = 20
	n := store.MaxInventoryItems + int(store.PosGarment) + warehouse
	first, err := db.NewItemIDs(ctx, n)
	if err != nil {
		b.Fatal(err)
	}
	var items []store.Item
	for i := range n {
		it := testItem(first+uint32(i), c.ID, uint64(i+1))
		switch {
		case i < store.MaxInventoryItems:
			it.Slot = uint16(i)
		case i < store.MaxInventoryItems+int(store.PosGarment):
			it.Position = store.Position(i - store.MaxInventoryItems + 1)
		default:
			it.Position, it.Warehouse = store.PosWarehouse, 8
		}
		items = append(items, it)
	}
	if err := db.SaveItems(ctx, items...); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		got, err := db.ItemsOf(ctx, c.ID)
		if err != nil || len(got) != n {
			b.Fatalf("ItemsOf: %d items, %v", len(got), err)
		}
	}
}
