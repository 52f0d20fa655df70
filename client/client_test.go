package client

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/wire"
)

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func login(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := Login(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestLoginCreatesCharacterThenEntersWorld(t *testing.T) {
	f := newFake(t)
	f.spawn = &msg.Player{ID: fakeOtherEntityID, Name: "Other", X: 62, Y: 110, Level: 3}
	c := login(t, f.config("alice"))
	if !c.Created() {
		t.Error("Created() = false after NEW_ROLE")
	}
	if c.ID() != fakeFirstCharID || c.Name() != "aliceX" {
		t.Errorf("ID, Name = %d, %q", c.ID(), c.Name())
	}
	if got := c.Position(); got != (Position{Map: fakeMap, X: fakeX, Y: fakeY}) {
		t.Errorf("Position = %+v", got)
	}
	if e, ok := c.Entity(fakeOtherEntityID); !ok || e.Name != "Other" || e.X != 62 || e.Level != 3 {
		t.Errorf("Entity(other) = %+v, %v", e, ok)
	}
	// The events start with the game server's answer and end with 130.
	var types []string
	for len(c.Events()) > 0 {
		ev := <-c.Events()
		switch p := ev.Packet.(type) {
		case *msg.Talk:
			types = append(types, "Talk:"+p.Message)
		case *msg.Action:
			types = append(types, "Action:"+p.Subtype.String())
		default:
			types = append(types, ev.Type.String())
		}
	}
	want := "Talk:ANSWER_OK MsgUserInfo MsgData Action:SendLocation MsgMapInfo MsgPlayer Action:SendItems " +
		"Action:SendAssociates Action:SendProficiencies Action:SendSpells Action:ConfirmGuild Action:LoginComplete"
	if got := strings.Join(types, " "); got != want {
		t.Errorf("events:\n got %s\nwant %s", got, want)
	}

	// A second login finds the character.
	c.Close()
	c2 := login(t, f.config("alice"))
	if c2.Created() || c2.ID() != fakeFirstCharID {
		t.Errorf("second login: Created %v, ID %d", c2.Created(), c2.ID())
	}
}

func TestLoginErrors(t *testing.T) {
	f := newFake(t)
	ctx := t.Context()

	cfg := f.config("bob")
	cfg.Password = fakeBadPassword
	_, err := Login(ctx, cfg)
	var rej *RejectError
	if !errors.As(err, &rej) || rej.Code != msg.RejectInvalidPassword {
		t.Errorf("bad password: %v, want RejectError InvalidPassword", err)
	}

	cfg = f.config("carol")
	cfg.Character = ""
	if _, err := Login(ctx, cfg); !errIs(err, ErrNoCharacter) {
		t.Errorf("no character name: %v, want ErrNoCharacter", err)
	}

	f.mu.Lock()
	f.registerMsg = "Character name taken, please choose another."
	f.mu.Unlock()
	var regErr *RegisterError
	if _, err := Login(ctx, f.config("dave")); !errors.As(err, &regErr) || !strings.Contains(regErr.Text, "taken") {
		t.Errorf("name taken: %v, want RegisterError", err)
	}

	// A ticket is single use.
	f.mu.Lock()
	f.registerMsg = ""
	f.mu.Unlock()
	login(t, f.config("erin"))
	tk, err := Authenticate(ctx, f.config("erin"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Connect(ctx, f.config("erin"), tk)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	var le *LoginError
	if _, err := Connect(ctx, f.config("erin"), tk); !errors.As(err, &le) || le.Text != "Login Invalid" {
		t.Errorf("replayed ticket: %v, want LoginError", err)
	}

	// Nobody listening.
	cfg = f.config("frank")
	cfg.AccountAddr = "127.0.0.1:1"
	if _, err := Login(ctx, cfg); err == nil || !strings.Contains(err.Error(), "dial") {
		t.Errorf("closed port: %v", err)
	}

	cfg = f.config("this-name-is-far-too-long")
	if _, err := Login(ctx, cfg); err == nil || !strings.Contains(err.Error(), "invalid config") {
		t.Errorf("long account: %v", err)
	}
}

func TestMovesAcksAndScreen(t *testing.T) {
	f := newFake(t)
	f.spawn = &msg.Player{ID: fakeOtherEntityID, Name: "Other", X: 62, Y: 110}
	acks := make(chan Ack, 16)
	cfg := f.config("gina")
	cfg.OnAck = func(a Ack) { acks <- a }
	c := login(t, cfg)
	start := c.Position()

	if err := c.Walk(6, msg.WalkModeRun); err != nil { // +x
		t.Fatal(err)
	}
	if a := <-acks; a.Kind != MoveWalk || !a.Accepted || a.RTT <= 0 {
		t.Errorf("walk ack %+v", a)
	}
	if got := c.Position(); got.X != start.X+1 || got.Y != start.Y {
		t.Errorf("after walk: %+v", got)
	}

	if err := c.Jump(start.X+10, start.Y-5); err != nil {
		t.Fatal(err)
	}
	if a := <-acks; a.Kind != MoveJump || !a.Accepted {
		t.Errorf("jump ack %+v", a)
	}
	if got := c.Position(); got.X != start.X+10 || got.Y != start.Y-5 {
		t.Errorf("after jump: %+v", got)
	}

	// Refused moves are pulled back, in order.
	f.mu.Lock()
	f.rejectMoves = true
	f.mu.Unlock()
	for range 3 {
		if err := c.Walk(0, msg.WalkModeWalk); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		if a := <-acks; a.Kind != MoveWalk || a.Accepted {
			t.Errorf("refused walk ack %+v", a)
		}
	}
	if got, p := c.Position(), c.Predicted(); got.X != start.X+10 || got.Y != start.Y-5 || p != got || c.Pending() != 0 {
		t.Errorf("after pull-backs: position %+v predicted %+v pending %d", got, p, c.Pending())
	}

	// Others move and leave.
	srv := f.lastGame()
	srv.send(&msg.Walk{ID: fakeOtherEntityID, Direction: 8 + 7}) // +x +y, direction taken mod 8
	srv.send(&msg.Action{ID: fakeOtherEntityID, Data1: msg.XY(70, 100), Subtype: msg.ActionJump})
	waitFor(t, "the other's jump", func() bool { e, _ := c.Entity(fakeOtherEntityID); return e.X == 70 })
	if e, _ := c.Entity(fakeOtherEntityID); e.Y != 100 {
		t.Errorf("other after jump: %+v", e)
	}
	srv.send(&msg.Action{ID: fakeOtherEntityID, Data1: fakeOtherEntityID, Subtype: msg.ActionLeaveMap})
	waitFor(t, "the other's removal", func() bool { return c.ScreenLen() == 0 })

	// A walk of the other that arrived before the jump moved it by one.
	var sawWalk bool
	for len(c.Events()) > 0 {
		if w, ok := (<-c.Events()).Packet.(*msg.Walk); ok && w.ID == fakeOtherEntityID {
			sawWalk = true
		}
	}
	if !sawWalk {
		t.Error("no MsgWalk event for the other entity")
	}

	// Talk reaches the server with our name.
	if err := c.Talk(msg.ChannelTalk, "", "hello"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "talk echo", func() bool {
		for len(c.Events()) > 0 {
			if tk, ok := (<-c.Events()).Packet.(*msg.Talk); ok && tk.Message == "hello" {
				return tk.Sender == "ginaX" && tk.Recipient == msg.AllUsers
			}
		}
		return false
	})
}

func TestMalformedPacketStopsClient(t *testing.T) {
	f := newFake(t)
	c := login(t, f.config("hank"))
	bad := make([]byte, 8) // a MsgWalk needs 10 bytes
	binary.LittleEndian.PutUint16(bad, 8)
	binary.LittleEndian.PutUint16(bad[2:], uint16(wire.TypeWalk))
	f.lastGame().sendRaw(bad)
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("client still running after a malformed packet")
	}
	var fe *wire.FieldError
	if err := c.Err(); !errors.As(err, &fe) || fe.Packet != wire.TypeWalk {
		t.Fatalf("Err = %v, want a FieldError for MsgWalk", err)
	}
	if !strings.Contains(c.Err().Error(), "MsgWalk") {
		t.Errorf("error does not name the packet: %v", c.Err())
	}
	for range c.Events() { // closed by the reader
	}
	if err := c.Walk(0, 0); err == nil {
		t.Error("Walk on a stopped client succeeded")
	}
}

func TestSlowConsumerDropsOldestAndCloseReturns(t *testing.T) {
	f := newFake(t)
	f.flood = 3000
	cfg := f.config("ivan")
	cfg.EventBuffer = 16
	c := login(t, cfg)
	waitFor(t, "dropped events", func() bool { return c.Dropped() > 0 })
	done := make(chan struct{})
	go func() { c.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close blocked behind an unread event channel")
	}
	if !errIs(c.Err(), ErrClosed) {
		t.Errorf("Err after Close = %v", c.Err())
	}
}

func TestContextCancelStopsClient(t *testing.T) {
	f := newFake(t)
	ctx, cancel := context.WithCancel(t.Context())
	cfg := f.config("judy")
	cfg.EventBuffer = -1
	c, err := Login(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if c.Events() != nil {
		t.Error("events enabled with EventBuffer < 0")
	}
	cancel()
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("client still running after its context ended")
	}
	if !errors.Is(c.Err(), context.Canceled) {
		t.Errorf("Err = %v, want context.Canceled", c.Err())
	}
	if err := c.Close(); err != nil {
		t.Error(err)
	}
}

func TestLoginRespectsContext(t *testing.T) {
	f := newFake(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Login(ctx, f.config("kate")); !errors.Is(err, context.Canceled) {
		t.Errorf("Login with a cancelled context: %v", err)
	}
}

func TestWorldResolvesAnswersInOrder(t *testing.T) {
	s := newSession(-1, true, nil)
	w := &s.w
	w.user.ID = 7
	t0 := time.Unix(100, 0)
	w.apply(&msg.Action{ID: 7, Data1: 1010, Data2: msg.XY(50, 50), Subtype: msg.ActionSendLocation}, t0)
	w.addPending(pendingMove{kind: MoveWalk, dir: 6, sent: t0})                  // → 51,50
	w.addPending(pendingMove{kind: MoveWalk, dir: 6, sent: t0})                  // → 52,50
	w.addPending(pendingMove{kind: MoveJump, tx: 60, ty: 40, sent: t0})          // → 60,40
	w.addPending(pendingMove{kind: MoveWalk, dir: 0, sent: t0.Add(time.Second)}) // → 60,41
	if w.px != 60 || w.py != 41 {
		t.Fatalf("predicted %d,%d", w.px, w.py)
	}
	// First walk accepted, second refused: the pull-back puts the player at
	// 51,50, the jump (from 52,50) and the walk after it are still pending.
	if a, ok := w.apply(&msg.Walk{ID: 7, Direction: 6}, t0.Add(5*time.Millisecond)); !ok || !a.Accepted || a.RTT != 5*time.Millisecond || !a.Sent.Equal(t0) {
		t.Errorf("walk echo: %+v %v", a, ok)
	}
	if a, ok := w.apply(&msg.Action{ID: 7, Data1: 1010, Data2: msg.XY(51, 50), Subtype: msg.ActionTeleport}, t0); !ok || a.Accepted || a.Kind != MoveWalk {
		t.Errorf("pull-back: %+v %v", a, ok)
	}
	if w.pos != (Position{1010, 51, 50}) || w.px != 60 || w.py != 41 || w.n != 2 {
		t.Errorf("after pull-back: pos %+v predicted %d,%d pending %d", w.pos, w.px, w.py, w.n)
	}
	// An echo of a walk while a jump is first: the jump is skipped as lost.
	if a, ok := w.apply(&msg.Walk{ID: 7, Direction: 0}, t0.Add(time.Second+time.Millisecond)); !ok || a.Kind != MoveWalk || a.RTT != time.Millisecond ||
		!a.Sent.Equal(t0.Add(time.Second)) {
		t.Errorf("walk echo after a lost jump: %+v %v", a, ok)
	}
	if w.n != 0 || w.pos != (Position{1010, 51, 51}) || w.px != 51 || w.py != 51 {
		t.Errorf("end: pos %+v predicted %d,%d pending %d", w.pos, w.px, w.py, w.n)
	}
	// The ring is bounded.
	for i := range MaxPending + 1 {
		if ok := w.addPending(pendingMove{kind: MoveWalk}); ok != (i < MaxPending) {
			t.Fatalf("addPending #%d = %v", i, ok)
		}
	}
	// A new map empties the screen.
	w.apply(&msg.Player{ID: 9, X: 1, Y: 1}, t0)
	w.apply(&msg.Action{ID: 7, Data1: 1002, Data2: msg.XY(5, 5), Subtype: msg.ActionTeleport}, t0)
	if len(w.screen) != 0 || w.pos.Map != 1002 {
		t.Errorf("after teleport to another map: screen %d, pos %+v", len(w.screen), w.pos)
	}
}

func TestFacingAndStep(t *testing.T) {
	for dir := range uint8(8) {
		x, y := Step(100, 100, dir)
		if got := Facing(100, 100, x, y); got != dir {
			t.Errorf("Facing towards the step of %d = %d", dir, got)
		}
		if x2, y2 := Step(100, 100, dir+8); x2 != x || y2 != y {
			t.Errorf("Step(%d) differs from Step(%d)", dir+8, dir)
		}
	}
}

func TestUnknownPacketIsDeliveredRaw(t *testing.T) {
	s := newSession(4, true, nil)
	raw := []byte{6, 0, 0x39, 0x30, 1, 2} // type 12345
	if p, err := s.handle(raw, time.Now()); p != nil || err != nil {
		t.Fatalf("handle = %v, %v", p, err)
	}
	ev := <-s.events
	if ev.Type != 12345 || ev.Packet != nil || string(ev.Raw) != string(raw) {
		t.Errorf("event %+v", ev)
	}
	raw[4] = 9
	if ev.Raw[4] != 1 {
		t.Error("Raw aliases the read buffer")
	}
}

func TestNoAllocsPerWalkEcho(t *testing.T) {
	s := newSession(-1, true, func(Ack) {})
	s.w.user.ID = 7
	var echo []byte
	echo, _ = new(wire.Codec).Encode(nil, &msg.Walk{ID: 7, Direction: 2})
	now := time.Now()
	allocs := testing.AllocsPerRun(100, func() {
		s.mu.Lock()
		s.w.addPending(pendingMove{kind: MoveWalk, dir: 2, sent: now})
		s.mu.Unlock()
		if _, err := s.handle(echo, now); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per walk and echo, want 0", allocs)
	}
}

func TestNoAllocsPerWalkSent(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		nc, err := ln.Accept()
		if err == nil {
			_, _ = io.Copy(io.Discard, nc)
			nc.Close()
		}
	}()
	conn, err := Dial(t.Context(), ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c := &Client{conn: conn, s: newSession(-1, false, nil), done: make(chan struct{}), stopCtx: func() bool { return true }}
	defer conn.Close()
	c.s.w.user.ID = 7
	now := time.Now()
	allocs := testing.AllocsPerRun(200, func() {
		if err := c.Walk(3, msg.WalkModeRun); err != nil {
			t.Fatal(err)
		}
		c.s.mu.Lock()
		c.s.w.resolve(MoveWalk, true, now)
		c.s.mu.Unlock()
	})
	if allocs != 0 {
		t.Errorf("%v allocations per Walk, want 0", allocs)
	}
}

func TestScreenDropsEntitiesOutOfView(t *testing.T) {
	s := newSession(-1, true, nil)
	w := &s.w
	w.user.ID = 7
	now := time.Now()
	w.apply(&msg.Action{ID: 7, Data1: 1010, Data2: msg.XY(100, 100), Subtype: msg.ActionSendLocation}, now)
	w.apply(&msg.Player{ID: 8, X: 100 - ViewRange, Y: 100}, now) // at the west edge of the view
	w.apply(&msg.Player{ID: 9, X: 100, Y: 100 + ViewRange}, now) // at the south edge
	if len(w.screen) != 2 {
		t.Fatalf("screen %v", w.screen)
	}
	w.apply(&msg.Walk{ID: 7, Direction: 6}, now) // east: 8 is now 19 tiles away
	if _, ok := w.screen[8]; ok || len(w.screen) != 1 {
		t.Errorf("after walking east: %v", w.screen)
	}
	w.apply(&msg.Walk{ID: 9, Direction: 0}, now) // 9 walks south, out of view
	if len(w.screen) != 0 {
		t.Errorf("after the other walked away: %v", w.screen)
	}
}

func TestSightingsAreOthersStepsAndSpawns(t *testing.T) {
	var got []Sighting
	s := newSession(-1, false, nil) // players are not kept: sightings come all the same
	s.onSighting = func(x Sighting) { got = append(got, x) }
	s.w.user.ID = 7
	t0 := time.Unix(100, 0)
	var codec wire.Codec
	for i, p := range []wire.Packet{
		&msg.Walk{ID: 7, Direction: 2},                                     // own echo: not a sighting
		&msg.Player{ID: 9, X: 50, Y: 50},                                   // spawn
		&msg.Walk{ID: 9, Direction: 8 + 3},                                 // step, direction taken mod 8
		&msg.Player{ID: 7, X: 50, Y: 50},                                   // itself: not a sighting
		&msg.Action{ID: 9, Subtype: msg.ActionJump, Data1: msg.XY(52, 52)}, // jumps are not sightings
	} {
		b, err := codec.Encode(nil, p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.handle(b, t0.Add(time.Duration(i)*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
	}
	want := []Sighting{{ID: 9, Spawn: true, At: t0.Add(time.Millisecond)}, {ID: 9, Direction: 3, At: t0.Add(2 * time.Millisecond)}}
	if !slices.Equal(got, want) {
		t.Errorf("sightings %+v, want %+v", got, want)
	}
}

func TestNoAllocsPerSighting(t *testing.T) {
	n := 0
	s := newSession(-1, false, nil)
	s.onSighting = func(Sighting) { n++ }
	s.w.user.ID = 7
	step, _ := new(wire.Codec).Encode(nil, &msg.Walk{ID: 9, Direction: 2})
	now := time.Now()
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := s.handle(step, now); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 || n == 0 {
		t.Errorf("%v allocations per sighting (%d sightings), want 0", allocs, n)
	}
}
