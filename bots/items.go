package bots

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/msg"
)

// BehaviourItems: as BehaviourWalk between rounds, and trade items: walk
// to the shop NPC, buy an item (a potion) and use it, take off and put on
// the right-hand weapon when one is equipped, drop an item at its feet,
// walk onto the tile where it landed (the server may put it beside a taken
// tile) and pick it up again.
const BehaviourItems = "items"

// Items behaviour.
const (
	// DefaultShopNPC is the shop NPC the bots buy from: the Pedlar in
	// view of Birth Village's start point, where new characters (bots)
	// appear, in content/default/npcs.toml.
	DefaultShopNPC = 30
	// DefaultShopItem is the item type the bots buy, use, drop and pick
	// up: a potion (1000000).
	DefaultShopItem = 1_000_000
	// ItemTimeout is how long a bot waits for the answer to an item
	// request (the item bought, used, moved, dropped or picked up); a
	// request left without one counts as unanswered and the round starts
	// again.
	ItemTimeout = 5 * time.Second
	// ItemPauseActions is how many actions of the walk behaviour a bot
	// takes between two rounds.
	ItemPauseActions = 5
)

// itemPhase is the step of its round a bot waits on.
type itemPhase uint8

const (
	itemIdle        itemPhase = iota // between rounds: head for the shop and buy
	itemBuyToUse                     // bought an item to use
	itemUsing                        // used it: waiting for it to go
	itemUnequipping                  // took off the weapon: waiting for it in the inventory
	itemEquipping                    // put it back on: waiting for it in the hand
	itemBuyToDrop                    // bought an item to drop
	itemDropping                     // dropped it: waiting for it on the floor
	itemReaching                     // walking onto the tile where it landed
	itemPicking                      // picked it up: waiting for it back
)

// itemState is a bot's progress through the items behaviour; owned by the
// bot's worker.
type itemState struct {
	phase   itemPhase
	since   time.Time // when the awaited request was sent
	count   int       // items of the shop type held when it was sent
	uid     uint32    // the item it is about
	floorID uint32    // the floor item being picked up
	pause   int       // walk-behaviour actions left before the next round
}

// itemStats counts the items behaviour, from every goroutine.
type itemStats struct {
	buys, uses, equips, drops, picks, rounds, unanswered atomic.Int64
}

// report returns the counts.
func (s *itemStats) report() Items {
	return Items{Buys: s.buys.Load(), Uses: s.uses.Load(), Equips: s.equips.Load(), Drops: s.drops.Load(),
		Picks: s.picks.Load(), Rounds: s.rounds.Load(), Unanswered: s.unanswered.Load()}
}

// Items counts the items behaviour (BehaviourItems): requests answered by
// the server, full rounds, and requests without an answer.
type Items struct {
	Buys   int64 `json:"buys"`
	Uses   int64 `json:"uses"`
	Equips int64 `json:"equips"`
	Drops  int64 `json:"drops"`
	Picks  int64 `json:"picks"`
	// Rounds counts rounds done from the buy to the pick-up.
	Rounds int64 `json:"rounds"`
	// Unanswered counts requests without an answer within ItemTimeout,
	// and drops whose floor item vanished before the bot could pick it up.
	Unanswered int64 `json:"unanswered"`
}

// String returns the counts on one line.
func (n Items) String() string {
	return fmt.Sprintf("%d buys, %d uses, %d re-equips, %d drops, %d pick-ups, %d rounds, %d unanswered",
		n.Buys, n.Uses, n.Equips, n.Drops, n.Picks, n.Rounds, n.Unanswered)
}

// shopItems returns how many items of the shop type b holds in its
// inventory, and one of them.
func (r *runner) shopItems(b *bot) (n int, uid uint32) { return b.c.CountItems(r.cfg.ShopItem) }

// actItems is the items behaviour's part of b's turn: it waits for the
// answer to its last request and sends the next, or heads for the shop.
// It reports whether it used the turn; when it did not, the bot acts as
// BehaviourWalk does.
func (r *runner) actItems(b *bot, now time.Time) bool {
	st := &b.items
	if st.phase != itemIdle {
		switch {
		case r.itemAnswered(b):
			r.itemNext(b, now)
		case now.Sub(st.since) >= ItemTimeout:
			r.st.items.unanswered.Add(1)
			st.phase, st.pause = itemIdle, ItemPauseActions
		case st.phase == itemReaching:
			e, ok := b.c.Entity(st.floorID)
			if !ok { // gone (someone else's item taken by its owner): start again
				r.st.items.unanswered.Add(1)
				st.phase, st.pause = itemIdle, ItemPauseActions
			} else if b.c.Pending() == 0 {
				r.approach(b, e.X, e.Y, now)
			}
		}
		return true
	}
	if st.pause > 0 {
		st.pause--
		return false
	}
	c := b.c
	shop, ok := c.Entity(r.cfg.ShopNPC)
	if !ok || shop.Kind != client.EntityNPC {
		return false // not in view: walk about
	}
	pos := c.Position()
	if client.Distance(pos.X, pos.Y, shop.X, shop.Y) > ClickRange {
		r.approach(b, shop.X, shop.Y, now)
		return true
	}
	if c.Pending() > 0 {
		return true // let the moves land: the server checks the range from its position
	}
	r.buy(b, itemBuyToUse, now)
	return true
}

