package msg

import "github.com/coserver/coserver/wire"

// WeaponSkill is MsgWeaponSkill (1025), game server to client, 16 bytes: a
// weapon proficiency learned or levelled; one per proficiency after the
// login step ActionSendProficiencies (combat.md §3).
type WeaponSkill struct {
	// Skill is the weapon's item type / 1000 (0 for bare hands).
	Skill uint32
	// Level is the proficiency level, 0–20.
	Level uint32
	// Exp is the experience towards the next level.
	Exp uint32
}

// Type returns wire.TypeWeaponSkill.
func (*WeaponSkill) Type() wire.Type { return wire.TypeWeaponSkill }

// Marshal reads or writes the body in wire order.
func (p *WeaponSkill) Marshal(c *wire.Codec) {
	c.U32(&p.Skill, "Skill")
	c.U32(&p.Level, "Level")
	c.U32(&p.Exp, "Exp")
}
