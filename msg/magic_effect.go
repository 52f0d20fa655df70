package msg

import (
	"fmt"

	"github.com/coserver/coserver/wire"
)

// MagicEffect is MsgMagicEffect (1105), game server to client, broadcast: a
// cast and what it did to each role it hit, 20 bytes and 12 per role
// (combat.md §3 "MsgMagicEffect 1105"; policy: 12 bytes per role and a u32
// count, not Java's 8 and u16). One packet carries at most MaxMagicTargets;
// decoding refuses more.
type MagicEffect struct {
	// Caster is the casting role.
	Caster uint32
	// Target is the target id of a single-target cast, else the cell
	// XY(x, y) of an area cast.
	Target uint32
	// Magic is the magic type.
	Magic uint16
	// Level is the magic level.
	Level uint16
	// Count is how many of Targets the packet carries.
	Count uint32
	// Targets are the roles hit, Targets[:Count]; the rest are zero after
	// a decode and ignored by an encode.
	Targets [MaxMagicTargets]MagicTarget
}

// MagicTarget is one role a MagicEffect hit.
type MagicTarget struct {
	// Role is the role hit.
	Role uint32
	// Value is the damage (0 = a miss) or the HP healed.
	Value uint32
}

// MaxMagicTargets is the most roles one MagicEffect carries: a bound on
// decoding, above what any area skill of this server hits at once.
const MaxMagicTargets = 40

// Type returns wire.TypeMagicEffect.
func (*MagicEffect) Type() wire.Type { return wire.TypeMagicEffect }

// Marshal reads or writes the body in wire order.
func (p *MagicEffect) Marshal(c *wire.Codec) {
	c.U32(&p.Caster, "Caster")
	c.U32(&p.Target, "Target")
	c.U16(&p.Magic, "Magic")
	c.U16(&p.Level, "Level")
	c.U32(&p.Count, "Count")
	if p.Count > MaxMagicTargets {
		c.Fail("Count", fmt.Sprintf("%d targets, at most %d", p.Count, MaxMagicTargets))
		return
	}
	for i := range p.Count {
		c.U32(&p.Targets[i].Role, "Role")
		c.U32(&p.Targets[i].Value, "Value")
		c.Zero(4, "Reserved")
	}
	if c.Decoding() {
		clear(p.Targets[p.Count:])
	}
}

// Add appends a role hit and reports whether it fit.
func (p *MagicEffect) Add(role, value uint32) bool {
	if p.Count >= MaxMagicTargets {
		return false
	}
	p.Targets[p.Count] = MagicTarget{Role: role, Value: value}
	p.Count++
	return true
}
