package game

import (
	"cmp"
	"math"
	"slices"

	"github.com/coserver/coserver/content"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/store"
)

// The warehouse (world-content.md §3.8). A warehouse NPC (kind 3, no
// script) opens the client's warehouse window when clicked (MsgAction 126,
// window 4); the client then lists it and moves items with MsgPackage 1102
// and money with MsgItem 9/10/11. Each NPC keeps its own items for each
// character (store.Item.Warehouse is the NPC id), at most
// Config.WarehouseCapacity; the warehouse money is one purse per character
// (store.Character.WarehouseSilver). Every move is one version and one
// queued store change: the item is either in the inventory or in the
// warehouse, never both, in memory and in the database.

// openWarehouse opens the warehouse window for p. Map goroutine
// only.
func (m *Map) openWarehouse(p *Player) {
	m.action = msg.Action{ID: p.id, Data1: msg.DialogWarehouse, Data2: msg.XY(p.x, p.y),
		Subtype: msg.ActionOpenDialog}
	p.conn.Send(&m.action)
	m.done("open_warehouse")
}

// warehouseAt returns warehouse NPC npcID if it is on the map within
// NPCClickRange of p and keeps storage of kind, or the reason it is not.
func (m *Map) warehouseAt(p *Player, npcID uint32, kind msg.PackageKind) (*NPC, string) {
	n := m.npcs[npcID]
	switch {
	case n == nil:
		return nil, "no_npc"
	case n.kind != npcKindWarehouse:
		return nil, "not_warehouse"
	case !n.near(p.x, p.y):
		return nil, "far"
	case kind != msg.PackageWarehouse: // trunks and chests come with houses
		return nil, "kind"
	}
	return n, ""
}

// storedIn returns the items p keeps in warehouse npcID, ordered by uid,
// in m.stash (reused).
func (m *Map) storedIn(p *Player, npcID uint32) []*store.Item {
	m.stash = m.stash[:0]
	for _, it := range p.inv.stored {
		if it.Warehouse == npcID {
			m.stash = append(m.stash, it)
		}
	}
	slices.SortFunc(m.stash, func(a, b *store.Item) int { return cmp.Compare(a.ID, b.ID) })
	return m.stash
}

// listWarehouse sends p the list of what it keeps in warehouse npcID
// (MsgPackage query answer), or refuses. Map goroutine only.
func (m *Map) listWarehouse(p *Player, npcID uint32, kind msg.PackageKind) {
	if m.players[p.id] != p {
		return
	}
	if _, why := m.warehouseAt(p, npcID, kind); why != "" {
		m.refuse("warehouse_list", why)
		return
	}
	m.sendWarehouse(p, npcID)
	m.done("warehouse_list")
}

// sendWarehouse sends p the list of warehouse npcID, in one packet: the
// capacity (at most store.MaxWarehouseItems) is below msg.MaxPackageItems.
func (m *Map) sendWarehouse(p *Player, npcID uint32) {
	items := m.storedIn(p, npcID)
	pk := &m.pkg
	pk.ID, pk.Action, pk.Kind, pk.UID = npcID, msg.PackageQuery, msg.PackageWarehouse, 0
	pk.Count = uint32(min(len(items), msg.MaxPackageItems))
	for i, it := range items[:pk.Count] {
		pk.Items[i] = msg.PackageItem{UID: it.ID, ItemType: it.Type, Gem1: it.Gem1, Gem2: it.Gem2,
			Plus: it.Plus, Bless: it.Bless, Enchant: it.Enchant}
	}
	p.conn.Send(pk)
}

