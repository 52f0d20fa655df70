package msg

import (
	"fmt"
	"strconv"

	"github.com/coserver/coserver/wire"
)

// Package is MsgPackage (1102), both directions: the warehouse. The client
// asks for an NPC's list (PackageQuery), checks an item in or out; the
// server answers a query with the list of stored items. Sources disagree
// on the offsets and the record; this is the policy of world-content.md
// §3.8: the item uid or the record count at @12, records from @16, 24-byte
// records as Redux 5065 and CSv2 write them (Wiki2 puts them at @10/@12,
// COPS 4330 has 20-byte records, WCO 36).
//
// A packet is 16 bytes plus 24 per record, so at most MaxPackageItems
// records fit in wire.MaxPacketSize; PackageLists splits a longer list.
type Package struct {
	// ID is the warehouse NPC's id.
	ID uint32
	// Action is what the packet does.
	Action PackageAction
	// Kind is the kind of storage.
	Kind PackageKind
	// UID is the item uid of a check in or out; 0 in a query (the u32
	// at @12 is Count there).
	UID uint32
	// Count is how many of Items a query's answer lists; 0 in a query
	// from the client and in a check in or out. Decoding refuses more than
	// MaxPackageItems.
	Count uint32
	// Items are the stored items, Items[:Count]; the rest are zero after a
	// decode and ignored by an encode.
	Items [MaxPackageItems]PackageItem
}

// PackageItem is one stored item in a Package list, 24 bytes on the wire
// (Redux 5065). The bytes at @8, @11, @12, @15 and @17–@22 are unknown:
// written as zero, ignored when read.
type PackageItem struct {
	// UID is the item's instance id.
	UID uint32
	// ItemType is the item type id.
	ItemType uint32
	// Gem1 is the first socket's gem.
	Gem1 uint8
	// Gem2 is the second socket's gem.
	Gem2 uint8
	// Plus is the composition level, +N.
	Plus uint8
	// Bless is the bless level.
	Bless uint8
	// Enchant is the enchant value.
	Enchant uint8
	// Colour is the item's colour.
	Colour uint8
}

// Sizes of MsgPackage.
const (
	// PackageHeaderSize is the size of a Package before its records,
	// header included.
	PackageHeaderSize = 16
	// PackageItemSize is the size of one PackageItem on the wire.
	PackageItemSize = 24
	// MaxPackageItems is the most records one Package carries: 84, as
	// many as fit in wire.MaxPacketSize (16 + 84 × 24 = 2032 bytes).
	MaxPackageItems = (wire.MaxPacketSize - PackageHeaderSize) / PackageItemSize
)

// Type returns wire.TypePackage.
func (*Package) Type() wire.Type { return wire.TypePackage }

// Marshal reads or writes the body in wire order.
func (p *Package) Marshal(c *wire.Codec) {
	c.U32(&p.ID, "ID")
	c.U8((*uint8)(&p.Action), "Action")
	c.U8((*uint8)(&p.Kind), "Kind")
	c.Zero(2, "Reserved")
	if p.Action != PackageQuery {
		c.U32(&p.UID, "UID")
		if c.Decoding() {
			p.Count = 0
			clear(p.Items[:])
		}
		return
	}
	c.U32(&p.Count, "Count")
	if c.Decoding() {
		p.UID = 0
	}
	if p.Count > MaxPackageItems {
		c.Fail("Count", fmt.Sprintf("%d records, at most %d", p.Count, MaxPackageItems))
		return
	}
	for i := range p.Count {
		p.Items[i].marshal(c)
	}
	if c.Decoding() {
		clear(p.Items[p.Count:])
	}
}

func (r *PackageItem) marshal(c *wire.Codec) {
	c.U32(&r.UID, "ItemUID")
	c.U32(&r.ItemType, "ItemType")
	c.Zero(1, "ItemReserved")
	c.U8(&r.Gem1, "ItemGem1")
	c.U8(&r.Gem2, "ItemGem2")
	c.Zero(2, "ItemReserved")
	c.U8(&r.Plus, "ItemPlus")
	c.U8(&r.Bless, "ItemBless")
	c.Zero(1, "ItemReserved")
	c.U8(&r.Enchant, "ItemEnchant")
	c.Zero(6, "ItemReserved")
	c.U8(&r.Colour, "ItemColour")
}

// List returns the records the packet carries, p.Items[:p.Count] (none
// when Count is out of range).
func (p *Package) List() []PackageItem {
	if p.Count > MaxPackageItems {
		return nil
	}
	return p.Items[:p.Count]
}

// PackageLists appends to dst the query answers listing items in the
// storage kind of NPC id: MaxPackageItems records per packet, and one
// empty list when items is empty. With the capacity of a warehouse (20
// per NPC) that is one packet. The client's handling of several list
// packets in a row is not documented for 5017 (WCO sends packets of 20).
func PackageLists(dst []Package, id uint32, kind PackageKind, items []PackageItem) []Package {
	for {
		n := min(len(items), MaxPackageItems)
		dst = append(dst, Package{ID: id, Action: PackageQuery, Kind: kind, Count: uint32(n)})
		copy(dst[len(dst)-1].Items[:], items[:n])
		items = items[n:]
		if len(items) == 0 {
			return dst
		}
	}
}

// PackageAction is Package's action (COPS, Redux, WCO, CSv2).
type PackageAction uint8

// Package actions.
const (
	// PackageQuery (0): C→S ask for the list; S→C the list.
	PackageQuery PackageAction = 0
	// PackageCheckIn (1): C→S store the inventory item UID.
	PackageCheckIn PackageAction = 1
	// PackageCheckOut (2): C→S take the stored item UID back.
	PackageCheckOut PackageAction = 2
)

// String returns the action's name without the Package prefix ("Query"),
// or its number.
func (a PackageAction) String() string {
	switch a {
	case PackageQuery:
		return "Query"
	case PackageCheckIn:
		return "CheckIn"
	case PackageCheckOut:
		return "CheckOut"
	}
	return strconv.Itoa(int(a))
}

// PackageKind is the kind of storage a Package is about.
type PackageKind uint8

// Storage kinds.
const (
	PackageWarehouse PackageKind = 10 // an NPC's warehouse
	PackageTrunk     PackageKind = 20 // a trunk
	PackageChest     PackageKind = 30 // a chest
)
