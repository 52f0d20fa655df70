package msg

import (
	"strconv"

	"github.com/coserver/coserver/wire"
)

// Item is MsgItem (1009), both directions, 24 bytes: one request about an
// item or money (buy, sell, drop, use, equip, warehouse money, ping) and the
// server's answers. Comet 5017, CoEmu and Wiki2 5017 send 24 bytes; COPS,
// Java and Wiki 4330 stop after Timestamp, so decoding accepts 20 bytes and
// reads Amount as 0 then (world-content.md §3.4 and "Where the sources
// disagree": send 24, accept ≥ 20). Encoding always writes 24 bytes.
type Item struct {
	// ID is the action's subject: an item uid, an NPC id, a player id or a
	// money amount (see ItemOp).
	ID uint32
	// Data is the action's argument: an item type, an item uid, an
	// equipment position, a money amount, or a drop point packed by
	// DropXY (see ItemOp).
	Data uint32
	// Action is what the packet does.
	Action ItemOp
	// Timestamp is the sender's clock in milliseconds; the server echoes
	// a ping's unchanged.
	Timestamp uint32
	// Amount is how many items to buy (servers read max(1, Amount)); 0 in
	// the 20-byte form and in most other actions (Comet: "Argument").
	Amount uint32
}

// Type returns wire.TypeItem.
func (*Item) Type() wire.Type { return wire.TypeItem }

// Marshal reads or writes the body in wire order.
func (p *Item) Marshal(c *wire.Codec) {
	c.U32(&p.ID, "ID")
	c.U32(&p.Data, "Data")
	c.U32((*uint32)(&p.Action), "Action")
	c.U32(&p.Timestamp, "Timestamp")
	if c.Decoding() && c.Remaining() == 0 {
		p.Amount = 0 // the 20-byte form of COPS and Java
		return
	}
	c.U32(&p.Amount, "Amount")
}

// DropXY packs a map point into Item.Data the way this server sends and
// expects it: x in the high 16 bits, y in the low (COPS; Wiki2 says the
// reverse — world-content.md "Where the sources disagree"). Note that
// msg.XY, used by MsgAction, packs x low.
func DropXY(x, y uint16) uint32 { return uint32(x)<<16 | uint32(y) }

// DropPoints unpacks Item.Data of a drop (ItemOpDrop, ItemOpDropMoney) both
// ways: first the policy reading, x high (the inverse of DropXY), then the
// swapped reading, x low. The policy is to use the first point, and the
// swapped one only when the first is out of range and it is in range (and
// to log that).
func DropPoints(data uint32) (x, y, swappedX, swappedY uint16) {
	return uint16(data >> 16), uint16(data), uint16(data), uint16(data >> 16)
}

// DropPoint reads Item.Data of a drop by the policy of world-content.md:
// the point packed x high (DropPoints' first), unless only the swapped
// point passes inRange; swapped reports that the swapped point was taken
// (the caller logs it). ok is false when neither point is in range.
func DropPoint(data uint32, inRange func(x, y uint16) bool) (x, y uint16, swapped, ok bool) {
	x, y, sx, sy := DropPoints(data)
	switch {
	case inRange(x, y):
		return x, y, false, true
	case inRange(sx, sy):
		return sx, sy, true, true
	}
	return 0, 0, false, false
}

// ItemOp is Item's action (COPS enum with TQ's comments, Wiki2 5017;
// answers from COPS and WCO). It is not ItemAction, the action of
// MsgItemInfo. "C→S" is client to server, "S→C" the reverse.
type ItemOp uint32