// deposit moves inventory item uid of p into warehouse npcID (check in),
// or refuses. Map goroutine only.
func (m *Map) deposit(p *Player, npcID uint32, kind msg.PackageKind, uid uint32) {
	if m.players[p.id] != p {
		return
	}
	if _, why := m.warehouseAt(p, npcID, kind); why != "" {
		m.refuse("deposit", why)
		return
	}
	it := p.inv.items[uid]
	switch {
	case it == nil:
		m.refuse("deposit", "not_owned")
		return
	case it.Position != store.PosInventory:
		m.refuse("deposit", "equipped")
		return
	}
	if tab := m.world.table.Load(); tab != nil && tab.types[it.Type].Monopoly&content.MonopolyNoStorage != 0 {
		m.refuse("deposit", "no_storage")
		return
	}
	if len(m.storedIn(p, npcID)) >= m.world.cfg.WarehouseCapacity {
		m.refuse("deposit", "full")
		return
	}
	v := m.world.saver.version()
	delete(p.inv.items, uid)
	p.inv.count--
	it.Position, it.Warehouse, it.Version = store.PosWarehouse, npcID, v
	p.inv.stored[uid] = it
	m.world.saver.record([]store.Item{*it}, nil, nil)
	m.itemOut = msg.Item{ID: uid, Action: msg.ItemOpDrop} // gone from the inventory
	p.conn.Send(&m.itemOut)
	m.sendWarehouse(p, npcID)
	m.done("deposit")
}

// withdraw moves item uid of p from warehouse npcID into its inventory
// (check out), or refuses. Map goroutine only.
func (m *Map) withdraw(p *Player, npcID uint32, kind msg.PackageKind, uid uint32) {
	if m.players[p.id] != p {
		return
	}
	if _, why := m.warehouseAt(p, npcID, kind); why != "" {
		m.refuse("withdraw", why)
		return
	}
	it := p.inv.stored[uid]
	switch {
	case it == nil || it.Warehouse != npcID:
		m.refuse("withdraw", "not_stored")
		return
	case p.inv.count >= msg.InventorySize:
		m.refuse("withdraw", "full")
		return
	}
	v := m.world.saver.version()
	delete(p.inv.stored, uid)
	it.Position, it.Warehouse, it.Version = store.PosInventory, 0, v
	p.inv.items[uid] = it
	p.inv.count++
	m.world.saver.record([]store.Item{*it}, nil, nil)
	m.infoOut = *itemInfo(it, msg.ItemAdd)
	p.conn.Send(&m.infoOut)
	m.sendWarehouse(p, npcID)
	m.done("withdraw")
}

// warehouseMoney answers MsgItem 9 (query), 10 (save) and 11 (draw) at
// warehouse npcID: a save moves n silver from p's purse into its
// warehouse money, a draw the reverse, in one money transfer. Each is
// answered with the new warehouse money (MsgItem 9, Data) and a save or
// draw with the new silver (MsgUserAttrib). Map goroutine only.
func (m *Map) warehouseMoney(p *Player, op msg.ItemOp, npcID, n uint32) {
	if m.players[p.id] != p {
		return
	}
	name := "query_money"
	switch op {
	case msg.ItemOpSaveMoney:
		name = "save_money"
	case msg.ItemOpDrawMoney:
		name = "draw_money"
	}
	if _, why := m.warehouseAt(p, npcID, msg.PackageWarehouse); why != "" {
		m.refuse(name, why)
		return
	}
	if op != msg.ItemOpQueryMoney {
		from, to := &p.ch.Silver, &p.ch.WarehouseSilver
		if op == msg.ItemOpDrawMoney {
			from, to = to, from
		}
		switch {
		case n == 0:
			m.refuse(name, "zero")
			return
		case n > *from:
			m.refuse(name, "money")
			return
		case uint64(*to)+uint64(n) > math.MaxUint32:
			m.refuse(name, "money_overflow")
			return
		}
		v := m.world.saver.version()
		*from -= n
		*to += n
		move := store.MoneyMove{CharacterID: p.id, Silver: -int64(n), WarehouseSilver: int64(n)}
		if op == msg.ItemOpDrawMoney {
			move.Silver, move.WarehouseSilver = int64(n), -int64(n)
		}
		m.world.saver.record(nil, nil, &store.MoneyTransfer{Version: v, Moves: []store.MoneyMove{move}})
		sendAttrib(p, msg.AttribSilver, uint64(p.ch.Silver))
	}
	m.itemOut = msg.Item{ID: npcID, Data: p.ch.WarehouseSilver, Action: msg.ItemOpQueryMoney}
	p.conn.Send(&m.itemOut)
	m.done(name)
}
