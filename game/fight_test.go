package game

import (
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/coserver/coserver/content"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/server"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/wire"
)

// The tests below drive the map's tick by hand with times far in the
// future (base), so that the map's own ticker (real time, far before)
// finds nothing due.
var base = time.Now().Add(10_000 * time.Hour)

// testMonster is a monster type the tests fight.
func testMonster(id uint32, ai content.MonsterAI) content.MonsterType {
	return content.MonsterType{ID: id, Name: "Dummy", Look: 101, Level: 5, Life: 100, AttackMin: 10,
		AttackMax: 10, Defence: 0, Dexterity: 100, AttackRange: 1, ViewRange: 10, AttackSpeed: 1000,
		MoveSpeed: 500, AI: ai}
}

// fightWorld is a test world with the given monster types, spawns and a
// level table of 100 experience per level, installed like a pack.
func fightWorld(t testing.TB, types []content.MonsterType, spawns []content.Spawn) *World {
	t.Helper()
	w := newTestWorld(t, nil)
	pack := &content.Pack{Monsters: map[uint32]content.MonsterType{}, Spawns: spawns,
		Levels: []uint64{0, 100, 100, 100, 100, 100, 100, 100, 100, 100}}
	for _, mt := range types {
		pack.Monsters[mt.ID] = mt
	}
	pack.Magic = map[content.MagicKey]content.MagicType{
		{Type: 1000, Level: 0}: {Type: 1000, Name: "Bolt", Sort: content.MagicAttack, Class: 100, UseMP: 10, Power: 50, Distance: 8, DelayMS: 1000},
		{Type: 1005, Level: 0}: {Type: 1005, Name: "Mend", Sort: content.MagicHeal, Class: 100, UseMP: 10, Power: 30, Distance: 8},
	}
	rules := newCombatRules(pack)
	w.rules.Store(rules)
	for _, m := range w.maps {
		m.call(func(m *Map) {
			m.setMonsters(spawns, rules.monsters)
			freeze(m)
		})
	}
	return w
}

// freeze puts every monster's next move and attack, and the PK decay, at
// base or later. Map goroutine only.
func freeze(m *Map) {
	for _, mo := range m.mobs.all {
		mo.nextMove, mo.nextAttack = base.Add(time.Hour), base
	}
	m.mobs.pkDecay = base.Add(1000 * time.Hour)
}

// oneAt is a spawn of one monster of type id on a single tile.
func oneAt(mapID, id uint32, x, y uint16) content.Spawn {
	return content.Spawn{Map: mapID, X: x, Y: y, CX: 1, CY: 1, Monster: id, Count: 1, RestSecs: 10}
}

// monsterAt returns the monster standing at (x, y) of m.
func monsterAt(t testing.TB, m *Map, x, y uint16) (mo *Monster) {
	t.Helper()
	m.call(func(m *Map) {
		for _, o := range m.mobs.all {
			if o.x == x && o.y == y {
				mo = o
			}
		}
	})
	if mo == nil {
		t.Fatalf("no monster at (%d, %d)", x, y)
	}
	return mo
}

// strong makes p hit hard and always (map goroutine).
func strong(m *Map, p *Player) {
	m.call(func(*Map) {
		p.ch.Strength, p.ch.Agility, p.ch.Level, p.ch.Vitality = 1000, 200, 1, 10
		p.ch.HP = maxHP(&p.ch)
	})
}

func tick(m *Map, at time.Time) { m.call(func(m *Map) { m.tick(at) }) }

func interacts(pkts []wire.Packet, kind msg.InteractType) []*msg.Interact {
	var out []*msg.Interact
	for _, p := range pkts {
		if it, ok := p.(*msg.Interact); ok && it.Action == kind {
			out = append(out, it)
		}
	}
	return out
}

func attribs(pkts []wire.Packet, id uint32, t msg.AttribType) (v uint64, ok bool) {
	for _, p := range pkts {
		if a, isA := p.(*msg.UserAttrib); isA && a.ID == id {
			for _, at := range a.List() {
				if at.Type == t {
					v, ok = at.Value, true
				}
			}
		}
	}
	return v, ok
}

func actions(pkts []wire.Packet, sub msg.ActionType) []*msg.Action {
	var out []*msg.Action
	for _, p := range pkts {
		if a, ok := p.(*msg.Action); ok && a.Subtype == sub {
			out = append(out, a)
		}
	}
	return out
}

