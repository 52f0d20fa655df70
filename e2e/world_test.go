package e2e

import (
	"fmt"
	"sync"
	"testing"

	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/game"
	"github.com/coserver/coserver/msg"
)

// worldPlayers is how many clients share the start spot in TestWorld.
const worldPlayers = 20

// startPosition is where new characters appear (game-rules §3).
var startPosition = client.Position{Map: game.StartMap, X: game.StartX, Y: game.StartY}

// TestWorld runs a small world from creation to restart: 20 players log in
// at once and create characters, see each other, talk, whisper and walk;
// one leaves; the server restarts on the same database and everyone comes
// back where they stood.
func TestWorld(t *testing.T) {
	db := newDB(t)
	srv := startServer(t, db, "")
	cfgs := make([]client.Config, worldPlayers)
	for i := range cfgs {
		cfgs[i] = srv.clientConfig("world", i)
	}
	clients := loginAll(t, cfgs)
	recs := make([]*recorder, len(clients))
	for i, c := range clients {
		recs[i] = record(c)
		if !c.Created() {
			t.Errorf("%s: character not created on first login", c.Name())
		}
		if c.Name() != cfgs[i].Character {
			t.Errorf("client %d is %q, want %q", i, c.Name(), cfgs[i].Character)
		}
		if got := c.Position(); got != startPosition {
			t.Errorf("%s starts at %+v, want %+v", c.Name(), got, startPosition)
		}
	}

	t.Run("spawns", func(t *testing.T) {
		for i, c := range clients {
			eventually(t, c.Name()+" sees everyone", func() bool { return c.PlayersInView() == len(clients)-1 })
			for j, o := range clients {
				if i == j {
					continue
				}
				e, ok := c.Entity(o.ID())
				if !ok || e.Name != o.Name() || e.X != startPosition.X || e.Y != startPosition.Y {
					t.Errorf("%s sees %s as %+v (on screen: %v)", c.Name(), o.Name(), e, ok)
				}
				recs[i].waitCount(t, c.Name()+" gets the spawn of "+o.Name(), 1, isSpawnOf(o.ID()))
			}
		}
	})

	t.Run("talk", func(t *testing.T) {
		for _, c := range clients {
			if err := c.Talk(msg.ChannelTalk, "", "hello from "+c.Name()); err != nil {
				t.Fatal(err)
			}
		}
		for i, c := range clients {
			for j, o := range clients {
				if i == j {
					continue
				}
				recs[i].waitCount(t, c.Name()+" hears "+o.Name(), 1, func(ev client.Event) bool {
					tk, ok := ev.Packet.(*msg.Talk)
					return ok && tk.Channel == msg.ChannelTalk && tk.Sender == o.Name() &&
						tk.Identity == o.ID() && tk.Message == "hello from "+o.Name()
				})
			}
		}
	})

	t.Run("whisper", func(t *testing.T) {
		from, to := clients[0], clients[1]
		if err := from.Talk(msg.ChannelWhisper, to.Name(), "psst"); err != nil {
			t.Fatal(err)
		}
		recs[1].waitCount(t, "the whisper", 1, func(ev client.Event) bool {
			tk, ok := ev.Packet.(*msg.Talk)
			return ok && tk.Channel == msg.ChannelWhisper && tk.Sender == from.Name() &&
				tk.Recipient == to.Name() && tk.Message == "psst"
		})
		const nobody = "Nobody42"
		if err := from.Talk(msg.ChannelWhisper, nobody, "anyone?"); err != nil {
			t.Fatal(err)
		}
		recs[0].waitCount(t, "the not-online notice", 1, func(ev client.Event) bool {
			tk, ok := ev.Packet.(*msg.Talk)
			return ok && tk.Sender == msg.SystemName && tk.Message == nobody+" is not online."
		})
		// Nobody else heard the whisper.
		for i := 2; i < len(clients); i++ {
			if n := recs[i].count(func(ev client.Event) bool {
				tk, ok := ev.Packet.(*msg.Talk)
				return ok && tk.Channel == msg.ChannelWhisper
			}); n != 0 {
				t.Errorf("%s overheard %d whispers", clients[i].Name(), n)
			}
		}
	})

	t.Run("walk", func(t *testing.T) {
		// Everyone steps east and back, then i%4 steps south (so that the
		// positions saved at shutdown differ), all at once.
		var wg sync.WaitGroup
		for i, c := range clients {
			wg.Go(func() {
				dirs := []uint8{6, 2}
				for range i % 4 {
					dirs = append(dirs, 0)
				}
				for _, d := range dirs {
					if err := c.Walk(d, msg.WalkModeWalk); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		for i, c := range clients {
			want := client.Position{Map: startPosition.Map, X: startPosition.X, Y: startPosition.Y + uint16(i%4)}
			eventually(t, c.Name()+"'s walks answered", func() bool { return c.Pending() == 0 })
			if got := c.Position(); got != want {
				t.Errorf("%s at %+v after walking, want %+v", c.Name(), got, want)
			}
		}
		for i, c := range clients {
			for j, o := range clients {
				if i == j {
					continue
				}
				steps := 2 + j%4
				recs[i].waitCount(t, fmt.Sprintf("%s sees %d steps of %s", c.Name(), steps, o.Name()), steps,
					func(ev client.Event) bool {
						w, ok := ev.Packet.(*msg.Walk)
						return ok && w.ID == o.ID()
					})
				eventually(t, c.Name()+" tracks "+o.Name(), func() bool {
					e, _ := c.Entity(o.ID())
					p := o.Position()
					return e.X == p.X && e.Y == p.Y
				})
			}
		}
	})

	leaver := clients[len(clients)-1]
	t.Run("disconnect", func(t *testing.T) {
		id := leaver.ID()
		if err := leaver.Close(); err != nil {
			t.Fatal(err)
		}
		for i, c := range clients[:len(clients)-1] {
			recs[i].waitCount(t, c.Name()+" sees the leaver go", 1, func(ev client.Event) bool {
				a, ok := ev.Packet.(*msg.Action)
				return ok && a.Subtype == msg.ActionLeaveMap && a.ID == id
			})
			if _, ok := c.Entity(id); ok {
				t.Errorf("%s still has the leaver on screen", c.Name())
			}
			if n := c.PlayersInView(); n != len(clients)-2 {
				t.Errorf("%s sees %d players, want %d", c.Name(), n, len(clients)-2)
			}
		}
	})

	t.Run("restart", func(t *testing.T) {
		before := make([]client.Position, len(clients))
		ids := make([]uint32, len(clients))
		for i, c := range clients {
			before[i], ids[i] = c.Position(), c.ID()
		}
		srv.stop()
		for _, c := range clients {
			waitDone(t, c, "the server to close "+c.Name()+"'s connection")
		}
		srv2 := startServer(t, db, "")
		for i := range cfgs {
			cfgs[i].AccountAddr = srv2.accountAddr()
		}
		again := loginAll(t, cfgs)
		for i, c := range again {
			if c.Created() {
				t.Errorf("%s: NEW_ROLE after the restart", cfgs[i].Account)
			}
			if c.ID() != ids[i] || c.Name() != cfgs[i].Character {
				t.Errorf("%s came back as %d %q, want %d %q", cfgs[i].Account, c.ID(), c.Name(), ids[i], cfgs[i].Character)
			}
			if got := c.Position(); got != before[i] {
				t.Errorf("%s came back at %+v, want %+v", c.Name(), got, before[i])
			}
		}
		for _, c := range again {
			eventually(t, c.Name()+" sees everyone after the restart", func() bool {
				return c.PlayersInView() == len(again)-1
			})
		}
	})

	for i, c := range clients {
		if d := c.Dropped(); d != 0 {
			t.Errorf("client %d dropped %d events", i, d)
		}
	}
}

// isSpawnOf matches the MsgPlayer of entity id.
func isSpawnOf(id uint32) func(client.Event) bool {
	return func(ev client.Event) bool {
		p, ok := ev.Packet.(*msg.Player)
		return ok && p.ID == id
	}
}
