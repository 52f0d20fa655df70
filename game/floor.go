package game

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/coserver/coserver/content"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/store"
)

// Floor item rules (world-content.md §3.4 drop, §3.5 and "Where the sources
// disagree": WCO's timers).
const (
	// DropRange is how far from the player, on both axes, a drop may ask
	// to put its item (COPS: 9 tiles).
	DropRange = 9
	// DropSearchRadius is how far round the asked tile the server looks
	// for a free walkable tile (no other floor item on it) when that tile
	// is taken or blocked; a drop with none is refused.
	DropSearchRadius = 3
	// PickRange is how far from a floor item, on both axes, a player may
	// pick it up: the real client walks onto the tile first (COPS and WCO
	// check distance 0); one tile allows for a step still in flight.
	PickRange = 1
	// OwnerWindow is how long a floor item stays reserved for its owner
	// (the player who dropped it, or the one a monster's loot is for)
	// before anyone may pick it up (WCO).
	OwnerWindow = 30 * time.Second
	// ItemLifetime is how long an item a player dropped lies on the floor
	// (WCO: 60–90 s by price; the upper bound for every item).
	ItemLifetime = 90 * time.Second
	// MoneyLifetime is how long dropped money lies on the floor (WCO).
	MoneyLifetime = 60 * time.Second
	// LootLifetime is how long a monster's loot lies on the floor (WCO).
	LootLifetime = 60 * time.Second
	// MaxFloorItems is the most floor items (items and money) one map
	// holds; a drop beyond it is refused, so that no player can grow a
	// map's memory without bound.
	MaxFloorItems = 4096
	// MaxDropsPerPlayer is the most floor items one player's drops may
	// make lie on a map at once; a drop beyond it is refused, so that one
	// player cannot fill a map's floor (MaxFloorItems) with single coins.
	MaxDropsPerPlayer = 64
)

// Money piles are map-local entities the store never sees: their ids are
// above every item uid (store.LastItemID), recycled within the range.
const (
	moneyIDMin uint32 = store.LastItemID + 1
	moneyIDMax uint32 = math.MaxUint32
)

// floorItem is an item or a money pile lying on a map's floor. It belongs
// to the map's goroutine. An item keeps its uid as its entity id, and its
// stored state (store.OwnerFloor, store.PosFloor) while it lies there.
type floorItem struct {
	place
	id       uint32
	item     store.Item // the item (ID 0 for money)
	money    uint32     // the silver of a money pile (0 for an item)
	owner    uint32     // the player it is reserved for, 0 for anyone
	dropper  uint32     // the player who dropped it, 0 for loot
	reserved time.Time  // the end of the owner's window
	expires  time.Time  // when it vanishes
}

func (f *floorItem) entityID() uint32 { return f.id }

// shown returns the item type clients draw.
func (f *floorItem) shown() uint32 {
	if f.item.ID == 0 {
		return msg.MoneyItemType(f.money)
	}
	return f.item.Type
}

// spawn encodes the MsgMapItem that shows the floor item.
func (f *floorItem) spawn(m *Map) []byte { return f.packet(m, msg.MapItemCreate) }

// despawn encodes the MsgMapItem that takes it off a screen.
func (f *floorItem) despawn(m *Map) []byte { return f.packet(m, msg.MapItemDelete) }

// packet encodes the floor item's MsgMapItem with action a, in the map's
// buffers (no allocation).
func (f *floorItem) packet(m *Map, a msg.MapItemAction) []byte {
	m.ground.pkt = msg.MapItem{ID: f.id, ItemType: f.shown(), X: f.x, Y: f.y, Colour: msg.DefaultItemColour, Action: a}
	return m.encode(&m.ground.pkt)
}

// kind labels the floor item in metrics.
func (f *floorItem) kind() string {
	if f.item.ID == 0 {
		return "money"
	}
	return "item"
}

// ground is what lies on a map's floor, by id and by tile. Owned by the
// map's goroutine; its maps are made at the first drop.
type ground struct {
	byID     map[uint32]*floorItem
	byTile   map[uint32]*floorItem // tile (x<<16 | y) → the floor item on it
	dropped  map[uint32]int        // player id → floor items its drops put here
	nextPile uint32                // the next money pile id to try
	pkt      msg.MapItem           // the packet being encoded
	answer   msg.Item              // the MsgItem answer being sent
}

