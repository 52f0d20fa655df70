package e2e

import (
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/game"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/wire"
)

// textLoginInvalid is the game server's answer to an unknown token.
const textLoginInvalid = "Login Invalid"

// dialGame opens a raw client connection to the game server.
func dialGame(t *testing.T, srv *testServer) *client.Conn {
	t.Helper()
	conn, err := client.Dial(t.Context(), srv.gameAddr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	if err := conn.SetReadDeadline(time.Now().Add(waitTimeout)); err != nil {
		t.Fatal(err)
	}
	return conn
}

// expectClosed reads until the server closes conn; packets on the way are
// returned.
func expectClosed(t *testing.T, conn *client.Conn) []wire.Type {
	t.Helper()
	var got []wire.Type
	for {
		b, err := conn.Next()
		if err != nil {
			var ne interface{ Timeout() bool }
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("the server did not close the connection (got %v)", got)
			}
			return got
		}
		_, typ := wire.Header(b)
		got = append(got, typ)
	}
}

// expectTalk reads the next packet as a MsgTalk.
func expectTalk(t *testing.T, conn *client.Conn) msg.Talk {
	t.Helper()
	var tk msg.Talk
	if err := conn.Recv(&tk); err != nil {
		t.Fatalf("waiting for MsgTalk: %v", err)
	}
	return tk
}

