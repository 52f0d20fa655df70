package e2e

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/config"
	"github.com/coserver/coserver/game"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/wire"
)

// rawPacket is a packet of any type and body, for sending what the msg
// package would not build.
type rawPacket struct {
	typ  wire.Type
	body []byte
}

func (p *rawPacket) Type() wire.Type       { return p.typ }
func (p *rawPacket) Marshal(c *wire.Codec) { c.Bytes(p.body, "Body") }

// ackLog collects a client's move answers.
type ackLog struct {
	mu   sync.Mutex
	acks []client.Ack
}

func (l *ackLog) add(a client.Ack) {
	l.mu.Lock()
	l.acks = append(l.acks, a)
	l.mu.Unlock()
}

// last returns the newest answer.
func (l *ackLog) last() client.Ack {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.acks) == 0 {
		return client.Ack{}
	}
	return l.acks[len(l.acks)-1]
}

// expectStopped waits for c to be disconnected by the server.
func expectStopped(t *testing.T, c *client.Client, why string) {
	t.Helper()
	select {
	case <-c.Done():
	case <-time.After(waitTimeout):
		t.Fatalf("%s: the server kept the connection", why)
	}
	if errors.Is(c.Err(), client.ErrClosed) {
		t.Fatalf("%s: closed by the test, not the server", why)
	}
}

