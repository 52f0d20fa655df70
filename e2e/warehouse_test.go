package e2e

import (
	"fmt"
	"testing"

	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/store/backend"
)

// The Keeper of Birth Village (default pack): a warehouse NPC within reach
// of the start point.
const keeperID = 2

// TestWarehouseEndToEnd: a real client opens the Birth Village warehouse,
// checks an item in and out, saves money, logs out and finds the warehouse
// as it left it.
func TestWarehouseEndToEnd(t *testing.T) {
	srv := startServer(t, newDB(t), "")
	cfg := srv.clientConfig("vault", 0)
	login(t, cfg).Close()
	if err := srv.app.Store().SetGM(t.Context(), cfg.Account, true); err != nil {
		t.Fatal(err)
	}
	c := login(t, cfg)
	rec := record(c)
	for _, cmd := range []string{"/item 1000000 2", "/money 1000"} {
		if err := c.Talk(msg.ChannelTalk, "", cmd); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "the GM's potions and silver", func() bool {
		n, _ := c.CountItems(1000000)
		return n == 2 && c.Silver() >= 1000
	})
	silver := c.Silver()
	if err := c.ClickNPC(keeperID); err != nil {
		t.Fatal(err)
	}
	rec.waitCount(t, "the warehouse window", 1, func(ev client.Event) bool {
		a, ok := ev.Packet.(*msg.Action)
		return ok && a.Subtype == msg.ActionOpenDialog && a.Data1 == msg.DialogWarehouse
	})
	_, uid := c.CountItems(1000000)
	for _, step := range []func() error{
		func() error { return c.QueryWarehouse(keeperID) },
		func() error { return c.CheckIn(keeperID, uid) },
		func() error { return c.SaveMoney(keeperID, 300) },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "the deposit", func() bool {
		npc, _, stored := c.Warehouse()
		n, _ := c.CountItems(1000000)
		return npc == keeperID && len(stored) == 1 && stored[0].UID == uid && n == 1 &&
			c.WarehouseMoney() == 300 && c.Silver() == silver-300
	})
	c.Close()
	waitDone(t, c, "the logout")

	// A new login finds the item and the money in the warehouse.
	c = login(t, cfg)
	defer c.Close()
	if n, _ := c.CountItems(1000000); n != 1 {
		t.Fatalf("%d potions carried after the login, want 1", n)
	}
	if err := c.QueryWarehouse(keeperID); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryWarehouseMoney(keeperID); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the warehouse after the login", func() bool {
		_, _, stored := c.Warehouse()
		return len(stored) == 1 && stored[0].UID == uid && c.WarehouseMoney() == 300
	})
	if err := c.CheckOut(keeperID, uid); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the withdrawal", func() bool {
		_, _, stored := c.Warehouse()
		n, _ := c.CountItems(1000000)
		return len(stored) == 0 && n == 2
	})
}

