package game

import (
	"context"
	"fmt"
	"sync"

	"github.com/coserver/coserver/content"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/store"
)

// ItemStore is the part of the store that keeps items and versioned saves
// (docs/ITEMS-STORE.md). A Store that also implements it gets items in the
// world and saves through Save; one that does not (tests of movement and
// chat) keeps characters only, through SaveCharacters.
type ItemStore interface {
	ItemsOf(ctx context.Context, characterID uint32) ([]store.Item, error)
	NewItemIDs(ctx context.Context, n int) (first uint32, err error)
	LatestVersion(ctx context.Context) (uint64, error)
	Save(ctx context.Context, b store.Batch) error
}

// Item limits.
const (
	// MaxBuyAmount is the most items one MsgItem buy takes (its Amount is
	// clamped to 1 … MaxBuyAmount).
	MaxBuyAmount = 20
	// itemIDBlock is how many item uids the server reserves from the store
	// at once.
	itemIDBlock = 256
	// SellDivisor is what a shop pays for an item: its price divided by
	// SellDivisor, scaled by its durability (world-content.md §3 policy).
	SellDivisor = 3
)

// itemTable is the item types and shops of the installed content pack;
// read-only once installed, swapped whole by a reload.
type itemTable struct {
	types map[uint32]content.ItemType
	shops map[uint32]content.Shop // by NPC id
}

// inventory is what a player carries: the inventory and the equipment.
// Owned by the player's map goroutine.
type inventory struct {
	items map[uint32]*store.Item       // uid → carried item (inventory or equipment)
	equip [store.PosGarment + 1]uint32 // uid at each equipment position, 0 for none
	count int                          // items at PosInventory
	// stored are the items kept in warehouses (PosWarehouse, PosTrunk,
	// PosChest), uid → item; Item.Warehouse is the NPC keeping each.
	stored map[uint32]*store.Item
}

func newInventory(items []store.Item) inventory {
	inv := inventory{items: make(map[uint32]*store.Item), stored: make(map[uint32]*store.Item)}
	for _, it := range items {
		switch {
		case it.Position == store.PosInventory:
			inv.count++
		case it.Position >= store.PosHelmet && it.Position <= store.PosGarment:
			inv.equip[it.Position] = it.ID
		default:
			inv.stored[it.ID] = &it
			continue
		}
		inv.items[it.ID] = &it
	}
	return inv
}

// equipped returns the item type worn at pos, 0 for none.
func (inv *inventory) equipped(pos store.Position) uint32 {
	if it := inv.items[inv.equip[pos]]; it != nil {
		return it.Type
	}
	return 0
}

// itemInfo returns the MsgItemInfo that shows it to its owner.
func itemInfo(it *store.Item, a msg.ItemAction) *msg.ItemInfo {
	return &msg.ItemInfo{UID: it.ID, ItemType: it.Type, Durability: it.Amount, MaxDurability: it.AmountLimit,
		Action: a, Position: msg.ItemPosition(it.Position), Gem1: it.Gem1, Gem2: it.Gem2, Plus: it.Plus,
		Bless: it.Bless, Enchant: it.Enchant}
}

// uidPool hands out item uids reserved from the store in blocks, so the
// map goroutines never wait for the database: sessions take uids before
// sending a command to the map (take), and keep a spare block filled
// (reserve) for what runs on the map itself, NPC scripts giving items
// (tryTake).
type uidPool struct {
	st          ItemStore
	mu          sync.Mutex
	next, left  uint32 // the block in use
	spare, more uint32 // a reserved block: first uid, count
	// low is signalled when the spare block goes into use, so that
	// Server.keepUIDsReserved reserves the next one; nil: no signal.
	low chan struct{}
}

// newUIDPool is a pool reserving uids from st, signalling when its spare
// block goes into use.
func newUIDPool(st ItemStore) *uidPool { return &uidPool{st: st, low: make(chan struct{}, 1)} }

// take returns n fresh uids (first, first+1, …). Session goroutines only:
// it may wait for the database.
func (u *uidPool) take(ctx context.Context, n int) (uint32, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if first, ok := u.grab(n); ok {
		return first, nil
	}
	first, err := u.st.NewItemIDs(ctx, max(n, itemIDBlock))
	if err != nil {
		return 0, fmt.Errorf("reserving item ids: %w", err)
	}
	u.next, u.left = first, uint32(max(n, itemIDBlock))
	first, _ = u.grab(n)
	return first, nil
}

// tryTake returns n fresh uids from what is already reserved, or false
// when fewer are: it never waits for the database, so map goroutines may
// call it. A nil pool has none.
func (u *uidPool) tryTake(n int) (uint32, bool) {
	if u == nil {
		return 0, false // no item store
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.grab(n)
}

// grab hands out n uids of the block in use, moving to the spare block
// when the one in use has fewer left. u.mu held.
func (u *uidPool) grab(n int) (uint32, bool) {
	if int(u.left) < n && int(u.more) >= n {
		u.next, u.left, u.spare, u.more = u.spare, u.more, 0, 0
		select {
		case u.low <- struct{}{}:
		default: // already signalled, or nobody listens
		}
	}
	if int(u.left) < n {
		return 0, false
	}
	first := u.next
	u.next += uint32(n)
	u.left -= uint32(n)
	return first, true
}

// reserve fills the spare block when it is empty, so that what runs on the
// map (scripts giving items, monster drops) finds uids (tryTake). Session goroutines only: it may wait for
// the database.
func (u *uidPool) reserve(ctx context.Context) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.more > 0 {
		return nil
	}
	first, err := u.st.NewItemIDs(ctx, itemIDBlock)
	if err != nil {
		return fmt.Errorf("reserving item ids: %w", err)
	}
	u.spare, u.more = first, itemIDBlock
	return nil
}

// maxHP is the character's maximum hit points (the common 5017 formula).
func maxHP(ch *store.Character) uint16 {
	v := int(ch.Vitality)*24 + (int(ch.Strength)+int(ch.Agility)+int(ch.Spirit))*3
	return uint16(min(v, 0xFFFF))
}

// maxMP is the character's maximum mana.
func maxMP(ch *store.Character) uint16 { return uint16(min(int(ch.Spirit)*5, 0xFFFF)) }
