package game

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coserver/coserver/store"
)

// saveTimeout is the deadline of every save (periodic, shutdown, logout). It
// is the save's own: a caller's context that is cancelled or already past its
// deadline (a shutdown whose budget the account server used up) does not cut
// a save short.
const saveTimeout = 10 * time.Second

// snap is a character's saved state and the sequence number of the moment it
// was taken (on the goroutine of the player's map): a higher seq is a newer
// state of the same character.
type snap struct {
	seq uint64
	ch  store.Character
}

// saver writes snapshots to the store so that an older snapshot of a
// character never overwrites a newer one, whatever order the writers reach
// the store in: saves commit one at a time, and a snapshot older than the
// newest committed one of its character is left out.
//
// A periodic save takes its snapshots map by map and may reach the store after
// a logout save taken later; without the check it would roll the character
// back. The memory of committed sequences is kept only while a batch that
// began before them is still in flight, so it is bounded by the characters
// online.
type saver struct {
	store Store
	seq   atomic.Uint64 // the last sequence number handed out

	mu       sync.Mutex        // held across each store write
	newest   map[uint32]uint64 // character id → seq of its newest committed snapshot
	inflight map[uint64]int    // batches begun and not ended, by their ticket
}

func newSaver(st Store) *saver {
	return &saver{store: st, newest: make(map[uint32]uint64), inflight: make(map[uint64]int)}
}

// take returns p's snapshot with a new sequence number. Map goroutine only.
func (sv *saver) take(p *Player) snap {
	return snap{seq: sv.seq.Add(1), ch: p.snapshot()}
}

// begin opens a batch: every snapshot taken after begin returns is newer than
// the ticket. The caller must end it.
func (sv *saver) begin() (ticket uint64) {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	ticket = sv.seq.Load()
	sv.inflight[ticket]++
	return ticket
}

// end closes the batch of ticket.
func (sv *saver) end(ticket uint64) {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	if sv.inflight[ticket]--; sv.inflight[ticket] <= 0 {
		delete(sv.inflight, ticket)
	}
	sv.prune()
}

// save writes the snapshots that are newer than what is stored and reports
// how many it wrote. Its deadline is saveTimeout, whatever ctx's; ctx's
// values are kept.
func (sv *saver) save(ctx context.Context, snaps []snap) (int, error) {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	fresh := make([]store.Character, 0, len(snaps))
	var keep []snap
	for _, s := range snaps {
		if s.seq > sv.newest[s.ch.ID] {
			fresh = append(fresh, s.ch)
			keep = append(keep, s)
		}
	}
	if len(fresh) == 0 {
		return 0, nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), saveTimeout)
	defer cancel()
	if err := sv.store.SaveCharacters(ctx, fresh...); err != nil {
		return 0, fmt.Errorf("saving %d characters: %w", len(fresh), err)
	}
	for _, s := range keep {
		sv.newest[s.ch.ID] = s.seq
	}
	sv.prune()
	return len(fresh), nil
}

// prune forgets the committed sequences no batch in flight can be older
// than: every snapshot still to come is newer. sv.mu held.
func (sv *saver) prune() {
	oldest := uint64(math.MaxUint64)
	for t := range sv.inflight {
		oldest = min(oldest, t)
	}
	for id, seq := range sv.newest {
		if seq <= oldest {
			delete(sv.newest, id)
		}
	}
}
