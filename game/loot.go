package game

import (
	"context"
	"time"
)

// Item uids for monster drops. A map cannot wait for the store, so the
// server keeps a stash of uids reserved beforehand, and a map takes one
// without blocking at each item drop (game/fight.go onLoot).
const (
	// LootIDStash is how many reserved uids wait for drops.
	LootIDStash = 64
	// lootIDRetry is how long the filler waits after the store failed.
	lootIDRetry = 5 * time.Second
)

// fillLootIDs keeps the world's stash of loot uids full until ctx ends,
// reserving them from the store (uidPool) one at a time in its blocks.
func (s *Server) fillLootIDs(ctx context.Context) {
	for {
		tctx, cancel := context.WithTimeout(ctx, storeTimeout)
		uid, err := s.uids.take(tctx, 1)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			s.log.Error("reserving loot uids", "err", err)
			select {
			case <-time.After(lootIDRetry):
				continue
			case <-ctx.Done():
				return
			}
		}
		select {
		case s.world.lootIDs <- uid:
		case <-ctx.Done():
			return
		}
	}
}