// Item actions of world-content.md §3.4. In each, ID / Data are named.
const (
	// ItemOpBuy (1): C→S buy: NPC id / item type, Amount items. Answered
	// with MsgUserAttrib silver and MsgItemInfo ItemAdd per item.
	ItemOpBuy ItemOp = 1
	// ItemOpSell (2): C→S sell: NPC id / item uid. Answered by removing
	// the item (ItemOpDrop) and MsgUserAttrib silver.
	ItemOpSell ItemOp = 2
	// ItemOpDrop (3): C→S drop: item uid / point (DropXY); S→C remove the
	// item uid from the inventory.
	ItemOpDrop ItemOp = 3
	// ItemOpUse (4): C→S use or equip: item uid / position; position 0
	// uses the item, another equips it there.
	ItemOpUse ItemOp = 4
	// ItemOpEquip (5): S→C the item uid is now equipped at position Data.
	ItemOpEquip ItemOp = 5
	// ItemOpUnequip (6): both, take off: item uid / position. The server
	// echoes it, then sends MsgItemInfo at position 0 (policy).
	ItemOpUnequip ItemOp = 6
	// ItemOpSplit (7): C→S split a stack: item uid / amount.
	ItemOpSplit ItemOp = 7
	// ItemOpCombine (8): C→S combine stacks: item uid / other item uid.
	ItemOpCombine ItemOp = 8
	// ItemOpQueryMoney (9): both, warehouse money: NPC id / answered with
	// Data = the money saved.
	ItemOpQueryMoney ItemOp = 9
	// ItemOpSaveMoney (10): C→S put money in the warehouse: NPC id / amount.
	ItemOpSaveMoney ItemOp = 10
	// ItemOpDrawMoney (11): C→S take money from the warehouse: NPC id /
	// amount.
	ItemOpDrawMoney ItemOp = 11
	// ItemOpDropMoney (12): C→S drop money: amount / point (DropXY).
	ItemOpDropMoney ItemOp = 12
	// ItemOpRepair (14): C→S repair: item uid. Answered with MsgItemInfo
	// ItemUpdate.
	ItemOpRepair ItemOp = 14
	// ItemOpRepairAll (15): C→S repair all equipment.
	ItemOpRepairAll ItemOp = 15
	// ItemOpIdentify (16): C→S identify: item uid.
	ItemOpIdentify ItemOp = 16
	// ItemOpDurability (17): S→C item uid (Wiki2: position) / durability.
	ItemOpDurability ItemOp = 17
	// ItemOpDropEquipment (18): S→C the equipment item uid / position is
	// gone (Java sends it for unequip).
	ItemOpDropEquipment ItemOp = 18
	// ItemOpImprove (19): C→S raise quality: item uid / Dragonball uid.
	ItemOpImprove ItemOp = 19
	// ItemOpLevelUp (20): C→S raise level: item uid / Meteor uid.
	ItemOpLevelUp ItemOp = 20
	// ItemOpBoothQuery (21): C→S list a booth: booth id.
	ItemOpBoothQuery ItemOp = 21
	// ItemOpBoothAdd (22): C→S put an item in one's booth: item uid / price.
	ItemOpBoothAdd ItemOp = 22
	// ItemOpBoothDelete (23): C→S take an item out of one's booth.
	ItemOpBoothDelete ItemOp = 23
	// ItemOpBoothBuy (24): C→S buy from a booth: item uid / booth id.
	ItemOpBoothBuy ItemOp = 24
	// ItemOpSynchroAmount (25): S→C a stack's amount: item uid / amount.
	ItemOpSynchroAmount ItemOp = 25
	// ItemOpFireworks (26): S→C fireworks.
	ItemOpFireworks ItemOp = 26
	// ItemOpPing (27): C→S every 10 s: player id; echoed unchanged.
	ItemOpPing ItemOp = 27
	// ItemOpEnchant (28): both, enchant: item uid / gem uid (S→C: HP).
	ItemOpEnchant ItemOp = 28
	// ItemOpBoothAddCPs (29): C→S booth an item for CPs: item uid / CPs.
	ItemOpBoothAddCPs ItemOp = 29
)

// String returns the action's name without the ItemOp prefix ("Buy"), or
// its number.
func (a ItemOp) String() string {
	switch a {
	case ItemOpBuy:
		return "Buy"
	case ItemOpSell:
		return "Sell"
	case ItemOpDrop:
		return "Drop"
	case ItemOpUse:
		return "Use"
	case ItemOpEquip:
		return "Equip"
	case ItemOpUnequip:
		return "Unequip"
	case ItemOpSplit:
		return "Split"
	case ItemOpCombine:
		return "Combine"
	case ItemOpQueryMoney:
		return "QueryMoney"
	case ItemOpSaveMoney:
		return "SaveMoney"
	case ItemOpDrawMoney:
		return "DrawMoney"
	case ItemOpDropMoney:
		return "DropMoney"
	case ItemOpRepair:
		return "Repair"
	case ItemOpRepairAll:
		return "RepairAll"
	case ItemOpIdentify:
		return "Identify"
	case ItemOpDurability:
		return "Durability"
	case ItemOpDropEquipment:
		return "DropEquipment"
	case ItemOpImprove:
		return "Improve"
	case ItemOpLevelUp:
		return "LevelUp"
	case ItemOpBoothQuery:
		return "BoothQuery"
	case ItemOpBoothAdd:
		return "BoothAdd"
	case ItemOpBoothDelete:
		return "BoothDelete"
	case ItemOpBoothBuy:
		return "BoothBuy"
	case ItemOpSynchroAmount:
		return "SynchroAmount"
	case ItemOpFireworks:
		return "Fireworks"
	case ItemOpPing:
		return "Ping"
	case ItemOpEnchant:
		return "Enchant"
	case ItemOpBoothAddCPs:
		return "BoothAddCPs"
	}
	return strconv.FormatUint(uint64(a), 10)
}
