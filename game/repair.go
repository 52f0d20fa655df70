package game

import (
	"math"

	"github.com/coserver/coserver/content"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/store"
)

// Repair prices (MsgItem 14 and 15). A repair restores an item's
// durability (store.Item.Amount) to its maximum (AmountLimit) for
//
//	cost = ⌈price × (max − durability) / max × quality / 1000⌉, at least 1,
//
// where price is the item type's shop price and quality depends on the
// type id's last digit (world-content.md §3.2): 9 super 1125, 8 elite 975,
// 7 unique 900, 6 refined 825, anything else 750 — the quality factors of
// WCO's GetRecoverDurCost. An item at durability 0 is broken: WCO repairs
// it for five Meteors, which this server does not do yet (refused,
// "broken"). Stackable items and types without durability have nothing to
// repair.
const (
	// repairQualityScale is the denominator of the quality factors.
	repairQualityScale = 1000
	// repairQualityNormal is the factor of qualities 0–5.
	repairQualityNormal = 750
)

// repairQuality is the quality factor of item type t, per mille.
func repairQuality(t uint32) uint64 {
	switch t % 10 {
	case 9:
		return 1125
	case 8:
		return 975
	case 7:
		return 900
	case 6:
		return 825
	}
	return repairQualityNormal
}

// repairCost returns what repairing it costs in silver, or why it needs
// no repair or cannot be repaired for money.
func repairCost(typ content.ItemType, it *store.Item) (uint32, string) {
	switch {
	case typ.Stack > 1 || it.AmountLimit == 0:
		return 0, "not_repairable"
	case it.Amount >= it.AmountLimit:
		return 0, "not_damaged"
	case it.Amount == 0:
		return 0, "broken"
	}
	missing := uint64(it.AmountLimit - it.Amount)
	den := uint64(it.AmountLimit) * repairQualityScale
	// price × missing × quality < 2^32 × 2^16 × 2^11: no overflow.
	cost := (uint64(typ.Price)*missing*repairQuality(it.Type) + den - 1) / den
	return uint32(min(max(cost, 1), math.MaxUint32)), ""
}

// repair repairs item uid that p carries (MsgItem 14). Map goroutine
// only.
func (m *Map) repair(p *Player, uid uint32) {
	if m.players[p.id] != p {
		return
	}
	it := p.inv.items[uid]
	if it == nil {
		m.refuse("repair", "not_owned")
		return
	}
	m.repairItems(p, "repair", it)
}

// repairAll repairs every damaged item p wears (MsgItem 15), all or
// nothing. Map goroutine only.
func (m *Map) repairAll(p *Player) {
	if m.players[p.id] != p {
		return
	}
	tab := m.world.table.Load()
	var worn [store.PosGarment]*store.Item
	n := 0
	for _, uid := range p.inv.equip {
		if it := p.inv.items[uid]; it != nil && tab != nil {
			if _, why := repairCost(tab.types[it.Type], it); why == "" {
				worn[n] = it
				n++
			}
		}
	}
	if n == 0 {
		m.refuse("repair_all", "not_damaged")
		return
	}
	m.repairItems(p, "repair_all", worn[:n]...)
}

// repairItems repairs items for their summed cost in silver, in one
// version and one money transfer, or refuses (op labels the counter).
func (m *Map) repairItems(p *Player, op string, items ...*store.Item) {
	tab := m.world.table.Load()
	if tab == nil {
		m.refuse(op, "not_repairable")
		return
	}
	var total uint64
	for _, it := range items {
		cost, why := repairCost(tab.types[it.Type], it)
		if why != "" {
			m.refuse(op, why)
			return
		}
		total += uint64(cost)
	}
	if total > uint64(p.ch.Silver) {
		m.refuse(op, "money")
		return
	}
	v := m.world.saver.version()
	p.ch.Silver -= uint32(total)
	changed := make([]store.Item, len(items))
	for i, it := range items {
		it.Amount, it.Version = it.AmountLimit, v
		changed[i] = *it
	}
	m.world.saver.record(changed, nil, &store.MoneyTransfer{Version: v,
		Moves: []store.MoneyMove{{CharacterID: p.id, Silver: -int64(total)}}})
	sendAttrib(p, msg.AttribSilver, uint64(p.ch.Silver))
	for _, it := range items {
		p.conn.Send(itemInfo(it, msg.ItemUpdate))
	}
	m.done(op)
}
