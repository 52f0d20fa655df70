package msg

import (
	"strconv"

	"github.com/coserver/coserver/wire"
)

// MapItem is MsgMapItem (1101), both directions, 20 bytes: an item or money
// lying on the floor appears or disappears on the client's screen, or the
// player picks it up. No source covers 5017; this is form B of Redux 5065,
// WCO and Wiki 5517, with the colour at @16 (world-content.md §3.5 and
// "Where the sources disagree": B, 20 B, since 5017's MsgItemInfo already
// has 5065's shape). COPS's form A (u32 action at @16) is also 20 bytes, so
// it decodes here as Colour = its action and Action = 0: a server for such a
// client needs another packet type, not a lenient decoder.
type MapItem struct {
	// ID is the floor item's id (not the item's uid).
	ID uint32
	// ItemType is the item type drawn on the floor; money shows as a
	// money type (MoneyItemType). 0 in a pick.
	ItemType uint32
	// X is the floor item's column.
	X uint16
	// Y is the floor item's row.
	Y uint16
	// Colour is the item's colour (3, the default, for most items;
	// Redux writes only the low byte).
	Colour uint16
	// Action is what the packet does.
	Action MapItemAction
}

// Type returns wire.TypeMapItem.
func (*MapItem) Type() wire.Type { return wire.TypeMapItem }

// Marshal reads or writes the body in wire order.
func (p *MapItem) Marshal(c *wire.Codec) {
	c.U32(&p.ID, "ID")
	c.U32(&p.ItemType, "ItemType")
	c.U16(&p.X, "X")
	c.U16(&p.Y, "Y")
	c.U16(&p.Colour, "Colour")
	c.U16((*uint16)(&p.Action), "Action")
}

// DefaultItemColour is the colour of an item without one (Redux, WCO).
const DefaultItemColour = 3

// MapItemAction is MapItem's action (Redux, WCO, Wiki2).
type MapItemAction uint16

// MapItem actions this server uses; 4 (pick with effect, 5095) and 10–12
// (traps) belong to later patches or features.
const (
	// MapItemCreate (1): S→C the floor item appears at X, Y.
	MapItemCreate MapItemAction = 1
	// MapItemDelete (2): S→C the floor item disappears.
	MapItemDelete MapItemAction = 2
	// MapItemPick (3): C→S the player picks up ID standing at X, Y; the
	// server echoes it to observers, then deletes the item.
	MapItemPick MapItemAction = 3
)

// String returns the action's name without the MapItem prefix ("Create"),
// or its number.
func (a MapItemAction) String() string {
	switch a {
	case MapItemCreate:
		return "Create"
	case MapItemDelete:
		return "Delete"
	case MapItemPick:
		return "Pick"
	}
	return strconv.Itoa(int(a))
}

// Money floor item types, by amount (WCO; world-content.md §3.5).
const (
	MoneySilver      = 1090000 // 1–9 silver
	MoneySycee       = 1090010 // 10–99
	MoneyGold        = 1090020 // 100–999
	MoneyGoldBullion = 1091000 // 1,000–1,999
	MoneyGoldBar     = 1091010 // 2,000–4,999
	MoneyGoldBars    = 1091020 // 5,000 and more
)

// MoneyItemType returns the item type that shows amount silver lying on
// the floor, with WCO's bounds (policy; COPS's bounds are one higher). An
// amount of 0 shows as MoneySilver; servers do not drop it.
func MoneyItemType(amount uint32) uint32 {
	switch {
	case amount < 10:
		return MoneySilver
	case amount < 100:
		return MoneySycee
	case amount < 1000:
		return MoneyGold
	case amount < 2000:
		return MoneyGoldBullion
	case amount < 5000:
		return MoneyGoldBar
	}
	return MoneyGoldBars
}

// IsMoneyItemType reports whether t is one of the money floor item types.
func IsMoneyItemType(t uint32) bool {
	switch t {
	case MoneySilver, MoneySycee, MoneyGold, MoneyGoldBullion, MoneyGoldBar, MoneyGoldBars:
		return true
	}
	return false
}
