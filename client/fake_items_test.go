package client

import (
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/wire"
)

// The fake's items (fake.items): a shop NPC selling potions, a warehouse
// NPC, a starting inventory with a potion and an equipped blade, silver
// and CPs. Every move answers as world-content.md §3 describes.
const (
	fakeShopID       = 20
	fakeWarehouseID  = 8
	fakePotionType   = 1_000_000
	fakePotionPrice  = 10
	fakeBladeType    = 410_301
	fakeStartSilver  = 1_000
	fakeStartCPs     = 10
	fakeFirstItemUID = 100_001 // the potion; the blade is the next
	fakeFloorBase    = 900_000 // floor item ids: fakeFloorBase + n
	fakePotionHP     = 70
)

// fakeInv is a fake character's items; only its connection's goroutine
// touches it.
type fakeInv struct {
	silver, cps, whMoney uint32
	held                 map[uint32]msg.ItemInfo
	warehouse            []msg.PackageItem
	floor                map[uint32]msg.MapItem // floor id → the item on the floor
	floorUID             map[uint32]uint32      // floor id → item uid (0 for money)
	floorMoney           map[uint32]uint32      // floor id → amount
	nextUID, nextFloor   uint32
	hp                   uint16
}

func newFakeInv() *fakeInv {
	inv := &fakeInv{silver: fakeStartSilver, cps: fakeStartCPs, held: make(map[uint32]msg.ItemInfo),
		floor: make(map[uint32]msg.MapItem), floorUID: make(map[uint32]uint32), floorMoney: make(map[uint32]uint32),
		nextUID: fakeFirstItemUID, nextFloor: fakeFloorBase, hp: 100}
	inv.give(fakePotionType, msg.PositionInventory)
	inv.give(fakeBladeType, msg.PositionRightHand)
	return inv
}

// give creates an item at pos and returns it.
func (inv *fakeInv) give(itemType uint32, pos msg.ItemPosition) msg.ItemInfo {
	it := msg.ItemInfo{UID: inv.nextUID, ItemType: itemType, Durability: 100, MaxDurability: 100,
		Action: msg.ItemAdd, Position: pos, Colour: msg.DefaultItemColour}
	inv.nextUID++
	inv.held[it.UID] = it
	return it
}

// sendAll sends every held item (the login's MsgAction 75 answer).
func (inv *fakeInv) sendAll(c *srvConn) {
	for uid := fakeFirstItemUID; uid < int(inv.nextUID); uid++ {
		if it, ok := inv.held[uint32(uid)]; ok {
			c.send(&it)
		}
	}
}

func (inv *fakeInv) attrib(c *srvConn, id uint32, t msg.AttribType, v uint64) {
	var a msg.UserAttrib
	a.ID = id
	a.Add(t, v)
	c.send(&a)
}

// drop puts a floor item at (x, y) and shows it.
func (inv *fakeInv) drop(c *srvConn, itemType, uid, money uint32, x, y uint16) {
	inv.nextFloor++
	m := msg.MapItem{ID: inv.nextFloor, ItemType: itemType, X: x, Y: y, Colour: msg.DefaultItemColour,
		Action: msg.MapItemCreate}
	inv.floor[m.ID], inv.floorUID[m.ID], inv.floorMoney[m.ID] = m, uid, money
	c.send(&m)
}