// TestKill9DuringWarehouseMoves: two players move items and money in and out
// of the warehouse while periodic saves run, and the server is killed with
// SIGKILL in the middle. Moves create and destroy nothing, so whatever the
// database kept of them, each player must still own exactly the items it
// had, once each, and the same silver in the purse and the warehouse
// together.
func TestKill9DuringWarehouseMoves(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	const (
		pedlarID = 30      // the Pedlar's shop, in reach of the start point
		potion   = 1000000 // 20 silver each
		bought   = 5
	)
	db := newDB(t)
	child, addr := startChild(t, db)
	reader, err := backend.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()

	type mover struct {
		c     *client.Client
		uids  map[uint32]bool
		total uint32 // silver + warehouse silver
	}
	var movers []*mover
	for i := range 2 {
		cfg := client.Config{AccountAddr: addr, Account: fmt.Sprintf("wh%d", i), Password: testPassword,
			Character: fmt.Sprintf("Mover%d", i), Body: 1003, Class: 10, Timeout: waitTimeout, Logger: testLogger()}
		c := login(t, cfg)
		if err := c.Buy(pedlarID, potion, bought); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the potions", func() bool { n, _ := c.CountItems(potion); return n == bought })
		mv := &mover{c: c, uids: map[uint32]bool{}, total: c.Silver()}
		for _, it := range c.Inventory() {
			mv.uids[it.UID] = true
		}
		movers = append(movers, mv)
	}
	// The purchases reach the database: the baseline every later state keeps.
	eventually(t, "the periodic save of the purchases", func() bool {
		for _, mv := range movers {
			ch, err := reader.CharacterByName(t.Context(), mv.c.Name())
			if err != nil {
				return false
			}
			items, err := reader.ItemsOf(t.Context(), ch.ID)
			if err != nil || len(items) != bought {
				return false
			}
		}
		return true
	})

	// Move until a save has stored some items in the warehouse, then a few
	// moves more, not waiting for them, and kill.
	round := func(mv *mover, wait bool) {
		uid := firstUID(mv.uids)
		c := mv.c
		steps := []struct {
			send func() error
			done func() bool
		}{
			{func() error { return c.CheckIn(keeperID, uid) }, func() bool { _, _, s := c.Warehouse(); return len(s) == 1 }},
			{func() error { return c.SaveMoney(keeperID, 100) }, func() bool { return c.WarehouseMoney() >= 100 }},
			{func() error { return c.CheckOut(keeperID, uid) }, func() bool { _, _, s := c.Warehouse(); return len(s) == 0 }},
			{func() error { return c.DrawMoney(keeperID, 100) }, func() bool { return c.WarehouseMoney() == 0 }},
		}
		for _, st := range steps {
			if err := st.send(); err != nil {
				t.Fatal(err)
			}
			if wait {
				eventually(t, "a warehouse move", st.done)
			}
		}
	}
	storedSome := func() bool {
		for _, mv := range movers {
			ch, err := reader.CharacterByName(t.Context(), mv.c.Name())
			if err != nil {
				return false
			}
			items, err := reader.ItemsOf(t.Context(), ch.ID)
			if err != nil {
				return false
			}
			for _, it := range items {
				if it.Warehouse == keeperID {
					return true
				}
			}
		}
		return false
	}
	for i := 0; !storedSome(); i++ {
		if i == 200 {
			t.Fatal("no save stored a deposit in 200 rounds")
		}
		for _, mv := range movers {
			round(mv, true)
			if err := mv.c.CheckIn(keeperID, firstUID(mv.uids)); err != nil { // left there for a while
				t.Fatal(err)
			}
			eventually(t, "a deposit", func() bool { _, _, s := mv.c.Warehouse(); return len(s) == 1 })
			if err := mv.c.CheckOut(keeperID, firstUID(mv.uids)); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, mv := range movers {
		round(mv, false)
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()

	for _, mv := range movers {
		ch, err := reader.CharacterByName(t.Context(), mv.c.Name())
		if err != nil {
			t.Fatal(err)
		}
		items, err := reader.ItemsOf(t.Context(), ch.ID)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[uint32]bool{}
		for _, it := range items {
			if !mv.uids[it.ID] || seen[it.ID] {
				t.Errorf("%s: item %d unexpected or twice: %+v", mv.c.Name(), it.ID, it)
			}
			seen[it.ID] = true
		}
		if len(seen) != bought {
			t.Errorf("%s: %d of its %d items left after kill -9: %+v", mv.c.Name(), len(seen), bought, items)
		}
		if ch.Silver+ch.WarehouseSilver != mv.total {
			t.Errorf("%s: %d silver + %d in the warehouse after kill -9, want %d together", mv.c.Name(),
				ch.Silver, ch.WarehouseSilver, mv.total)
		}
	}
}

// firstUID returns the smallest uid of set.
func firstUID(set map[uint32]bool) uint32 {
	first := ^uint32(0)
	for id := range set {
		first = min(first, id)
	}
	return first
}
