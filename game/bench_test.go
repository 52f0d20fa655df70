package game

import (
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/wire"
)

// countConn counts what the world sends, and copies each packet into a
// reused buffer as a real outbox does.
type countConn struct {
	packets atomic.Int64
	buf     []byte
}

func (c *countConn) Send(wire.Packet) bool { c.packets.Add(1); return true }
func (c *countConn) SendRaw(b []byte) bool {
	c.packets.Add(1)
	c.buf = append(c.buf[:0], b...)
	return true
}

func (c *countConn) SendRawLater(b []byte) bool { return c.SendRaw(b) }

// benchPlayers puts n players on m, spread over a side × side square.
func benchPlayers(b *testing.B, m *Map, n, side int) ([]*Player, []*countConn) {
	rng := rand.New(rand.NewPCG(1, 2))
	ps := make([]*Player, n)
	cs := make([]*countConn, n)
	m.call(func(m *Map) {
		for i := range n {
			cs[i] = &countConn{}
			ch := store.Character{ID: uint32(2_000_000 + i), Name: "bench", MapID: m.id,
				X: uint16(100 + rng.IntN(side)), Y: uint16(100 + rng.IntN(side))}
			ps[i] = newPlayer(ch, false, cs[i], nil)
			m.enter(ps[i])
		}
	})
	return ps, cs
}

// BenchmarkBroadcastMove is one step seen by 100 observers: the step is
// encoded once and copied to each observer's outbox.
func BenchmarkBroadcastMove(b *testing.B) {
	w := newTestWorld(b, nil)
	m := w.maps[StartMap]
	ps, _ := benchPlayers(b, m, 101, 10) // everyone within view of everyone
	mover := ps[0]
	if mover.screen.len() != 100 {
		b.Fatalf("mover sees %d, want 100", mover.screen.len())
	}
	now := time.Now()
	b.ReportAllocs()
	b.ResetTimer()
	m.call(func(m *Map) {
		for i := 0; b.Loop(); i++ {
			now = now.Add(time.Second)                         // under the speed limit
			m.walk(mover, uint8(i%2*4), msg.WalkModeWalk, now) // back and forth: stays in view
		}
	})
	b.ReportMetric(100, "recipients/op")
}

// BenchmarkAOI is 1000 players on one map, each moving once per 300 ms: one
// op is one second of game time (3333 moves). ns/op ÷ 1e9 is the share of
// one core the map's goroutine needs.
func BenchmarkAOI(b *testing.B) {
	for _, bc := range []struct {
		name string
		side int
	}{{"town-300x300", 300}, {"spread-900x900", 900}} {
		b.Run(bc.name, func(b *testing.B) {
			benchWalkSquare(b, newTestWorld(b, nil), 1000, bc.side, 300*time.Millisecond, rand.New(rand.NewPCG(3, 4)))
		})
	}
}

// benchWarmSeconds is how many game seconds benchWalkSquare runs before it
// measures: the outboxes' buffers and the screens' maps reach their working
// size, and screens filled by arrival settle.
const benchWarmSeconds = 3

// benchWalkSquare places n players in a side × side square of w's start
// map and moves each once per period in a random direction, bouncing off
// the square's sides; one op is one second of game time (n moves a
// period), measured after benchWarmSeconds. It reports what the outboxes
// receive per game second, how many players see a move (observers/move),
// the share of one core the map's goroutine needs, the process's CPU time
// per op where it can be read (cpu-ns/op, the figure to compare on a busy
// machine) and, where screens swap players (game/screen.go), the swaps per
// move.
func benchWalkSquare(b *testing.B, w *World, n, side int, period time.Duration, rng *rand.Rand) {
	m := w.maps[StartMap]
	ps, cs := benchPlayers(b, m, n, side)
	movesPerSecond := int(int64(n) * int64(time.Second) / int64(period))
	now := time.Now()
	observers := 0 // players on the movers' screens, summed over the moves
	second := func(m *Map) {
		now = now.Add(time.Second)
		for i := range movesPerSecond {
			p := ps[i%len(ps)]
			dir := uint8(rng.IntN(8))
			d := walkDelta[dir]
			x, y := int(p.x)+d[0], int(p.y)+d[1]
			if x < 100 || y < 100 || x >= 100+side || y >= 100+side {
				dir = (dir + 4) % 8 // bounce back into the square
			}
			observers += p.screen.len()
			m.walk(p, dir, msg.WalkModeWalk, now.Add(time.Duration(i)*time.Second/time.Duration(movesPerSecond)))
		}
	}
	m.call(func(m *Map) {
		// The game clock is the benchmark's (ScreenSwapInterval counts in
		// game seconds). Only this map has players: no other goroutine
		// reads the clock.
		m.world.cfg.Now = func() time.Time { return now }
		for range benchWarmSeconds {
			second(m)
		}
		observers = 0
	})
	var sent int64
	for _, c := range cs {
		sent -= c.packets.Load()
	}
	swaps := -testutil.ToFloat64(w.metrics.screenSwaps)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU(b)
	m.call(func(m *Map) {
		for b.Loop() {
			second(m)
		}
	})
	b.StopTimer()
	if cpu = processCPU(b) - cpu; cpu > 0 {
		// On a busy machine, the CPU time the op took: the wall time
		// counts the waits for a core too.
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
	for _, c := range cs {
		sent += c.packets.Load()
	}
	b.ReportMetric(float64(sent)/float64(b.N), "packets/gamesec")
	b.ReportMetric(float64(observers)/float64(b.N)/float64(movesPerSecond), "observers/move")
	if swaps += testutil.ToFloat64(w.metrics.screenSwaps); swaps > 0 {
		b.ReportMetric(swaps/float64(b.N)/float64(movesPerSecond), "swaps/move")
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e9*100, "%core")
}

// BenchmarkDialogPage is a click on an NPC up to its first page sent as
// MsgTaskDialog packets, then the answer that ends the dialog: the script
// runs on the map goroutine in the map's VM.
func BenchmarkDialogPage(b *testing.B) {
	pack, lib := testPack(b, map[string]string{"main.lua": `
local pick = ask("Hello " .. name() .. ", what brings you here today?", {"Travel", "Trade", "Nothing"})
if pick == 1 then say("Safe roads.") end
`})
	w := newContentWorld(b, pack, lib)
	m := w.maps[StartMap]
	ps, cs := benchPlayers(b, m, 1, 1)
	p, c := ps[0], cs[0]
	now := time.Now()
	b.ReportAllocs()
	b.ResetTimer()
	m.call(func(m *Map) {
		for b.Loop() {
			before := c.packets.Load()
			m.clickNPC(p, 7, now)
			if c.packets.Load()-before < 5 || p.talk == nil {
				b.Fatal("no page")
			}
			m.answerDialog(p, 1, "", now)
			if p.talk != nil {
				b.Fatal("the dialog did not end")
			}
		}
	})
}