// itemAnswered reports whether the server has answered the request b
// waits on.
func (r *runner) itemAnswered(b *bot) bool {
	c, st := b.c, &b.items
	switch st.phase {
	case itemBuyToUse, itemBuyToDrop:
		n, _ := r.shopItems(b)
		return n > st.count
	case itemUsing:
		_, held := c.Item(st.uid)
		return !held
	case itemUnequipping:
		it, held := c.Item(st.uid)
		return held && it.Position == msg.PositionInventory
	case itemEquipping:
		it, held := c.Item(st.uid)
		return held && it.Position == msg.PositionRightHand
	case itemDropping:
		// This server shows a dropped item under its uid; another may use
		// an id of its own, at the point asked.
		if e, ok := c.Entity(st.uid); ok && e.Kind == client.EntityFloorItem {
			st.floorID = e.ID
			return true
		}
		if _, held := c.Item(st.uid); held {
			return false // not dropped yet: another item at its feet is not this one
		}
		pos := c.Position()
		if e, ok := c.FloorItemAt(pos.X, pos.Y); ok && e.ItemType == r.cfg.ShopItem {
			st.floorID = e.ID
			return true
		}
	case itemReaching:
		e, ok := c.Entity(st.floorID)
		pos := c.Position()
		return ok && e.X == pos.X && e.Y == pos.Y && c.Pending() == 0
	case itemPicking:
		_, onFloor := c.Entity(st.floorID)
		n, _ := r.shopItems(b)
		return !onFloor && n >= st.count
	}
	return false
}

// itemNext counts the answered request and sends the round's next.
func (r *runner) itemNext(b *bot, now time.Time) {
	c, st, s := b.c, &b.items, &r.st.items
	var err error
	switch st.phase {
	case itemBuyToUse:
		s.buys.Add(1)
		st.count, st.uid = r.shopItems(b)
		err = r.itemSend(b, itemUsing, now, c.UseItem(st.uid))
	case itemUsing:
		s.uses.Add(1)
		if w, ok := c.Equipped(msg.PositionRightHand); ok {
			st.uid = w.UID
			err = r.itemSend(b, itemUnequipping, now, c.Unequip(w.UID, msg.PositionRightHand))
			break
		}
		r.dropOrBuy(b, now)
	case itemUnequipping:
		err = r.itemSend(b, itemEquipping, now, c.Equip(st.uid, msg.PositionRightHand))
	case itemEquipping:
		s.equips.Add(1)
		r.dropOrBuy(b, now)
	case itemBuyToDrop:
		s.buys.Add(1)
		r.dropOrBuy(b, now)
	case itemDropping:
		s.drops.Add(1)
		st.phase = itemReaching // the next turns walk onto its tile
	case itemReaching:
		err = r.itemSend(b, itemPicking, now, c.PickUp(st.floorID))
	case itemPicking:
		s.picks.Add(1)
		s.rounds.Add(1)
		st.phase, st.pause = itemIdle, ItemPauseActions
	}
	if err != nil {
		r.sendFailed(err)
	}
}

// dropOrBuy drops an item of the shop type at b's feet, or buys one when
// b has none.
func (r *runner) dropOrBuy(b *bot, now time.Time) {
	st := &b.items
	n, uid := r.shopItems(b)
	if n == 0 {
		r.buy(b, itemBuyToDrop, now)
		return
	}
	pos := b.c.Position()
	st.count, st.uid = n, uid
	if err := r.itemSend(b, itemDropping, now, b.c.DropItem(uid, pos.X, pos.Y)); err != nil {
		r.sendFailed(err)
	}
}

// buy buys one item of the shop type and waits in phase.
func (r *runner) buy(b *bot, phase itemPhase, now time.Time) {
	b.items.count, _ = r.shopItems(b)
	if err := r.itemSend(b, phase, now, b.c.Buy(r.cfg.ShopNPC, r.cfg.ShopItem, 1)); err != nil {
		r.sendFailed(err)
	}
}

// itemSend records the request just sent (err is its send's result): b
// waits in phase from now, or starts the round again when it failed.
func (r *runner) itemSend(b *bot, phase itemPhase, now time.Time, err error) error {
	st := &b.items
	if err != nil {
		st.phase, st.pause = itemIdle, ItemPauseActions
		return err
	}
	st.phase, st.since = phase, now
	return nil
}
