package e2e

import (
	"testing"

	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/game"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/wire"
)

// TestChatFloodAndGMOnly floods world chat and local talk, and tries the
// broadcast channel (2500) as a player: the floods reach a listener at the
// allowed rate only, the broadcast never, and the spammer is told, not
// disconnected.
func TestChatFloodAndGMOnly(t *testing.T) {
	clk := newTestClock()
	srv := startServerClock(t, newDB(t), "", nil, clk)
	spammer := login(t, srv.clientConfig("spam", 0))
	listener := login(t, srv.clientConfig("spam", 1))
	eventually(t, "the listener sees the spammer", func() bool { _, ok := listener.Entity(spammer.ID()); return ok })
	lrec, srec := record(listener), record(spammer)

	const flood = 30 // 120 lines: under the connection's packet burst (server.DefaultPacketBurst)
	for range flood {
		for _, ch := range []msg.Channel{msg.ChannelWorld, msg.ChannelTalk, msg.ChannelBroadcast, msg.ChannelSystem} {
			if err := spammer.Talk(ch, "", "flood "+ch.String()); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The spammer's session handles its packets in order: its whisper to
	// itself coming back means the flood has been judged, all at one
	// instant of the test's clock.
	if err := spammer.Talk(msg.ChannelWhisper, spammer.Name(), "sync"); err != nil {
		t.Fatal(err)
	}
	srec.waitCount(t, "the whisper to self", 1, func(ev client.Event) bool {
		tk, ok := ev.Packet.(*msg.Talk)
		return ok && tk.Channel == msg.ChannelWhisper && tk.Message == "sync"
	})
	// A last line once the talk cooldown has passed: it reaches the
	// listener after every line before it.
	clk.Advance(game.TalkInterval * game.TalkBurst)
	if err := spammer.Talk(msg.ChannelTalk, "", "end"); err != nil {
		t.Fatal(err)
	}
	fromSpammer := func(ch msg.Channel, text string) func(client.Event) bool {
		return func(ev client.Event) bool {
			tk, ok := ev.Packet.(*msg.Talk)
			return ok && tk.Channel == ch && tk.Message == text && tk.Sender == spammer.Name()
		}
	}
	lrec.waitCount(t, "the last line", 1, fromSpammer(msg.ChannelTalk, "end"))
	if n := lrec.count(fromSpammer(msg.ChannelWorld, "flood World")); n != game.WorldBurst {
		t.Errorf("%d of %d world lines reached the listener, want %d", n, flood, game.WorldBurst)
	}
	if n := lrec.count(fromSpammer(msg.ChannelTalk, "flood Talk")); n != game.TalkBurst {
		t.Errorf("%d of %d local lines reached the listener, want %d", n, flood, game.TalkBurst)
	}
	for _, ch := range []msg.Channel{msg.ChannelBroadcast, msg.ChannelSystem} {
		if n := lrec.count(func(ev client.Event) bool {
			tk, ok := ev.Packet.(*msg.Talk)
			return ok && tk.Channel == ch
		}); n != 0 {
			t.Errorf("a player's text on channel %v reached another player %d times", ch, n)
		}
	}
	notices := srec.count(func(ev client.Event) bool {
		tk, ok := ev.Packet.(*msg.Talk)
		return ok && tk.Sender == msg.SystemName && tk.Channel == msg.ChannelTopLeft
	})
	if notices != 1 {
		t.Errorf("the spammer got %d notices for %d refused lines at one instant, want 1", notices, 4*flood-4)
	}
	select {
	case <-spammer.Done():
		t.Fatalf("the spammer was disconnected: %v", spammer.Err())
	default:
	}
	// The world channel opens again after its interval.
	clk.Advance(game.WorldInterval)
	if err := spammer.Talk(msg.ChannelWorld, "", "later"); err != nil {
		t.Fatal(err)
	}
	lrec.waitCount(t, "a world line after the cooldown", 1, fromSpammer(msg.ChannelWorld, "later"))
}

// TestGMBroadcast: a GM's broadcast reaches every player.
func TestGMBroadcast(t *testing.T) {
	srv := startServer(t, newDB(t), "")
	cfg := srv.clientConfig("herald", 0)
	login(t, cfg).Close()
	if err := srv.app.Store().SetGM(t.Context(), cfg.Account, true); err != nil {
		t.Fatal(err)
	}
	gm := login(t, cfg)
	player := login(t, srv.clientConfig("herald", 1))
	prec := record(player)
	if err := gm.Talk(msg.ChannelBroadcast, "", "maintenance soon"); err != nil {
		t.Fatal(err)
	}
	prec.waitCount(t, "the broadcast", 1, func(ev client.Event) bool {
		tk, ok := ev.Packet.(*msg.Talk)
		return ok && tk.Channel == msg.ChannelBroadcast && tk.Message == "maintenance soon"
	})
}

// TestGMCommandBeforePlacement: a GM typing /tele during the login chain,
// before MsgAction 74 placed the character, gets an answer and stays
// connected (it used to panic on the player's nil map).
func TestGMCommandBeforePlacement(t *testing.T) {
	srv := startServer(t, newDB(t), "")
	cfg := srv.clientConfig("early", 0)
	login(t, cfg).Close()
	if err := srv.app.Store().SetGM(t.Context(), cfg.Account, true); err != nil {
		t.Fatal(err)
	}
	ticket, err := client.Authenticate(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	conn := dialGame(t, srv)
	if err := conn.Send(&msg.Connect{Token: ticket.Token, Build: msg.Build5017, Language: "En", Contents: 10}); err != nil {
		t.Fatal(err)
	}
	conn.Rekey(ticket.Token)
	if tk := expectTalk(t, conn); tk.Message != msg.AnswerOK {
		t.Fatalf("login answer %q", tk.Message)
	}
	var codec wire.Codec
	for _, line := range []string{"/tele 1002 400 400", "/kick nobody", "/online"} {
		if err := conn.Send(&msg.Talk{Channel: msg.ChannelTalk, Sender: cfg.Character, Recipient: msg.AllUsers,
			Message: line}); err != nil {
			t.Fatal(err)
		}
		for {
			b, err := conn.Next()
			if err != nil {
				t.Fatalf("after %q: the server closed the connection: %v", line, err)
			}
			if _, typ := wire.Header(b); typ != wire.TypeTalk {
				continue
			}
			var tk msg.Talk
			if err := codec.Decode(b, &tk); err != nil {
				t.Fatal(err)
			}
			if tk.Sender == msg.SystemName && tk.Channel == msg.ChannelTopLeft {
				break // the command's answer
			}
		}
	}
}
