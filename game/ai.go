package game

import (
	"time"

	"github.com/coserver/coserver/content"
	"github.com/coserver/coserver/msg"
)

// AI constants (combat.md §7; COPS and WC tick every 500 ms, the map ticks
// every TickInterval and each monster keeps its own move and attack times).
const (
	// WanderPercent is the chance per tick that an idle monster whose
	// step time has come takes a random step inside its area.
	WanderPercent = 20
	// LeashRange is how far (tiles, each axis) beyond its area a monster
	// chases before it gives up and returns.
	LeashRange = 12
)

// tickMonsters runs the AI of every awake monster, the players' automatic
// attacks, corpses, respawns and ghosts. A sleeping monster is not looked
// at. Map goroutine only.
func (m *Map) tickMonsters(now time.Time) {
	n := 0
	for _, mo := range m.mobs.awake {
		if m.think(mo, now) {
			m.mobs.awake[n] = mo
			n++
		} else {
			mo.awake = false
		}
	}
	clear(m.mobs.awake[n:])
	m.mobs.awake = m.mobs.awake[:n]
	m.autoAttacks(now)
	m.buryCorpses(now)
	m.clearBlueNames(now)
	m.decayPK(now)
}

// think runs one step of mo's AI and reports whether it stays awake: a
// monster with no player in view and nothing to do falls asleep.
func (m *Map) think(mo *Monster, now time.Time) bool {
	if mo.dead() {
		return false
	}
	home := mo.from.area
	if mo.returning && !outside(home, mo.x, mo.y, 0) {
		mo.returning = false
	}
	tx, ty, ok := m.targetOf(mo)
	if ok && mo.returning {
		mo.target, ok = 0, false // hit on the way home: it keeps going (a passive one turns later)
	}
	if !ok && !mo.returning {
		mo.target = 0
		m.findTarget(mo)
		tx, ty, ok = m.targetOf(mo)
	}
	if ok {
		d := distance(mo.x, mo.y, tx, ty)
		switch {
		case d <= int(mo.typ.AttackRange):
			if !now.Before(mo.nextAttack) {
				mo.nextAttack = now.Add(time.Duration(mo.typ.AttackSpeed) * time.Millisecond)
				m.monsterAttack(mo, now)
			}
		case outside(home, mo.x, mo.y, LeashRange):
			mo.target, mo.returning = 0, true // too far from home: give up and go back
		case !now.Before(mo.nextMove):
			mo.nextMove = now.Add(time.Duration(mo.typ.MoveSpeed) * time.Millisecond)
			m.stepToward(mo, tx, ty)
		}
		return true
	}
	if !now.Before(mo.nextMove) {
		mo.nextMove = now.Add(time.Duration(mo.typ.MoveSpeed) * time.Millisecond)
		if outside(home, mo.x, mo.y, 0) {
			m.stepToward(mo, home.X+home.CX/2, home.Y+home.CY/2) // return
		} else if m.mobs.rng.IntN(100) < WanderPercent {
			dir := uint8(m.mobs.rng.IntN(8))
			d := walkDelta[dir]
			if x, y := int(mo.x)+d[0], int(mo.y)+d[1]; !outside(home, uint16(x), uint16(y), 0) {
				m.stepMonster(mo, dir)
			}
		}
	}
	return m.playerInView(mo.x, mo.y)
}

// outside reports whether (x, y) lies more than margin tiles outside the
// area.
func outside(a content.Spawn, x, y uint16, margin int) bool {
	return int(x) < int(a.X)-margin || int(y) < int(a.Y)-margin ||
		int(x) >= int(a.X)+int(a.CX)+margin || int(y) >= int(a.Y)+int(a.CY)+margin
}

// distance is the tile distance the game uses for ranges: the larger of
// the two axes.
func distance(x0, y0, x1, y1 uint16) int {
	return max(abs(int(x0)-int(x1)), abs(int(y0)-int(y1)))
}

// playerInView reports whether any player sees (x, y).
func (m *Map) playerInView(x, y uint16) bool {
	seen := false
	m.grid.near(int(x), int(y), func(*Player) { seen = true })
	return seen
}

