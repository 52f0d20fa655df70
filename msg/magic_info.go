package msg

import "github.com/coserver/coserver/wire"

// MagicInfo is MsgMagicInfo (1103), game server to client, 12 bytes: a
// skill the character knows, learned or levelled; one per skill after the
// login step ActionSendSpells (combat.md §3).
type MagicInfo struct {
	// Exp is the skill's experience towards its next level.
	Exp uint32
	// Magic is the magic type.
	Magic uint16
	// Level is the skill's level.
	Level uint16
}

// Type returns wire.TypeMagicInfo.
func (*MagicInfo) Type() wire.Type { return wire.TypeMagicInfo }

// Marshal reads or writes the body in wire order.
func (p *MagicInfo) Marshal(c *wire.Codec) {
	c.U32(&p.Exp, "Exp")
	c.U16(&p.Magic, "Magic")
	c.U16(&p.Level, "Level")
}
