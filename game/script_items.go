package game

import (
	"cmp"
	"slices"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/script"
	"github.com/coserver/coserver/store"
)

// The item and money API of NPC scripts (script.Player, docs/SCRIPTING.md),
// run on the map's goroutine like the rest of a dialog. Each call is one
// version and one queued store change, as a purchase is: done whole or
// refused (counted in coserver_game_item_refused_total) with nothing
// changed.

var _ script.Holder = (*dialogHost)(nil)

// Money returns the silver the player carries.
func (h *dialogHost) Money() uint32 { return h.p.ch.Silver }

// GiveMoney adds n silver (giveMoney refuses a purse past 2^32-1).
func (h *dialogHost) GiveMoney(n uint32) bool { return h.m.giveMoney(h.p, n) }

// TakeMoney takes n silver, refusing when the player has less.
func (h *dialogHost) TakeMoney(n uint32) bool { return h.m.takeMoney(h.p, n) }

// GiveItem gives n new items of type t, with uids the session reserved
// beforehand (uidPool.reserve): the map never waits for the database.
func (h *dialogHost) GiveItem(t uint32, n int) bool {
	m, p := h.m, h.p
	tab := m.world.table.Load()
	var known bool
	if tab != nil {
		_, known = tab.types[t]
	}
	switch {
	case m.world.uids == nil:
		m.refuse("give_item", "no_item_store")
		return false
	case !known:
		m.refuse("give_item", "unknown_type")
		return false
	case p.inv.count+n > msg.InventorySize:
		m.refuse("give_item", "full")
		return false
	}
	first, ok := m.world.uids.tryTake(n)
	if !ok {
		m.refuse("give_item", "no_uids")
		return false
	}
	return m.giveItems(p, t, n, first) == ""
}

// TakeItem takes n items of type t from the inventory.
func (h *dialogHost) TakeItem(t uint32, n int) bool { return h.m.takeItems(h.p, t, n) }

// ItemCount returns how many items of type t the inventory holds.
func (h *dialogHost) ItemCount(t uint32) int {
	n := 0
	for _, it := range h.p.inv.items {
		if it.Type == t && it.Position == store.PosInventory {
			n++
		}
	}
	return n
}

// takeMoney takes n silver from p (scripts), refusing when p has less.
// Map goroutine only.
func (m *Map) takeMoney(p *Player, n uint32) bool {
	if m.players[p.id] != p || n > p.ch.Silver {
		m.refuse("take_money", "money")
		return false
	}
	v := m.world.saver.version()
	p.ch.Silver -= n
	m.world.saver.record(nil, nil, &store.MoneyTransfer{Version: v,
		Moves: []store.MoneyMove{{CharacterID: p.id, Silver: -int64(n)}}})
	sendAttrib(p, msg.AttribSilver, uint64(p.ch.Silver))
	m.done("take_money")
	return true
}

// takeItems deletes n items of type t from p's inventory (scripts), the
// lowest uids first, all at one version, or refuses when p has fewer. Map
// goroutine only.
func (m *Map) takeItems(p *Player, t uint32, n int) bool {
	if m.players[p.id] != p {
		return false
	}
	var found []*store.Item
	for _, it := range p.inv.items {
		if it.Type == t && it.Position == store.PosInventory {
			found = append(found, it)
		}
	}
	if len(found) < n {
		m.refuse("take_item", "not_owned")
		return false
	}
	slices.SortFunc(found, func(a, b *store.Item) int { return cmp.Compare(a.ID, b.ID) })
	v := m.world.saver.version()
	gone := make([]store.ItemDeletion, n)
	for i, it := range found[:n] {
		delete(p.inv.items, it.ID)
		p.inv.count--
		gone[i] = store.ItemDeletion{ID: it.ID, Version: v}
	}
	m.world.saver.record(nil, gone, nil)
	for _, d := range gone {
		p.conn.Send(&msg.Item{ID: d.ID, Action: msg.ItemOpDrop})
	}
	m.done("take_item")
	return true
}
