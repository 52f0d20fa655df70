package game

import (
	"github.com/coserver/coserver/msg"
)

// handleNpc takes MsgNpc: a click on an NPC starts its dialog. The map
// checks that the NPC is there and in reach.
func (s *session) handleNpc(p []byte) error {
	if err := s.codec.Decode(p, &s.npc); err != nil {
		return err
	}
	a := s.npc
	pl := s.player
	switch a.Action {
	case msg.NpcActivate:
		t := s.srv.now()
		pl.at.Load().do(func(m *Map) { m.clickNPC(pl, a.ID, t) })
	default:
		// Furniture and booth placement come with houses and booths.
		s.srv.m.npcClicks.WithLabelValues("unsupported").Inc()
	}
	return nil
}
