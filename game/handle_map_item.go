package game

import "github.com/coserver/coserver/msg"

// handleMapItem takes MsgMapItem (1101) from the client: a pick-up of a
// floor item (game/floor.go). Other actions are the server's to send; one
// from a client is counted and ignored. A pick the game rules refuse is
// counted (coserver_game_item_refused_total{op="pick"}) and ignored; only a
// malformed packet closes the connection.
func (s *session) handleMapItem(p []byte) error {
	if err := s.codec.Decode(p, &s.mapItem); err != nil {
		return err
	}
	r := s.mapItem
	pl := s.player
	m := pl.at.Load()
	if r.Action != msg.MapItemPick {
		s.srv.m.itemRefused.WithLabelValues("map_item", "unsupported").Inc()
		s.conn.Log.Debug("unhandled MsgMapItem action", "action", r.Action)
		return nil
	}
	now := s.srv.now()
	m.do(func(m *Map) { m.pick(pl, r.ID, now) })
	return nil
}
