package game

import (
	"time"

	"github.com/coserver/coserver/combat"
	"github.com/coserver/coserver/content"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/store"
)

// Combat limits and rules (combat.md §4–5 and the policies of its
// "Where the sources disagree").
const (
	// AttackInterval is the time between two attacks of a player (WC's
	// default; 5017's weapon speeds are unknown, combat.md "Unknown").
	AttackInterval = 1000 * time.Millisecond
	// MeleeRange is how far a melee attack reaches, tiles (Java's
	// placeholder 2; combat.md §5.1).
	MeleeRange = 2
	// BowRange is how far a bow shot reaches, tiles.
	BowRange = 10
	// ReviveWait is how long a dead player waits before MsgAction 94
	// revives him (COPS's 20 s; earlier requests are ignored).
	ReviveWait = 20 * time.Second
	// RedNamePK is the PK points of a red name (COPS, WC).
	RedNamePK = 30
	// BlackNamePK is the PK points of a black name (COPS, WC).
	BlackNamePK = 100
	// PKPerKill is what killing an innocent player adds (COPS).
	PKPerKill = 10
	// PKDecayInterval is how often a player loses one PK point (policy:
	// WC's 180 s).
	PKDecayInterval = 180 * time.Second
	// BlueNameTime is how long attacking an innocent player keeps the
	// attacker's name blue (COPS 25 s, the policy).
	BlueNameTime = 25 * time.Second
	// PKDeathExpLossPercent is the share of his experience in the level a
	// player killed by a player loses (COPS's 2 % for a white name).
	PKDeathExpLossPercent = 2

	// mapFlagNoPK is the MsgMapInfo flag of a map where players cannot
	// attack players (TQ's PK-disable bit).
	mapFlagNoPK = 0x08
	// ghostMale and ghostFemale are the transform of a dead character's
	// mesh (combat.md §4: 98 or 99 × 10,000,000).
	ghostMale   = 98 * 10_000_000
	ghostFemale = 99 * 10_000_000
	// femaleBodyMin is the first female body number (2001, 2002).
	femaleBodyMin = 2000
)

// Status flags of MsgPlayer @12 and MsgUserAttrib 26 (combat.md "Status
// flags").
const (
	statusBlue   uint64 = 0x1
	statusFrozen uint64 = 0x20
	statusDead   uint64 = 0x400
	statusRed    uint64 = 0x4000
	statusBlack  uint64 = 0x8000
)

// fighter is a player's combat state; it belongs to the map's goroutine.
type fighter struct {
	target     uint32    // the role the player keeps attacking; 0 for none
	shoot      bool      // the attack is a bow shot
	nextAttack time.Time // the earliest next attack
	nextCast   time.Time // the earliest next spell
	dead       bool
	diedAt     time.Time
	blueUntil  time.Time               // name blue (crime) until then
	blue       bool                    // the name is blue: set by crime, cleared by the tick after blueUntil
	prof       map[uint32]*proficiency // weapon proficiencies by kind (game/skill_exp.go), saved
	magic      map[uint16]*proficiency // magic level and experience by type (game/skill_exp.go), saved
	// skillsDirty: prof or magic changed since login, so saves write them.
	skillsDirty bool
}

// status returns the player's status flags.
func (p *Player) status() uint64 {
	var s uint64
	if p.fight.dead {
		s |= statusDead
	}
	if p.fight.blue {
		s |= statusBlue
	}
	switch {
	case p.ch.PKPoints >= BlackNamePK:
		s |= statusBlack
	case p.ch.PKPoints >= RedNamePK:
		s |= statusRed
	}
	return s
}

// mesh returns the look other clients draw: a ghost's when dead.
func (p *Player) mesh() uint32 {
	if !p.fight.dead {
		return p.look
	}
	if p.ch.Body >= femaleBodyMin {
		return p.look%10_000_000 + ghostFemale
	}
	return p.look%10_000_000 + ghostMale
}

// fightStats is what a player fights with: the character's attributes
// plus the equipment's item types.
type fightStats struct {
	attackMin, attackMax int
	defence              int
	magicAttack          int
	magicDefence         int // percent
	dexterity            int
	weaponQuality        int
	armourQuality        int
	bow                  bool
}

