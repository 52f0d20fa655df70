package game

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// check reports the first way in which owner's screen s breaks the
// pairs' invariant: each player on it once, not owner, and the entry's
// back index pointing at owner on that player's screen.
func (s *screenList) check(owner *Player) error {
	seen := make(map[*Player]bool, len(s.e))
	for i, e := range s.e {
		switch {
		case e.o == nil || e.o == owner:
			return fmt.Errorf("entry %d is %v", i, e.o)
		case seen[e.o]:
			return fmt.Errorf("player %d twice on the screen", e.o.id)
		case int(e.back) >= len(e.o.screen.e) || e.o.screen.e[e.back].o != owner || int(e.o.screen.e[e.back].back) != i:
			return fmt.Errorf("player %d (entry %d): back index %d does not lead back", e.o.id, i, e.back)
		}
		seen[e.o] = true
	}
	return nil
}

// ids returns the ids on the screen, sorted: for messages.
func (s *screenList) ids() []uint32 {
	ids := make([]uint32, 0, len(s.e))
	for _, e := range s.e {
		ids = append(ids, e.o.id)
	}
	slices.Sort(ids)
	return ids
}

// TestScreenListModel links and unlinks random pairs of a few players and
// checks the lists against a set of pairs after every change: the same
// pairs, both ways, with back indices that lead back, and find and byID
// agreeing with the set.
func TestScreenListModel(t *testing.T) {
	const n = 12
	ps := make([]*Player, n)
	for i := range ps {
		ps[i] = &Player{id: uint32(PlayerIDMin + i)}
	}
	pairs := map[[2]int]bool{} // i < j
	rng := rand.New(rand.NewPCG(1, 7))
	for step := range 20000 {
		i, j := rng.IntN(n), rng.IntN(n)
		if i == j {
			continue
		}
		p, o := ps[i], ps[j]
		key := [2]int{min(i, j), max(i, j)}
		if pairs[key] {
			k := find(p, o)
			if k < 0 {
				t.Fatalf("step %d: %d not found on %d's screen", step, o.id, p.id)
			}
			if got := unlink(p, k); got != o {
				t.Fatalf("step %d: unlink returned %d, want %d", step, got.id, o.id)
			}
			delete(pairs, key)
		} else {
			if k := find(p, o); k >= 0 {
				t.Fatalf("step %d: %d found at %d on %d's screen, not linked", step, o.id, k, p.id)
			}
			link(p, o, 0)
			pairs[key] = true
		}
		for a, p := range ps {
			if err := p.screen.check(p); err != nil {
				t.Fatalf("step %d: player %d: %v", step, p.id, err)
			}
			count := 0
			for b, o := range ps {
				if a == b {
					continue
				}
				linked := pairs[[2]int{min(a, b), max(a, b)}]
				if linked {
					count++
				}
				if k := find(p, o); (k >= 0) != linked || k >= 0 && p.screen.at(k) != o {
					t.Fatalf("step %d: find(%d, %d) = %d, linked %v", step, p.id, o.id, k, linked)
				}
				if got := p.screen.byID(o.id); (got == o) != linked || got != nil && got != o {
					t.Fatalf("step %d: byID on %d's screen of %d = %v, linked %v", step, p.id, o.id, got, linked)
				}
			}
			if p.screen.len() != count {
				t.Fatalf("step %d: player %d's screen has %d, want %d", step, p.id, p.screen.len(), count)
			}
		}
	}
}

// TestScreenListNoAllocation: once lists have their working size, linking
// and unlinking allocate nothing.
func TestScreenListNoAllocation(t *testing.T) {
	ps := make([]*Player, 50)
	for i := range ps {
		ps[i] = &Player{id: uint32(PlayerIDMin + i)}
	}
	churn := func() {
		for _, o := range ps[1:] {
			link(ps[0], o, 0)
		}
		for ps[0].screen.len() > 0 {
			unlink(ps[0], ps[0].screen.len()/2)
		}
	}
	churn()
	if n := testing.AllocsPerRun(100, churn); n != 0 {
		t.Fatalf("%v allocations per churn, want 0", n)
	}
}
