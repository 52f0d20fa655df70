package game

import (
	"fmt"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/server"
)

// handleInteract takes MsgInteract (1022): a melee attack (2), a bow shot
// (25) or a spell (21, its fields encoded with the sender's id). The map
// checks range, speed, line of sight and the target; a refusal is counted
// in coserver_game_fight_refused_total{op,reason} and ignored, never a
// disconnect. Other types are counted and ignored; a packet claiming
// another sender closes the connection (malformed).
func (s *session) handleInteract(p []byte) error {
	if err := s.codec.Decode(p, &s.interact); err != nil {
		return err
	}
	r := &s.interact
	pl := s.player
	if r.Sender != pl.id {
		return server.Kick(server.ReasonMalformed, fmt.Errorf("MsgInteract from role %d", r.Sender))
	}
	m, t := pl.at.Load(), s.srv.now()
	switch r.Action {
	case msg.InteractAttack, msg.InteractShoot:
		target, shoot := r.Target, r.Action == msg.InteractShoot
		m.do(func(m *Map) { m.attack(pl, target, shoot, t) })
	case msg.InteractMagic:
		magic, target, _, _ := r.DecodeMagic()
		raw := r.Target
		m.do(func(m *Map) {
			// Some clients send the target plain (Java, WC): use the raw
			// value when the decoded one is no role here (combat.md policy).
			if target != 0 && target != pl.id && m.players[target] == nil && m.mobs.all[target] == nil &&
				(m.players[raw] != nil || m.mobs.all[raw] != nil) {
				target = raw
			}
			m.cast(pl, magic, target, t)
		})
	default:
		s.srv.m.fightRefused.WithLabelValues("other", "unsupported").Inc()
		s.conn.Log.Debug("unhandled MsgInteract type", "type", r.Action)
	}
	return nil
}
