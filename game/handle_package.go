package game

import "github.com/coserver/coserver/msg"

// handlePackage takes MsgPackage (1102): list a warehouse, check an item
// in (deposit) or out (withdraw). The map checks the NPC is a warehouse in
// reach and moves the item in one versioned change (warehouse.go). A
// request the game rules refuse is counted
// (coserver_game_item_refused_total{op="deposit"…}) and ignored; only a
// malformed packet closes the connection.
func (s *session) handlePackage(p []byte) error {
	if err := s.codec.Decode(p, &s.pkg); err != nil {
		return err
	}
	id, kind, uid := s.pkg.ID, s.pkg.Kind, s.pkg.UID
	pl := s.player
	m := pl.at.Load()
	switch s.pkg.Action {
	case msg.PackageQuery:
		m.do(func(m *Map) { m.listWarehouse(pl, id, kind) })
	case msg.PackageCheckIn:
		m.do(func(m *Map) { m.deposit(pl, id, kind, uid) })
	case msg.PackageCheckOut:
		m.do(func(m *Map) { m.withdraw(pl, id, kind, uid) })
	default:
		s.srv.m.itemRefused.WithLabelValues("warehouse", "unsupported").Inc()
		s.conn.Log.Debug("unhandled MsgPackage action", "action", s.pkg.Action)
	}
	return nil
}
