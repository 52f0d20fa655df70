package game

import (
	"context"
	"time"
)

// uidRetry is how long keepUIDsReserved waits after the store failed.
const uidRetry = 5 * time.Second

// keepUIDsReserved keeps the uid pool's spare block filled until ctx ends:
// maps cannot wait for the store, so what gives items on a map's goroutine
// (monster drops in game/fight.go onLoot, NPC scripts) takes uids reserved
// beforehand (uidPool.tryTake), and this refills the spare each time it
// goes into use.
func (s *Server) keepUIDsReserved(ctx context.Context) {
	for {
		tctx, cancel := context.WithTimeout(ctx, storeTimeout)
		err := s.uids.reserve(tctx)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			s.log.Error("reserving item uids", "err", err)
			select {
			case <-time.After(uidRetry):
				continue
			case <-ctx.Done():
				return
			}
		}
		select {
		case <-s.uids.low:
		case <-ctx.Done():
			return
		}
	}
}
