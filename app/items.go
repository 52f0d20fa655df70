package app

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/coserver/coserver/admin"
	"github.com/coserver/coserver/store"
)

// Items answers the admin's items/{name}: the game server's memory when
// the character is online, else the database as of its last save.
func (p adminProcess) Items(ctx context.Context, name string) (admin.Holdings, error) {
	a := p.a
	if a.gameSvc != nil {
		if ch, items, ok := a.gameSvc.Holdings(name); ok {
			return Holdings(ch, items, true, a.gameSvc.ItemName), nil
		}
	}
	if a.db == nil {
		return admin.Holdings{}, fmt.Errorf("items of %s: %w: no database", name, admin.ErrUnavailable)
	}
	ch, err := a.db.CharacterByName(ctx, name)
	if err != nil {
		return admin.Holdings{}, storeError("items of "+name, err)
	}
	items, err := a.db.ItemsOf(ctx, ch.ID)
	if err != nil {
		return admin.Holdings{}, fmt.Errorf("items of %s: %w", name, err)
	}
	var names func(uint32) string
	if a.gameSvc != nil {
		names = a.gameSvc.ItemName
	}
	return Holdings(ch, items, false, names), nil
}

// Holdings sorts the items of character ch into the admin's view: the
// inventory, the equipment and the warehouses, each ordered by position,
// warehouse and uid. names gives an item type's name (nil: none). online
// says whether the values come from the game server's memory.
func Holdings(ch store.Character, items []store.Item, online bool, names func(uint32) string) admin.Holdings {
	h := admin.Holdings{Character: ch.Name, Online: online, Silver: ch.Silver, CPs: ch.CPs,
		WarehouseSilver: ch.WarehouseSilver, Inventory: []admin.Item{}, Equipment: []admin.Item{},
		Warehouse: []admin.Item{}}
	items = slices.Clone(items)
	slices.SortFunc(items, func(a, b store.Item) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(a.Warehouse, b.Warehouse), cmp.Compare(a.ID, b.ID))
	})
	for _, it := range items {
		v := admin.Item{UID: it.ID, Type: it.Type, Position: uint8(it.Position), Warehouse: it.Warehouse,
			Durability: it.Amount, MaxDurability: it.AmountLimit, Plus: it.Plus, Bless: it.Bless,
			Gem1: it.Gem1, Gem2: it.Gem2, Enchant: it.Enchant}
		if names != nil {
			v.Name = names(it.Type)
		}
		switch {
		case it.Position == store.PosInventory:
			h.Inventory = append(h.Inventory, v)
		case it.Position >= store.PosHelmet && it.Position <= store.PosGarment:
			h.Equipment = append(h.Equipment, v)
		default:
			h.Warehouse = append(h.Warehouse, v)
		}
	}
	return h
}
