package client

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/wire"
)

// MaxHeldItems is the most items (inventory and equipment) the client
// keeps: the 40 inventory slots and the equipment positions, with room to
// spare. A server that gives more is broken or hostile, and stops the
// client.
const MaxHeldItems = 64

// ErrNotFloorItem is returned by PickUp for an id that is not a floor item
// on the screen.
var ErrNotFloorItem = errors.New("client: no such floor item on the screen")

// items is what the client knows of its items and money. Part of world,
// guarded by session.mu.
type items struct {
	held      map[uint32]msg.ItemInfo // inventory and equipment, by uid
	whNPC     uint32                  // the NPC of the last warehouse list
	whKind    msg.PackageKind         // its storage kind
	warehouse []msg.PackageItem       // the last warehouse list
	whMoney   uint32                  // the last warehouse money answer (MsgItem 9)
}

// held reports whether position p is the inventory or the equipment, the
// positions of the items the client keeps.
func heldPosition(p msg.ItemPosition) bool {
	return p == msg.PositionInventory || p.IsEquipment()
}

// applyItems updates the items, money and floor items with one decoded
// packet. Caller holds the session's mu.
func (w *world) applyItems(p wire.Packet) error {
	it := &w.items
	switch p := p.(type) {
	case *msg.ItemInfo:
		if p.Action != msg.ItemAdd && p.Action != msg.ItemUpdate {
			return nil // another player's equipment, a trade, an auction
		}
		if !heldPosition(p.Position) {
			delete(it.held, p.UID)
			return nil
		}
		if _, ok := it.held[p.UID]; !ok && len(it.held) >= MaxHeldItems {
			return fmt.Errorf("client: the server gives more than %d items", MaxHeldItems)
		}
		it.held[p.UID] = *p
	case *msg.Item:
		it.applyItem(p)
	case *msg.MapItem:
		switch p.Action {
		case msg.MapItemCreate:
			w.place(Entity{ID: p.ID, Kind: EntityFloorItem, X: p.X, Y: p.Y, ItemType: p.ItemType, Colour: p.Colour})
		case msg.MapItemDelete:
			if e, ok := w.screen[p.ID]; ok && e.Kind == EntityFloorItem {
				delete(w.screen, p.ID)
			}
		}
	case *msg.Package:
		if p.Action == msg.PackageQuery {
			it.whNPC, it.whKind = p.ID, p.Kind
			it.warehouse = append(it.warehouse[:0], p.List()...)
		}
	}
	return nil
}

// applyItem is applyItems for the server's MsgItem answers.
func (it *items) applyItem(p *msg.Item) {
	switch p.Action {
	case msg.ItemOpDrop, msg.ItemOpDropEquipment:
		delete(it.held, p.ID) // dropped, sold, stored, used up, or equipment gone
	case msg.ItemOpEquip:
		pos := msg.ItemPosition(p.Data)
		e, ok := it.held[p.ID]
		if !ok || !pos.IsEquipment() {
			return
		}
		for uid, o := range it.held {
			if o.Position == pos && uid != p.ID {
				o.Position = msg.PositionInventory // swapped out: the server's MsgItemInfo may follow
				it.held[uid] = o
			}
		}
		e.Position = pos
		it.held[p.ID] = e
	case msg.ItemOpUnequip:
		if e, ok := it.held[p.ID]; ok {
			e.Position = msg.PositionInventory
			it.held[p.ID] = e
		}
	case msg.ItemOpDurability:
		if e, ok := it.held[p.ID]; ok {
			e.Durability = uint16(p.Data)
			it.held[p.ID] = e
		}
	case msg.ItemOpSynchroAmount:
		if e, ok := it.held[p.ID]; ok {
			e.Durability = uint16(p.Data) // a stack's amount is in Durability
			it.held[p.ID] = e
		}
	case msg.ItemOpQueryMoney:
		it.whMoney = p.Data
	}
}

// Silver returns the silver the player carries: MsgUserInfo's, then each
// MsgUserAttrib change.
func (c *Client) Silver() uint32 {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.s.w.user.Silver
}

// CPs returns the player's CPs: MsgUserInfo's, then each MsgUserAttrib
// change.
func (c *Client) CPs() uint32 {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.s.w.user.CPs
}

