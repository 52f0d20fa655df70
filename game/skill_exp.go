package game

import (
	"cmp"
	"slices"

	"github.com/coserver/coserver/content"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/store"
)

// Weapon proficiency (combat.md §5.6): the experience of a hit also goes
// to the proficiency of the weapon in the right hand (0: bare hands), shown
// with MsgFlushExp, and a level gained with MsgWeaponSkill. Magic
// experience (the same value, §5.5) is shown with MsgFlushExp too.
// Both are saved with the character (store.Skill): any change marks them
// dirty and the next save (periodic or logout) writes the whole set.

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
	p.fight.skillsDirty = true
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

// trainMagic adds exp to p's experience of magic mt and shows it. Magic
// levels do not rise yet (only level 0 is learned, game/magic.go): the
// level kept is the content's.
func (m *Map) trainMagic(p *Player, mt content.MagicType, exp int) {
	if exp <= 0 {
		return
	}
	if p.fight.magic == nil {
		p.fight.magic = map[uint16]*proficiency{}
	}
	k := p.fight.magic[mt.Type]
	if k == nil {
		k = &proficiency{}
		p.fight.magic[mt.Type] = k
	}
	k.level = uint32(mt.Level)
	k.exp = uint32(min(uint64(k.exp)+uint64(exp), uint64(^uint32(0))))
	p.fight.skillsDirty = true
	m.mobs.flush = msg.FlushExp{Exp: k.exp, Skill: mt.Type, Kind: msg.FlushMagic}
	p.conn.Send(&m.mobs.flush)
}

// loadSkills sets f's proficiencies and magic from a loaded character's
// skills. A proficiency level out of 1–MaxProficiency or a magic type
// beyond uint16 (not stored by this server) is clamped or skipped, never
// trusted.
func (f *fighter) loadSkills(skills []store.Skill) {
	for _, s := range skills {
		switch s.Kind {
		case store.SkillWeapon:
			if f.prof == nil {
				f.prof = map[uint32]*proficiency{}
			}
			f.prof[s.Type] = &proficiency{level: min(max(uint32(s.Level), 1), MaxProficiency), exp: s.Exp}
		case store.SkillMagic:
			if s.Type > uint32(^uint16(0)) {
				continue
			}
			if f.magic == nil {
				f.magic = map[uint16]*proficiency{}
			}
			f.magic[uint16(s.Type)] = &proficiency{level: uint32(s.Level), exp: s.Exp}
		}
	}
}

// savedSkills returns f's skills as a snapshot saves them: nil (the store
// keeps what it has) unless they changed since login, else the whole set,
// sorted, never nil.
func (f *fighter) savedSkills() []store.Skill {
	if !f.skillsDirty {
		return nil
	}
	out := make([]store.Skill, 0, len(f.prof)+len(f.magic))
	for kind, pr := range f.prof {
		out = append(out, store.Skill{Kind: store.SkillWeapon, Type: kind, Level: uint16(pr.level), Exp: pr.exp})
	}
	for typ, k := range f.magic {
		out = append(out, store.Skill{Kind: store.SkillMagic, Type: uint32(typ), Level: uint16(k.level), Exp: k.exp})
	}
	slices.SortFunc(out, func(a, b store.Skill) int {
		if a.Kind != b.Kind {
			return int(a.Kind) - int(b.Kind)
		}
		return cmp.Compare(a.Type, b.Type)
	})
	return out
}

// sendProficiencies sends the client one MsgWeaponSkill per proficiency
// its character has (loaded at login, trained since) (the answer to MsgAction 77, before its
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