// statsOf computes p's fightStats: the sums of game/stats.go (Stats, from
// the attributes and the item types worn, read afresh so that a content
// reload counts at once), dexterity, and the qualities of the weapon and
// the armour.
func (m *Map) statsOf(p *Player) fightStats {
	table := m.world.table.Load()
	s := computeStats(p, table)
	st := fightStats{attackMin: int(s.MinAttack), attackMax: int(s.MaxAttack), defence: int(s.Defence),
		magicAttack: int(s.MagicAttack), magicDefence: int(s.MagicDefence),
		dexterity: combat.Dexterity(int(p.ch.Agility), 0)}
	if id := p.inv.equipped(store.PosRightHand); id != 0 {
		st.weaponQuality = combat.Quality(id)
		st.bow = id/10000 == 50
	}
	if id := p.inv.equipped(store.PosArmor); id != 0 {
		st.armourQuality = combat.Quality(id)
	}
	return st
}

// refuseFight counts a combat request the rules refused.
func (m *Map) refuseFight(op, reason string) {
	m.world.metrics.fightRefused.WithLabelValues(op, reason).Inc()
}

// attack starts p's attacks on target (MsgInteract 2 or 25): checked,
// then one hit now and more on the tick every AttackInterval until the
// target dies, leaves range or p does something else. Map goroutine only.
func (m *Map) attack(p *Player, target uint32, shoot bool, now time.Time) {
	if m.players[p.id] != p {
		return
	}
	op := "melee"
	if shoot {
		op = "shoot"
	}
	if now.Before(p.fight.nextAttack) {
		m.refuseFight(op, "too_fast")
		return
	}
	if reason := m.checkAttack(p, target, shoot); reason != "" {
		m.refuseFight(op, reason)
		return
	}
	if shoot && !m.statsOf(p).bow {
		m.refuseFight(op, "no_bow") // arrows are not counted yet
		return
	}
	p.fight.target, p.fight.shoot = target, shoot
	m.mobs.fighters[p] = struct{}{}
	m.hit(p, now)
}

// checkAttack returns why p may not attack target now with a melee hit or
// a shot, or "".
func (m *Map) checkAttack(p *Player, target uint32, shoot bool) string {
	reach := MeleeRange
	if shoot {
		reach = BowRange
	}
	return m.checkReach(p, target, reach)
}

// checkReach returns why p may not attack target from reach tiles, or "".
func (m *Map) checkReach(p *Player, target uint32, reach int) string {
	if p.fight.dead {
		return "dead_attacker"
	}
	if target == p.id {
		return "self"
	}
	var x, y uint16
	if mo := m.mobs.all[target]; mo != nil {
		if mo.dead() {
			return "dead"
		}
		if mo.typ.AI == content.AIGuard && p.ch.PKPoints < RedNamePK {
			return "guard"
		}
		x, y = mo.x, mo.y
	} else if v := m.players[target]; v != nil {
		switch {
		case v.fight.dead:
			return "dead"
		case m.info.Flags&mapFlagNoPK != 0:
			return "no_pk"
		}
		x, y = v.x, v.y
	} else if m.npcs[target] != nil {
		return "npc"
	} else {
		return "not_here" // another map, gone, or never was
	}
	if distance(p.x, p.y, x, y) > reach {
		return "range"
	}
	if !m.lineOfSight(p.x, p.y, x, y) {
		return "sight"
	}
	return ""
}

// lineOfSight reports whether every tile on the straight line between two
// points is walkable (Bresenham; the ends included).
func (m *Map) lineOfSight(x0, y0, x1, y1 uint16) bool {
	x, y, tx, ty := int(x0), int(y0), int(x1), int(y1)
	dx, dy := abs(tx-x), -abs(ty-y)
	sx, sy := sign(tx-x), sign(ty-y)
	e := dx + dy
	for range dx - dy + 1 { // at most one step per tile of each axis
		if !m.floor.Walkable(x, y) {
			return false
		}
		if x == tx && y == ty {
			return true
		}
		e2 := 2 * e
		if e2 >= dy {
			e += dy
			x += sx
		}
		if e2 <= dx {
			e += dx
			y += sy
		}
	}
	return false
}