// Item returns the item uid the player holds (in the inventory or
// equipped), as the server last described it.
func (c *Client) Item(uid uint32) (msg.ItemInfo, bool) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	it, ok := c.s.w.items.held[uid]
	return it, ok
}

// Inventory returns the items in the inventory, by uid: added and updated
// by MsgItemInfo, removed by MsgItem 3 (drop, sell, use up), moved by
// MsgItem 5 and 6 (equip, unequip).
func (c *Client) Inventory() []msg.ItemInfo {
	return c.s.heldWhere(func(p msg.ItemPosition) bool { return p == msg.PositionInventory })
}

// CountItems returns how many items of itemType the inventory holds, and
// the uid of one of them (the lowest). It does not allocate.
func (c *Client) CountItems(itemType uint32) (n int, uid uint32) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	for _, it := range c.s.w.items.held {
		if it.ItemType == itemType && it.Position == msg.PositionInventory {
			if n == 0 || it.UID < uid {
				uid = it.UID
			}
			n++
		}
	}
	return n, uid
}

// Equipment returns the equipped items, by position.
func (c *Client) Equipment() []msg.ItemInfo {
	return c.s.heldWhere(msg.ItemPosition.IsEquipment)
}

// Equipped returns the item at equipment position pos, if there is one.
func (c *Client) Equipped(pos msg.ItemPosition) (msg.ItemInfo, bool) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if !pos.IsEquipment() {
		return msg.ItemInfo{}, false
	}
	for _, it := range c.s.w.items.held {
		if it.Position == pos {
			return it, true
		}
	}
	return msg.ItemInfo{}, false
}

// Warehouse returns the last warehouse list the server sent (MsgPackage):
// the NPC, the storage kind and its items.
func (c *Client) Warehouse() (npc uint32, kind msg.PackageKind, stored []msg.PackageItem) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	it := &c.s.w.items
	return it.whNPC, it.whKind, slices.Clone(it.warehouse)
}

// WarehouseMoney returns the money saved in the warehouse as the server
// last said (MsgItem 9, or MsgUserAttrib 10).
func (c *Client) WarehouseMoney() uint32 {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.s.w.items.whMoney
}

// FloorItems returns the floor items on the screen (MsgMapItem create,
// until delete, a change of map or out of view), by id.
func (c *Client) FloorItems() []Entity {
	all := c.s.screenCopy()
	return slices.DeleteFunc(all, func(e Entity) bool { return e.Kind != EntityFloorItem })
}

// FloorItemAt returns the floor item on the screen at (x, y) (the lowest
// id when several lie there). It does not allocate.
func (c *Client) FloorItemAt(x, y uint16) (Entity, bool) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	var best Entity
	found := false
	for _, e := range c.s.w.screen {
		if e.Kind == EntityFloorItem && e.X == x && e.Y == y && (!found || e.ID < best.ID) {
			best, found = e, true
		}
	}
	return best, found
}

// heldWhere returns the held items whose position matches, by position
// then uid.
func (s *session) heldWhere(match func(msg.ItemPosition) bool) []msg.ItemInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []msg.ItemInfo
	for _, it := range s.w.items.held {
		if match(it.Position) {
			out = append(out, it)
		}
	}
	slices.SortFunc(out, func(a, b msg.ItemInfo) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(a.UID, b.UID))
	})
	return out
}

// sendItem sends a MsgItem with the client's clock.
func (c *Client) sendItem(id, data uint32, op msg.ItemOp, amount uint32) error {
	c.amu.Lock()
	defer c.amu.Unlock()
	c.itemOut = msg.Item{ID: id, Data: data, Action: op, Timestamp: timestamp(), Amount: amount}
	return c.sendLocked(&c.itemOut)
}

// Buy buys amount items of itemType from shop NPC npc (MsgItem 1). The
// server answers with the silver left (MsgUserAttrib) and the new items
// (MsgItemInfo add), or with nothing when it refuses.
func (c *Client) Buy(npc, itemType, amount uint32) error {
	return c.sendItem(npc, itemType, msg.ItemOpBuy, amount)
}

// Sell sells inventory item uid to shop NPC npc (MsgItem 2); the server
// removes it (MsgItem 3) and pays (MsgUserAttrib).
func (c *Client) Sell(npc, uid uint32) error { return c.sendItem(npc, uid, msg.ItemOpSell, 0) }

