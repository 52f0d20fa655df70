package game

import (
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/store"
)

// Weapon proficiency (combat.md §5.6): the experience of a hit also goes
// to the proficiency of the weapon in the right hand (0: bare hands), shown
// with MsgFlushExp, and a level gained with MsgWeaponSkill. Magic
// experience (the same value, §5.5) is shown with MsgFlushExp too.
// Proficiencies and magic experience are kept in memory only: saving them
// needs a new saved field (store.Character has none).

// MaxProficiency is the highest proficiency level (Java, WC).
const MaxProficiency = 20

// profNeed[l] is the experience that passes proficiency level l (Java, WC;
// the client's WeaponSkillLevelExp.ini), levels 1–19. A new proficiency
// starts at level 1.
var profNeed = [MaxProficiency]uint32{0, 1_200, 68_000, 250_000, 640_000, 1_600_000, 4_000_000,
	10_000_000, 22_000_000, 40_000_000, 90_000_000, 95_000_000, 142_500_000, 213_750_000, 320_625_000,
	480_937_500, 721_406_250, 1_082_109_375, 1_623_164_063, 2_100_000_000}

// proficiency is one weapon kind's level and experience.
type proficiency struct {
	level, exp uint32
}

// weaponKind is the proficiency a weapon item type trains: type / 1000
// (410 blade, 480 club...), 0 for bare hands (combat.md §3).
func weaponKind(itemType uint32) uint32 { return itemType / 1000 }

// trainWeapon adds exp to the proficiency of p's right-hand weapon.
func (m *Map) trainWeapon(p *Player, exp int) {
	if exp <= 0 {
		return
	}
	kind := weaponKind(p.inv.equipped(store.PosRightHand))
	if p.fight.prof == nil {
		p.fight.prof = map[uint32]*proficiency{}
	}
	pr := p.fight.prof[kind]
	if pr == nil {
		pr = &proficiency{level: 1}
		p.fight.prof[kind] = pr
	}
	if pr.level >= MaxProficiency {
		return
	}
	pr.exp = uint32(min(uint64(pr.exp)+uint64(exp), uint64(^uint32(0))))
	levelled := false
	for pr.level < MaxProficiency && pr.exp >= profNeed[pr.level] {
		pr.exp -= profNeed[pr.level]
		pr.level++
		levelled = true
	}
	if levelled {
		m.mobs.skill = msg.WeaponSkill{Skill: kind, Level: pr.level, Exp: pr.exp}
		p.conn.Send(&m.mobs.skill)
		return
	}
	m.mobs.flush = msg.FlushExp{Exp: pr.exp, Skill: uint16(kind), Kind: msg.FlushWeaponSkill}
	p.conn.Send(&m.mobs.flush)
}

// trainMagic adds exp to p's experience of magic typ and shows it.
func (m *Map) trainMagic(p *Player, typ uint16, exp int) {
	if exp <= 0 {
		return
	}
	if p.fight.magicExp == nil {
		p.fight.magicExp = map[uint16]uint32{}
	}
	v := uint32(min(uint64(p.fight.magicExp[typ])+uint64(exp), uint64(^uint32(0))))
	p.fight.magicExp[typ] = v
	m.mobs.flush = msg.FlushExp{Exp: v, Skill: typ, Kind: msg.FlushMagic}
	p.conn.Send(&m.mobs.flush)
}

// sendProficiencies sends the client one MsgWeaponSkill per proficiency
// its character has this session (the answer to MsgAction 77, before its
// echo).
func (s *session) sendProficiencies() {
	pl := s.player
	send := func() {
		for kind, pr := range pl.fight.prof {
			pl.conn.Send(&msg.WeaponSkill{Skill: kind, Level: pr.level, Exp: pr.exp})
		}
	}
	if m := pl.at.Load(); m != nil {
		m.call(func(*Map) { send() })
		return
	}
	send()
}
