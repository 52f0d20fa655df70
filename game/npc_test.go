package game

import (
	"testing"
	"time"

	"github.com/coserver/coserver/mapdata"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/wire"
)

func npcSpawnsOf(pkts []wire.Packet) map[uint32]bool {
	out := map[uint32]bool{}
	for _, p := range pkts {
		if sp, ok := p.(*msg.NpcInfo); ok {
			out[sp.ID] = true
		}
	}
	return out
}

func putNPC(m *Map, id uint32, x, y uint16) *NPC {
	n := &NPC{place: place{x: x, y: y, cell: -1}, id: id, name: "Tester", kind: 2, look: 1234}
	m.call(func(m *Map) {
		m.npcs[id] = n
		m.addThing(n)
	})
	return n
}

// TestNPCsOnScreens: an NPC is spawned to players in view when it appears,
// when they arrive and when they walk up to it, and removed when they walk
// away or it goes.
func TestNPCsOnScreens(t *testing.T) {
	w := newTestWorld(t, nil)
	m := w.maps[StartMap]
	near, cn := addPlayer(t, m, 100, 100)
	_, cf := addPlayer(t, m, 300, 300)
	cn.take()
	cf.take()
	n := putNPC(m, 10, 105, 105)
	if got := cn.take(); !npcSpawnsOf(got)[n.id] {
		t.Fatalf("a player in view did not see the NPC appear: %v", got)
	}
	if got := cf.take(); len(got) != 0 {
		t.Fatalf("a player far away got %v", got)
	}
	sp := func() *msg.NpcInfo {
		var got *msg.NpcInfo
		m.call(func(m *Map) { m.query(near, n.id) })
		for _, p := range cn.take() {
			if v, ok := p.(*msg.NpcInfo); ok {
				got = v
			}
		}
		return got
	}()
	if sp == nil || sp.X != 105 || sp.Y != 105 || sp.Look != 1234 || sp.Kind != 2 || sp.Name != "" {
		t.Fatalf("queried spawn = %+v", sp)
	}

	// A newcomer in view gets it on arrival.
	_, cc := addPlayer(t, m, 110, 110)
	if !npcSpawnsOf(cc.take())[n.id] {
		t.Fatal("a player arriving in view did not get the NPC")
	}

	// Walking away removes it, walking back spawns it again.
	now := time.Now()
	for i := range ViewRange + 2 {
		m.do(func(m *Map) { m.walk(near, 2, msg.WalkModeRun, now.Add(time.Duration(i)*time.Second)) }) // x-1
	}
	sync_(m)
	if !removalsOf(cn.take())[n.id] {
		t.Fatal("walking out of view did not remove the NPC")
	}
	m.call(func(m *Map) {
		if near.seen[n.id] != nil {
			t.Error("the NPC is still on the screen of a player out of view")
		}
	})
	for i := range 7 {
		m.do(func(m *Map) { m.walk(near, 6, msg.WalkModeRun, now.Add(time.Hour+time.Duration(i)*time.Second)) }) // x+1
	}
	sync_(m)
	if !npcSpawnsOf(cn.take())[n.id] {
		t.Fatal("walking back into view did not spawn the NPC")
	}

	// The NPC goes: every screen loses it.
	m.call(func(m *Map) { m.removeThing(n) })
	if !removalsOf(cn.take())[n.id] || !removalsOf(cc.take())[n.id] {
		t.Fatal("removing the NPC did not reach every screen")
	}
}

// TestNPCsCostNothingWithoutPlayers: a map with 1,000 NPCs and no players
// has no ticker: its goroutine sleeps on its command queue. A player
// arriving starts the ticker; the last one leaving stops it.
func TestNPCsCostNothingWithoutPlayers(t *testing.T) {
	w := newTestWorld(t, nil)
	m := w.maps[builtinTwinCityID]
	for i := range 1000 {
		putNPC(m, uint32(1+i), uint16(i%1000), uint16(i/10))
	}
	ticking := func() (on bool) {
		sync_(m) // the ticker is switched after each command
		m.call(func(m *Map) { on = m.ticking })
		return on
	}
	if ticking() {
		t.Fatal("a map without players ticks")
	}
	p, _ := addPlayer(t, m, 10, 10)
	if !ticking() {
		t.Fatal("a map with a player does not tick")
	}
	m.call(func(m *Map) { m.leave(p) })
	if ticking() {
		t.Fatal("the map still ticks after its last player left")
	}
}

func TestPortals(t *testing.T) {
	w := newTestWorld(t, nil)
	start, city := w.maps[StartMap], w.maps[builtinTwinCityID]
	start.call(func(m *Map) {
		m.portals = []portal{{x: 70, y: 100, toMap: city.id, toX: 430, toY: 378}}
	})
	a, ca := addPlayer(t, start, 60, 100)
	ca.take()
	take := func(x, y uint16) []wire.Packet {
		on := a.at.Load()
		on.do(func(m *Map) { m.takePortal(a, x, y) })
		sync_(on)
		sync_(city)
		return ca.take()
	}
	// Far from any portal: pulled back where it stands.
	if x, y, ok := pulledBack(take(60, 100)); !ok || x != 60 || y != 100 || a.at.Load() != start {
		t.Fatalf("a portal request away from the portal: pulled back %v to (%d,%d)", ok, x, y)
	}
	// Standing next to it, but reporting a point far away: refused.
	start.call(func(m *Map) { a.x = 69; m.grid.moved(a) })
	if _, _, ok := pulledBack(take(69, 120)); !ok || a.at.Load() != start {
		t.Fatal("a reported point 20 tiles away was accepted")
	}
	// Next to it: through.
	got := take(70, 100)
	if a.at.Load() != city || a.x != 430 || a.y != 378 {
		t.Fatalf("not teleported: on %d at (%d,%d)", a.at.Load().id, a.x, a.y)
	}
	var tele, light, info bool
	for _, p := range got {
		switch v := p.(type) {
		case *msg.Action:
			tele = tele || v.Subtype == msg.ActionTeleport && v.Data1 == city.id
			light = light || v.Subtype == msg.ActionMapARGB
		case *msg.MapInfo:
			info = v.MapID == city.id
		}
	}
	if !tele || !light || !info {
		t.Fatalf("arrival sequence incomplete (86 %v, 104 %v, 1110 %v): %v", tele, light, info, got)
	}
	// On a map without portals: pulled back.
	if _, _, ok := pulledBack(take(430, 378)); !ok || a.at.Load() != city {
		t.Fatal("a portal request on a map without portals moved the player")
	}
}

var _ = mapdata.Open
