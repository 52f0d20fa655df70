package msg

import "github.com/coserver/coserver/wire"

// Allot is MsgAllot (1024), client to game server, 8 bytes: attribute
// points to add to each attribute, from the unspent ones (combat.md §3).
type Allot struct {
	// Strength is the points added to strength.
	Strength uint8
	// Agility is the points added to agility.
	Agility uint8
	// Vitality is the points added to vitality.
	Vitality uint8
	// Spirit is the points added to spirit.
	Spirit uint8
}

// Type returns wire.TypeAllot.
func (*Allot) Type() wire.Type { return wire.TypeAllot }

// Marshal reads or writes the body in wire order.
func (p *Allot) Marshal(c *wire.Codec) {
	c.U8(&p.Strength, "Strength")
	c.U8(&p.Agility, "Agility")
	c.U8(&p.Vitality, "Vitality")
	c.U8(&p.Spirit, "Spirit")
}

// Total is the points the packet spends.
func (p *Allot) Total() int {
	return int(p.Strength) + int(p.Agility) + int(p.Vitality) + int(p.Spirit)
}
