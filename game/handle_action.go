package game

import (
	"fmt"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/server"
)

// handleAction takes MsgAction and runs its subtype: the login chain after
// MsgUserInfo, then jumps, turns, emotes and portals in the world.
func (s *session) handleAction(p []byte) error {
	if err := s.codec.Decode(p, &s.action); err != nil {
		return err
	}
	a := s.action
	switch a.Subtype {
	case msg.ActionSendLocation:
		return s.place()
	case msg.ActionSendItems:
		s.sendItems()
		s.conn.Send(&a)
		return nil
	case msg.ActionSendSpells:
		s.sendSpells()
		s.conn.Send(&a)
		return nil
	case msg.ActionSendProficiencies:
		s.sendProficiencies()
		s.conn.Send(&a)
		return nil
	case msg.ActionSendAssociates,
		msg.ActionConfirmGuild, msg.ActionLoginComplete, msg.ActionSetPKMode:
		// Login steps with nothing to send yet (no items, friends, skills or
		// guild), and the PK mode: acknowledge by echoing, as CoEmu does.
		s.conn.Send(&a)
		return nil
	case msg.ActionGetSurroundings:
		if s.placed {
			pl := s.player
			pl.at.Load().do(func(m *Map) { m.showScreen(pl) })
		}
		return nil
	}
	if s.state != stateWorld {
		return fmt.Errorf("MsgAction %v before entering the map: %w", a.Subtype, server.ErrOutOfState)
	}
	pl := s.player
	m := pl.at.Load()
	switch a.Subtype {
	case msg.ActionJump:
		x, y := msg.UnpackXY(a.Data1)
		fx, fy := msg.UnpackXY(a.Data2)
		t := s.srv.now()
		m.do(func(m *Map) { m.jump(pl, x, y, fx, fy, a.Direction, t) })
	case msg.ActionChangeDirection:
		x, y := msg.UnpackXY(a.Data2)
		m.do(func(m *Map) { m.turn(pl, a.Direction, x, y) })
	case msg.ActionEmote:
		m.do(func(m *Map) { m.emote(pl, a.Data1) })
	case msg.ActionQueryEntity:
		m.do(func(m *Map) { m.query(pl, a.Data1) })
	case msg.ActionPortal:
		x, y := msg.UnpackXY(a.Data1)
		m.do(func(m *Map) { m.takePortal(pl, x, y) })
	case msg.ActionRevive:
		t := s.srv.now()
		m.do(func(m *Map) { m.revive(pl, t) })
	case msg.ActionGhost:
		m.do(func(m *Map) { m.ghost(pl) })
	default:
		s.conn.Log.Debug("unhandled MsgAction subtype", "subtype", a.Subtype)
	}
	return nil
}

// place answers MsgAction 74: put the player on its map and tell the client
// where it is, then show it everyone in view. The player's position is
// written on the map's goroutine, which owns it from then on.
func (s *session) place() error {
	if s.placed {
		return nil // a repeated request: the client already has its position
	}
	pl := s.player
	m, x, y := s.srv.world.home(pl.ch.MapID, pl.ch.X, pl.ch.Y)
	if pl.ch.HP == 0 {
		// Saved dead (logged out as a ghost): back alive at the revive
		// point (docs/COMBAT.md).
		pl.ch.HP = maxHP(&pl.ch)
		m, x, y = s.srv.world.revivePoint(m.id)
	}
	pl.at.Store(m) // commands the session sends next queue behind the placement
	s.placed = true
	s.state = stateWorld
	// The one line of a completed login (the log carries the account, the
	// character and the client's address).
	s.conn.Log.Info("logged in", "map", m.id, "x", x, "y", y)
	m.do(func(m *Map) {
		pl.x, pl.y = x, y
		m.action = msg.Action{Timestamp: timestamp(), ID: pl.id, Data1: m.id, Data2: msg.XY(pl.x, pl.y),
			Subtype: msg.ActionSendLocation}
		pl.conn.Send(&m.action)
		pl.conn.Send(m.info.packet())
		m.enter(pl)
	})
	return nil
}
