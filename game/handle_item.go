package game

import (
	"math"
	"slices"

	"github.com/coserver/coserver/content"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/store"
)

// handleItem takes MsgItem (1009): buy, sell, use, equip, unequip, drop,
// drop money, the ping, warehouse money and repairs. A request the game
// rules refuse is counted
// (coserver_game_item_refused_total) and ignored, never a disconnect; only a
// malformed packet closes the connection.
func (s *session) handleItem(p []byte) error {
	if err := s.codec.Decode(p, &s.item); err != nil {
		return err
	}
	r := s.item
	pl := s.player
	m := pl.at.Load()
	switch r.Action {
	case msg.ItemOpPing:
		pl.conn.Send(&r) // echoed unchanged
	case msg.ItemOpBuy:
		n := int(min(max(r.Amount, 1), MaxBuyAmount))
		if s.srv.uids == nil {
			s.srv.m.itemRefused.WithLabelValues("buy", "no_item_store").Inc()
			return nil
		}
		ctx, cancel := s.storeCtx()
		first, err := s.srv.uids.take(ctx, n)
		cancel()
		if err != nil {
			s.srv.m.itemRefused.WithLabelValues("buy", "store_error").Inc()
			s.conn.Log.Error("buying", "err", err)
			return nil
		}
		m.do(func(m *Map) { m.buy(pl, r.ID, r.Data, n, first) })
	case msg.ItemOpSell:
		m.do(func(m *Map) { m.sell(pl, r.ID, r.Data) })
	case msg.ItemOpUse:
		m.do(func(m *Map) { m.use(pl, r.ID, r.Data) })
	case msg.ItemOpUnequip:
		m.do(func(m *Map) { m.unequip(pl, &r) })
	case msg.ItemOpDrop: // game/floor.go
		now := s.srv.now()
		m.do(func(m *Map) { m.dropItem(pl, r.ID, r.Data, now) })
	case msg.ItemOpDropMoney:
		now := s.srv.now()
		m.do(func(m *Map) { m.dropMoney(pl, r.ID, r.Data, now) })
	case msg.ItemOpQueryMoney, msg.ItemOpSaveMoney, msg.ItemOpDrawMoney: // warehouse.go
		m.do(func(m *Map) { m.warehouseMoney(pl, r.Action, r.ID, r.Data) })
	case msg.ItemOpRepair: // repair.go
		m.do(func(m *Map) { m.repair(pl, r.ID) })
	case msg.ItemOpRepairAll:
		m.do(func(m *Map) { m.repairAll(pl) })
	default:
		s.srv.m.itemRefused.WithLabelValues("other", "unsupported").Inc()
		s.conn.Log.Debug("unhandled MsgItem action", "action", r.Action)
	}
	return nil
}

// sendItems sends the client every item its character carries (the answer
// to MsgAction 75, before its echo).
func (s *session) sendItems() {
	pl := s.player
	send := func() {
		for _, it := range pl.inv.items {
			pl.conn.Send(itemInfo(it, msg.ItemAdd))
		}
	}
	if m := pl.at.Load(); m != nil {
		m.call(func(*Map) { send() })
		return
	}
	send() // not on a map yet: the session's goroutine owns the player
}

// refuse counts an item operation the game rules refused.
func (m *Map) refuse(op, reason string) {
	m.world.metrics.itemRefused.WithLabelValues(op, reason).Inc()
}

// done counts an item operation done.
func (m *Map) done(op string) { m.world.metrics.items.WithLabelValues(op).Inc() }

// sendAttrib tells p's client the new value of one attribute.
func sendAttrib(p *Player, t msg.AttribType, v uint64) {
	var a msg.UserAttrib
	a.ID = p.id
	a.Add(t, v)
	p.conn.Send(&a)
}

// shopAt returns the shop of NPC npcID if it is on the map within
// NPCClickRange of p, or the reason it is not.
func (m *Map) shopAt(p *Player, npcID uint32) (content.Shop, *itemTable, string) {
	n := m.npcs[npcID]
	if n == nil {
		return content.Shop{}, nil, "no_npc"
	}
	if !n.near(p.x, p.y) {
		return content.Shop{}, nil, "far"
	}
	tab := m.world.table.Load()
	if tab == nil {
		return content.Shop{}, nil, "not_shop"
	}
	shop, ok := tab.shops[npcID]
	if !ok {
		return content.Shop{}, nil, "not_shop"
	}
	return shop, tab, ""
}

