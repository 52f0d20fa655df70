package game

import (
	"strings"

	"github.com/coserver/coserver/msg"
)

// handleTaskDialog takes MsgTaskDialog: the player's answer to the dialog
// page it shows (an option, or typed text).
func (s *session) handleTaskDialog(p []byte) error {
	if err := s.codec.Decode(p, &s.dialog); err != nil {
		return err
	}
	d := s.dialog
	pl := s.player
	switch d.Action {
	case msg.DialogAnswer:
		s.reserveUIDs()
		text := strings.Clone(d.Text) // the packet's bytes are reused after this returns
		t := s.srv.now()
		pl.at.Load().do(func(m *Map) { m.answerDialog(pl, d.Option, text, t) })
	default:
		// 102 (a task launched from a client window) comes with guilds.
		s.srv.m.dialogs.WithLabelValues("answer_refused").Inc()
	}
	return nil
}