func TestMonsterSpawnSleepAndWake(t *testing.T) {
	w := fightWorld(t, []content.MonsterType{testMonster(1, content.AIPassive)},
		[]content.Spawn{oneAt(StartMap, 1, 200, 200), {Map: StartMap, X: 600, Y: 600, CX: 50, CY: 50, Monster: 1, Count: 100, RestSecs: 10}})
	m := w.maps[StartMap]
	awake := func() (n int) { m.call(func(m *Map) { n = len(m.mobs.awake) }); return n }
	if n := awake(); n != 0 {
		t.Fatalf("%d monsters awake with no player", n)
	}
	_, c := addPlayer(t, m, 205, 200)
	var sp *msg.Player
	for _, p := range c.take() {
		if s, ok := p.(*msg.Player); ok && s.ID >= MonsterIDMin && s.ID <= MonsterIDMax {
			sp = s
		}
	}
	if sp == nil || sp.Mesh != 101 || sp.MonsterLevel != 5 || sp.Level != 5 || sp.HP != 100 || sp.Name != "Dummy" || sp.X != 200 {
		t.Fatalf("monster spawn %+v", sp)
	}
	if n := awake(); n != 1 {
		t.Fatalf("%d monsters awake, want the one in view", n)
	}
	// The player leaves: the monster falls asleep at the next tick.
	p2, _ := addPlayer(t, m, 10, 10)
	m.call(func(m *Map) {
		for _, p := range m.players {
			if p != p2 {
				m.leave(p)
			}
		}
	})
	tick(m, base)
	if n := awake(); n != 0 {
		t.Fatalf("%d monsters still awake with no player in view", n)
	}
	// A monster (re)spawned in a player's view is awake at once: the
	// player's moves would not wake it, it is on the screen already.
	var mo *Monster
	m.call(func(m *Map) { mo = m.mobs.all[sp.ID]; m.removeThing(mo) }) // asleep, off the map
	addPlayer(t, m, 205, 200)
	m.call(func(m *Map) { m.addThing(mo) })
	if n := awake(); n != 1 {
		t.Fatalf("%d monsters awake after a spawn in view, want 1", n)
	}
}

func TestAttackRefusals(t *testing.T) {
	w := fightWorld(t, []content.MonsterType{testMonster(1, content.AIPassive)},
		[]content.Spawn{oneAt(StartMap, 1, 200, 200), oneAt(builtinTwinCityID, 1, 300, 300)})
	m, city := w.maps[StartMap], w.maps[builtinTwinCityID]
	p, _ := addPlayer(t, m, 201, 200)
	strong(m, p)
	far, _ := addPlayer(t, m, 210, 200)
	mo := monsterAt(t, m, 200, 200)
	other := monsterAt(t, city, 300, 300)
	putNPC(m, 7, 202, 200)
	refused := func(op, reason string) float64 {
		return testutil.ToFloat64(w.metrics.fightRefused.WithLabelValues(op, reason))
	}
	cases := []struct {
		name, reason string
		target       uint32
		at           time.Time
	}{
		{"another map", "not_here", other.id, base},
		{"an NPC", "npc", 7, base},
		{"oneself", "self", p.id, base},
		{"a player in a no-PK map", "no_pk", far.id, base},
	}
	for _, c := range cases {
		before := refused("melee", c.reason)
		m.call(func(m *Map) { m.attack(p, c.target, false, c.at) })
		if refused("melee", c.reason) != before+1 {
			t.Errorf("%s: not refused as %s", c.name, c.reason)
		}
	}
	// A shot without a bow.
	m.call(func(m *Map) { m.attack(p, mo.id, true, base) })
	if refused("shoot", "no_bow") != 1 {
		t.Error("a shot without a bow was not refused")
	}
	// Out of range: the monster is 9 tiles from far.
	m.call(func(m *Map) { m.attack(far, mo.id, false, base) })
	if refused("melee", "range") != 1 {
		t.Error("out of range not refused")
	}
	// A hit, then one too soon.
	m.call(func(m *Map) { m.attack(p, mo.id, false, base) })
	m.call(func(m *Map) { m.attack(p, mo.id, false, base.Add(AttackInterval/2)) })
	if refused("melee", "too_fast") != 1 {
		t.Error("an attack faster than the interval was not refused")
	}
	// The monster is dead (1000 strength): attacking the corpse is refused.
	m.call(func(m *Map) { m.attack(p, mo.id, false, base.Add(2*AttackInterval)) })
	if !mo.dead() || refused("melee", "dead") != 1 {
		t.Errorf("dead %v, refused %v", mo.dead(), refused("melee", "dead"))
	}
}