// tile is the key of a tile in ground.byTile.
func tile(x, y uint16) uint32 { return uint32(x)<<16 | uint32(y) }

// free reports whether (x, y) is on the map, walkable and without a floor
// item.
func (m *Map) free(x, y int) bool {
	if x < 0 || y < 0 || x > math.MaxUint16 || y > math.MaxUint16 || !m.floor.Walkable(x, y) {
		return false
	}
	_, taken := m.ground.byTile[tile(uint16(x), uint16(y))]
	return !taken
}

// freeTile returns the free tile nearest (x, y), ring by ring out to
// DropSearchRadius.
func (m *Map) freeTile(x, y uint16) (uint16, uint16, bool) {
	for r := 0; r <= DropSearchRadius; r++ {
		for dy := -r; dy <= r; dy++ {
			for dx := -r; dx <= r; dx++ {
				if max(abs(dx), abs(dy)) != r {
					continue // inner rings were tried already
				}
				if tx, ty := int(x)+dx, int(y)+dy; m.free(tx, ty) {
					return uint16(tx), uint16(ty), true
				}
			}
		}
	}
	return 0, 0, false
}

// putOnFloor lays f on the floor and shows it to everyone in view.
func (m *Map) putOnFloor(f *floorItem) {
	g := &m.ground
	if g.byID == nil {
		g.byID = make(map[uint32]*floorItem)
		g.byTile = make(map[uint32]*floorItem)
		g.dropped = make(map[uint32]int)
	}
	g.byID[f.id] = f
	g.byTile[tile(f.x, f.y)] = f
	if f.dropper != 0 {
		g.dropped[f.dropper]++
	}
	m.addThing(f)
	m.world.metrics.floorItems.WithLabelValues(f.kind()).Inc()
}

// takeOffFloor takes f off the floor and off every screen.
func (m *Map) takeOffFloor(f *floorItem) {
	m.removeThing(f)
	g := &m.ground
	delete(g.byID, f.id)
	delete(g.byTile, tile(f.x, f.y))
	if f.dropper != 0 {
		if g.dropped[f.dropper]--; g.dropped[f.dropper] <= 0 {
			delete(g.dropped, f.dropper)
		}
	}
	m.world.metrics.floorItems.WithLabelValues(f.kind()).Dec()
}

// pileID returns an id for a new money pile, unused on this map.
func (m *Map) pileID() uint32 {
	g := &m.ground
	for {
		id := g.nextPile
		if id < moneyIDMin {
			id = moneyIDMin
		}
		if id == moneyIDMax {
			g.nextPile = moneyIDMin
		} else {
			g.nextPile = id + 1
		}
		if _, used := g.byID[id]; !used {
			return id
		}
	}
}

// dropSpot finds where p's drop asking for the point packed in data lands,
// or the refusal reason.
func (m *Map) dropSpot(p *Player, data uint32) (x, y uint16, why string) {
	if len(m.ground.byID) >= MaxFloorItems {
		return 0, 0, "floor_full"
	}
	if m.ground.dropped[p.id] >= MaxDropsPerPlayer {
		return 0, 0, "too_many"
	}
	x, y, swapped, ok := msg.DropPoint(data, func(x, y uint16) bool {
		return abs(int(x)-int(p.x)) <= DropRange && abs(int(y)-int(p.y)) <= DropRange
	})
	if !ok {
		return 0, 0, "far"
	}
	if swapped {
		m.world.log.Debug("drop point read x low", "player", p.id, "data", data)
	}
	if x, y, ok = m.freeTile(x, y); !ok {
		return 0, 0, "no_room"
	}
	return x, y, ""
}

