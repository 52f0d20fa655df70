package content

import (
	"errors"
	"fmt"
	"math"
)

// Files of the item part of a pack; both are optional.
const (
	ItemFile = "items.toml"
	ShopFile = "shops.toml"
)

// Limits of the item part of a pack, checked before the data they bound is read.
const (
	MaxItemFileSize = 4 << 20 // bytes of items.toml (the full TQ table is ~11,000 types)
	MaxItemTypes    = 20000   // [[item]] entries
	MaxShops        = 1000    // [[shop]] entries
	MaxShopItems    = 100     // item types sold by one shop
)

// Item type id structure (world-content.md §3.2) and value ranges of an [[item]].
const (
	MinItemTypeID   = 100000  // the smallest id with a known sort (1xxxxx gear)
	MaxItemTypeID   = 1099999 // the largest id with a known sort (10xxxxx consumables)
	MaxItemNameLen  = 15      // bytes of an item name (char[16] in the client's itemtype.dat)
	MaxItemStack    = 65535   // the amount fits MsgItemInfo's u16 fields
	MaxDodge        = 100     // dodge is a percentage
	MaxReqLevel     = 255
	MaxReqClass     = 255
	MonopolyAllBits = 63 // the six documented bits, below
)

// Monopoly bits of an item type (cq_itemtype.monopoly, world-content.md §3.8).
const (
	MonopolyNoTrade     = 1  // cannot be traded (nor dropped)
	MonopolyNoStorage   = 2  // cannot be put in a warehouse
	MonopolyNoDrop      = 4  // cannot be dropped
	MonopolyNoSell      = 8  // cannot be sold to a shop
	MonopolyNeverLost   = 16 // never dropped on death
	MonopolySaleDisable = 32 // sale disabled
)

// Positions of an item (MsgItemInfo @18, cq_item.position; world-content.md §3.1).
// Slot returns one of the equipment positions 1–9 or PosInventory.
const (
	PosInventory = 0
	PosHelmet    = 1
	PosNecklace  = 2
	PosArmor     = 3
	PosRightHand = 4
	PosLeftHand  = 5 // shield, one-hand weapon, arrows
	PosRing      = 6
	PosTreasure  = 7 // unknown item class in 5017
	PosBoots     = 8
	PosGarment   = 9
	PosWarehouse = 201
	PosFloor     = 254
	PosNone      = 255
)

// ItemType is the data of one item type: what every item of that type has
// in common. Instances (uid, durability, plus, gems…) live elsewhere.
type ItemType struct {
	ID           uint32 // type id, structured as in world-content.md §3.2
	Name         string // 1–15 bytes of printable ASCII
	ReqLevel     uint8  // level needed to equip or use; 0 for none
	ReqClass     uint8  // class (profession) needed, TQ's req_profession; 0 for any
	Price        uint32 // silver a shop asks for it
	Durability   uint16 // maximum durability; 0 for none
	AttackMin    uint16
	AttackMax    uint16
	Defense      uint16
	MagicAttack  uint16
	MagicDefense uint16
	Dodge        uint8  // percent
	HP           uint16 // hit points restored when used
	MP           uint16 // mana restored when used
	Stack        uint16 // how many fit in one inventory slot; 1 = not stackable
	Monopoly     uint8  // Monopoly* bits
	Src          Source
}

// Slot returns the equipment position an item of this type goes to, from
// its id (world-content.md §3.1–3.2): PosHelmet, PosNecklace, PosArmor,
// PosRightHand (weapons), PosLeftHand (shields, arrows), PosRing, PosBoots,
// PosGarment; PosInventory (0) for everything that is not worn.
func (t ItemType) Slot() uint8 { return SlotOf(t.ID) }

// SlotOf returns the equipment position of item type id, as ItemType.Slot.
func SlotOf(id uint32) uint8 {
	switch id / 100000 {
	case 1: // gear: the kind is id / 10000
		switch id / 10000 {
		case 11, 14: // helmet, hat
			return PosHelmet
		case 12:
			return PosNecklace
		case 13:
			return PosArmor
		case 15:
			return PosRing
		case 16:
			return PosBoots
		case 17, 18, 19:
			return PosGarment
		}
	case 4, 5: // one-hand, two-hand weapons
		return PosRightHand
	case 9: // shields
		return PosLeftHand
	case 10:
		if id/10000 == 105 { // arrows
			return PosLeftHand
		}
	}
	return PosInventory
}

// Stackable reports whether several items of this type share one slot.
func (t ItemType) Stackable() bool { return t.Stack > 1 }

// Currency is what a shop takes in payment.
type Currency uint8

