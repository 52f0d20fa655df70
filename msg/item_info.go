package msg

import "github.com/coserver/coserver/wire"

// ItemInfo is MsgItemInfo (1008), game server to client, 44 bytes: adds or
// updates one item in the inventory or equipment, or shows another player's
// equipment. (Java sends a shorter, 36-byte form; it does not decode here:
// a 5017 server sends 44 bytes, per Wiki and CoEmu.)
type ItemInfo struct {
	// UID is the item instance's id.
	UID uint32
	// ItemType is the item type id (e.g. 730001).
	ItemType uint32
	// Durability is the current durability.
	Durability uint16
	// MaxDurability is the durability when repaired.
	MaxDurability uint16
	// Action is what the client does with the item.
	Action ItemAction
	// Position is where the item is: 0 the inventory, else an equipment
	// slot.
	Position uint8
	// Gem1 is the first socket's gem.
	Gem1 uint8
	// Gem2 is the second socket's gem.
	Gem2 uint8
	// RebornEffect is the reborn effect.
	RebornEffect uint8
	// Magic is of unknown use; 0.
	Magic uint8
	// Plus is the composition level, +N.
	Plus uint8
	// Bless is the bless level.
	Bless uint8
	// Enchant is the enchant value.
	Enchant uint8
	// Restrain is the restrain value.
	Restrain uint32
}

// Type returns wire.TypeItemInfo.
func (*ItemInfo) Type() wire.Type { return wire.TypeItemInfo }

// Marshal reads or writes the body in wire order.
func (p *ItemInfo) Marshal(c *wire.Codec) {
	c.U32(&p.UID, "UID")
	c.U32(&p.ItemType, "ItemType")
	c.U16(&p.Durability, "Durability")
	c.U16(&p.MaxDurability, "MaxDurability")
	c.U8((*uint8)(&p.Action), "Action")
	c.Zero(1, "Reserved") // Wiki and Java: Action is a u16, this its high byte
	c.U8(&p.Position, "Position")
	c.Zero(5, "Reserved")
	c.U8(&p.Gem1, "Gem1")
	c.U8(&p.Gem2, "Gem2")
	c.U8(&p.RebornEffect, "RebornEffect")
	c.U8(&p.Magic, "Magic")
	c.U8(&p.Plus, "Plus")
	c.U8(&p.Bless, "Bless")
	c.U8(&p.Enchant, "Enchant")
	c.Zero(1, "Reserved")
	c.U32(&p.Restrain, "Restrain")
	c.Zero(8, "Reserved")
}

// ItemAction is what ItemInfo asks the client to do (CoEmu).
type ItemAction uint8

// Item actions.
const (
	ItemAdd            ItemAction = 1 // add the item
	ItemTrade          ItemAction = 2 // trade
	ItemUpdate         ItemAction = 3 // update the item
	ItemOtherEquipment ItemAction = 4 // show another player's equipment
)