// dropItem puts inventory item uid of p on the floor near the point packed
// in data (MsgItem 3), reserved for p for OwnerWindow. Map goroutine only.
func (m *Map) dropItem(p *Player, uid, data uint32, now time.Time) {
	if m.players[p.id] != p {
		return
	}
	it := p.inv.items[uid]
	switch {
	case it == nil:
		m.refuse("drop", "not_owned")
		return
	case it.Position >= store.PosHelmet && it.Position <= store.PosGarment:
		m.refuse("drop", "equipped")
		return
	case it.Position != store.PosInventory:
		m.refuse("drop", "not_in_inventory")
		return
	}
	if tab := m.world.table.Load(); tab != nil &&
		tab.types[it.Type].Monopoly&(content.MonopolyNoDrop|content.MonopolyNoTrade) != 0 {
		m.refuse("drop", "no_drop")
		return
	}
	x, y, why := m.dropSpot(p, data)
	if why != "" {
		m.refuse("drop", why)
		return
	}
	v := m.world.saver.version()
	delete(p.inv.items, uid)
	p.inv.count--
	f := &floorItem{place: place{x: x, y: y, cell: -1}, id: uid, item: *it, owner: p.id, dropper: p.id,
		reserved: now.Add(OwnerWindow), expires: now.Add(ItemLifetime)}
	f.item.Owner, f.item.OwnerID, f.item.Position, f.item.Slot, f.item.Version =
		store.OwnerFloor, m.id, store.PosFloor, 0, v
	m.world.saver.record([]store.Item{f.item}, nil, nil)
	m.ground.answer = msg.Item{ID: uid, Data: msg.DropXY(x, y), Action: msg.ItemOpDrop}
	p.conn.Send(&m.ground.answer) // encoded at once: the buffer may be reused
	m.putOnFloor(f)
	m.done("drop")
}

// dropMoney puts amount of p's silver on the floor near the point packed
// in data (MsgItem 12), reserved for p for OwnerWindow. The pile lives in
// memory only: the store sees the silver leave p. Map goroutine only.
func (m *Map) dropMoney(p *Player, amount, data uint32, now time.Time) {
	if m.players[p.id] != p {
		return
	}
	switch {
	case amount == 0:
		m.refuse("drop_money", "zero")
		return
	case amount > p.ch.Silver:
		m.refuse("drop_money", "money")
		return
	}
	x, y, why := m.dropSpot(p, data)
	if why != "" {
		m.refuse("drop_money", why)
		return
	}
	v := m.world.saver.version()
	p.ch.Silver -= amount
	m.world.saver.record(nil, nil, &store.MoneyTransfer{Version: v,
		Moves: []store.MoneyMove{{CharacterID: p.id, Silver: -int64(amount)}}})
	sendAttrib(p, msg.AttribSilver, uint64(p.ch.Silver))
	m.putOnFloor(&floorItem{place: place{x: x, y: y, cell: -1}, id: m.pileID(), money: amount, owner: p.id,
		dropper: p.id, reserved: now.Add(OwnerWindow), expires: now.Add(MoneyLifetime)})
	m.done("drop_money")
}

// loot is what a monster leaves on the floor: money, or an item of a type
// with a uid reserved from the store beforehand (uidPool, off the map's
// goroutine).
type loot struct {
	Money uint32 // silver; 0 for an item
	Type  uint32 // the item type
	UID   uint32 // the item's uid
}

// dropLoot lays l on the free tile nearest (x, y), reserved for player
// owner (0: anyone) for OwnerWindow, for LootLifetime; it reports false
// when the map has no room. A new item is saved on the floor (store
// OwnerFloor); money is created in memory only and reaches the store when
// picked up. For the combat code. Map goroutine only.
func (m *Map) dropLoot(owner uint32, x, y uint16, l loot, now time.Time) bool {
	if len(m.ground.byID) >= MaxFloorItems {
		return false
	}
	tab := m.world.table.Load()
	var typ content.ItemType
	if l.Money == 0 {
		var ok bool
		if tab != nil {
			typ, ok = tab.types[l.Type]
		}
		if _, dup := m.ground.byID[l.UID]; dup || !ok || l.UID < store.FirstItemID || l.UID > store.LastItemID {
			m.world.log.Error("loot of an unknown item type, or a bad or used uid", "type", l.Type, "uid", l.UID)
			return false
		}
	}
	x, y, ok := m.freeTile(x, y)
	if !ok {
		return false
	}
	f := &floorItem{place: place{x: x, y: y, cell: -1}, owner: owner, reserved: now.Add(OwnerWindow),
		expires: now.Add(LootLifetime)}
	if l.Money > 0 {
		f.id, f.money = m.pileID(), l.Money
	} else {
		f.id = l.UID
		f.item = store.Item{ID: l.UID, Type: typ.ID, Owner: store.OwnerFloor, OwnerID: m.id, Position: store.PosFloor,
			Amount: typ.Durability, AmountLimit: typ.Durability, Version: m.world.saver.version()}
		if typ.Stack > 1 {
			f.item.Amount, f.item.AmountLimit = 1, typ.Stack
		}
		m.world.saver.record([]store.Item{f.item}, nil, nil)
	}
	m.putOnFloor(f)
	m.done("loot")
	return true
}