// buy sells n items of type t from NPC npcID's shop to p, with the uids
// first … first+n-1. Map goroutine only.
func (m *Map) buy(p *Player, npcID, t uint32, n int, first uint32) {
	if m.players[p.id] != p {
		return
	}
	shop, tab, why := m.shopAt(p, npcID)
	if why != "" {
		m.refuse("buy", why)
		return
	}
	typ, ok := tab.types[t]
	if !ok || !slices.Contains(shop.Items, t) {
		m.refuse("buy", "not_sold")
		return
	}
	cost := uint64(typ.Price) * uint64(n) // ≤ 2^32 × MaxBuyAmount: no overflow
	purse, attrib := &p.ch.Silver, msg.AttribSilver
	var move store.MoneyMove
	if shop.Money != content.Silver {
		purse = &p.ch.CPs
		attrib = msg.AttribCPs
	}
	if cost > uint64(*purse) {
		m.refuse("buy", "money")
		return
	}
	if p.inv.count+n > msg.InventorySize {
		m.refuse("buy", "full")
		return
	}
	v := m.world.saver.version()
	*purse -= uint32(cost)
	move.CharacterID = p.id
	if shop.Money != content.Silver {
		move.CPs = -int64(cost)
	} else {
		move.Silver = -int64(cost)
	}
	items := m.newItems(p, typ, n, first, v)
	m.world.saver.record(slices.Clone(items), // memory keeps changing its own copy
		nil, &store.MoneyTransfer{Version: v, Moves: []store.MoneyMove{move}})
	sendAttrib(p, attrib, uint64(*purse))
	for i := range items {
		p.conn.Send(itemInfo(&items[i], msg.ItemAdd))
	}
	m.done("buy")
}

// giveMoney adds n silver to p (GM, script), refusing a purse past 2^32-1.
// Map goroutine only.
func (m *Map) giveMoney(p *Player, n uint32) bool {
	if m.players[p.id] != p || uint64(p.ch.Silver)+uint64(n) > math.MaxUint32 {
		m.refuse("give_money", "money_overflow")
		return false
	}
	v := m.world.saver.version()
	p.ch.Silver += n
	m.world.saver.record(nil, nil, &store.MoneyTransfer{Version: v,
		Moves: []store.MoneyMove{{CharacterID: p.id, Silver: int64(n)}}})
	sendAttrib(p, msg.AttribSilver, uint64(p.ch.Silver))
	m.done("give_money")
	return true
}

// giveItems gives p n new items of type t (GM, script) with the uids
// first … first+n-1, or returns why not. Map goroutine only.
func (m *Map) giveItems(p *Player, t uint32, n int, first uint32) string {
	tab := m.world.table.Load()
	if m.players[p.id] != p || tab == nil {
		return "not_here"
	}
	typ, ok := tab.types[t]
	if !ok {
		m.refuse("give_item", "unknown_type")
		return "unknown_type"
	}
	if p.inv.count+n > msg.InventorySize {
		m.refuse("give_item", "full")
		return "full"
	}
	v := m.world.saver.version()
	items := m.newItems(p, typ, n, first, v)
	m.world.saver.record(slices.Clone(items), // memory keeps changing its own copy
		nil, nil)
	for i := range items {
		p.conn.Send(itemInfo(&items[i], msg.ItemAdd))
	}
	m.done("give_item")
	return ""
}

// newItems puts n new items of typ in p's inventory at version v and
// returns them.
func (m *Map) newItems(p *Player, typ content.ItemType, n int, first uint32, v uint64) []store.Item {
	items := make([]store.Item, n)
	for i := range items {
		it := store.Item{ID: first + uint32(i), Type: typ.ID, Owner: store.OwnerCharacter, OwnerID: p.id,
			Position: store.PosInventory, Amount: typ.Durability, AmountLimit: typ.Durability, Version: v}
		if typ.Stack > 1 {
			it.Amount, it.AmountLimit = 1, typ.Stack
		}
		items[i] = it
		p.inv.items[it.ID] = &items[i]
		p.inv.count++
	}
	return items
}

// sellPrice is what a shop pays for it: the type's price / SellDivisor,
// scaled by durability.
func sellPrice(typ content.ItemType, it *store.Item) uint32 {
	price := uint64(typ.Price / SellDivisor)
	if it.AmountLimit > 0 && typ.Stack <= 1 {
		price = price * uint64(it.Amount) / uint64(it.AmountLimit)
	}
	return uint32(price)
}

// sell buys item uid back from p at NPC npcID's shop. Map goroutine only.
func (m *Map) sell(p *Player, npcID, uid uint32) {
	if m.players[p.id] != p {
		return
	}
	_, tab, why := m.shopAt(p, npcID)
	if why != "" {
		m.refuse("sell", why)
		return
	}
	it := p.inv.items[uid]
	switch {
	case it == nil:
		m.refuse("sell", "not_owned")
		return
	case it.Position != store.PosInventory:
		m.refuse("sell", "equipped")
		return
	}
	typ := tab.types[it.Type]
	if typ.Monopoly&content.MonopolyNoSell != 0 {
		m.refuse("sell", "no_sell")
		return
	}
	price := sellPrice(typ, it)
	if uint64(p.ch.Silver)+uint64(price) > math.MaxUint32 {
		m.refuse("sell", "money_overflow")
		return
	}
	v := m.world.saver.version()
	p.ch.Silver += price
	delete(p.inv.items, uid)
	p.inv.count--
	m.world.saver.record(nil, []store.ItemDeletion{{ID: uid, Version: v}},
		&store.MoneyTransfer{Version: v, Moves: []store.MoneyMove{{CharacterID: p.id, Silver: int64(price)}}})
	p.conn.Send(&msg.Item{ID: uid, Action: msg.ItemOpDrop})
	sendAttrib(p, msg.AttribSilver, uint64(p.ch.Silver))
	m.done("sell")
}

