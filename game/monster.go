package game

import (
	"math/rand/v2"
	"slices"
	"time"

	"github.com/coserver/coserver/content"
	"github.com/coserver/coserver/msg"
)

// Monster timings (combat.md §2.3 and its policies).
const (
	// CorpseDelay is how long a dead monster lies before it leaves the
	// screens (MsgAction 132; COPS 3 s, the policy).
	CorpseDelay = 3 * time.Second
	// MinRestTime is the shortest wait before a dead monster's slot
	// respawns (WC: max(rest_secs, 10 s)).
	MinRestTime = 10 * time.Second
	// monsterPose is the stand pose of a monster's spawn (combat.md §2.1).
	monsterPose = 100
)

// Monster is a monster on a map: a thing players see, fight and kill. It
// belongs to its map's goroutine.
type Monster struct {
	place
	id   uint32
	typ  *content.MonsterType
	from *spawner // the area it lives in and respawns from
	hp   int
	dir  uint8

	target     uint32 // the role it fights: a player, or a monster for a guard; 0 for none
	nextMove   time.Time
	nextAttack time.Time
	diedAt     time.Time // zero while alive
	awake      bool      // in Map.mobs.awake: its AI runs on the tick
	returning  bool      // leashed: walking home, deaf to targets until inside its area
}

func (mo *Monster) entityID() uint32 { return mo.id }

// dead reports whether the monster was killed (its corpse may still lie).
func (mo *Monster) dead() bool { return !mo.diedAt.IsZero() }

// spawn encodes the monster's MsgPlayer (combat.md §2.1: lookface as the
// mesh, the level at @50 and @62, the dead flag on a corpse).
func (mo *Monster) spawn(m *Map) []byte {
	sp := &m.spawn
	*sp = msg.Player{ID: mo.id, Mesh: mo.typ.Look, HP: uint16(min(mo.hp, 0xFFFF)),
		MonsterLevel: uint16(mo.typ.Level), Level: uint16(mo.typ.Level), X: mo.x, Y: mo.y,
		Direction: mo.dir, Pose: monsterPose, ID2: mo.id, Name: mo.typ.Name}
	if mo.dead() {
		sp.Status = statusDead | statusFrozen
	}
	return m.encode(sp)
}

// spawner keeps an area's monsters (cq_generator): Count alive at most,
// a dead one's slot free again RestSecs (at least MinRestTime) after its
// death.
type spawner struct {
	area  content.Spawn
	typ   *content.MonsterType
	alive int
	due   []time.Time // when freed slots may respawn, in order
}

// rest is how long a freed slot waits.
func (s *spawner) rest() time.Duration {
	return max(time.Duration(s.area.RestSecs)*time.Second, MinRestTime)
}

// mobs is the map's monster state: the map goroutine owns it.
type mobs struct {
	all      map[uint32]*Monster
	awake    []*Monster // monsters whose AI runs; the others cost nothing
	corpses  []*Monster // dead monsters still shown, oldest first
	spawners []*spawner
	freeIDs  []uint32 // ids of this map's monsters gone, for reuse
	fighters map[*Player]struct{}
	ghosts   map[*Player]struct{} // dead players, for the ghost timers
	rng      *rand.Rand
	pkDecay  time.Time // next PK decay pass

	// Scratch packets, encoded at once (a fight allocates nothing).
	inter msg.Interact
	attr  msg.UserAttrib
	eff   msg.MagicEffect
	flush msg.FlushExp
	skill msg.WeaponSkill
}

func newMobs(mapID uint32) mobs {
	return mobs{all: map[uint32]*Monster{}, fighters: map[*Player]struct{}{},
		ghosts: map[*Player]struct{}{}, rng: rand.New(rand.NewPCG(uint64(mapID), uint64(time.Now().UnixNano())))}
}

// newMonsterID returns an unused monster id, or 0 when the range is full:
// one the map freed, else a new one from the world's counter, so that ids
// are unique across maps (a client naming a monster of another map names
// nothing here).
func (m *Map) newMonsterID() uint32 {
	if n := len(m.mobs.freeIDs); n > 0 {
		id := m.mobs.freeIDs[n-1]
		m.mobs.freeIDs = m.mobs.freeIDs[:n-1]
		return id
	}
	id := MonsterIDMin + uint32(m.world.monsterIDs.Add(1)) - 1
	if id > MonsterIDMax {
		return 0
	}
	return id
}

