package game

import (
	"fmt"

	"github.com/coserver/coserver/server"
)

// handleWalk takes MsgWalk, one step: the player's map checks it and moves
// the player, or snaps the client back.
func (s *session) handleWalk(p []byte) error {
	if err := s.codec.Decode(p, &s.walk); err != nil {
		return err
	}
	pl := s.player
	if s.walk.ID != pl.id {
		return server.Kick(server.ReasonMalformed, fmt.Errorf("MsgWalk for entity %d", s.walk.ID))
	}
	dir, mode, t := s.walk.Direction, s.walk.Mode, s.srv.now()
	pl.at.Load().walkOn(pl, dir, mode, t)
	return nil
}
