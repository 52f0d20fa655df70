package msg

import (
	"fmt"
	"strconv"

	"github.com/coserver/coserver/wire"
)

// UserAttrib is MsgUserAttrib (1017), game server to client: new values of
// some of a role's attributes (HP, money, level...), 12 bytes and 12 per
// attribute (u32 type, u64 value; combat.md and world-content.md §3.6).
// One packet carries at most MaxUserAttribs; decoding refuses more.
type UserAttrib struct {
	// ID is the role whose attributes change.
	ID uint32
	// Count is how many of Attribs the packet carries.
	Count uint32
	// Attribs are the changes, Attribs[:Count]; the rest are zero after
	// a decode and ignored by an encode.
	Attribs [MaxUserAttribs]Attrib
}

// Attrib is one attribute change of a UserAttrib.
type Attrib struct {
	// Type is the attribute.
	Type AttribType
	// Value is its new value; the high half is 0 except for status
	// flags (policy; Java writes a u32 and a constant 2).
	Value uint64
}

// MaxUserAttribs is the most attributes one UserAttrib carries: a bound on
// decoding, far above the handful a server sends at once (a level-up); a
// server with more sends two packets.
const MaxUserAttribs = 16

// Type returns wire.TypeUserAttrib.
func (*UserAttrib) Type() wire.Type { return wire.TypeUserAttrib }

// Marshal reads or writes the body in wire order.
func (p *UserAttrib) Marshal(c *wire.Codec) {
	c.U32(&p.ID, "ID")
	c.U32(&p.Count, "Count")
	if p.Count > MaxUserAttribs {
		c.Fail("Count", fmt.Sprintf("%d attributes, at most %d", p.Count, MaxUserAttribs))
		return
	}
	for i := range p.Count {
		c.U32((*uint32)(&p.Attribs[i].Type), "AttribType")
		c.U64(&p.Attribs[i].Value, "AttribValue")
	}
	if c.Decoding() {
		clear(p.Attribs[p.Count:])
	}
}

// Add appends an attribute change and reports whether it fit.
func (p *UserAttrib) Add(t AttribType, v uint64) bool {
	if p.Count >= MaxUserAttribs {
		return false
	}
	p.Attribs[p.Count] = Attrib{Type: t, Value: v}
	p.Count++
	return true
}

// List returns the changes the packet carries, p.Attribs[:p.Count] (none
// when Count is out of range).
func (p *UserAttrib) List() []Attrib {
	if p.Count > MaxUserAttribs {
		return nil
	}
	return p.Attribs[:p.Count]
}

// AttribType is the attribute a UserAttrib entry changes (Wiki2 5017,
// Redux 5065; COPS and Java agree where they overlap).
type AttribType uint32

// Attribute types of world-content.md §3.6 and combat.md.
const (
	AttribHP             AttribType = 0  // hit points
	AttribMaxHP          AttribType = 1  // maximum hit points
	AttribMP             AttribType = 2  // mana points
	AttribMaxMP          AttribType = 3  // maximum mana points
	AttribSilver         AttribType = 4  // silver carried
	AttribExperience     AttribType = 5  // experience
	AttribPK             AttribType = 6  // PK points
	AttribClass          AttribType = 7  // profession
	AttribSizeAdd        AttribType = 8  // size add: 0, 1 cursed, 2 blessed (NWiki)
	AttribStamina        AttribType = 9  // stamina, 0–100
	AttribWarehouseMoney AttribType = 10 // warehouse money (Redux)
	AttribAttributePts   AttribType = 11 // unspent attribute points
	AttribMesh           AttribType = 12 // look (ghost, transform)
	AttribLevel          AttribType = 13 // level
	AttribSpirit         AttribType = 14 // spirit
	AttribVitality       AttribType = 15 // vitality
	AttribStrength       AttribType = 16 // strength
	AttribAgility        AttribType = 17 // agility
	AttribBlessTime      AttribType = 18 // bless seconds (NWiki)
	AttribDoubleExpTime  AttribType = 19 // double-experience time
	AttribGuildDonation  AttribType = 20 // guild donation
	AttribCurseTime      AttribType = 21 // curse seconds (NWiki)
	AttribXPTime         AttribType = 22 // XP-skill time add
	AttribRebirths       AttribType = 23 // rebirths
	AttribStatus         AttribType = 26 // status flags, a u64 bitmap
	AttribHair           AttribType = 27 // hair
	AttribXPCircle       AttribType = 28 // XP circle, 0–100 (policy: 28, not NWiki's 31)
	AttribLuckyTime      AttribType = 29 // lucky time, ms
	AttribCPs            AttribType = 30 // CPs (policy: 30, not CSv2's 29)
)

// String returns the attribute's name without the Attrib prefix
// ("Silver"), or its number.
func (a AttribType) String() string {
	switch a {
	case AttribHP:
		return "HP"
	case AttribMaxHP:
		return "MaxHP"
	case AttribMP:
		return "MP"
	case AttribMaxMP:
		return "MaxMP"
	case AttribSilver:
		return "Silver"
	case AttribExperience:
		return "Experience"
	case AttribPK:
		return "PK"
	case AttribClass:
		return "Class"
	case AttribSizeAdd:
		return "SizeAdd"
	case AttribStamina:
		return "Stamina"
	case AttribWarehouseMoney:
		return "WarehouseMoney"
	case AttribAttributePts:
		return "AttributePts"
	case AttribMesh:
		return "Mesh"
	case AttribLevel:
		return "Level"
	case AttribSpirit:
		return "Spirit"
	case AttribVitality:
		return "Vitality"
	case AttribStrength:
		return "Strength"
	case AttribAgility:
		return "Agility"
	case AttribBlessTime:
		return "BlessTime"
	case AttribDoubleExpTime:
		return "DoubleExpTime"
	case AttribGuildDonation:
		return "GuildDonation"
	case AttribCurseTime:
		return "CurseTime"
	case AttribXPTime:
		return "XPTime"
	case AttribRebirths:
		return "Rebirths"
	case AttribStatus:
		return "Status"
	case AttribHair:
		return "Hair"
	case AttribXPCircle:
		return "XPCircle"
	case AttribLuckyTime:
		return "LuckyTime"
	case AttribCPs:
		return "CPs"
	}
	return strconv.FormatUint(uint64(a), 10)
}
