package game

import (
	"context"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/server"
	"github.com/coserver/coserver/wire"
)

// session is one client on the game server. Its fields belong to the
// connection's goroutine (Handle and Close run there, in order), except
// done, which other sessions wait on.
type session struct {
	srv   *Server
	conn  *server.Conn
	state server.State
	codec wire.Codec

	// Decode targets, reused so that decoding allocates nothing.
	connect  msg.Connect
	register msg.Register
	action   msg.Action
	walk     msg.Walk
	talk     msg.Talk
	npc      msg.Npc
	dialog   msg.TaskDialog
	item     msg.Item
	mapItem  msg.MapItem
	interact msg.Interact
	allot    msg.Allot
	pkg      msg.Package

	chat chatGate // chat cooldowns

	token     uint64 // the login token presented in MsgConnect
	accountID int64
	account   string // the account's name, for the operator
	gm        bool
	player    *Player // set once the character is loaded
	listed    bool    // claimed its account in the world's directory
	named     bool    // listed under its character name (counts as online); guarded by World.mu
	placed    bool    // the player was put on a map (MsgAction 74)
	done      chan struct{}
}

// Handle dispatches one packet through the routes table.
func (s *session) Handle(t wire.Type, p []byte) error {
	return s.srv.mux.Dispatch(s, s.state, t, p)
}

// Close takes the player out of the world and saves it; a second login of the
// same account waits for this (done).
func (s *session) Close(r server.Reason) {
	defer close(s.done)
	if s.listed {
		defer s.srv.world.part(s)
	}
	if !s.placed {
		return
	}
	p := s.player
	var sn snap
	// The player may be handed from map to map while this runs: ask the map
	// it is on, and ask again if it moved on before the map got to us.
	for left := false; !left; {
		p.at.Load().call(func(m *Map) {
			if p.at.Load() != m {
				return
			}
			m.leave(p)
			p.gone = true // a hand-off still in flight to this map must not re-add it
			sn = s.srv.saver.take(p)
			left = true
		})
	}
	// The save has its own deadline: a session that ends late, after the
	// server's shutdown budget, still saves.
	if _, err := s.srv.saver.save(context.Background(), []snap{sn}); err != nil {
		s.srv.m.saves.WithLabelValues("logout", "error").Inc()
		s.conn.Log.Error("saving character on logout", "err", err)
		return
	}
	s.srv.m.saves.WithLabelValues("logout", "ok").Inc()
	s.conn.Log.Info("left the world", "reason", r, "map", sn.ch.MapID, "x", sn.ch.X, "y", sn.ch.Y)
}

// system sends server text on ch to this client.
func (s *session) system(ch msg.Channel, text string) {
	s.conn.Send(msg.SystemMessage(ch, text))
}

// storeCtx returns the context of a handler's store call: it ends with the
// connection (closed, or a shutdown deadline passed), with the server (Run's
// context), or after storeTimeout.
func (s *session) storeCtx() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(s.conn.Context(), storeTimeout)
	stop := context.AfterFunc(s.srv.life, cancel)
	return ctx, func() { stop(); cancel() }
}