// autoAttacks makes every fighting player hit again when its interval has
// passed, and stops those whose target died, left or went out of range.
func (m *Map) autoAttacks(now time.Time) {
	for p := range m.mobs.fighters {
		if m.players[p.id] != p || p.fight.target == 0 {
			delete(m.mobs.fighters, p)
			continue
		}
		if now.Before(p.fight.nextAttack) {
			continue
		}
		if m.checkAttack(p, p.fight.target, p.fight.shoot) != "" {
			p.fight.target = 0
			delete(m.mobs.fighters, p)
			continue
		}
		m.hit(p, now)
	}
}

// stopFighting ends p's automatic attacks.
func (m *Map) stopFighting(p *Player) {
	p.fight.target = 0
	delete(m.mobs.fighters, p)
}

// roll returns a uniform value in [0, n).
func (m *Map) roll(n int) int { return m.mobs.rng.IntN(n) }

// hit is one physical attack of p on its target (already checked).
func (m *Map) hit(p *Player, now time.Time) {
	p.fight.nextAttack = now.Add(AttackInterval)
	st := m.statsOf(p)
	atk := combat.Roll(st.attackMin, st.attackMax, uint16(m.roll(1<<16)))
	hits := combat.Hits(st.dexterity, m.roll(100))
	kind := msg.InteractAttack
	if p.fight.shoot {
		kind = msg.InteractShoot
	}
	if mo := m.mobs.all[p.fight.target]; mo != nil {
		dmg := 0
		if hits {
			dmg = combat.PlayerOnMonster(atk, int(p.ch.Level), int(mo.typ.Level), int(mo.typ.Defence), st.weaponQuality)
		}
		m.showHit(p.id, mo.id, mo.x, mo.y, kind, dmg)
		m.trainWeapon(p, combat.HitExp(dmg, max(mo.hp, 0), int(p.ch.Level), int(mo.typ.Level)))
		m.hurtMonster(p, p.id, mo, dmg, now)
		return
	}
	if v := m.players[p.fight.target]; v != nil {
		dmg := 0
		if hits {
			dmg = combat.PlayerOnPlayer(atk, m.statsOf(v).defence)
		}
		m.crime(p, v, now)
		m.showHit(p.id, v.id, v.x, v.y, kind, dmg)
		m.hurtPlayer(v, p, dmg, now)
	}
}

// showHit sends the result of an attack (MsgInteract with the damage, 0
// for a miss) to everyone who sees the target.
func (m *Map) showHit(from, to uint32, x, y uint16, kind msg.InteractType, dmg int) {
	it := &m.mobs.inter
	*it = msg.Interact{Timestamp: timestamp(), Sender: from, Target: to, X: x, Y: y, Action: kind,
		Data: uint32(dmg)}
	m.sendNear(x, y, m.encode(it), from, to)
}

// hurtMonster takes dmg off mo, dealt by role from (killer is the player
// behind it, nil for a guard). A passive monster turns on its attacker;
// the killer gets the experience of the hit and the kill.
func (m *Map) hurtMonster(killer *Player, from uint32, mo *Monster, dmg int, now time.Time) {
	if mo.dead() {
		return
	}
	before := mo.hp
	mo.hp -= dmg
	if mo.target == 0 {
		mo.target = from
	}
	m.wake(mo)
	var exp int
	if killer != nil {
		exp = combat.HitExp(dmg, before, int(killer.ch.Level), int(mo.typ.Level))
	}
	if mo.hp <= 0 {
		m.monsterDies(mo, from, now)
		if killer != nil {
			exp += combat.KillExp(int(mo.typ.Life), int(killer.ch.Level), int(mo.typ.Level)) + int(mo.typ.ExtraExp)
			m.onLoot(killer, mo, now)
		}
	}
	if killer != nil {
		m.gainExp(killer, exp)
	}
}

// monsterDies shows mo's death (combat.md §2.3: MsgInteract 14, then the
// dead flags) and leaves its corpse to buryCorpses.
func (m *Map) monsterDies(mo *Monster, killer uint32, now time.Time) {
	it := &m.mobs.inter
	*it = msg.Interact{Timestamp: timestamp(), Sender: killer, Target: mo.id, X: mo.x, Y: mo.y,
		Action: msg.InteractKill, Data: msg.KillData(0)}
	m.sendNear(mo.x, mo.y, m.encode(it), killer, 0)
	a := &m.mobs.attr
	*a = msg.UserAttrib{}
	a.ID = mo.id
	a.Add(msg.AttribStatus, statusDead|statusFrozen)
	m.sendNear(mo.x, mo.y, m.encode(a), killer, 0)
	m.killMonster(mo, now)
	m.world.metrics.kills.WithLabelValues("monster").Inc()
}