// TestJumpRules jumps within and beyond the rules: an accepted jump moves
// the jumper for the observer too; too far, too soon and from the wrong
// spot are pulled back.
func TestJumpRules(t *testing.T) {
	clk := newTestClock()
	srv := startServerClock(t, newDB(t), "", nil, clk)
	var log ackLog
	cfg := srv.clientConfig("jump", 0)
	cfg.OnAck = log.add
	jumper := login(t, cfg)
	jrec := record(jumper)
	observer := login(t, srv.clientConfig("jump", 1))
	orec := record(observer)
	eventually(t, "the observer sees the jumper", func() bool { _, ok := observer.Entity(jumper.ID()); return ok })

	jump := func(x, y uint16) client.Ack {
		t.Helper()
		log.mu.Lock()
		n := len(log.acks)
		log.mu.Unlock()
		if err := jumper.Jump(x, y); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the jump's answer", func() bool {
			log.mu.Lock()
			defer log.mu.Unlock()
			return len(log.acks) > n
		})
		return log.last()
	}
	start := jumper.Position()
	if a := jump(start.X+game.JumpRange, start.Y-5); !a.Accepted || a.Kind != client.MoveJump {
		t.Fatalf("jump of %d tiles: %+v", game.JumpRange, a)
	}
	orec.waitCount(t, "the observer sees the jump", 1, func(ev client.Event) bool {
		a, ok := ev.Packet.(*msg.Action)
		return ok && a.Subtype == msg.ActionJump && a.ID == jumper.ID() && a.Data1 == msg.XY(start.X+game.JumpRange, start.Y-5)
	})
	eventually(t, "the observer moves the jumper", func() bool {
		e, _ := observer.Entity(jumper.ID())
		return e.X == start.X+game.JumpRange && e.Y == start.Y-5
	})
	// Jumps may bunch up in the network: a second right away passes
	// (game.JumpBurst), a third does not.
	if a := jump(start.X+game.JumpRange, start.Y); !a.Accepted {
		t.Error("a second jump right away was refused")
	}
	if a := jump(start.X, start.Y); a.Accepted {
		t.Error("a third jump right away was accepted")
	}
	clk.Advance(game.MinJumpInterval)
	here := jumper.Position()
	if a := jump(here.X-game.JumpRange-1, here.Y); a.Accepted {
		t.Errorf("a jump of %d tiles was accepted", game.JumpRange+1)
	}
	if got := jumper.Position(); got != here {
		t.Errorf("after refused jumps at %+v, want %+v", got, here)
	}
	// From a spot the server does not agree with: a raw jump, not tracked.
	clk.Advance(game.MinJumpInterval)
	if err := jumper.Send(&msg.Action{ID: jumper.ID(), Data1: msg.XY(here.X-3, here.Y), Data2: msg.XY(here.X+1, here.Y),
		Subtype: msg.ActionJump}); err != nil {
		t.Fatal(err)
	}
	// Its pull-back is the third to this spot, after those of the third
	// jump and of the jump too far: wait for that one, not an earlier one.
	jrec.waitCount(t, "the pull-back of a jump from the wrong spot", 3, func(ev client.Event) bool {
		a, ok := ev.Packet.(*msg.Action)
		return ok && a.Subtype == msg.ActionTeleport && a.Data2 == msg.XY(here.X, here.Y)
	})

	// Out of the observer's view and back: removed, then spawned again.
	spawnsBefore := orec.count(isSpawnOf(jumper.ID()))
	clk.Advance(game.MinJumpInterval)
	obs := observer.Position()
	away := obs.X + 2*game.ViewRange
	if a := jump(away, obs.Y); !a.Accepted {
		t.Fatalf("jump out of view to %d,%d refused", away, obs.Y)
	}
	orec.waitCount(t, "the removal of the jumper out of view", 1, func(ev client.Event) bool {
		a, ok := ev.Packet.(*msg.Action)
		return ok && a.Subtype == msg.ActionLeaveMap && a.ID == jumper.ID()
	})
	if _, ok := observer.Entity(jumper.ID()); ok {
		t.Error("the jumper is still on the observer's screen, 36 tiles away")
	}
	clk.Advance(game.MinJumpInterval)
	if a := jump(away-game.JumpRange, obs.Y); !a.Accepted {
		t.Fatal("jump back into view refused")
	}
	orec.waitCount(t, "the jumper spawned again", spawnsBefore+1, isSpawnOf(jumper.ID()))
	eventually(t, "the jumper back on the observer's screen", func() bool {
		e, ok := observer.Entity(jumper.ID())
		return ok && e.X == away-game.JumpRange && e.Y == obs.Y
	})
	here = jumper.Position()

	// Turning and emotes reach the observer.
	if err := jumper.Send(&msg.Action{ID: jumper.ID(), Data2: msg.XY(here.X, here.Y), Direction: 5,
		Subtype: msg.ActionChangeDirection}); err != nil {
		t.Fatal(err)
	}
	if err := jumper.Send(&msg.Action{ID: jumper.ID(), Data1: 1, Subtype: msg.ActionEmote}); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []msg.ActionType{msg.ActionChangeDirection, msg.ActionEmote} {
		orec.waitCount(t, "the observer sees "+sub.String(), 1, func(ev client.Event) bool {
			a, ok := ev.Packet.(*msg.Action)
			return ok && a.Subtype == sub && a.ID == jumper.ID()
		})
	}
}

