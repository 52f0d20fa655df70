package game

import (
	"strings"

	"github.com/coserver/coserver/msg"
)

// handleTalk takes MsgTalk: local talk to the screen, whispers to a name on
// any map, world chat to everyone, GM commands and broadcasts from GM
// accounts. Each kind of channel has its cooldown (chat.go); a refused line
// is counted and answered with a short notice, never a disconnect.
func (s *session) handleTalk(p []byte) error {
	if err := s.codec.Decode(p, &s.talk); err != nil {
		return err
	}
	pl := s.player
	t := s.talk // a copy: it leaves this goroutine
	kind := kindOf(t.Channel)
	s.srv.m.chat.WithLabelValues(kind.String()).Inc()
	if len(t.Message) > msg.MaxMessageLen {
		s.refuseChat(kind, "too_long", textTooLong)
		return nil
	}
	// The server says who speaks, whatever the client wrote.
	t.Sender, t.Identity, t.SenderMesh = pl.name, pl.id, pl.look
	if s.gm && strings.HasPrefix(t.Message, "/") {
		s.command(t.Message)
		return nil
	}
	if kind.gmOnly() && !s.gm {
		s.refuseChat(kind, "gm_only", textGMOnly)
		return nil
	}
	if !s.chat.allow(kind, s.srv.now()) {
		s.refuseChat(kind, "cooldown", textTooFast)
		return nil
	}
	switch kind {
	case chatTalk:
		if s.placed {
			pl.at.Load().do(func(m *Map) { m.talk(pl, &t) })
		}
	case chatWhisper:
		to := s.srv.world.find(t.Recipient)
		if to == nil {
			s.system(msg.ChannelTopLeft, t.Recipient+textNotOnline)
			return nil
		}
		t.Recipient, t.RecipientMesh = to.player.name, to.player.look
		to.conn.Send(&t)
	case chatWorld, chatBroadcast:
		t.Recipient = msg.AllUsers
		s.srv.world.broadcastAll(&t)
		if kind == chatBroadcast && s.srv.cfg.Relay != nil {
			s.srv.cfg.Relay(pl.name, t.Message)
		}
	default:
		// Team, guild, friend and the other channels arrive with teams and
		// guilds; until then the text goes nowhere. A GM's text on a
		// system channel goes nowhere either: GM commands make
		// announcements.
		s.conn.Log.Debug("chat on an unhandled channel", "channel", t.Channel)
	}
	return nil
}

// refuseChat counts a refused line of kind k and tells the player why, at
// most once per ChatNoticeInterval.
func (s *session) refuseChat(k chatKind, reason, notice string) {
	s.srv.m.chatRefused.WithLabelValues(k.String(), reason).Inc()
	if s.chat.mayNotice(s.srv.now()) {
		s.system(msg.ChannelTopLeft, notice)
	}
}
