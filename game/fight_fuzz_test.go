package game

import (
	"fmt"
	"testing"
	"time"

	"github.com/coserver/coserver/content"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/store"
)

// FuzzFightRequests runs random sequences of attacks, shots, casts,
// allotments, revives, steps and clock jumps by three players among
// monsters on one map, and checks after each that nothing broke: HP within
// [0, max] and a player dead exactly when at 0 HP, monsters alive with HP
// in (0, life] and corpses at 0, experience below the need of the level,
// the awake list without duplicates, unspent points never negative.
func FuzzFightRequests(f *testing.F) {
	f.Add([]byte{0, 0, 0, 5, 0, 40, 0, 0, 0})           // attack, wait, attack
	f.Add([]byte{2, 0, 0, 5, 0, 200, 3, 0, 0})          // cast, long wait, revive
	f.Add([]byte{0, 1, 4, 0, 1, 4, 5, 2, 250, 4, 2, 3}) // PK, wait, allot
	mt := testMonster(1, content.AIActive)
	mt.AttackMin, mt.AttackMax, mt.Life = 30, 60, 200
	spawns := []content.Spawn{{Map: builtinTwinCityID, X: 200, Y: 200, CX: 6, CY: 6, Monster: 1, Count: 4, RestSecs: 10},
		{Map: builtinTwinCityID, X: 196, Y: 196, CX: 3, CY: 3, Monster: 2, Count: 2, RestSecs: 10}}
	w := fightWorld(f, []content.MonsterType{mt, testMonster(2, content.AIPassive)}, spawns)
	w.rules.Store(newCombatRules(&content.Pack{Levels: []uint64{0, 50, 100, 200, 400},
		Monsters: map[uint32]content.MonsterType{1: mt, 2: testMonster(2, content.AIPassive)},
		Magic: map[content.MagicKey]content.MagicType{
			{Type: 1000}: {Type: 1000, Name: "Bolt", Sort: content.MagicAttack, Power: 40, Distance: 8, UseMP: 3},
			{Type: 1005}: {Type: 1005, Name: "Mend", Sort: content.MagicHeal, Power: 30, Distance: 8, UseMP: 2},
		}}))
	m := w.maps[builtinTwinCityID]
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 3*100 {
			ops = ops[:3*100]
		}
		m.call(func(m *Map) { m.setMonsters(spawns, m.world.combat().monsters) })
		ps := make([]*Player, 3)
		for i := range ps {
			nextID++
			ps[i] = newPlayer(store.Character{ID: nextID, Name: "f", MapID: m.id, X: uint16(198 + i), Y: 200,
				Level: 1, Strength: 20, Agility: 30, Vitality: 5, Spirit: 10, HP: 150, MP: 50, Class: 0}, false, &countConn{}, nil)
			m.call(func(m *Map) { m.enter(ps[i]) })
		}
		now := base
		var problem string
		for i := 0; i+2 < len(ops); i += 3 {
			op, p, arg := ops[i]%7, ps[int(ops[i+1])%len(ps)], ops[i+2]
			m.call(func(m *Map) {
				ids := make([]uint32, 0, len(m.mobs.all)+len(ps))
				for id := range m.mobs.all {
					ids = append(ids, id)
				}
				for _, o := range ps {
					ids = append(ids, o.id)
				}
				target := ids[int(arg)%len(ids)]
				switch op {
				case 0, 1:
					m.attack(p, target, op == 1, now)
				case 2:
					m.cast(p, 1000+uint16(arg%2)*5, target, now)
				case 3:
					m.revive(p, now)
				case 4:
					m.allot(p, msg.Allot{Strength: arg % 3, Vitality: arg / 3 % 3})
				case 5:
					now = now.Add(time.Duration(arg) * 100 * time.Millisecond)
					m.tick(now)
				case 6:
					m.walk(p, arg%8, msg.WalkModeRun, now)
				}
				problem = checkFight(m, ps)
			})
			if problem != "" {
				t.Fatalf("after op %d (%d %d %d): %s", i/3, op, ops[i+1], arg, problem)
			}
		}
		m.call(func(m *Map) {
			for _, p := range ps {
				m.leave(p)
			}
		})
	})
}

// checkFight checks the invariants of FuzzFightRequests and returns the
// first broken one, or "". Map goroutine.
func checkFight(m *Map, ps []*Player) string {
	levels := m.world.combat().levels
	for _, p := range ps {
		if int(p.ch.HP) > int(maxHP(&p.ch)) || p.fight.dead != (p.ch.HP == 0) {
			return fmt.Sprintf("player %d: HP %d of %d, dead %v", p.id, p.ch.HP, maxHP(&p.ch), p.fight.dead)
		}
		if int(p.ch.Level) < len(levels) && p.ch.Exp >= levels[p.ch.Level] {
			return fmt.Sprintf("player %d: level %d with %d exp, need %d", p.id, p.ch.Level, p.ch.Exp, levels[p.ch.Level])
		}
		if p.ch.AttrPoints > 1000 {
			return fmt.Sprintf("player %d: %d points (wrapped)", p.id, p.ch.AttrPoints)
		}
	}
	seen := map[*Monster]bool{}
	for _, mo := range m.mobs.awake {
		if seen[mo] || !mo.awake {
			return fmt.Sprintf("monster %d twice in the awake list, or not flagged awake", mo.id)
		}
		seen[mo] = true
	}
	for _, mo := range m.mobs.all {
		if mo.dead() != (mo.hp <= 0) || mo.hp > int(mo.typ.Life) {
			return fmt.Sprintf("monster %d: HP %d of %d, dead %v", mo.id, mo.hp, mo.typ.Life, mo.dead())
		}
	}
	return ""
}