func TestKillExperienceLevelUpAndObserver(t *testing.T) {
	w := fightWorld(t, []content.MonsterType{testMonster(1, content.AIPassive)},
		[]content.Spawn{oneAt(StartMap, 1, 200, 200)})
	m := w.maps[StartMap]
	p, c := addPlayer(t, m, 201, 200)
	strong(m, p)
	watcher, cw := addPlayer(t, m, 205, 205)
	mo := monsterAt(t, m, 200, 200)
	c.take()
	cw.take()
	m.call(func(m *Map) { m.attack(p, mo.id, false, base) })
	got, seen := c.take(), cw.take()
	hits := interacts(seen, msg.InteractAttack)
	if len(hits) != 1 || hits[0].Sender != p.id || hits[0].Target != mo.id || hits[0].Data == 0 {
		t.Fatalf("observer saw hits %+v", hits)
	}
	if k := interacts(seen, msg.InteractKill); len(k) != 1 || k[0].Data != 1 {
		t.Fatalf("observer saw kills %+v", k)
	}
	// Experience: 100 (the monster's HP, level 1 on 5: ×1.3 = 130) + kill
	// bonus 5 × 1.3 = 6 → 136 = level 2 and 36.
	if lvl, ok := attribs(got, p.id, msg.AttribLevel); !ok || lvl != 2 {
		t.Fatalf("level attrib %d %v", lvl, ok)
	}
	if p.ch.Level != 2 || p.ch.Exp != 36 || p.ch.AttrPoints != 3 {
		t.Fatalf("level %d exp %d points %d", p.ch.Level, p.ch.Exp, p.ch.AttrPoints)
	}
	if len(actions(seen, msg.ActionLevelUp)) != 1 {
		t.Fatal("observer did not see the level-up effect")
	}
	// The corpse leaves after CorpseDelay; the slot respawns after its rest.
	tick(m, base.Add(CorpseDelay))
	if !removalsOf(cw.take())[mo.id] {
		t.Fatal("corpse not removed")
	}
	tick(m, base.Add(MinRestTime))
	if len(actions(cw.take(), msg.ActionRevive)) != 1 {
		t.Fatal("no respawn after the rest time")
	}
	_ = watcher
}

func TestMonsterChasesKillsAndPlayerRevives(t *testing.T) {
	w := fightWorld(t, []content.MonsterType{testMonster(1, content.AIActive)},
		[]content.Spawn{oneAt(builtinTwinCityID, 1, 300, 300)})
	m := w.maps[builtinTwinCityID]
	p, c := addPlayer(t, m, 304, 300)
	m.call(func(*Map) { p.ch.HP = 25 })
	mo := monsterAt(t, m, 300, 300)
	m.call(func(*Map) { mo.nextMove = base })
	now := base
	for i := 0; i < 40 && !p.fight.dead; i++ {
		tick(m, now)
		now = now.Add(TickInterval)
	}
	got := c.take()
	walks := 0
	for _, pk := range got {
		if wk, ok := pk.(*msg.Walk); ok && wk.ID == mo.id {
			walks++
		}
	}
	if walks < 3 || !p.fight.dead {
		t.Fatalf("%d steps, player dead %v (HP %d)", walks, p.fight.dead, p.ch.HP)
	}
	if st, ok := attribs(got, p.id, msg.AttribStatus); !ok || st&statusDead == 0 {
		t.Fatalf("dead status %x %v", st, ok)
	}
	if mesh, _ := attribs(got, p.id, msg.AttribMesh); mesh < ghostMale {
		t.Fatalf("ghost mesh %d", mesh)
	}
	died := p.fight.diedAt
	// Revive: refused before the wait, refused when alive, done after.
	m.call(func(m *Map) { m.revive(p, died.Add(ReviveWait-time.Second)) })
	if !p.fight.dead || testutil.ToFloat64(w.metrics.fightRefused.WithLabelValues("revive", "too_soon")) != 1 {
		t.Fatal("revive before the wait was not refused")
	}
	m.call(func(m *Map) { m.revive(p, died.Add(ReviveWait)) })
	if p.fight.dead || p.ch.HP != maxHP(&p.ch) || p.x != fallbackX || p.y != fallbackY {
		t.Fatalf("after revive: dead %v HP %d at (%d, %d)", p.fight.dead, p.ch.HP, p.x, p.y)
	}
	m.call(func(m *Map) { m.revive(p, died.Add(2*ReviveWait)) })
	if testutil.ToFloat64(w.metrics.fightRefused.WithLabelValues("revive", "alive")) != 1 {
		t.Fatal("revive while alive was not refused")
	}
}

