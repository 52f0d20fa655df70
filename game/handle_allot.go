package game

// handleAllot takes MsgAllot (1024): spend unassigned attribute points on
// strength, agility, vitality and spirit. Asking more than the character
// has is refused and counted (coserver_game_fight_refused_total{op="allot"}).
func (s *session) handleAllot(p []byte) error {
	if err := s.codec.Decode(p, &s.allot); err != nil {
		return err
	}
	a, pl := s.allot, s.player
	pl.at.Load().do(func(m *Map) { m.allot(pl, a) })
	return nil
}