// setMonsters replaces the map's monsters with those of spawns (types from
// types): every monster is removed from the screens, the spawners are made
// anew and filled at once. Map goroutine only.
func (m *Map) setMonsters(spawns []content.Spawn, types map[uint32]*content.MonsterType) {
	for _, mo := range m.mobs.all {
		m.removeThing(mo)
	}
	for id := range m.mobs.all {
		m.mobs.freeIDs = append(m.mobs.freeIDs, id)
	}
	clear(m.mobs.all)
	m.mobs.awake, m.mobs.corpses = m.mobs.awake[:0], m.mobs.corpses[:0]
	m.mobs.spawners = m.mobs.spawners[:0]
	for _, sp := range spawns {
		if sp.Map != m.id || types[sp.Monster] == nil {
			continue
		}
		s := &spawner{area: sp, typ: types[sp.Monster]}
		m.mobs.spawners = append(m.mobs.spawners, s)
		for range sp.Count {
			m.spawnMonster(s, false)
		}
	}
}

// spawnMonster places a new monster of s on a random free walkable tile of
// its area; announce adds the birth effects (combat.md §2.1: MsgAction 94
// after the spawn). It reports false when no tile or id was found.
func (m *Map) spawnMonster(s *spawner, announce bool) bool {
	x, y, ok := m.spawnTile(s.area)
	if !ok {
		return false
	}
	id := m.newMonsterID()
	if id == 0 {
		return false
	}
	mo := &Monster{place: place{x: x, y: y, cell: -1}, id: id, typ: s.typ, from: s, hp: int(s.typ.Life),
		dir: uint8(m.mobs.rng.IntN(8))}
	m.mobs.all[id] = mo
	s.alive++
	m.addThing(mo)
	if announce {
		m.action = msg.Action{Timestamp: timestamp(), ID: id, Data2: msg.XY(x, y), Subtype: msg.ActionRevive}
		m.sendNear(x, y, m.encode(&m.action), 0, 0)
	}
	return true
}

// spawnTries is how many random tiles spawnTile tries before it scans.
const spawnTries = 16

// spawnTile picks a walkable tile of the area with no monster on it: a few
// random tries, then a scan.
func (m *Map) spawnTile(a content.Spawn) (uint16, uint16, bool) {
	free := func(x, y int) bool {
		if !m.floor.Walkable(x, y) {
			return false
		}
		busy := false
		m.things.near(x, y, func(t thing) {
			if pl := t.where(); int(pl.x) == x && int(pl.y) == y {
				busy = true
			}
		})
		return !busy
	}
	for range spawnTries {
		x, y := int(a.X)+m.mobs.rng.IntN(int(a.CX)), int(a.Y)+m.mobs.rng.IntN(int(a.CY))
		if free(x, y) {
			return uint16(x), uint16(y), true
		}
	}
	for y := int(a.Y); y < int(a.Y)+int(a.CY); y++ {
		for x := int(a.X); x < int(a.X)+int(a.CX); x++ {
			if m.floor.Walkable(x, y) {
				return uint16(x), uint16(y), true // crowded: share a tile
			}
		}
	}
	return 0, 0, false
}

// sendNear sends the encoded packet b to every player in view of (x, y):
// at once to the players a and b, who take part (an attacker, a target,
// a killer; 0 for none), for later to the others, who only watch.
func (m *Map) sendNear(x, y uint16, pkt []byte, a, b uint32) {
	if pkt == nil {
		return
	}
	m.grid.near(int(x), int(y), func(p *Player) {
		if p.id == a || p.id == b {
			p.conn.SendRaw(pkt)
		} else {
			p.conn.SendRawLater(pkt)
		}
	})
}

// wake puts a sleeping monster's AI back on the tick (a player came into
// its view). Map goroutine only.
func (m *Map) wake(mo *Monster) {
	if mo.awake || mo.dead() {
		return
	}
	mo.awake = true
	m.mobs.awake = append(m.mobs.awake, mo)
}

// killMonster marks mo dead: it stays as a corpse for CorpseDelay, then
// leaves (buryCorpses), and its slot respawns after the area's rest time.
func (m *Map) killMonster(mo *Monster, now time.Time) {
	mo.diedAt = now
	mo.hp = 0
	mo.target = 0
	m.mobs.corpses = append(m.mobs.corpses, mo)
	s := mo.from
	s.alive--
	s.due = append(s.due, now.Add(s.rest()))
}

// buryCorpses removes the monsters dead for CorpseDelay from the map, and
// respawns the slots whose rest is over.
func (m *Map) buryCorpses(now time.Time) {
	n := 0
	for _, mo := range m.mobs.corpses {
		if now.Sub(mo.diedAt) < CorpseDelay {
			break
		}
		m.removeThing(mo)
		delete(m.mobs.all, mo.id)
		m.mobs.freeIDs = append(m.mobs.freeIDs, mo.id)
		n++
	}
	m.mobs.corpses = slices.Delete(m.mobs.corpses, 0, n)
	for _, s := range m.mobs.spawners {
		k := 0
		for k < len(s.due) && !now.Before(s.due[k]) && s.alive < int(s.area.Count) {
			if !m.spawnMonster(s, true) {
				break
			}
			k++
		}
		s.due = slices.Delete(s.due, 0, k)
	}
}