// targetOf returns where mo's target stands, or false when it has none or
// the target is gone, dead or out of its view.
func (m *Map) targetOf(mo *Monster) (uint16, uint16, bool) {
	if mo.target == 0 {
		return 0, 0, false
	}
	view := int(mo.typ.ViewRange)
	if p := m.players[mo.target]; p != nil {
		if p.fight.dead || distance(mo.x, mo.y, p.x, p.y) > view {
			return 0, 0, false
		}
		return p.x, p.y, true
	}
	if o := m.mobs.all[mo.target]; o != nil && !o.dead() && distance(mo.x, mo.y, o.x, o.y) <= view {
		return o.x, o.y, true
	}
	return 0, 0, false
}

// findTarget picks what mo attacks (combat.md §7): an active monster the
// nearest living player in its view range; a guard the nearest monster
// that is not a guard, or red- or black-named player; a passive monster
// nothing (it fights back when hit).
func (m *Map) findTarget(mo *Monster) {
	view := int(mo.typ.ViewRange)
	best := view + 1
	switch mo.typ.AI {
	case content.AIActive:
		m.grid.near(int(mo.x), int(mo.y), func(p *Player) {
			if d := distance(mo.x, mo.y, p.x, p.y); d < best && !p.fight.dead {
				best, mo.target = d, p.id
			}
		})
	case content.AIGuard:
		m.grid.near(int(mo.x), int(mo.y), func(p *Player) {
			if d := distance(mo.x, mo.y, p.x, p.y); d < best && !p.fight.dead && p.ch.PKPoints >= RedNamePK {
				best, mo.target = d, p.id
			}
		})
		m.things.near(int(mo.x), int(mo.y), func(t thing) {
			o, ok := t.(*Monster)
			if !ok || o.dead() || o.typ.AI == content.AIGuard {
				return
			}
			if d := distance(mo.x, mo.y, o.x, o.y); d < best {
				best, mo.target = d, o.id
			}
		})
	}
}

// stepToward moves mo one tile towards (x, y), trying the direct direction
// then its two neighbours.
func (m *Map) stepToward(mo *Monster, x, y uint16) {
	dx, dy := sign(int(x)-int(mo.x)), sign(int(y)-int(mo.y))
	if dx == 0 && dy == 0 {
		return
	}
	dir := dirOf(dx, dy)
	for _, turn := range [...]uint8{0, 1, 7} {
		d := (dir + turn) % 8
		if m.stepMonster(mo, d) {
			return
		}
	}
}

func sign(v int) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// dirOf returns the direction of a unit step (walkDelta's index).
func dirOf(dx, dy int) uint8 {
	for i, d := range walkDelta {
		if d[0] == dx && d[1] == dy {
			return uint8(i)
		}
	}
	return 0
}

// stepMonster moves mo one tile in direction dir when the tile is walkable
// and reports whether it moved. Observers get MsgWalk; players it walks
// into view of get its spawn, players it leaves its removal; a player who
// sees it wakes nothing (it is awake).
func (m *Map) stepMonster(mo *Monster, dir uint8) bool {
	d := walkDelta[dir]
	x, y := int(mo.x)+d[0], int(mo.y)+d[1]
	if !m.floor.Walkable(x, y) {
		return false
	}
	ox, oy := mo.x, mo.y
	mo.x, mo.y, mo.dir = uint16(x), uint16(y), dir
	m.things.moved(mo)
	m.step = msg.Walk{ID: mo.id, Direction: dir, Mode: msg.WalkModeWalk}
	walk := m.encodeTo(&m.moveBuf, &m.step)
	var spawn []byte
	m.grid.near(x, y, func(p *Player) {
		if p.seen[mo.id] == thing(mo) {
			p.conn.SendRawLater(walk)
			return
		}
		if spawn == nil {
			spawn = mo.spawn(m) // m.buf: nothing else encodes there in this loop
		}
		p.seen[mo.id] = mo
		p.conn.SendRawLater(spawn)
	})
	m.grid.near(int(ox), int(oy), func(p *Player) {
		if p.seen[mo.id] == thing(mo) && !inView(int(p.x), int(p.y), x, y) {
			delete(p.seen, mo.id)
			p.conn.SendRawLater(m.encode(m.removal(mo.id)))
		}
	})
	return true
}