// TestHostileClients sends what a well-behaved client never does: an
// unknown packet type (ignored), chat over the length limit (refused with a
// notice), a walk for another entity, a truncated packet, and a flood
// (each disconnected).
func TestHostileClients(t *testing.T) {
	srv := startServer(t, newDB(t), "")

	t.Run("unknown type is ignored", func(t *testing.T) {
		c := login(t, srv.clientConfig("hostile", 0))
		if err := c.Send(&rawPacket{typ: 9999, body: []byte{1, 2, 3, 4}}); err != nil {
			t.Fatal(err)
		}
		before := c.Position()
		if err := c.Walk(6, msg.WalkModeWalk); err != nil {
			t.Fatal(err)
		}
		eventually(t, "a walk after an unknown packet", func() bool { return c.Position().X == before.X+1 })
	})

	t.Run("long chat", func(t *testing.T) {
		c := login(t, srv.clientConfig("hostile", 1))
		rec := record(c)
		if err := c.Talk(msg.ChannelTalk, "", strings.Repeat("a", msg.MaxMessageLen+1)); err != nil {
			t.Fatal(err)
		}
		rec.waitCount(t, "the too-long notice", 1, func(ev client.Event) bool {
			tk, ok := ev.Packet.(*msg.Talk)
			return ok && tk.Sender == msg.SystemName && strings.Contains(tk.Message, "too long")
		})
	})

	t.Run("walk for another entity", func(t *testing.T) {
		c := login(t, srv.clientConfig("hostile", 2))
		if err := c.Send(&msg.Walk{ID: c.ID() + 1, Direction: 1}); err != nil {
			t.Fatal(err)
		}
		expectStopped(t, c, "MsgWalk for another entity")
	})

	t.Run("truncated walk", func(t *testing.T) {
		c := login(t, srv.clientConfig("hostile", 3))
		if err := c.Send(&rawPacket{typ: wire.TypeWalk, body: []byte{1, 2}}); err != nil {
			t.Fatal(err)
		}
		expectStopped(t, c, "a 6-byte MsgWalk")
	})

	t.Run("flood", func(t *testing.T) {
		c := login(t, srv.clientConfig("hostile", 4))
		burst := int(config.Default().Limits.PacketBurst) + 50
		for range burst {
			if err := c.Send(&msg.Action{ID: c.ID(), Subtype: msg.ActionSetPKMode, Data1: 1}); err != nil {
				break // the server may already have closed the connection
			}
		}
		expectStopped(t, c, "a flood over the packet burst")
	})
}

// TestAccountRules checks refusals: a banned account, a taken or reserved
// character name, and a full server.
func TestAccountRules(t *testing.T) {
	srv := startServerWith(t, newDB(t), "", func(c *config.Config) { c.Game.MaxPlayers = 2 })

	t.Run("names", func(t *testing.T) {
		first := srv.clientConfig("names", 0)
		c := login(t, first)
		c.Close()
		dup := srv.clientConfig("names", 1)
		dup.Character = strings.ToUpper(first.Character) // names compare without case
		var re *client.RegisterError
		if _, err := client.Login(t.Context(), dup); !errors.As(err, &re) || !strings.Contains(re.Text, "taken") {
			t.Errorf("taken name: %v", err)
		}
		dup.Character = "xGMx"
		if _, err := client.Login(t.Context(), dup); !errors.As(err, &re) || !strings.Contains(re.Text, "reserved") {
			t.Errorf("reserved name: %v", err)
		}
		dup.Character = "names1ok" // the same account, another name: the account is still free
		c2 := login(t, dup)
		if !c2.Created() || c2.Name() != "names1ok" {
			t.Errorf("retry with another name: created %v, name %q", c2.Created(), c2.Name())
		}
		c2.Close()
	})

	t.Run("banned", func(t *testing.T) {
		cfg := srv.clientConfig("banned", 0)
		login(t, cfg).Close()
		if err := srv.app.Store().SetStatus(t.Context(), cfg.Account, store.StatusBanned); err != nil {
			t.Fatal(err)
		}
		var rej *client.RejectError
		if _, err := client.Login(t.Context(), cfg); !errors.As(err, &rej) || rej.Code != msg.RejectAccountBanned {
			t.Errorf("banned account: %v", err)
		}
	})

	t.Run("full", func(t *testing.T) {
		eventually(t, "the earlier players gone", func() bool { return srv.app.Online() == 0 })
		login(t, srv.clientConfig("full", 0))
		login(t, srv.clientConfig("full", 1))
		var rej *client.RejectError
		if _, err := client.Login(t.Context(), srv.clientConfig("full", 2)); !errors.As(err, &rej) ||
			rej.Code != msg.RejectServerBusy {
			t.Errorf("third player on a server for two: %v", err)
		}
	})
}

