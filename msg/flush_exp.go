package msg

import "github.com/coserver/coserver/wire"

// FlushExp is MsgFlushExp (1104), game server to client, 12 bytes: the
// experience bar of a skill without a level change (combat.md §3; 1104 is
// this packet, proficiency is MsgWeaponSkill 1025).
type FlushExp struct {
	// Exp is the skill's experience.
	Exp uint32
	// Skill is the weapon-skill or magic type.
	Skill uint16
	// Kind says what Skill is.
	Kind FlushKind
}

// FlushKind is what a FlushExp updates.
type FlushKind uint16

// FlushExp kinds.
const (
	FlushWeaponSkill FlushKind = 0 // a weapon proficiency
	FlushMagic       FlushKind = 1 // a magic
	FlushSkill       FlushKind = 2 // a skill
)

// Type returns wire.TypeFlushExp.
func (*FlushExp) Type() wire.Type { return wire.TypeFlushExp }

// Marshal reads or writes the body in wire order.
func (p *FlushExp) Marshal(c *wire.Codec) {
	c.U32(&p.Exp, "Exp")
	c.U16(&p.Skill, "Skill")
	c.U16((*uint16)(&p.Kind), "Kind")
}
