package game

import (
	"strings"

	"github.com/coserver/coserver/msg"
)

// handleTalk takes MsgTalk: local talk to the screen, whispers to a name on
// any map, world chat to everyone, GM commands from GM accounts.
func (s *session) handleTalk(p []byte) error {
	if err := s.codec.Decode(p, &s.talk); err != nil {
		return err
	}
	pl := s.player
	t := s.talk // a copy: it leaves this goroutine
	if len(t.Message) > msg.MaxMessageLen {
		s.system(msg.ChannelTopLeft, "Message too long.")
		return nil
	}
	// The server says who speaks, whatever the client wrote.
	t.Sender, t.Identity, t.SenderMesh = pl.name, pl.id, pl.look
	s.srv.m.chat.WithLabelValues(t.Channel.String()).Inc()
	if s.gm && strings.HasPrefix(t.Message, "/") {
		s.command(t.Message)
		return nil
	}
	switch t.Channel {
	case msg.ChannelTalk, msg.ChannelAction:
		if s.placed {
			pl.at.Load().do(func(m *Map) { m.talk(pl, &t) })
		}
	case msg.ChannelWhisper:
		to := s.srv.world.find(t.Recipient)
		if to == nil {
			s.system(msg.ChannelTopLeft, t.Recipient+" is not online.")
			return nil
		}
		t.Recipient, t.RecipientMesh = to.player.name, to.player.look
		to.conn.Send(&t)
	case msg.ChannelWorld, msg.ChannelBroadcast:
		t.Recipient = msg.AllUsers
		s.srv.world.broadcastAll(&t)
	default:
		// Team, guild, friend and the other channels arrive with teams and
		// guilds; until then the text goes nowhere.
		s.conn.Log.Debug("chat on an unhandled channel", "channel", t.Channel)
	}
	return nil
}
