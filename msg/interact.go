package msg

import (
	"math/bits"
	"strconv"

	"github.com/coserver/coserver/wire"
)

// Interact is MsgInteract (1022), both directions: one role acting on
// another — a melee or bow attack request, its result, a spell cast, a
// kill (combat.md §3 "MsgInteract 1022"). Encoding writes the 32-byte form
// (COPS, NWiki 5017); decoding accepts the 28-byte form of Java, Tane and
// Hybrid, which ends before Progress (combat.md "Where the sources
// disagree": send 32, accept ≥ 28).
type Interact struct {
	// Timestamp is the client's timeGetTime (ms since boot, wraps); the
	// server writes its own clock. Never used for timing checks (NWiki).
	Timestamp uint32
	// Sender is the acting role.
	Sender uint32
	// Target is the role acted on; in a client's magic cast it is
	// encoded (DecodeMagic).
	Target uint32
	// X is the target's column in a server's packet (policy: the
	// target's, as COPS); encoded in a client's magic cast.
	X uint16
	// Y is the target's row, like X.
	Y uint16
	// Action is what the packet does.
	Action InteractType
	// Data is the damage (0 = a miss), the kill count of a kill, or in a
	// client's magic cast the encoded magic type (low u16) and level
	// (high u16).
	Data uint32
	// Progress is 0 except for a jar count (type 30, later patches).
	Progress uint32
}

// Type returns wire.TypeInteract.
func (*Interact) Type() wire.Type { return wire.TypeInteract }

// Marshal reads or writes the body in wire order.
func (p *Interact) Marshal(c *wire.Codec) {
	c.U32(&p.Timestamp, "Timestamp")
	c.U32(&p.Sender, "Sender")
	c.U32(&p.Target, "Target")
	c.U16(&p.X, "X")
	c.U16(&p.Y, "Y")
	c.U32((*uint32)(&p.Action), "Action")
	c.U32(&p.Data, "Data")
	if c.Decoding() && c.Remaining() == 0 {
		p.Progress = 0 // the 28-byte form
		return
	}
	c.U32(&p.Progress, "Progress")
}

// InteractType is Interact's Action, in 5017 numbering (COPS, Java, Tane,
// NWiki; later patches renumber magic to 24 and shoot to 28, combat.md).
type InteractType uint32

// Interact types this server uses.
const (
	// InteractAttack (2): C→S a melee attack on Target; S→C its result,
	// Data = damage, 0 for a miss.
	InteractAttack InteractType = 2
	// InteractKill (14): S→C Target died by Sender; Data = 1 | kills<<16.
	InteractKill InteractType = 14
	// InteractMagic (21): C→S a spell cast, Target, X, Y and Data encoded
	// (DecodeMagic); the result is a MagicEffect.
	InteractMagic InteractType = 21
	// InteractShoot (25): C→S a bow attack on Target; S→C its result as
	// InteractAttack.
	InteractShoot InteractType = 25
)

// String returns the type's name without the Interact prefix ("Attack"),
// or its number.
func (t InteractType) String() string {
	switch t {
	case InteractAttack:
		return "Attack"
	case InteractKill:
		return "Kill"
	case InteractMagic:
		return "Magic"
	case InteractShoot:
		return "Shoot"
	}
	return strconv.FormatUint(uint64(t), 10)
}

// KillData is the Data of an InteractKill: 1 in the low half, the kill
// count of a Superman/Cyclone streak in the high half (policy, combat.md
// §2.3).
func KillData(streak uint16) uint32 { return 1 | uint32(streak)<<16 }

// Magic-cast encoding constants, TQ's (combat.md §3 "Magic-attack
// decoding"). Every step wraps.
const (
	magicTypeXor   = 0x915D
	magicTypeSub   = 0xEB42
	magicTargetXor = 0x5F2D2463
	magicTargetSub = 0x746F4AE6
	magicXXor      = 0x2ED6
	magicXSub      = 0x22EE
	magicYXor      = 0xB99B
	magicYSub      = 0x8922
)

// DecodeMagic reads a client's InteractMagic cast: the magic type and the
// target id, column and row, decoded with the sender's id. The level the
// client sends is ignored: servers use the level they store.
func (p *Interact) DecodeMagic() (magic uint16, target uint32, x, y uint16) {
	s := p.Sender
	magic = bits.RotateLeft16(uint16(p.Data)^magicTypeXor^uint16(s), 3) - magicTypeSub
	target = (bits.RotateLeft32(p.Target, -13) ^ magicTargetXor ^ s) - magicTargetSub
	x = bits.RotateLeft16(p.X^uint16(s)^magicXXor, 1) - magicXSub
	y = bits.RotateLeft16(p.Y^uint16(s)^magicYXor, 5) - magicYSub
	return magic, target, x, y
}

// EncodeMagic fills p as a client's cast of magic at level on target (0
// for the ground) at x, y by sender: the inverse of DecodeMagic. The level
// goes in the high half of Data unencoded.
func (p *Interact) EncodeMagic(sender uint32, magic, level uint16, target uint32, x, y uint16) {
	s := sender
	p.Sender = sender
	p.Action = InteractMagic
	p.Data = uint32(bits.RotateLeft16(magic+magicTypeSub, -3)^uint16(s)^magicTypeXor) | uint32(level)<<16
	p.Target = bits.RotateLeft32((target+magicTargetSub)^s^magicTargetXor, 13)
	p.X = bits.RotateLeft16(x+magicXSub, -1) ^ uint16(s) ^ magicXXor
	p.Y = bits.RotateLeft16(y+magicYSub, -5) ^ uint16(s) ^ magicYXor
}
