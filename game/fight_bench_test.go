package game

import (
	"testing"

	"github.com/coserver/coserver/content"
)

// BenchmarkMonsterAITick is one map tick with 100 monsters awake around 10
// players (each monster wanders, chases or attacks); ns/op / 100 is the AI
// cost of one awake monster per tick.
func BenchmarkMonsterAITick(b *testing.B) {
	mt := testMonster(1, content.AIActive)
	mt.AttackMin, mt.AttackMax, mt.Life = 0, 0, 1_000_000 // fights last
	w := fightWorld(b, []content.MonsterType{mt},
		[]content.Spawn{{Map: StartMap, X: 200, Y: 200, CX: 20, CY: 20, Monster: 1, Count: 100, RestSecs: 10}})
	m := w.maps[StartMap]
	ps, _ := benchPlayers(b, m, 10, 1)
	m.call(func(m *Map) {
		for _, p := range ps {
			p.x, p.y = 210, 210
			m.grid.moved(p)
			p.ch.HP = 60000
			m.refreshScreen(p, nil)
		}
	})
	var awake int
	m.call(func(m *Map) { awake = len(m.mobs.awake) })
	if awake != 100 {
		b.Fatalf("%d monsters awake, want 100", awake)
	}
	now := base
	b.ReportAllocs()
	m.call(func(m *Map) {
		for b.Loop() {
			now = now.Add(TickInterval)
			m.tick(now)
		}
	})
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100, "ns/monster")
}

// BenchmarkSleepingMonsters is one map tick with 10,000 monsters asleep (no
// player near them) and one player elsewhere: the sleeping cost nothing.
func BenchmarkSleepingMonsters(b *testing.B) {
	w := fightWorld(b, []content.MonsterType{testMonster(1, content.AIActive)},
		[]content.Spawn{{Map: StartMap, X: 400, Y: 400, CX: 200, CY: 200, Monster: 1, Count: 500, RestSecs: 10}})
	m := w.maps[StartMap]
	// 20 areas of 500 monsters: 10,000 in all.
	var spawns []content.Spawn
	for i := range 20 {
		spawns = append(spawns, content.Spawn{Map: StartMap, X: uint16(300 + i%5*120), Y: uint16(300 + i/5*120),
			CX: 100, CY: 100, Monster: 1, Count: 500, RestSecs: 10})
	}
	m.call(func(m *Map) { m.setMonsters(spawns, w.combat().monsters) })
	benchPlayers(b, m, 1, 1) // at (100, 100), far from every monster
	var n, awake int
	m.call(func(m *Map) { n, awake = len(m.mobs.all), len(m.mobs.awake) })
	if n != 10_000 || awake != 0 {
		b.Fatalf("%d monsters, %d awake", n, awake)
	}
	now := base
	b.ReportAllocs()
	m.call(func(m *Map) {
		for b.Loop() {
			now = now.Add(TickInterval)
			m.tick(now)
		}
	})
}

// BenchmarkAttack is one melee hit of a player on a monster seen by 50
// observers: the checks, the damage, the result encoded once and copied to
// each observer, the experience.
func BenchmarkAttack(b *testing.B) {
	mt := testMonster(1, content.AIPassive)
	mt.Life = 1 << 30 // never dies
	w := fightWorld(b, []content.MonsterType{mt}, []content.Spawn{oneAt(StartMap, 1, 200, 200)})
	m := w.maps[StartMap]
	ps, _ := benchPlayers(b, m, 51, 1)
	var mo *Monster
	m.call(func(m *Map) {
		for _, o := range m.mobs.all {
			mo = o
		}
		for _, p := range ps {
			p.x, p.y = 201, 200
			m.grid.moved(p)
			m.refreshScreen(p, nil)
		}
		ps[0].ch.Strength, ps[0].ch.Agility = 50, 100
	})
	p := ps[0]
	now := base
	b.ReportAllocs()
	m.call(func(m *Map) {
		for b.Loop() {
			now = now.Add(AttackInterval)
			m.attack(p, mo.id, false, now)
		}
	})
}