// monsterAttack is one attack of mo on its target (in range).
func (m *Map) monsterAttack(mo *Monster, now time.Time) {
	atk := combat.Roll(int(mo.typ.AttackMin), int(mo.typ.AttackMax), uint16(m.roll(1<<16)))
	hits := combat.Hits(int(mo.typ.Dexterity), m.roll(100))
	if v := m.players[mo.target]; v != nil {
		dmg := 0
		if hits {
			st := m.statsOf(v)
			dmg = combat.MonsterOnPlayer(atk, int(mo.typ.Level), int(v.ch.Level), st.defence,
				int(v.ch.Rebirths), st.armourQuality)
		}
		m.showHit(mo.id, v.id, v.x, v.y, msg.InteractAttack, dmg)
		m.hurtPlayer(v, nil, dmg, now)
		if v.fight.dead {
			mo.target = 0
		}
		return
	}
	if o := m.mobs.all[mo.target]; o != nil {
		dmg := 0
		if hits {
			dmg = max(atk-int(o.typ.Defence), 1)
		}
		m.showHit(mo.id, o.id, o.x, o.y, msg.InteractAttack, dmg)
		m.hurtMonster(nil, mo.id, o, dmg, now)
	}
}

// hurtPlayer takes dmg off v (by the player by, nil for a monster) and
// tells v and its observers the new HP; at 0 v dies.
func (m *Map) hurtPlayer(v, by *Player, dmg int, now time.Time) {
	if v.fight.dead || dmg <= 0 {
		return
	}
	v.ch.HP = uint16(max(int(v.ch.HP)-dmg, 0))
	a := &m.mobs.attr
	*a = msg.UserAttrib{}
	a.ID = v.id
	a.Add(msg.AttribHP, uint64(v.ch.HP))
	m.broadcast(v, m.encode(a), true)
	if v.ch.HP == 0 {
		killer := uint32(0)
		if by != nil {
			killer = by.id
		}
		m.playerDies(v, by, killer, now)
	}
}

// playerDies turns v into a ghost (combat.md §4): dead flag, MsgInteract
// 14, ghost mesh; the penalties of the policy in docs/COMBAT.md.
func (m *Map) playerDies(v, by *Player, killer uint32, now time.Time) {
	v.fight.dead, v.fight.diedAt = true, now
	m.stopFighting(v)
	it := &m.mobs.inter
	*it = msg.Interact{Timestamp: timestamp(), Sender: killer, Target: v.id, X: v.x, Y: v.y,
		Action: msg.InteractKill, Data: msg.KillData(0)}
	m.broadcast(v, m.encode(it), true)
	m.sendLooks(v)
	m.world.metrics.kills.WithLabelValues("player").Inc()
	if by == nil {
		return // killed by a monster: no loss (COPS keeps TQ's rule disabled)
	}
	innocent := v.ch.PKPoints < RedNamePK && !v.fight.blue
	if innocent {
		by.ch.PKPoints += PKPerKill
		m.sendLooks(by)
		m.attrib(by, msg.AttribPK, uint64(by.ch.PKPoints))
	}
	loss := v.ch.Exp * PKDeathExpLossPercent / 100
	v.ch.Exp -= loss
	m.attrib(v, msg.AttribExperience, v.ch.Exp)
}

// sendLooks tells p and its observers p's status flags and mesh.
func (m *Map) sendLooks(p *Player) {
	a := &m.mobs.attr
	*a = msg.UserAttrib{}
	a.ID = p.id
	a.Add(msg.AttribStatus, p.status())
	a.Add(msg.AttribMesh, uint64(p.mesh()))
	m.broadcast(p, m.encode(a), true)
}

// crime makes p's name blue for BlueNameTime when it attacks an innocent
// player (combat.md §5.7).
func (m *Map) crime(p, v *Player, now time.Time) {
	if v.ch.PKPoints >= RedNamePK || v.fight.blue {
		return
	}
	p.fight.blueUntil = now.Add(BlueNameTime)
	if !p.fight.blue {
		p.fight.blue = true
		m.sendLooks(p)
	}
}