// UseItem uses inventory item uid (MsgItem 4 to position 0): a potion, a
// scroll.
func (c *Client) UseItem(uid uint32) error {
	return c.sendItem(uid, uint32(msg.PositionInventory), msg.ItemOpUse, 0)
}

// Equip puts inventory item uid on at equipment position pos (MsgItem 4);
// the server confirms with MsgItem 5.
func (c *Client) Equip(uid uint32, pos msg.ItemPosition) error {
	return c.sendItem(uid, uint32(pos), msg.ItemOpUse, 0)
}

// Unequip takes off item uid from equipment position pos (MsgItem 6); the
// server echoes it.
func (c *Client) Unequip(uid uint32, pos msg.ItemPosition) error {
	return c.sendItem(uid, uint32(pos), msg.ItemOpUnequip, 0)
}

// DropItem drops inventory item uid at (x, y) (MsgItem 3, the point packed
// x high: msg.DropXY). The server removes it (MsgItem 3) and shows it on
// the floor (MsgMapItem create).
func (c *Client) DropItem(uid uint32, x, y uint16) error {
	return c.sendItem(uid, msg.DropXY(x, y), msg.ItemOpDrop, 0)
}

// DropMoney drops amount silver at (x, y) (MsgItem 12).
func (c *Client) DropMoney(amount uint32, x, y uint16) error {
	return c.sendItem(amount, msg.DropXY(x, y), msg.ItemOpDropMoney, 0)
}

// QueryWarehouseMoney asks warehouse NPC npc for the money saved (MsgItem
// 9); WarehouseMoney returns the answer once it has come.
func (c *Client) QueryWarehouseMoney(npc uint32) error {
	return c.sendItem(npc, 0, msg.ItemOpQueryMoney, 0)
}

// SaveMoney puts amount silver in warehouse NPC npc (MsgItem 10).
func (c *Client) SaveMoney(npc, amount uint32) error {
	return c.sendItem(npc, amount, msg.ItemOpSaveMoney, 0)
}

// DrawMoney takes amount silver from warehouse NPC npc (MsgItem 11).
func (c *Client) DrawMoney(npc, amount uint32) error {
	return c.sendItem(npc, amount, msg.ItemOpDrawMoney, 0)
}

// PickUp picks up floor item id from the screen (MsgMapItem 3 with its
// position; the server wants the player standing on it). It returns
// ErrNotFloorItem when id is not a floor item on the screen.
func (c *Client) PickUp(id uint32) error {
	c.amu.Lock()
	defer c.amu.Unlock()
	c.s.mu.Lock()
	e, ok := c.s.w.screen[id]
	c.s.mu.Unlock()
	if !ok || e.Kind != EntityFloorItem {
		return ErrNotFloorItem
	}
	c.mapItemOut = msg.MapItem{ID: id, X: e.X, Y: e.Y, Action: msg.MapItemPick}
	return c.sendLocked(&c.mapItemOut)
}

// sendPackage sends a MsgPackage about NPC npc's warehouse.
func (c *Client) sendPackage(npc uint32, a msg.PackageAction, uid uint32) error {
	c.amu.Lock()
	defer c.amu.Unlock()
	c.pkgOut.ID, c.pkgOut.Action, c.pkgOut.Kind, c.pkgOut.UID, c.pkgOut.Count = npc, a, msg.PackageWarehouse, uid, 0
	return c.sendLocked(&c.pkgOut)
}

// QueryWarehouse asks warehouse NPC npc for its list (MsgPackage 0);
// Warehouse returns it once it has come.
func (c *Client) QueryWarehouse(npc uint32) error { return c.sendPackage(npc, msg.PackageQuery, 0) }

// CheckIn stores inventory item uid in warehouse NPC npc (MsgPackage 1).
func (c *Client) CheckIn(npc, uid uint32) error { return c.sendPackage(npc, msg.PackageCheckIn, uid) }

// CheckOut takes item uid out of warehouse NPC npc (MsgPackage 2).
func (c *Client) CheckOut(npc, uid uint32) error { return c.sendPackage(npc, msg.PackageCheckOut, uid) }