func TestAllot(t *testing.T) {
	w := fightWorld(t, nil, nil)
	m := w.maps[StartMap]
	p, c := addPlayer(t, m, 100, 100)
	m.call(func(*Map) { p.ch.AttrPoints = 3 })
	m.call(func(m *Map) { m.allot(p, msg.Allot{Strength: 2, Vitality: 2}) })
	if p.ch.AttrPoints != 3 || testutil.ToFloat64(w.metrics.fightRefused.WithLabelValues("allot", "not_enough")) != 1 {
		t.Fatal("allotting more than owned was not refused")
	}
	c.take()
	m.call(func(m *Map) { m.allot(p, msg.Allot{Strength: 1, Vitality: 2}) })
	if p.ch.AttrPoints != 0 || p.ch.Strength != 1 || p.ch.Vitality != 2 {
		t.Fatalf("after allot %+v", p.ch)
	}
	if v, ok := attribs(c.take(), p.id, msg.AttribVitality); !ok || v != 2 {
		t.Fatal("vitality not sent")
	}
}

func TestMagic(t *testing.T) {
	w := fightWorld(t, []content.MonsterType{testMonster(1, content.AIPassive)},
		[]content.Spawn{oneAt(StartMap, 1, 200, 200)})
	m := w.maps[StartMap]
	p, c := addPlayer(t, m, 205, 200)
	mo := monsterAt(t, m, 200, 200)
	refused := func(reason string) float64 {
		return testutil.ToFloat64(w.metrics.fightRefused.WithLabelValues("magic", reason))
	}
	m.call(func(m *Map) { m.cast(p, 1000, mo.id, base) }) // a Trojan (class 0) has no Bolt
	if refused("unknown_skill") != 1 {
		t.Fatal("unknown skill not refused")
	}
	m.call(func(*Map) { p.ch.Class, p.ch.Level, p.ch.Spirit, p.ch.MP, p.ch.Vitality = 100, 1, 10, 5, 10 })
	m.call(func(m *Map) { m.cast(p, 1000, mo.id, base) })
	if refused("no_mp") != 1 {
		t.Fatal("cast without MP not refused")
	}
	m.call(func(*Map) { p.ch.MP = 50; p.ch.HP = 1 })
	c.take()
	m.call(func(m *Map) { m.cast(p, 1000, mo.id, base) })
	got := c.take()
	var eff *msg.MagicEffect
	for _, pk := range got {
		if e, ok := pk.(*msg.MagicEffect); ok {
			eff = e
		}
	}
	// (10 spirit + 50) × 1.3? no: green factor 1 (level 1 on 5) → 60 × 0.75 = 45.
	if eff == nil || eff.Count != 1 || eff.Targets[0].Role != mo.id || eff.Targets[0].Value != 45 || mo.hp != 55 {
		t.Fatalf("effect %+v, monster HP %d", eff, mo.hp)
	}
	if p.ch.MP != 40 {
		t.Fatalf("MP %d", p.ch.MP)
	}
	m.call(func(m *Map) { m.cast(p, 1000, mo.id, base.Add(500*time.Millisecond)) })
	if refused("too_fast") != 1 {
		t.Fatal("cast within the delay not refused")
	}
	m.call(func(m *Map) { m.cast(p, 1005, 0, base.Add(time.Second)) })
	if p.ch.HP != 31 {
		t.Fatalf("healed to %d", p.ch.HP)
	}
	// MagicInfo at login lists both skills.
	var s session
	s.player = p
	s.srv = &Server{world: w}
	c.take()
	s.sendSpells()
	n := 0
	for _, pk := range c.take() {
		if _, ok := pk.(*msg.MagicInfo); ok {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("%d MagicInfo", n)
	}
}

func TestGuardAttacksMonsters(t *testing.T) {
	guard := testMonster(900, content.AIGuard)
	guard.AttackMin, guard.AttackMax, guard.AttackRange = 500, 500, 3
	w := fightWorld(t, []content.MonsterType{guard, testMonster(1, content.AIPassive)},
		[]content.Spawn{oneAt(builtinTwinCityID, 900, 300, 300), oneAt(builtinTwinCityID, 1, 302, 300)})
	m := w.maps[builtinTwinCityID]
	addPlayer(t, m, 305, 305)
	prey := monsterAt(t, m, 302, 300)
	tick(m, base)
	if !prey.dead() {
		t.Fatal("the guard did not kill the monster in its range")
	}
}

func TestPKPointsNamesAndGuards(t *testing.T) {
	guard := testMonster(900, content.AIGuard)
	guard.AttackMin, guard.AttackMax, guard.AttackRange, guard.Life = 5, 5, 2, 100000
	w := fightWorld(t, []content.MonsterType{guard}, []content.Spawn{oneAt(builtinTwinCityID, 900, 330, 300)})
	m := w.maps[builtinTwinCityID] // a PK map
	killer, ck := addPlayer(t, m, 300, 300)
	victim, _ := addPlayer(t, m, 301, 300)
	strong(m, killer)
	m.call(func(*Map) { victim.ch.HP = 1 })
	ck.take()
	m.call(func(m *Map) { m.attack(killer, victim.id, false, base) })
	if !victim.fight.dead || killer.ch.PKPoints != PKPerKill {
		t.Fatalf("victim dead %v, killer PK %d", victim.fight.dead, killer.ch.PKPoints)
	}
	if st, ok := attribs(ck.take(), killer.id, msg.AttribStatus); !ok || st&statusBlue == 0 {
		t.Fatalf("killer's status %x %v: want blue", st, ok)
	}
	// Red at 30: the guard attacks the red name, not the innocent.
	m.call(func(*Map) { killer.ch.PKPoints = RedNamePK; killer.x, killer.y = 329, 300; m.grid.moved(killer) })
	m.call(func(m *Map) { m.refreshScreen(killer, nil) })
	hp := killer.ch.HP
	tick(m, base)
	if killer.ch.HP >= hp {
		t.Fatalf("the guard did not attack the red name (HP %d → %d)", hp, killer.ch.HP)
	}
	if killer.status()&statusRed == 0 {
		t.Fatal("no red name at 30 PK points")
	}
	// The blue name clears once BlueNameTime has passed.
	tick(m, base.Add(BlueNameTime))
	if killer.status()&statusBlue != 0 {
		t.Fatal("the blue name did not clear")
	}
	// PK points decay by one per PKDecayInterval.
	m.call(func(m *Map) { m.mobs.pkDecay = base })
	tick(m, base.Add(time.Second))
	if killer.ch.PKPoints != RedNamePK-1 {
		t.Fatalf("PK %d after decay", killer.ch.PKPoints)
	}
}

// TestInteractHandler drives MsgInteract through the handler: a claim to be
// another role closes the connection, an encoded cast reaches the spell,
// an unknown type is counted and ignored, MsgAllot goes to the map.
func TestInteractHandler(t *testing.T) {
	s, _ := newTestServer(t, newFakeStore(), Config{})
	w := s.world
	rules := newCombatRules(&content.Pack{Magic: map[content.MagicKey]content.MagicType{
		{Type: 1000}: {Type: 1000, Name: "Bolt", Sort: content.MagicAttack, Class: 100, UseMP: 1, Power: 50, Distance: 8},
	}})
	w.rules.Store(rules)
	mt := testMonster(1, content.AIPassive)
	m := w.maps[StartMap]
	m.call(func(m *Map) {
		m.setMonsters([]content.Spawn{oneAt(StartMap, 1, 200, 200)}, map[uint32]*content.MonsterType{1: &mt})
		freeze(m)
	})
	sess := placedSession(t, s, 1_000_050, 203, 200)
	p := sess.player
	m.call(func(*Map) { p.ch.Class, p.ch.Level, p.ch.MP, p.ch.Spirit = 100, 1, 10, 10 })
	mo := monsterAt(t, m, 200, 200)
	send := func(pkt wire.Packet, handle func([]byte) error) error {
		var c wire.Codec
		b, err := c.Encode(nil, pkt)
		if err != nil {
			t.Fatal(err)
		}
		err = handle(b)
		sync_(m)
		return err
	}
	if err := send(&msg.Interact{Sender: p.id + 1, Target: mo.id, Action: msg.InteractAttack}, sess.handleInteract); err == nil {
		t.Fatal("an attack in another role's name was accepted")
	}
	var cast msg.Interact
	cast.EncodeMagic(p.id, 1000, 0, mo.id, mo.x, mo.y)
	if err := send(&cast, sess.handleInteract); err != nil {
		t.Fatal(err)
	}
	if mo.hp != 100-45 || p.ch.MP != 9 {
		t.Fatalf("after the cast: monster HP %d, MP %d", mo.hp, p.ch.MP)
	}
	if err := send(&msg.Interact{Sender: p.id, Action: 8}, sess.handleInteract); err != nil ||
		testutil.ToFloat64(w.metrics.fightRefused.WithLabelValues("other", "unsupported")) != 1 {
		t.Fatalf("an unsupported type: %v", err)
	}
	m.call(func(*Map) { p.ch.AttrPoints = 1 })
	if err := send(&msg.Allot{Agility: 1}, sess.handleAllot); err != nil || p.ch.Agility != 1 {
		t.Fatalf("allot: %v, agility %d", err, p.ch.Agility)
	}
}

// TestLoot: a monster with a sure item drop leaves it on the floor next to
// its corpse, reserved for the killer; with no uid in the stash the drop is
// skipped and counted.
func TestLoot(t *testing.T) {
	mt := testMonster(1, content.AIPassive)
	mt.Drops, mt.DropChance = []uint32{1000000}, 100
	w := fightWorld(t, []content.MonsterType{mt},
		[]content.Spawn{oneAt(StartMap, 1, 200, 200), oneAt(StartMap, 1, 210, 200)})
	w.table.Store(&itemTable{types: map[uint32]content.ItemType{1000000: {ID: 1000000, Name: "Potion", HP: 50, Stack: 1}}})
	w.saver = newSaver(newFakeStore()) // before any command reads it: the maps' queues order it
	m := w.maps[StartMap]
	p, c := addPlayer(t, m, 201, 200)
	strong(m, p)
	w.uids = &uidPool{next: store.FirstItemID + 77, left: 1} // one uid reserved, no store behind
	mo := monsterAt(t, m, 200, 200)
	c.take()
	m.call(func(m *Map) { m.attack(p, mo.id, false, base) })
	var drop *msg.MapItem
	for _, pk := range c.take() {
		if mi, ok := pk.(*msg.MapItem); ok && mi.Action == msg.MapItemCreate && mi.ItemType == 1000000 {
			drop = mi
		}
	}
	if drop == nil || drop.ID != store.FirstItemID+77 || distance(drop.X, drop.Y, mo.x, mo.y) > 1 {
		t.Fatalf("drop %+v", drop)
	}
	m.call(func(m *Map) {
		if f := m.ground.byID[drop.ID]; f == nil || f.owner != p.id {
			t.Errorf("floor item %+v, want owned by %d", f, p.id)
		}
	})
	// No uid is left now: the next kill's item is skipped.
	other := monsterAt(t, m, 210, 200)
	m.call(func(*Map) { p.x = 209; m.grid.moved(p) })
	m.call(func(m *Map) { m.attack(p, other.id, false, base.Add(time.Second)) })
	if !other.dead() || testutil.ToFloat64(w.metrics.loot.WithLabelValues("item_no_uid_failed")) != 1 {
		t.Fatalf("dead %v, skipped %v", other.dead(), testutil.ToFloat64(w.metrics.loot.WithLabelValues("item_no_uid_failed")))
	}
}

func TestLineOfSight(t *testing.T) {
	w := newTestWorld(t, nil)
	m := w.maps[StartMap]
	for _, c := range [][4]uint16{{10, 10, 10, 10}, {10, 10, 20, 10}, {10, 10, 10, 3}, {10, 10, 17, 14}, {10, 10, 3, 19}, {5, 5, 6, 6}} {
		if !m.lineOfSight(c[0], c[1], c[2], c[3]) {
			t.Errorf("no sight %v on open ground", c)
		}
	}
	if m.lineOfSight(1020, 10, 1030, 10) {
		t.Error("sight through the map's edge")
	}
}

// TestLeash: a monster that chased a player more than LeashRange out of its
// area gives up and walks home, ignoring the player until it is back.
func TestLeash(t *testing.T) {
	w := fightWorld(t, []content.MonsterType{testMonster(1, content.AIActive)},
		[]content.Spawn{oneAt(builtinTwinCityID, 1, 300, 300)})
	m := w.maps[builtinTwinCityID]
	mo := monsterAt(t, m, 300, 300)
	p, _ := addPlayer(t, m, 300+LeashRange+3, 300)
	m.call(func(*Map) { mo.x = 300 + LeashRange + 1; m.things.moved(mo); mo.target = p.id; mo.nextMove = base })
	tick(m, base)
	if !mo.returning || mo.target != 0 {
		t.Fatalf("returning %v, target %d", mo.returning, mo.target)
	}
	now := base
	for range 4 * (LeashRange + 2) {
		now = now.Add(time.Second)
		tick(m, now)
		if mo.x == 300 {
			break
		}
	}
	if mo.x != 300 || mo.returning && mo.target != 0 {
		t.Fatalf("at (%d, %d), returning %v, target %d", mo.x, mo.y, mo.returning, mo.target)
	}
}

// TestLoginDead: a character saved dead (logged out as a ghost) logs in
// alive, with full HP, at the revive point of its map.
func TestLoginDead(t *testing.T) {
	s, _ := newTestServer(t, newFakeStore(), Config{})
	fc := &fakeConn{}
	ch := store.Character{ID: 1_000_077, Name: "ghost", MapID: StartMap, X: 150, Y: 150, Vitality: 10}
	p := newPlayer(ch, false, fc, nil)
	sess := &session{srv: s, conn: &server.Conn{Log: slog.New(slog.DiscardHandler)}, done: make(chan struct{}),
		player: p, state: stateLogin}
	if err := sess.place(); err != nil {
		t.Fatal(err)
	}
	m := p.at.Load()
	sync_(m)
	var x, y, hp uint16
	m.call(func(*Map) { x, y, hp = p.x, p.y, p.ch.HP })
	if m.id != StartMap || x != StartX || y != StartY || hp != maxHP(&p.ch) {
		t.Fatalf("on map %d at (%d, %d) with %d HP", m.id, x, y, hp)
	}
}

// TestProficiency: hits train the proficiency of the weapon in hand
// (MsgFlushExp), and a level gained shows as MsgWeaponSkill, also at the
// login step MsgAction 77; a spell's experience shows as MsgFlushExp.
func TestProficiency(t *testing.T) {
	mt := testMonster(1, content.AIPassive)
	mt.Life, mt.Level = 1_000_000, 100
	w := fightWorld(t, []content.MonsterType{mt}, []content.Spawn{oneAt(StartMap, 1, 200, 200)})
	m := w.maps[StartMap]
	p, c := addPlayer(t, m, 201, 200)
	m.call(func(*Map) { p.ch.Strength, p.ch.Agility, p.ch.Level = 400, 200, 1 })
	mo := monsterAt(t, m, 200, 200)
	c.take()
	now := base
	var flushes, levels int
	for range 4 {
		m.call(func(m *Map) { m.attack(p, mo.id, false, now) })
		now = now.Add(AttackInterval)
		for _, pk := range c.take() {
			switch x := pk.(type) {
			case *msg.FlushExp:
				if x.Kind == msg.FlushWeaponSkill && x.Skill == 0 {
					flushes++
				}
			case *msg.WeaponSkill:
				if x.Skill == 0 && x.Level >= 2 {
					levels++
				}
			}
		}
	}
	// 400 damage a hit, × 2.3 on a monster far above: 920 exp; 1,200 pass
	// level 1 at the second hit.
	if flushes != 3 || levels != 1 || p.fight.prof[0].level != 2 {
		t.Fatalf("%d flushes, %d level-ups, proficiency %+v", flushes, levels, p.fight.prof[0])
	}
	var s session
	s.player, s.srv = p, &Server{world: w}
	s.sendProficiencies()
	if ws := c.take(); len(ws) != 1 {
		t.Fatalf("login proficiencies %v", ws)
	}
}