// Currencies of a shop.
const (
	Silver Currency = iota // "silver"
	CPs                    // "cps": Conquer Points
)

// String returns the name used in shops.toml.
func (c Currency) String() string {
	if c == CPs {
		return "cps"
	}
	return "silver"
}

// Shop is what a shop NPC sells.
type Shop struct {
	NPC   uint32   // id of a kind-1 NPC of the pack
	Money Currency // what it takes
	Items []uint32 // item type ids, in the order of the file; each in Pack.Items
	Src   Source
}

// itemTypeIDProblem returns why id is not a plausible item type id, or "".
func itemTypeIDProblem(id int64) string {
	if id < MinItemTypeID || id > MaxItemTypeID {
		return fmt.Sprintf("id out of range %d–%d", MinItemTypeID, MaxItemTypeID)
	}
	switch s := id / 100000; s {
	case 1:
		if kind := id / 10000; kind < 11 || kind > 19 {
			return fmt.Sprintf("gear kind %d (id / 10000) unknown: want 11–19", kind)
		}
		if kind := id / 10000; kind == 11 || kind == 13 || kind == 14 {
			if colour := id / 100 % 10; colour == 1 || colour == 2 {
				return fmt.Sprintf("colour digit %d (id / 100 %% 10) of a helmet or armour: want 0 or 3–9", colour)
			}
		}
	case 4, 5, 7, 9:
	case 10:
		if id/10000 == 109 {
			return "109xxxx ids are money lying on the floor, not items"
		}
	default:
		return fmt.Sprintf("sort %d (id / 100000) unknown: want 1, 4, 5, 7, 9 or 10", s)
	}
	return ""
}

// ValidItemName returns why s is not an acceptable item name (1–MaxItemNameLen
// bytes of printable ASCII, no leading or trailing space), or nil.
func ValidItemName(s string) error {
	if s == "" {
		return errors.New("name is empty")
	}
	if len(s) > MaxItemNameLen {
		return fmt.Errorf("name %q is %d bytes, longer than %d", s, len(s), MaxItemNameLen)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return fmt.Errorf("name %q must be printable ASCII", s)
		}
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return fmt.Errorf("name %q must not start or end with a space", s)
	}
	return nil
}

// parseItems decodes and validates items.toml.
func (l *loader) parseItems(src []byte) map[uint32]ItemType {
	entries := l.decodeTable(ItemFile, src, "item", MaxItemTypes)
	items := make(map[uint32]ItemType, len(entries))
	for _, e := range entries {
		f := l.fields(e, "id", "name", "req_level", "req_class", "price", "durability",
			"attack_min", "attack_max", "defense", "magic_attack", "magic_defense", "dodge",
			"hp", "mp", "stack", "monopoly")
		e.label = fmt.Sprintf("item entry %d", e.index)
		id, idOK := f.int("id", true, math.MinInt64, math.MaxInt64) // checked below
		if idOK {
			e.label = fmt.Sprintf("item %d", id)
		}
		f.unknown()
		t := ItemType{ID: uint32(id), Src: e.src(), Stack: 1}
		valid := idOK
		if idOK {
			if msg := itemTypeIDProblem(id); msg != "" {
				f.add(e.keyLine("id"), "%s", msg)
				valid = false
			} else if prev, dup := items[t.ID]; dup {
				f.add(e.keyLine("id"), "duplicate id, first defined at %s", prev.Src)
				valid = false
			}
		}
		t.Name = f.name(&valid, ValidItemName)
		get := func(key string, lo, hi int64) int64 { return f.num(&valid, key, false, lo, hi) }
		t.ReqLevel = uint8(get("req_level", 0, MaxReqLevel))
		t.ReqClass = uint8(get("req_class", 0, MaxReqClass))
		t.Price = uint32(get("price", 0, maxU32))
		t.Durability = uint16(get("durability", 0, maxU16))
		t.AttackMin = uint16(get("attack_min", 0, maxU16))
		t.AttackMax = uint16(get("attack_max", 0, maxU16))
		t.Defense = uint16(get("defense", 0, maxU16))
		t.MagicAttack = uint16(get("magic_attack", 0, maxU16))
		t.MagicDefense = uint16(get("magic_defense", 0, maxU16))
		t.Dodge = uint8(get("dodge", 0, MaxDodge))
		t.HP = uint16(get("hp", 0, maxU16))
		t.MP = uint16(get("mp", 0, maxU16))
		if f.has("stack") {
			t.Stack = uint16(get("stack", 1, MaxItemStack))
		}
		t.Monopoly = uint8(get("monopoly", 0, MonopolyAllBits))
		if t.AttackMin > t.AttackMax {
			f.add(e.keyLine("attack_min"), "attack_min %d is more than attack_max %d", t.AttackMin, t.AttackMax)
			valid = false
		}
		if idOK && SlotOf(t.ID) != PosInventory {
			if t.HP != 0 || t.MP != 0 {
				f.add(e.src(), "hp and mp are restored by consumables, not by equipment (slot %d)", SlotOf(t.ID))
				valid = false
			}
			if t.Stack > 1 && id/10000 != 105 {
				f.add(e.keyLine("stack"), "equipment does not stack (only arrows do)")
				valid = false
			}
		}
		if valid {
			items[t.ID] = t
		}
	}
	return items
}