// item answers a MsgItem.
func (inv *fakeInv) item(c *srvConn, ch *fakeChar, p *msg.Item) {
	switch p.Action {
	case msg.ItemOpBuy:
		n := max(1, p.Amount)
		if p.ID != fakeShopID || p.Data != fakePotionType || inv.silver < n*fakePotionPrice {
			return
		}
		inv.silver -= n * fakePotionPrice
		inv.attrib(c, ch.id, msg.AttribSilver, uint64(inv.silver))
		for range n {
			it := inv.give(fakePotionType, msg.PositionInventory)
			c.send(&it)
		}
	case msg.ItemOpSell:
		it, ok := inv.held[p.Data]
		if p.ID != fakeShopID || !ok || it.Position != msg.PositionInventory {
			return
		}
		delete(inv.held, it.UID)
		c.send(&msg.Item{ID: it.UID, Action: msg.ItemOpDrop})
		inv.silver += fakePotionPrice / 3
		inv.attrib(c, ch.id, msg.AttribSilver, uint64(inv.silver))
	case msg.ItemOpUse:
		it, ok := inv.held[p.ID]
		if !ok || it.Position != msg.PositionInventory {
			return
		}
		pos := msg.ItemPosition(p.Data)
		if pos == msg.PositionInventory && it.ItemType == fakePotionType {
			delete(inv.held, it.UID)
			c.send(&msg.Item{ID: it.UID, Action: msg.ItemOpDrop})
			inv.hp += fakePotionHP
			inv.attrib(c, ch.id, msg.AttribHP, uint64(inv.hp))
			return
		}
		if !pos.IsEquipment() {
			return
		}
		it.Position = pos
		inv.held[it.UID] = it
		c.send(&msg.Item{ID: it.UID, Data: uint32(pos), Action: msg.ItemOpEquip})
	case msg.ItemOpUnequip:
		it, ok := inv.held[p.ID]
		if !ok || !it.Position.IsEquipment() {
			return
		}
		c.send(p)
		it.Position, it.Action = msg.PositionInventory, msg.ItemUpdate
		inv.held[it.UID] = it
		c.send(&it)
	case msg.ItemOpDrop:
		it, ok := inv.held[p.ID]
		if !ok || it.Position != msg.PositionInventory {
			return
		}
		x, y, _, _ := msg.DropPoints(p.Data)
		delete(inv.held, it.UID)
		c.send(&msg.Item{ID: it.UID, Data: p.Data, Action: msg.ItemOpDrop})
		inv.drop(c, it.ItemType, it.UID, 0, x, y)
		it.Position = msg.PositionFloor // kept aside for the pick
		inv.held[it.UID] = it
	case msg.ItemOpDropMoney:
		if p.ID == 0 || p.ID > inv.silver {
			return
		}
		x, y, _, _ := msg.DropPoints(p.Data)
		inv.silver -= p.ID
		inv.attrib(c, ch.id, msg.AttribSilver, uint64(inv.silver))
		inv.drop(c, msg.MoneyItemType(p.ID), 0, p.ID, x, y)
	case msg.ItemOpQueryMoney:
		if p.ID == fakeWarehouseID {
			c.send(&msg.Item{ID: p.ID, Data: inv.whMoney, Action: msg.ItemOpQueryMoney})
		}
	case msg.ItemOpSaveMoney:
		if p.ID == fakeWarehouseID && p.Data <= inv.silver {
			inv.silver -= p.Data
			inv.whMoney += p.Data
			inv.attrib(c, ch.id, msg.AttribSilver, uint64(inv.silver))
			c.send(&msg.Item{ID: p.ID, Data: inv.whMoney, Action: msg.ItemOpQueryMoney})
		}
	case msg.ItemOpDrawMoney:
		if p.ID == fakeWarehouseID && p.Data <= inv.whMoney {
			inv.whMoney -= p.Data
			inv.silver += p.Data
			inv.attrib(c, ch.id, msg.AttribSilver, uint64(inv.silver))
			c.send(&msg.Item{ID: p.ID, Data: inv.whMoney, Action: msg.ItemOpQueryMoney})
		}
	}
}

// pick answers a MsgMapItem pick: standing on the item is not checked.
func (inv *fakeInv) pick(c *srvConn, ch *fakeChar, p *msg.MapItem) {
	m, ok := inv.floor[p.ID]
	if p.Action != msg.MapItemPick || !ok || m.X != p.X || m.Y != p.Y {
		return
	}
	delete(inv.floor, p.ID)
	m.Action = msg.MapItemDelete
	c.send(&m)
	if money := inv.floorMoney[p.ID]; money > 0 {
		inv.silver += money
		inv.attrib(c, ch.id, msg.AttribSilver, uint64(inv.silver))
		return
	}
	it := inv.held[inv.floorUID[p.ID]]
	it.Position, it.Action = msg.PositionInventory, msg.ItemAdd
	inv.held[it.UID] = it
	c.send(&it)
}

// pkg answers a MsgPackage for the warehouse NPC.
func (inv *fakeInv) pkg(c *srvConn, p *msg.Package) {
	if p.ID != fakeWarehouseID {
		return
	}
	switch p.Action {
	case msg.PackageCheckIn:
		it, ok := inv.held[p.UID]
		if !ok || it.Position != msg.PositionInventory {
			return
		}
		delete(inv.held, it.UID)
		c.send(&msg.Item{ID: it.UID, Action: msg.ItemOpDrop})
		inv.warehouse = append(inv.warehouse, msg.PackageItem{UID: it.UID, ItemType: it.ItemType, Colour: it.Colour})
	case msg.PackageCheckOut:
		i := -1
		for j, s := range inv.warehouse {
			if s.UID == p.UID {
				i = j
			}
		}
		if i < 0 {
			return
		}
		s := inv.warehouse[i]
		inv.warehouse = append(inv.warehouse[:i], inv.warehouse[i+1:]...)
		it := msg.ItemInfo{UID: s.UID, ItemType: s.ItemType, Durability: 100, MaxDurability: 100,
			Action: msg.ItemAdd, Colour: msg.DefaultItemColour}
		inv.held[it.UID] = it
		c.send(&it)
	}
	lists := msg.PackageLists(nil, fakeWarehouseID, msg.PackageWarehouse, inv.warehouse)
	for i := range lists {
		c.send(&lists[i])
	}
}

// itemPacket handles the items packets of the fake's world loop; it
// reports false for a malformed one.
func (f *fake) itemPacket(c *srvConn, ch *fakeChar, b []byte) bool {
	if ch.inv == nil {
		return true
	}
	switch _, t := wire.Header(b); t {
	case wire.TypeItem:
		var p msg.Item
		if c.codec.Decode(b, &p) != nil {
			return false
		}
		ch.inv.item(c, ch, &p)
	case wire.TypeMapItem:
		var p msg.MapItem
		if c.codec.Decode(b, &p) != nil {
			return false
		}
		ch.inv.pick(c, ch, &p)
	case wire.TypePackage:
		var p msg.Package
		if c.codec.Decode(b, &p) != nil {
			return false
		}
		ch.inv.pkg(c, &p)
	}
	return true
}
