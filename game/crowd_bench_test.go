package game

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/coserver/coserver/msg"
)

// BenchmarkCrowd is n players in a 10 × 10 square (one screen), each
// moving once per 300 ms, without and with the screen cap: one op is one
// second of game time (n/0.3 moves). ns/op ÷ 1e9 is the share of one core
// the map's goroutine needs; packets/gamesec is what the outboxes receive.
func BenchmarkCrowd(b *testing.B) {
	for _, bc := range []struct{ n, limit int }{{1000, 0}, {1000, 100}, {1000, 50}, {2000, 100}} {
		n, limit := bc.n, bc.limit
		b.Run(fmt.Sprintf("n=%d/cap=%d", n, limit), func(b *testing.B) {
			w := newCappedWorld(b, limit)
			m := w.maps[StartMap]
			ps, cs := benchPlayers(b, m, n, 10)
			rng := rand.New(rand.NewPCG(5, 6))
			movesPerSecond := n * 1000 / 300
			now := time.Now()
			var sent int64
			for _, c := range cs {
				sent -= c.packets.Load()
			}
			b.ReportAllocs()
			b.ResetTimer()
			m.call(func(m *Map) {
				for b.Loop() {
					now = now.Add(time.Second)
					for i := range movesPerSecond {
						p := ps[i%len(ps)]
						dir := uint8(rng.IntN(8))
						d := walkDelta[dir]
						if x, y := int(p.x)+d[0], int(p.y)+d[1]; x < 100 || y < 100 || x >= 110 || y >= 110 {
							dir = (dir + 4) % 8 // bounce back into the square
						}
						m.walk(p, dir, msg.WalkModeWalk, now.Add(time.Duration(i)*300*time.Microsecond))
					}
				}
			})
			b.StopTimer()
			for _, c := range cs {
				sent += c.packets.Load()
			}
			b.ReportMetric(float64(sent)/float64(b.N), "packets/gamesec")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e9*100, "%core")
		})
	}
}