// TestOutOfStateAndBadTokens checks the game server's door: a packet before
// MsgConnect closes the connection; an unknown token and a replayed one get
// "Login Invalid" and are closed.
func TestOutOfStateAndBadTokens(t *testing.T) {
	srv := startServer(t, newDB(t), "")

	t.Run("walk before connect", func(t *testing.T) {
		conn := dialGame(t, srv)
		if err := conn.Send(&msg.Walk{ID: 1_000_000, Direction: 1}); err != nil {
			t.Fatal(err)
		}
		if got := expectClosed(t, conn); len(got) != 0 {
			t.Errorf("server answered %v before closing", got)
		}
	})

	t.Run("action before connect", func(t *testing.T) {
		conn := dialGame(t, srv)
		if err := conn.Send(&msg.Action{Subtype: msg.ActionSendLocation}); err != nil {
			t.Fatal(err)
		}
		if got := expectClosed(t, conn); len(got) != 0 {
			t.Errorf("server answered %v before closing", got)
		}
	})

	t.Run("unknown token", func(t *testing.T) {
		conn := dialGame(t, srv)
		const tok = 0x0badc0de_12345678
		if err := conn.Send(&msg.Connect{Token: tok, Build: msg.Build5017, Language: "En", Contents: 10}); err != nil {
			t.Fatal(err)
		}
		conn.Rekey(tok)
		if tk := expectTalk(t, conn); tk.Channel != msg.ChannelLogin || tk.Message != textLoginInvalid {
			t.Errorf("answer %v %q, want Login %q", tk.Channel, tk.Message, textLoginInvalid)
		}
		expectClosed(t, conn)
	})

	t.Run("replayed token", func(t *testing.T) {
		cfg := srv.clientConfig("replay", 0)
		first := login(t, cfg) // creates the character
		ticket, err := client.Authenticate(t.Context(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		second, err := client.Connect(t.Context(), cfg, ticket)
		if err != nil {
			t.Fatalf("first use of the ticket: %v", err)
		}
		t.Cleanup(func() { _ = second.Close() })
		// The same account logging in again replaces the first session.
		waitDone(t, first, "the first session to be replaced")
		var le *client.LoginError
		if _, err := client.Connect(t.Context(), cfg, ticket); !errors.As(err, &le) || le.Text != textLoginInvalid {
			t.Fatalf("replayed ticket: %v, want LoginError %q", err, textLoginInvalid)
		}
		// The raw view: the answer, then the server closes.
		conn := dialGame(t, srv)
		if err := conn.Send(&msg.Connect{Token: ticket.Token, Build: msg.Build5017, Language: "En", Contents: 10}); err != nil {
			t.Fatal(err)
		}
		conn.Rekey(ticket.Token)
		if tk := expectTalk(t, conn); tk.Message != textLoginInvalid {
			t.Errorf("replayed ticket, raw: %q", tk.Message)
		}
		expectClosed(t, conn)
		select {
		case <-second.Done():
			t.Errorf("a replayed ticket disconnected the player: %v", second.Err())
		default:
		}
	})

	t.Run("token from another IP", func(t *testing.T) {
		cfg := srv.clientConfig("stolen", 0)
		ticket, err := client.Authenticate(t.Context(), cfg) // from 127.0.0.1
		if err != nil {
			t.Fatal(err)
		}
		// A second loopback address: Linux routes all of 127/8 to lo.
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}
		nc, err := d.DialContext(t.Context(), "tcp", srv.gameAddr())
		if err != nil {
			t.Skipf("no second loopback address: %v", err)
		}
		conn := client.NewConn(nc)
		t.Cleanup(func() { _ = conn.Close() })
		if err := conn.SetReadDeadline(time.Now().Add(waitTimeout)); err != nil {
			t.Fatal(err)
		}
		if err := conn.Send(&msg.Connect{Token: ticket.Token, Build: msg.Build5017, Language: "En", Contents: 10}); err != nil {
			t.Fatal(err)
		}
		conn.Rekey(ticket.Token)
		if tk := expectTalk(t, conn); tk.Message != textLoginInvalid {
			t.Errorf("token from another IP: %q, want %q", tk.Message, textLoginInvalid)
		}
		expectClosed(t, conn)
		// It was spent by the try: the rightful client cannot use it either.
		var le *client.LoginError
		if _, err := client.Connect(t.Context(), cfg, ticket); !errors.As(err, &le) || le.Text != textLoginInvalid {
			t.Fatalf("token after a try from another IP: %v, want LoginError %q", err, textLoginInvalid)
		}
	})

	t.Run("wrong password", func(t *testing.T) {
		cfg := srv.clientConfig("replay", 0)
		cfg.Password = "not-the-password"
		var rej *client.RejectError
		if _, err := client.Login(t.Context(), cfg); !errors.As(err, &rej) || rej.Code != msg.RejectInvalidPassword {
			t.Errorf("wrong password: %v, want RejectError InvalidPassword", err)
		}
	})
}

// speedBurst is how many walks TestSpeedLimit sends at once: more than the
// server's burst of game.MaxStepBurst.
const speedBurst = 30

// TestSpeedLimit sends 30 walks at once: the server accepts its burst,
// snaps the rest back with MsgAction 86 to its own position, and keeps the
// client connected.
func TestSpeedLimit(t *testing.T) {
	clk := newTestClock()
	srv := startServerClock(t, newDB(t), "", nil, clk)
	var mu sync.Mutex
	var acks []client.Ack
	cfg := srv.clientConfig("speed", 0)
	cfg.OnAck = func(a client.Ack) {
		mu.Lock()
		acks = append(acks, a)
		mu.Unlock()
	}
	walker := login(t, cfg)
	observer := login(t, srv.clientConfig("speed", 1))
	wrec := record(walker)
	eventually(t, "the observer sees the walker", func() bool { _, ok := observer.Entity(walker.ID()); return ok })

	for i := range speedBurst {
		if err := walker.Walk(uint8(4*(i%2)), msg.WalkModeRun); err != nil { // south, north, south...
			t.Fatal(err)
		}
	}
	eventually(t, "every walk answered", func() bool { return walker.Pending() == 0 })
	mu.Lock()
	accepted, refused := 0, 0
	for _, a := range acks {
		if a.Accepted {
			accepted++
		} else {
			refused++
		}
	}
	mu.Unlock()
	if accepted+refused != speedBurst || accepted < game.MaxStepBurst || refused == 0 {
		t.Errorf("%d walks accepted, %d refused; want %d in all, at least %d accepted and some refused",
			accepted, refused, speedBurst, game.MaxStepBurst)
	}
	isPullBack := func(ev client.Event) bool {
		a, ok := ev.Packet.(*msg.Action)
		return ok && a.Subtype == msg.ActionTeleport && a.ID == walker.ID() && a.Data1 == game.StartMap
	}
	wrec.waitCount(t, "the pull-backs", refused, isPullBack)
	if pullBacks := wrec.count(isPullBack); pullBacks != refused {
		t.Errorf("%d pull-backs (MsgAction 86) for %d refused walks", pullBacks, refused)
	}
	// Client and server agree on where the walker stands: the observer saw
	// only the accepted steps.
	eventually(t, "the observer agrees with the walker", func() bool {
		e, _ := observer.Entity(walker.ID())
		p := walker.Position()
		return e.X == p.X && e.Y == p.Y
	})
	select {
	case <-walker.Done():
		t.Fatalf("the walker was disconnected: %v", walker.Err())
	default:
	}
	// Once the bucket refills, walking works again.
	clk.Advance(time.Second * game.MaxStepBurst / game.MaxStepsPerSecond)
	before := walker.Position()
	if err := walker.Walk(6, msg.WalkModeWalk); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a walk after the burst", func() bool { return walker.Pending() == 0 })
	if got := walker.Position(); got.X != before.X+1 || got.Y != before.Y {
		t.Errorf("walk after the burst: %+v -> %+v", before, got)
	}
}

// TestConnectAgainAfterRegister follows the other client behaviour after
// character creation (game-rules §1 step 10): keep the socket and send
// MsgConnect again with the same token. The game server accepts it in
// stateRegistered (game/routes.go), so it should answer ANSWER_OK.
func TestConnectAgainAfterRegister(t *testing.T) {
	srv := startServer(t, newDB(t), "")
	cfg := srv.clientConfig("again", 0)
	ticket, err := client.Authenticate(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	conn := dialGame(t, srv)
	connect := &msg.Connect{Token: ticket.Token, Build: msg.Build5017, Language: "En", Contents: 10}
	if err := conn.Send(connect); err != nil {
		t.Fatal(err)
	}
	conn.Rekey(ticket.Token)
	if tk := expectTalk(t, conn); tk.Message != msg.NewRole {
		t.Fatalf("first answer %q, want NEW_ROLE", tk.Message)
	}
	if err := conn.Send(&msg.Register{Account: cfg.Account, Name: cfg.Character, Body: 1003, Class: 10,
		Token: uint32(ticket.Token)}); err != nil {
		t.Fatal(err)
	}
	if tk := expectTalk(t, conn); tk.Channel != msg.ChannelRegister || tk.Message != msg.AnswerOK {
		t.Fatalf("register answer %v %q", tk.Channel, tk.Message)
	}
	if err := conn.Send(connect); err != nil {
		t.Fatal(err)
	}
	var tk msg.Talk
	if err := conn.Recv(&tk); err != nil {
		t.Fatalf("MsgConnect again on the same socket: %v (the server closed the connection)", err)
	}
	if tk.Channel != msg.ChannelLogin || tk.Message != msg.AnswerOK {
		t.Fatalf("answer %v %q, want ANSWER_OK", tk.Channel, tk.Message)
	}
	var ui msg.UserInfo
	if err := conn.Recv(&ui); err != nil || ui.Name != cfg.Character {
		t.Fatalf("MsgUserInfo: %+v, %v", ui, err)
	}
}