// TestTeleportToAnotherMap has a GM teleport (the /tele command) to a map
// where another player stands. The teleport (MsgAction 86 with the new map)
// must come before the new map's spawns: a client, the real one as well as
// ours, empties its screen when it changes maps, so spawns sent earlier are
// lost and the player stands next to someone it cannot see.
func TestTeleportToAnotherMap(t *testing.T) {
	srv := startServer(t, newDB(t), "")
	const otherMap = 1002
	gm := func(i int) (*client.Client, *recorder) {
		cfg := srv.clientConfig("tele", i)
		login(t, cfg).Close() // create the account and character
		if err := srv.app.Store().SetGM(t.Context(), cfg.Account, true); err != nil {
			t.Fatal(err)
		}
		c := login(t, cfg)
		return c, record(c)
	}
	first, _ := gm(0)
	if err := first.Talk(msg.ChannelTalk, "", "/tele 1002 400 400"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the first GM on map 1002", func() bool { return first.Position().Map == otherMap })
	second, rec := gm(1)
	if err := second.Talk(msg.ChannelTalk, "", "/tele 1002 401 401"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the second GM on map 1002", func() bool { return second.Position().Map == otherMap })
	teleport, spawn := -1, -1
	eventually(t, "the spawn of the first GM", func() bool {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		for i, ev := range rec.events {
			switch p := ev.Packet.(type) {
			case *msg.Action:
				if p.Subtype == msg.ActionTeleport && p.Data1 == otherMap && teleport < 0 {
					teleport = i
				}
			case *msg.Player:
				if p.ID == first.ID() {
					spawn = i
				}
			}
		}
		return teleport >= 0 && spawn >= 0
	})
	if spawn < teleport {
		t.Errorf("the first GM's spawn (event %d) came before the teleport to map %d (event %d)", spawn, otherMap, teleport)
	}
	if _, ok := second.Entity(first.ID()); !ok {
		t.Error("after the teleport the second GM does not see the first, one tile away")
	}
}

// ghostRounds is how many players TestDisconnectRightAfterTeleport sends
// through the race; it loses nearly every round on a 2-core machine.
const ghostRounds = 10

// TestDisconnectRightAfterTeleport has GMs teleport to another map and
// disconnect at once, next to a player there. A player who has left must
// not stay on any map: the watcher must not see them (or must see them
// removed).
func TestDisconnectRightAfterTeleport(t *testing.T) {
	srv := startServer(t, newDB(t), "")
	makeGM := func(i int) client.Config {
		cfg := srv.clientConfig("ghost", i)
		login(t, cfg).Close()
		if err := srv.app.Store().SetGM(t.Context(), cfg.Account, true); err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	watcher := login(t, makeGM(0))
	if err := watcher.Talk(msg.ChannelTalk, "", "/tele 1002 400 400"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the watcher on map 1002", func() bool { return watcher.Position().Map == 1002 })
	var ids []uint32
	for i := 1; i <= ghostRounds; i++ {
		c := login(t, makeGM(i))
		if err := c.Talk(msg.ChannelTalk, "", "/tele 1002 401 401"); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID())
		c.Close()
	}
	// Every ghost has left (and saved) once only the watcher is online; the
	// removals its leaving sent the watcher are queued before the answer to
	// a command the watcher sends now.
	eventually(t, "the ghosts gone", func() bool { return srv.app.Online() == 1 })
	wrec := record(watcher)
	if err := watcher.Talk(msg.ChannelTalk, "", "/online"); err != nil {
		t.Fatal(err)
	}
	wrec.waitCount(t, "the answer to /online", 1, func(ev client.Event) bool {
		tk, ok := ev.Packet.(*msg.Talk)
		return ok && strings.HasSuffix(tk.Message, "players online")
	})
	ghosts := 0
	for _, id := range ids {
		if _, ok := watcher.Entity(id); ok {
			ghosts++
		}
	}
	if ghosts > 0 {
		t.Errorf("%d of %d players who left are still on map 1002 (the watcher sees them)", ghosts, len(ids))
	}
}
