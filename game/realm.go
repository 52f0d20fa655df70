package game

import (
	"context"

	"github.com/coserver/coserver/msg"
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

// Relayed shows every player here a broadcast made on another realm: a GM's
// (sender is the GM's name) or an operator's (sender empty). It returns how
// many players got it.
func (s *Server) Relayed(sender, text string) int {
	t := msg.SystemMessage(msg.ChannelBroadcast, text)
	if sender != "" {
		t.Sender = sender
	}
	n := 0
	s.world.each(func(ss *session) {
		ss.conn.Send(t)
		n++
	})
	s.m.chat.WithLabelValues("relayed").Inc()
	return n
}