// decayPK takes one PK point off every player of the map who has some,
// once per PKDecayInterval of the map's ticks, and clears blue names whose
// time is over.
func (m *Map) decayPK(now time.Time) {
	if now.Before(m.mobs.pkDecay) {
		return
	}
	first := m.mobs.pkDecay.IsZero()
	m.mobs.pkDecay = now.Add(PKDecayInterval)
	if first {
		return
	}
	for _, p := range m.players {
		if p.ch.PKPoints > 0 {
			p.ch.PKPoints--
			m.attrib(p, msg.AttribPK, uint64(p.ch.PKPoints))
			if p.ch.PKPoints == RedNamePK-1 || p.ch.PKPoints == BlackNamePK-1 {
				m.sendLooks(p)
			}
		}
	}
}

// clearBlueNames clears the blue names of the map's players whose time is
// over.
func (m *Map) clearBlueNames(now time.Time) {
	for _, p := range m.players {
		if p.fight.blue && !now.Before(p.fight.blueUntil) {
			p.fight.blue = false
			m.sendLooks(p)
		}
	}
}

// gainExp adds exp to p and levels it up through the level table
// (combat.md §5.6, policy ≥): each level gives AttrPointsPerLevel points,
// HP and MP are restored, observers see the level-up effect (MsgAction 92).
func (m *Map) gainExp(p *Player, exp int) {
	if exp <= 0 {
		return
	}
	p.ch.Exp += uint64(exp)
	levels := m.world.combat().levels
	need := func(l int) uint64 {
		if l < len(levels) {
			return levels[l]
		}
		return 0
	}
	lvl, rest := combat.LevelUp(int(p.ch.Level), p.ch.Exp, MaxLevel, need)
	if lvl == int(p.ch.Level) {
		m.attrib(p, msg.AttribExperience, p.ch.Exp)
		return
	}
	gained := lvl - int(p.ch.Level)
	p.ch.Level, p.ch.Exp = uint8(lvl), rest
	p.ch.AttrPoints += uint16(gained * combat.AttrPointsPerLevel)
	p.ch.HP, p.ch.MP = maxHP(&p.ch), maxMP(&p.ch)
	a := &m.mobs.attr
	*a = msg.UserAttrib{}
	a.ID = p.id
	a.Add(msg.AttribLevel, uint64(p.ch.Level))
	a.Add(msg.AttribExperience, p.ch.Exp)
	a.Add(msg.AttribAttributePts, uint64(p.ch.AttrPoints))
	a.Add(msg.AttribMaxHP, uint64(p.ch.HP))
	a.Add(msg.AttribHP, uint64(p.ch.HP))
	a.Add(msg.AttribMP, uint64(p.ch.MP))
	p.conn.Send(a)
	lv := &m.mobs.attr
	*lv = msg.UserAttrib{}
	lv.ID = p.id
	lv.Add(msg.AttribLevel, uint64(p.ch.Level))
	m.broadcast(p, m.encode(lv), false)
	m.action = msg.Action{Timestamp: timestamp(), ID: p.id, Subtype: msg.ActionLevelUp}
	m.broadcast(p, m.encode(&m.action), true)
	m.world.metrics.levelUps.Inc()
}

// MaxLevel is the highest level a character reaches (the level table may
// stop earlier).
const MaxLevel = 255

// Loot rules (combat.md §6 "Drops", simplified).
const (
	// MoneyDropPercent is the chance a monster with drop_money leaves
	// silver (COPS).
	MoneyDropPercent = 50
	// MaxMoneyPiles is the most multiples of drop_money one pile holds.
	MaxMoneyPiles = 3
)

// onLoot drops what mo leaves at its death onto the floor next to it,
// reserved for the killer (game/floor.go dropLoot): silver with
// MoneyDropPercent, an item of its drop list with its drop_chance. An
// item takes a uid reserved beforehand (uidPool.tryTake, kept filled off
// the maps' goroutines); with none left, or no room on the floor, the drop is
// skipped and counted.
func (m *Map) onLoot(killer *Player, mo *Monster, now time.Time) {
	if mo.typ.DropMoney > 0 && m.roll(100) < MoneyDropPercent {
		amount := mo.typ.DropMoney * uint32(1+m.roll(MaxMoneyPiles))
		m.countLoot("money", m.dropLoot(killer.id, mo.x, mo.y, loot{Money: amount}, now))
	}
	if len(mo.typ.Drops) > 0 && m.roll(100) < int(mo.typ.DropChance) {
		typ := mo.typ.Drops[m.roll(len(mo.typ.Drops))]
		if uid, ok := m.world.uids.tryTake(1); ok {
			m.countLoot("item", m.dropLoot(killer.id, mo.x, mo.y, loot{Type: typ, UID: uid}, now))
		} else {
			m.countLoot("item_no_uid", false)
		}
	}
}

