package game

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkCrowd is n players in a 10 × 10 square (one screen), each
// moving once per 300 ms, without and with the screen cap: one op is one
// second of game time (n/0.3 moves). ns/op ÷ 1e9 is the share of one core
// the map's goroutine needs; packets/gamesec is what the outboxes receive.
func BenchmarkCrowd(b *testing.B) {
	for _, bc := range []struct{ n, limit int }{{1000, 0}, {1000, 100}, {1000, 50}, {2000, 100}} {
		n, limit := bc.n, bc.limit
		b.Run(fmt.Sprintf("n=%d/cap=%d", n, limit), func(b *testing.B) {
			benchWalkSquare(b, newCappedWorld(b, limit), n, 10, rand.New(rand.NewPCG(5, 6)))
		})
	}
}
