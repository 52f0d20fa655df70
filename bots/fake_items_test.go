package bots

import (
	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/wire"
)

// The items part of npcWorld (npcWorld.items): the shop NPC 14 tiles from
// the arrival point of map A (beyond ClickRange: the bots approach it), a blade in each character's right hand,
// silver, and answers to buy, use, equip, unequip, drop and pick up.
const (
	shopX, shopY   = npcArriveX - 14, npcArriveY + 2
	shopPrice      = 10
	startSilver    = 100_000
	bladeType      = 410_301
	firstItemUID   = 100_001
	firstFloorID   = 900_001
	itemRoundsGoal = 3 // rounds of one character that end the test
)

// fakeItems is one character's items; only its connection's goroutine
// touches it.
type fakeItems struct {
	id        uint32
	silver    uint32
	held      map[uint32]msg.ItemInfo
	floor     map[uint32]msg.ItemInfo // floor id → item
	floorAt   map[uint32][2]uint16
	nextUID   uint32
	nextFloor uint32
	picks     int
}

func newFakeItems(id uint32) *fakeItems {
	f := &fakeItems{id: id, silver: startSilver, held: make(map[uint32]msg.ItemInfo),
		floor: make(map[uint32]msg.ItemInfo), floorAt: make(map[uint32][2]uint16), nextUID: firstItemUID,
		nextFloor: firstFloorID}
	f.give(bladeType, msg.PositionRightHand)
	return f
}

func (f *fakeItems) give(t uint32, pos msg.ItemPosition) msg.ItemInfo {
	it := msg.ItemInfo{UID: f.nextUID, ItemType: t, Durability: 1, MaxDurability: 1, Action: msg.ItemAdd, Position: pos}
	f.nextUID++
	f.held[it.UID] = it
	return it
}

// login sends the shop NPC and every item.
func (f *fakeItems) login(c *fakeConn) {
	c.send(&msg.NpcInfo{ID: DefaultShopNPC, X: shopX, Y: shopY, Look: 10, Kind: 1})
	for _, it := range f.held {
		c.send(&it)
	}
}

// packet answers an items packet of the character standing at (x, y).
func (f *fakeItems) packet(c *fakeConn, b []byte, x, y uint16) bool {
	switch _, typ := wire.Header(b); typ {
	case wire.TypeItem:
		var p msg.Item
		if c.codec.Decode(b, &p) != nil {
			return false
		}
		f.item(c, &p, x, y)
	case wire.TypeMapItem:
		var p msg.MapItem
		if c.codec.Decode(b, &p) != nil {
			return false
		}
		it, ok := f.floor[p.ID]
		if p.Action != msg.MapItemPick || !ok || f.floorAt[p.ID] != [2]uint16{x, y} || p.X != x || p.Y != y {
			return true
		}
		delete(f.floor, p.ID)
		c.send(&msg.MapItem{ID: p.ID, X: x, Y: y, Action: msg.MapItemDelete})
		it.Position, it.Action = msg.PositionInventory, msg.ItemAdd
		f.held[it.UID] = it
		c.send(&it)
		f.picks++
	}
	return true
}

func (f *fakeItems) item(c *fakeConn, p *msg.Item, x, y uint16) {
	it, held := f.held[p.ID]
	switch p.Action {
	case msg.ItemOpBuy:
		if p.ID != DefaultShopNPC || p.Data != DefaultShopItem || f.silver < shopPrice ||
			client.Distance(x, y, shopX, shopY) > 18 {
			return
		}
		f.silver -= shopPrice
		var a msg.UserAttrib
		a.ID = f.id
		a.Add(msg.AttribSilver, uint64(f.silver))
		c.send(&a)
		n := f.give(DefaultShopItem, msg.PositionInventory)
		c.send(&n)
	case msg.ItemOpUse:
		if !held || it.Position != msg.PositionInventory {
			return
		}
		if p.Data == 0 {
			delete(f.held, it.UID)
			c.send(&msg.Item{ID: it.UID, Action: msg.ItemOpDrop})
			return
		}
		it.Position = msg.ItemPosition(p.Data)
		f.held[it.UID] = it
		c.send(&msg.Item{ID: it.UID, Data: p.Data, Action: msg.ItemOpEquip})
	case msg.ItemOpUnequip:
		if !held || !it.Position.IsEquipment() {
			return
		}
		c.send(p)
		it.Position, it.Action = msg.PositionInventory, msg.ItemUpdate
		f.held[it.UID] = it
		c.send(&it)
	case msg.ItemOpDrop:
		dx, dy, _, _ := msg.DropPoints(p.Data)
		if !held || it.Position != msg.PositionInventory || client.Distance(x, y, dx, dy) > 9 {
			return
		}
		delete(f.held, it.UID)
		c.send(&msg.Item{ID: it.UID, Data: p.Data, Action: msg.ItemOpDrop})
		id := f.nextFloor
		f.nextFloor++
		f.floor[id], f.floorAt[id] = it, [2]uint16{dx, dy}
		c.send(&msg.MapItem{ID: id, ItemType: it.ItemType, X: dx, Y: dy, Colour: msg.DefaultItemColour,
			Action: msg.MapItemCreate})
	}
}
