package game

import (
	"slices"
	"time"

	"github.com/coserver/coserver/combat"
	"github.com/coserver/coserver/content"
	"github.com/coserver/coserver/msg"
)

// combatRules are the fighting parts of the content pack installed last:
// read-only once stored, shared by every map.
type combatRules struct {
	monsters map[uint32]*content.MonsterType
	levels   []uint64
	// byClass lists, per class (combat.Base of the profession), the magic
	// its characters learn, by need_level.
	byClass map[int][]content.MagicType
}

func newCombatRules(pack *content.Pack) *combatRules {
	r := &combatRules{monsters: map[uint32]*content.MonsterType{}, levels: pack.Levels,
		byClass: map[int][]content.MagicType{}}
	for id, t := range pack.Monsters {
		r.monsters[id] = &t
	}
	for _, mt := range pack.Magic {
		if mt.Level != 0 {
			continue // levels above 0 are not learned yet (no skill experience)
		}
		r.byClass[int(mt.Class)] = append(r.byClass[int(mt.Class)], mt)
	}
	for _, list := range r.byClass {
		slices.SortFunc(list, func(a, b content.MagicType) int { return int(a.Type) - int(b.Type) })
	}
	return r
}

// combat returns the rules installed last (empty before any content).
func (w *World) combat() *combatRules {
	if r := w.rules.Load(); r != nil {
		return r
	}
	return &combatRules{}
}

// skills calls f for every magic p knows: those of its class (and of any
// class) up to its level.
func (r *combatRules) skills(p *Player, f func(content.MagicType)) {
	for _, class := range [...]int{combat.Base(int(p.ch.Class)), 0} {
		for _, mt := range r.byClass[class] {
			if mt.NeedLevel <= p.ch.Level {
				f(mt)
			}
		}
		if class == 0 {
			break
		}
	}
}

// skill returns the magic of this type p knows.
func (r *combatRules) skill(p *Player, typ uint16) (content.MagicType, bool) {
	var out content.MagicType
	found := false
	r.skills(p, func(mt content.MagicType) {
		if mt.Type == typ {
			out, found = mt, true
		}
	})
	return out, found
}

// sendSpells sends the client one MsgMagicInfo per magic its character
// knows, with the experience saved for it (the answer to MsgAction 78,
// before its echo).
func (s *session) sendSpells() {
	pl := s.player
	send := func() {
		s.srv.world.combat().skills(pl, func(mt content.MagicType) {
			var exp uint32
			if k := pl.fight.magic[mt.Type]; k != nil {
				exp = k.exp
			}
			pl.conn.Send(&msg.MagicInfo{Magic: mt.Type, Level: uint16(mt.Level), Exp: exp})
		})
	}
	if m := pl.at.Load(); m != nil {
		m.call(func(*Map) { send() })
		return
	}
	send()
}

// cast runs p's spell of type typ on target (0: the ground or, for a
// heal, the caster): checked (known, MP, delay, range, target), then the
// effect to everyone who sees the target (MsgMagicEffect) and the damage
// or heal. Map goroutine only.
func (m *Map) cast(p *Player, typ uint16, target uint32, now time.Time) {
	if m.players[p.id] != p {
		return
	}
	if p.fight.dead {
		m.refuseFight("magic", "dead_attacker")
		return
	}
	mt, ok := m.world.combat().skill(p, typ)
	switch {
	case !ok:
		m.refuseFight("magic", "unknown_skill")
		return
	case now.Before(p.fight.nextCast):
		m.refuseFight("magic", "too_fast")
		return
	case int(p.ch.MP) < int(mt.UseMP):
		m.refuseFight("magic", "no_mp")
		return
	}
	if mt.Sort == content.MagicHeal {
		m.castHeal(p, mt, target, now)
		return
	}
	if reason := m.checkReach(p, target, int(mt.Distance)); reason != "" {
		m.refuseFight("magic", reason)
		return
	}
	m.spend(p, mt, now)
	st := m.statsOf(p)
	eff := &m.mobs.eff
	*eff = msg.MagicEffect{Caster: p.id, Target: target, Magic: mt.Type, Level: uint16(mt.Level)}
	if mo := m.mobs.all[target]; mo != nil {
		dmg := m.spellDamage(p, st, mt, int(mo.typ.Level), int(mo.typ.Defence), int(mo.typ.MagicDefence))
		eff.Add(mo.id, uint32(dmg))
		m.sendNear(mo.x, mo.y, m.encode(eff), p.id, 0)
		m.trainMagic(p, mt, combat.HitExp(dmg, max(mo.hp, 0), int(p.ch.Level), int(mo.typ.Level)))
		m.hurtMonster(p, p.id, mo, dmg, now)
		return
	}
	if v := m.players[target]; v != nil {
		vst := m.statsOf(v)
		dmg := m.spellDamage(p, st, mt, int(v.ch.Level), vst.defence, vst.magicDefence)
		eff.Add(v.id, uint32(dmg))
		m.crime(p, v, now)
		m.sendNear(v.x, v.y, m.encode(eff), p.id, v.id)
		m.hurtPlayer(v, p, dmg, now)
	}
}

// spend takes a cast's MP and starts its delay.
func (m *Map) spend(p *Player, mt content.MagicType, now time.Time) {
	p.fight.nextCast = now.Add(time.Duration(mt.DelayMS) * time.Millisecond)
	if mt.UseMP > 0 {
		p.ch.MP -= mt.UseMP
		m.attrib(p, msg.AttribMP, uint64(p.ch.MP))
	}
}

// spellDamage is a damage spell's damage (combat.md §5.4): a power above
// 30,000 is a weapon skill, the physical formula on that percent of a
// rolled attack; else the spell formula.
func (m *Map) spellDamage(p *Player, st fightStats, mt content.MagicType, level, defence, magicDefence int) int {
	if mt.Power > combat.MagicPowerPercent {
		atk := combat.Roll(st.attackMin, st.attackMax, uint16(m.roll(1<<16)))
		atk = combat.MagicBase(atk, int(mt.Power))
		return combat.PlayerOnMonster(atk, int(p.ch.Level), level, defence, st.weaponQuality)
	}
	return combat.MagicDamage(st.magicAttack, int(mt.Power), int(p.ch.Level), level, magicDefence, 0)
}

// castHeal heals target (the caster when 0 or itself) by the magic's
// power, up to its maximum HP.
func (m *Map) castHeal(p *Player, mt content.MagicType, target uint32, now time.Time) {
	v := p
	if target != 0 && target != p.id {
		v = m.players[target]
		switch {
		case v == nil:
			m.refuseFight("magic", "not_here")
			return
		case v.fight.dead:
			m.refuseFight("magic", "dead")
			return
		case distance(p.x, p.y, v.x, v.y) > int(mt.Distance):
			m.refuseFight("magic", "range")
			return
		}
	}
	m.spend(p, mt, now)
	amount := combat.Heal(int(mt.Power), int(v.ch.HP), int(maxHP(&v.ch)))
	v.ch.HP += uint16(amount)
	eff := &m.mobs.eff
	*eff = msg.MagicEffect{Caster: p.id, Target: v.id, Magic: mt.Type, Level: uint16(mt.Level)}
	eff.Add(v.id, uint32(amount))
	m.sendNear(v.x, v.y, m.encode(eff), p.id, v.id)
	a := &m.mobs.attr
	*a = msg.UserAttrib{}
	a.ID = v.id
	a.Add(msg.AttribHP, uint64(v.ch.HP))
	m.broadcast(v, m.encode(a), true)
}
