package e2e

import (
	"testing"

	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/msg"
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