// pick gives floor item id to p (MsgMapItem 3) if p stands within
// PickRange of it, may take it now and has room for it. Two players
// picking one item are serialised here: the first takes it, the second
// finds it gone. Map goroutine only.
func (m *Map) pick(p *Player, id uint32, now time.Time) {
	if m.players[p.id] != p {
		return
	}
	f := m.ground.byID[id]
	switch {
	case f == nil:
		m.refuse("pick", "unknown")
		return
	case abs(int(f.x)-int(p.x)) > PickRange || abs(int(f.y)-int(p.y)) > PickRange:
		m.refuse("pick", "far")
		return
	case f.owner != 0 && f.owner != p.id && now.Before(f.reserved):
		m.refuse("pick", "reserved")
		return
	case f.item.ID == 0 && uint64(p.ch.Silver)+uint64(f.money) > math.MaxUint32:
		m.refuse("pick", "money_overflow")
		return
	case f.item.ID != 0 && p.inv.count >= msg.InventorySize:
		m.refuse("pick", "full")
		return
	}
	v := m.world.saver.version()
	m.takeOffFloor(f)
	if f.item.ID == 0 {
		p.ch.Silver += f.money
		m.world.saver.record(nil, nil, &store.MoneyTransfer{Version: v,
			Moves: []store.MoneyMove{{CharacterID: p.id, Silver: int64(f.money)}}})
		sendAttrib(p, msg.AttribSilver, uint64(p.ch.Silver))
		m.done("pick_money")
		return
	}
	it := f.item
	it.Owner, it.OwnerID, it.Position, it.Version = store.OwnerCharacter, p.id, store.PosInventory, v
	p.inv.items[it.ID] = &it
	p.inv.count++
	m.world.saver.record([]store.Item{it}, nil, nil)
	p.conn.Send(itemInfo(&it, msg.ItemAdd))
	m.done("pick")
}

// expireFloor removes the floor items whose lifetime is over at now: an
// item is deleted (saved as a deletion), money is gone. It runs on the
// map's tick and when a player enters (a map nobody is on does not tick).
// Map goroutine only.
func (m *Map) expireFloor(now time.Time) {
	for _, f := range m.ground.byID {
		if now.Before(f.expires) {
			continue
		}
		m.takeOffFloor(f) // deleting the current entry while ranging is allowed
		if f.item.ID != 0 {
			m.world.saver.record(nil, []store.ItemDeletion{{ID: f.item.ID, Version: m.world.saver.version()}}, nil)
		}
		m.world.metrics.floorExpired.WithLabelValues(f.kind()).Inc()
	}
}

// clock returns the time of the game rules (Config.Now), for the tick and
// the lazy expiry at entry.
func (m *Map) clock() time.Time {
	if now := m.world.cfg.Now; now != nil {
		return now()
	}
	return time.Now()
}

// floorStore is the part of the store that lists floor items; a store
// without it keeps none.
type floorStore interface {
	FloorItems(ctx context.Context) ([]store.Item, error)
}

// clearFloor deletes the items a previous run left on the floor (a crash,
// or a stop, with items lying there): a restart starts with an empty floor
// and those items are gone, as if they had expired. Called at startup,
// after the version counter is set and before any map runs.
func clearFloor(ctx context.Context, sv *saver) (int, error) {
	fs, ok := sv.items.(floorStore)
	if !ok {
		return 0, nil
	}
	items, err := fs.FloorItems(ctx)
	if err != nil {
		return 0, fmt.Errorf("listing floor items: %w", err)
	}
	if len(items) == 0 {
		return 0, nil
	}
	v := sv.version()
	del := make([]store.ItemDeletion, len(items))
	for i, it := range items {
		del[i] = store.ItemDeletion{ID: it.ID, Version: v}
	}
	if err := sv.items.Save(ctx, store.Batch{Deleted: del}); err != nil {
		return 0, fmt.Errorf("deleting %d floor items: %w", len(items), err)
	}
	return len(items), nil
}
