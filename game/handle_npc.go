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
		s.reserveUIDs()
		t := s.srv.now()
		pl.at.Load().do(func(m *Map) { m.clickNPC(pl, a.ID, t) })
	default:
		// Furniture and booth placement come with houses and booths.
		s.srv.m.npcClicks.WithLabelValues("unsupported").Inc()
	}
	return nil
}

// reserveUIDs makes sure item uids are reserved for the NPC script about
// to run, which may give items on the map's goroutine (script_items.go).
// It reaches the database only once every itemIDBlock uids; a failure is
// logged, and a script's give_item is then refused.
func (s *session) reserveUIDs() {
	if s.srv.uids == nil {
		return
	}
	ctx, cancel := s.storeCtx()
	defer cancel()
	if err := s.srv.uids.reserve(ctx); err != nil {
		s.conn.Log.Error("reserving item uids for a script", "err", err)
	}
}