// use uses item uid (pos 0: a potion) or equips it at pos. Map goroutine
// only.
func (m *Map) use(p *Player, uid, pos uint32) {
	if m.players[p.id] != p {
		return
	}
	if p.fight.dead {
		m.refuse("use", "dead") // a ghost drinks no potion (docs/COMBAT.md)
		return
	}
	it := p.inv.items[uid]
	if it == nil {
		m.refuse("use", "not_owned")
		return
	}
	if it.Position != store.PosInventory {
		m.refuse("use", "not_in_inventory")
		return
	}
	tab := m.world.table.Load()
	var typ content.ItemType
	if tab != nil {
		typ = tab.types[it.Type]
	}
	if pos == 0 && (typ.HP > 0 || typ.MP > 0) {
		m.consume(p, it, typ)
		return
	}
	slot := store.Position(content.SlotOf(it.Type))
	if pos == 0 {
		pos = uint32(slot)
	}
	switch {
	case pos > uint32(store.PosGarment) || pos == 0:
		m.refuse("equip", "bad_slot")
		return
	case slot == store.PosInventory || store.Position(pos) != slot:
		m.refuse("equip", "wrong_slot")
		return
	case uint32(typ.ReqLevel) > uint32(p.ch.Level):
		m.refuse("equip", "level")
		return
	case typ.ReqClass != 0 && typ.ReqClass/10 != uint8(p.ch.Class/10):
		m.refuse("equip", "class")
		return
	}
	v := m.world.saver.version()
	changed := []store.Item{}
	if old := p.inv.items[p.inv.equip[slot]]; old != nil { // swap: the worn one goes to the inventory
		old.Position, old.Version = store.PosInventory, v
		changed = append(changed, *old)
		p.conn.Send(itemInfo(old, msg.ItemUpdate))
	} else {
		p.inv.count--
	}
	it.Position, it.Version = slot, v
	p.inv.equip[slot] = uid
	changed = append(changed, *it)
	m.world.saver.record(changed, nil, nil)
	p.conn.Send(&msg.Item{ID: uid, Data: uint32(slot), Action: msg.ItemOpEquip})
	m.restat(p)
	m.showLook(p)
	m.done("equip")
}

// consume uses potion it: restores HP/MP up to the maximum and deletes it.
func (m *Map) consume(p *Player, it *store.Item, typ content.ItemType) {
	v := m.world.saver.version()
	delete(p.inv.items, it.ID)
	p.inv.count--
	m.world.saver.record(nil, []store.ItemDeletion{{ID: it.ID, Version: v}}, nil)
	p.conn.Send(&msg.Item{ID: it.ID, Action: msg.ItemOpDrop})
	if typ.HP > 0 {
		p.ch.HP = uint16(min(int(p.ch.HP)+int(typ.HP), max(int(maxHP(&p.ch)), int(p.ch.HP))))
		sendAttrib(p, msg.AttribHP, uint64(p.ch.HP))
	}
	if typ.MP > 0 {
		p.ch.MP = uint16(min(int(p.ch.MP)+int(typ.MP), max(int(maxMP(&p.ch)), int(p.ch.MP))))
		sendAttrib(p, msg.AttribMP, uint64(p.ch.MP))
	}
	m.done("use")
}

// unequip takes off the item r.ID: echoed, then MsgItemInfo at position 0.
// Map goroutine only.
func (m *Map) unequip(p *Player, r *msg.Item) {
	if m.players[p.id] != p {
		return
	}
	it := p.inv.items[r.ID]
	switch {
	case it == nil:
		m.refuse("unequip", "not_owned")
		return
	case it.Position < store.PosHelmet || it.Position > store.PosGarment:
		m.refuse("unequip", "not_equipped")
		return
	case p.inv.count >= msg.InventorySize:
		m.refuse("unequip", "full")
		return
	}
	v := m.world.saver.version()
	p.inv.equip[it.Position] = 0
	it.Position, it.Version = store.PosInventory, v
	p.inv.count++
	m.world.saver.record([]store.Item{*it}, nil, nil)
	p.conn.Send(r)
	p.conn.Send(itemInfo(it, msg.ItemUpdate))
	m.restat(p)
	m.showLook(p)
	m.done("unequip")
}

// showLook sends p's spawn (with its new equipment) to everyone who sees it.
func (m *Map) showLook(p *Player) {
	p.spawnInto(&m.spawn)
	m.broadcast(p, m.encode(&m.spawn), false)
}
