package game

import (
	"context"

	"github.com/coserver/coserver/server"
)

// ReleaseAccount disconnects the session of account id, logged in or still
// in the login chain, because the account logs in on another realm; it
// waits until the session has left and saved, or ctx ends, and returns how
// many sessions it disconnected (0 or 1).
func (s *Server) ReleaseAccount(ctx context.Context, id int64) int {
	s.world.mu.Lock()
	ss := s.world.byAcct[id]
	s.world.mu.Unlock()
	if ss == nil {
		return 0
	}
	s.log.Info("account logs in on another realm: disconnecting its session here", "account_id", id)
	ss.conn.Kick(server.ReasonReplaced)
	select {
	case <-ss.done:
	case <-ctx.Done():
		s.log.Warn("session released to another realm did not leave in time", "account_id", id)
	}
	return 1
}
