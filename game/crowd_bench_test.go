package game

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkCrowd is n players in a 10 × 10 square (one screen), each
// moving once per 300 ms, without and with the screen cap: one op is one
// second of game time (n/0.3 moves). ns/op ÷ 1e9 is the share of one core
// the map's goroutine needs; packets/gamesec is what the outboxes receive.
// The last case spreads the crowd over 30 × 30 tiles (about one player a
// tile, a market rather than a scrum), where screens change less as people
// walk.
func BenchmarkCrowd(b *testing.B) {
	for _, bc := range []struct{ n, limit, side int }{{1000, 0, 10}, {1000, 100, 10}, {1000, 50, 10}, {2000, 100, 10}, {1000, 100, 30}} {
		n, limit, side := bc.n, bc.limit, bc.side
		name := fmt.Sprintf("n=%d/cap=%d", n, limit)
		if side != 10 {
			name += fmt.Sprintf("/side=%d", side)
		}
		b.Run(name, func(b *testing.B) {
			benchWalkSquare(b, newCappedWorld(b, limit), n, side, 300*time.Millisecond, rand.New(rand.NewPCG(5, 6)))
		})
	}
}

// BenchmarkCrowdSpread is issue 17's spread world on one map: 5,000
// players over 320 × 320 tiles, each walking 2 steps a second, with the
// default screen cap. At that density a move has about 60 observers (the
// benchmark reports observers/move), most screens are below the cap, and
// each step changes a few of the mover's screen: what the map goroutine
// of a server with 5,000 players spread over a map mostly does. One op is
// one second of game time (10,000 moves).
func BenchmarkCrowdSpread(b *testing.B) {
	const n, side = 5000, 320
	b.Run(fmt.Sprintf("n=%d/side=%d", n, side), func(b *testing.B) {
		benchWalkSquare(b, newCappedWorld(b, DefaultScreenPlayers), n, side, 500*time.Millisecond, rand.New(rand.NewPCG(7, 8)))
	})
}