// countLoot counts a drop by kind, or its failure.
func (m *Map) countLoot(kind string, ok bool) {
	if !ok {
		kind += "_failed"
	}
	m.world.metrics.loot.WithLabelValues(kind).Inc()
}

// revive brings a dead player back (MsgAction 94) once ReviveWait has
// passed: full HP, the living mesh, at the revive point of the map
// (combat.md §4, policy). Map goroutine only.
func (m *Map) revive(p *Player, now time.Time) {
	if m.players[p.id] != p {
		return
	}
	switch {
	case !p.fight.dead:
		m.refuseFight("revive", "alive")
		return
	case now.Sub(p.fight.diedAt) < ReviveWait:
		m.refuseFight("revive", "too_soon")
		return
	}
	p.fight.dead = false
	p.ch.HP = maxHP(&p.ch)
	m.attrib(p, msg.AttribHP, uint64(p.ch.HP))
	m.sendLooks(p)
	dest, x, y := m.world.revivePoint(m.id)
	m.action = msg.Action{Timestamp: timestamp(), ID: p.id, Data2: msg.XY(x, y), Subtype: msg.ActionRevive}
	p.conn.Send(&m.action)
	m.teleport(p, dest, x, y)
}

// revivePoint is where a player dead on map id comes back: the arrival
// point of the built-in map, else the fallback town (policy, docs/COMBAT.md).
func (w *World) revivePoint(id uint32) (*Map, uint16, uint16) {
	for _, r := range revivePoints {
		if r.m == id && w.maps[id] != nil && w.maps[id].floor.Walkable(int(r.x), int(r.y)) {
			return w.maps[id], r.x, r.y
		}
	}
	return w.home(fallbackMap, fallbackX, fallbackY)
}

// revivePoints are the arrival points of the built-in maps
// (docs/CONTENT.md "The default pack").
var revivePoints = [...]struct {
	m    uint32
	x, y uint16
}{{StartMap, StartX, StartY}, {builtinTwinCityID, fallbackX, fallbackY}, {1000, 490, 640}, {1011, 190, 270}}

// ghost answers MsgAction 137 (the client asks to be a ghost): the looks
// again, to p and its observers.
func (m *Map) ghost(p *Player) {
	if m.players[p.id] != p || !p.fight.dead {
		return
	}
	m.sendLooks(p)
}

// allot spends attribute points (MsgAllot): refused, counted, when p has
// fewer than asked.
func (m *Map) allot(p *Player, a msg.Allot) {
	if m.players[p.id] != p {
		return
	}
	n := a.Total()
	if n == 0 || n > int(p.ch.AttrPoints) {
		m.refuseFight("allot", "not_enough")
		return
	}
	p.ch.AttrPoints -= uint16(n)
	p.ch.Strength += uint16(a.Strength)
	p.ch.Agility += uint16(a.Agility)
	p.ch.Vitality += uint16(a.Vitality)
	p.ch.Spirit += uint16(a.Spirit)
	m.restat(p)
	u := &m.mobs.attr
	*u = msg.UserAttrib{}
	u.ID = p.id
	u.Add(msg.AttribStrength, uint64(p.ch.Strength))
	u.Add(msg.AttribAgility, uint64(p.ch.Agility))
	u.Add(msg.AttribVitality, uint64(p.ch.Vitality))
	u.Add(msg.AttribSpirit, uint64(p.ch.Spirit))
	u.Add(msg.AttribAttributePts, uint64(p.ch.AttrPoints))
	u.Add(msg.AttribMaxHP, uint64(maxHP(&p.ch)))
	u.Add(msg.AttribMaxMP, uint64(maxMP(&p.ch)))
	p.conn.Send(u)
}

// attrib tells p's client the new value of one attribute, through the
// map's scratch packet.
func (m *Map) attrib(p *Player, t msg.AttribType, v uint64) {
	a := &m.mobs.attr
	*a = msg.UserAttrib{ID: p.id}
	a.Add(t, v)
	p.conn.Send(a)
}