// shopRefs is what shops.toml refers to: the NPCs and item types already
// loaded, and whether their files loaded without problems (if not, a
// missing reference is not reported again).
type shopRefs struct {
	npcs    []NPC
	npcsOK  bool
	items   map[uint32]ItemType
	itemsOK bool
}

// parseShops decodes and validates shops.toml against the NPCs and item
// types already loaded.
func (l *loader) parseShops(src []byte, refs shopRefs) map[uint32]Shop {
	entries := l.decodeTable(ShopFile, src, "shop", MaxShops)
	items := refs.items
	kind := make(map[uint32]uint16, len(refs.npcs))
	for _, n := range refs.npcs {
		kind[n.ID] = n.Kind
	}
	shops := make(map[uint32]Shop, len(entries))
	for _, e := range entries {
		f := l.fields(e, "npc", "money", "items")
		e.label = fmt.Sprintf("shop entry %d", e.index)
		npcID, npcOK := f.int("npc", true, MinNPCID, MaxNPCID)
		if npcOK {
			e.label = fmt.Sprintf("shop of npc %d", npcID)
		}
		f.unknown()
		s := Shop{NPC: uint32(npcID), Src: e.src()}
		valid := npcOK
		if npcOK {
			k, exists := kind[s.NPC]
			switch {
			case !exists && !refs.npcsOK:
				valid = false
			case !exists:
				f.add(e.keyLine("npc"), "npc %d is not in %s", npcID, NPCFile)
				valid = false
			case k != NPCKindShop:
				f.add(e.keyLine("npc"), "npc %d is of kind %d, a shop must be kind %d", npcID, k, NPCKindShop)
				valid = false
			}
			if prev, dup := shops[s.NPC]; dup {
				f.add(e.keyLine("npc"), "duplicate shop, first defined at %s", prev.Src)
				valid = false
			}
		}
		s.Money = oneOf(f, &valid, "money", []option[Currency]{{"silver", Silver}, {"cps", CPs}})
		ids, ok := f.intList("items", 1, MaxShopItems)
		if !ok {
			valid = false
		}
		seen := make(map[int64]bool, len(ids))
		for _, id := range ids {
			switch {
			case seen[id]:
				f.add(e.keyLine("items"), "item %d listed twice", id)
				valid = false
			case id < 0 || id > maxU32:
				f.add(e.keyLine("items"), "item %d out of range 0–%d", id, int64(maxU32))
				valid = false
			case refs.itemsOK:
				if _, exists := items[uint32(id)]; !exists {
					f.add(e.keyLine("items"), "item %d is not in %s", id, ItemFile)
					valid = false
				}
			}
			seen[id] = true
			s.Items = append(s.Items, uint32(id))
		}
		if valid {
			shops[s.NPC] = s
		}
	}
	return shops
}

// NPCKindShop is the MsgNpcInfo type of a shopkeeper: the only kind a
// [[shop]] may belong to.
const NPCKindShop = 1

// intList reads a required array of integers of min–max elements.
func (f *fields) intList(key string, minLen, maxLen int) ([]int64, bool) {
	raw, present := f.e.vals[key]
	if !present {
		f.add(f.e.src(), "missing required key %q", key)
		return nil, false
	}
	arr, isArr := raw.([]any)
	if !isArr {
		f.add(f.e.keyLine(key), "%s must be an array of integers, not %s", key, tomlType(raw))
		return nil, false
	}
	if len(arr) < minLen || len(arr) > maxLen {
		f.add(f.e.keyLine(key), "%s has %d elements, want %d–%d", key, len(arr), minLen, maxLen)
		return nil, false
	}
	out := make([]int64, 0, len(arr))
	for _, v := range arr {
		n, isInt := v.(int64)
		if !isInt {
			f.add(f.e.keyLine(key), "%s must be an array of integers, found %s", key, tomlType(v))
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}
