package game

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
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

	items    ItemStore         // nil: the store keeps characters only
	mu       sync.Mutex        // held across each store write
	newest   map[uint32]uint64 // character id → seq of its newest committed snapshot
	inflight map[uint64]int    // batches begun and not ended, by their ticket

	// failed holds, by character id, the newest snapshot of a save that
	// failed for a reason other than a refusal (a lost database
	// connection, a timeout): every later save carries it again until it
	// or a newer snapshot of that character commits. A logout's snapshot
	// is thus not lost when the database is briefly away. sv.mu guards it.
	failed map[uint32]snap

	evmu    sync.Mutex  // guards events
	events  store.Batch // item and money changes not yet saved, in version order
	dropped func(error) // told of a batch of events that can never be saved
}

func newSaver(st Store) *saver {
	sv := &saver{store: st, newest: make(map[uint32]uint64), inflight: make(map[uint64]int), failed: make(map[uint32]snap)}
	sv.items, _ = st.(ItemStore)
	return sv
}

// version returns a new version for a change made now, from the counter
// snapshots are numbered by. Map goroutine only.
func (sv *saver) version() uint64 { return sv.seq.Add(1) }

// record queues item and money changes made at one version; the next save
// writes them with (or before) any snapshot taken after them. Map
// goroutine only.
func (sv *saver) record(items []store.Item, deleted []store.ItemDeletion, t *store.MoneyTransfer) {
	if sv.items == nil {
		return
	}
	sv.evmu.Lock()
	defer sv.evmu.Unlock()
	sv.events.Items = append(sv.events.Items, items...)
	sv.events.Deleted = append(sv.events.Deleted, deleted...)
	if t != nil {
		sv.events.Transfers = append(sv.events.Transfers, *t)
	}
}

// drain takes the queued events.
func (sv *saver) drain() store.Batch {
	sv.evmu.Lock()
	defer sv.evmu.Unlock()
	b := sv.events
	sv.events = store.Batch{}
	return b
}

// requeue puts events back at the head of the queue after a failed save
// (they are idempotent).
func (sv *saver) requeue(b store.Batch) {
	sv.evmu.Lock()
	defer sv.evmu.Unlock()
	sv.events.Items = append(b.Items, sv.events.Items...)
	sv.events.Deleted = append(b.Deleted, sv.events.Deleted...)
	sv.events.Transfers = append(b.Transfers, sv.events.Transfers...)
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
	snaps = sv.withFailed(snaps)
	fresh := make([]store.Character, 0, len(snaps))
	var keep []snap
	for _, s := range snaps {
		if s.seq > sv.newest[s.ch.ID] {
			fresh = append(fresh, s.ch)
			keep = append(keep, s)
		}
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), saveTimeout)
	defer cancel()
	if sv.items != nil {
		// Snapshots were taken before this drain: every event they contain
		// is in this batch or an earlier one.
		b := sv.drain()
		for _, s := range keep {
			b.Characters = append(b.Characters, store.CharacterSnapshot{Character: s.ch, Version: s.seq})
		}
		if len(b.Characters)+len(b.Items)+len(b.Deleted)+len(b.Transfers) == 0 {
			return 0, nil
		}
		if err := sv.items.Save(ctx, b); err != nil {
			if errors.Is(err, store.ErrInvalid) || errors.Is(err, store.ErrNotFound) {
				if sv.dropped != nil {
					sv.dropped(err)
				}
			} else {
				b.Characters = nil
				sv.requeue(b)
				sv.keepFailed(keep)
			}
			return 0, fmt.Errorf("saving %d characters and %d item changes: %w", len(keep),
				len(b.Items)+len(b.Deleted)+len(b.Transfers), err)
		}
	} else {
		if len(fresh) == 0 {
			return 0, nil
		}
		if err := sv.store.SaveCharacters(ctx, fresh...); err != nil {
			if !errors.Is(err, store.ErrInvalid) && !errors.Is(err, store.ErrNotFound) {
				sv.keepFailed(keep)
			}
			return 0, fmt.Errorf("saving %d characters: %w", len(fresh), err)
		}
	}
	for _, s := range keep {
		sv.newest[s.ch.ID] = s.seq
		if f, ok := sv.failed[s.ch.ID]; ok && f.seq <= s.seq {
			delete(sv.failed, s.ch.ID)
		}
	}
	sv.prune()
	return len(fresh), nil
}

// withFailed returns snaps with the snapshots of earlier failed saves
// added: for each character, the newest of the two. sv.mu held.
func (sv *saver) withFailed(snaps []snap) []snap {
	if len(sv.failed) == 0 {
		return snaps
	}
	out := slices.Clone(snaps)
	at := make(map[uint32]int, len(out))
	for i, s := range out {
		at[s.ch.ID] = i
	}
	for id, f := range sv.failed {
		if i, ok := at[id]; !ok {
			out = append(out, f)
		} else if out[i].seq < f.seq {
			out[i] = f
		}
	}
	return out
}

// keepFailed remembers the snapshots of a failed save for the next one.
// sv.mu held.
func (sv *saver) keepFailed(keep []snap) {
	for _, s := range keep {
		if f, ok := sv.failed[s.ch.ID]; !ok || f.seq < s.seq {
			sv.failed[s.ch.ID] = s
		}
	}
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
