package msg

import "github.com/coserver/coserver/wire"

// ItemInfo is MsgItemInfo (1008), game server to client, 44 bytes: adds or
// updates one item in the inventory or equipment, or shows another player's
// equipment. (Java sends a shorter, 36-byte form; it does not decode here:
// a 5017 server sends 44 bytes, per Wiki and CoEmu.) Status @17, socket
// progress @20 and colour @40 are from world-content.md §3.3 (Wiki2 5017,
// Redux 5065).
type ItemInfo struct {
	// UID is the item instance's id.
	UID uint32
	// ItemType is the item type id (e.g. 730001).
	ItemType uint32
	// Durability is the current durability, or the amount of a
	// stackable item (Wiki2).
	Durability uint16
	// MaxDurability is the durability when repaired, or the stack limit
	// of a stackable item.
	MaxDurability uint16
	// Action is what the client does with the item.
	Action ItemAction
	// Status is the item's state, ItemStatus flags (Wiki2 4267; Redux
	// "ident").
	Status ItemStatus
	// Position is where the item is: PositionInventory or an equipment
	// slot.
	Position ItemPosition
	// SocketProgress is the progress towards opening a socket (Wiki2
	// 5017).
	SocketProgress uint32
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
	// Colour is the item's colour (Redux 5065; CoEmu writes 0); 3 is the
	// default of helmets, armour and shields.
	Colour uint8
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
	c.U8((*uint8)(&p.Status), "Status") // Wiki and Java: Action is a u16; Wiki2, Redux: status
	c.U8((*uint8)(&p.Position), "Position")
	c.Zero(1, "Reserved")
	c.U32(&p.SocketProgress, "SocketProgress")
	c.U8(&p.Gem1, "Gem1")
	c.U8(&p.Gem2, "Gem2")
	c.U8(&p.RebornEffect, "RebornEffect")
	c.U8(&p.Magic, "Magic")
	c.U8(&p.Plus, "Plus")
	c.U8(&p.Bless, "Bless")
	c.U8(&p.Enchant, "Enchant")
	c.Zero(1, "Reserved")
	c.U32(&p.Restrain, "Restrain")
	c.Zero(4, "Reserved")
	c.U8(&p.Colour, "Colour")
	c.Zero(3, "Reserved")
}

// ItemAction is what ItemInfo asks the client to do (CoEmu, Wiki2, Wiki,
// Redux). It is not ItemOp, the action of MsgItem.
type ItemAction uint8

// Item actions.
const (
	ItemAdd            ItemAction = 1 // add the item
	ItemTrade          ItemAction = 2 // show the item in a trade
	ItemUpdate         ItemAction = 3 // update the item
	ItemOtherEquipment ItemAction = 4 // show another player's equipment
	ItemAuction        ItemAction = 5 // show the item in an auction
)

// ItemStatus is ItemInfo's status flags (Wiki2 4267; Redux "ident").
type ItemStatus uint8

// Item status flags.
const (
	ItemUnidentified    ItemStatus = 1 // not identified
	ItemCannotRepair    ItemStatus = 2 // cannot be repaired
	ItemFixedDurability ItemStatus = 4 // durability never drops
	ItemMagicAdd        ItemStatus = 8 // magic add
)

// ItemPosition is where an item is: ItemInfo @18 and cq_item.position
// (world-content.md §3.1).
type ItemPosition uint8

// Item positions.
const (
	PositionInventory ItemPosition = 0   // the inventory (40 slots)
	PositionHelmet    ItemPosition = 1   // helmet, hat
	PositionNecklace  ItemPosition = 2   // necklace
	PositionArmor     ItemPosition = 3   // armour
	PositionRightHand ItemPosition = 4   // right-hand weapon
	PositionLeftHand  ItemPosition = 5   // shield, one-hand weapon, arrows
	PositionRing      ItemPosition = 6   // ring, bracelet
	PositionTreasure  ItemPosition = 7   // "treasure": use in 5017 unknown
	PositionBoots     ItemPosition = 8   // boots
	PositionGarment   ItemPosition = 9   // garment
	PositionWarehouse ItemPosition = 201 // in a warehouse
	PositionTrunk     ItemPosition = 202 // in a trunk
	PositionChest     ItemPosition = 203 // in a chest
	PositionFloor     ItemPosition = 254 // on the ground
	PositionNone      ItemPosition = 255 // nowhere
)

// Capacities of the inventory and of the equipment.
const (
	// InventorySize is how many items the inventory holds (COPS, Java,
	// CSv2, WCO).
	InventorySize = 40
	// FirstEquipPosition is the first equipment position.
	FirstEquipPosition = PositionHelmet
	// LastEquipPosition is the last equipment position.
	LastEquipPosition = PositionGarment
)

// IsEquipment reports whether p is an equipment slot.
func (p ItemPosition) IsEquipment() bool {
	return p >= FirstEquipPosition && p <= LastEquipPosition
}
