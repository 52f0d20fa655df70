package e2e

import (
	"testing"

	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/game"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/store/backend"
)

// Default pack facts the floor test uses.
const (
	pedlarNPC   = 30      // the Pedlar's shop, in view of Birth Village's start
	minorPotion = 1000000 // a potion the Pedlar sells
)

// settle waits until the server has handled every packet c sent so far: c
// takes a step and waits for its answer (packets are handled in order).
func settle(t *testing.T, c *client.Client, dir uint8) {
	t.Helper()
	if err := c.Walk(dir, msg.WalkModeWalk); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the step's answer", func() bool { return c.Pending() == 0 })
}

// TestFloorItems: a player buys a potion and drops it; another sees it on
// the floor but may not take it while it is reserved; the owner picks it
// up and it leaves both screens. Dropped money is taken by the other
// player once the owner's window is over.
func TestFloorItems(t *testing.T) {
	clk := newTestClock()
	srv := startServerClock(t, newDB(t), "", nil, clk)
	cs := loginAll(t, []client.Config{srv.clientConfig("floora", 0), srv.clientConfig("floorb", 1)})
	a, b := cs[0], cs[1]
	if err := a.Buy(pedlarNPC, minorPotion, 1); err != nil {
		t.Fatal(err)
	}
	var uid uint32
	eventually(t, "the potion bought", func() bool {
		var n int
		n, uid = a.CountItems(minorPotion)
		return n == 1
	})
	pos := a.Position()
	if err := a.DropItem(uid, pos.X, pos.Y); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the potion on both screens", func() bool {
		_, held := a.Item(uid)
		ea, onA := a.Entity(uid)
		eb, onB := b.Entity(uid)
		return !held && onA && onB && ea.Kind == client.EntityFloorItem && eb.ItemType == minorPotion
	})
	// b stands within reach (both start on one tile) but the drop is a's.
	if err := b.PickUp(uid); err != nil {
		t.Fatal(err)
	}
	settle(t, b, 0)
	if _, held := b.Item(uid); held {
		t.Fatal("another player took a reserved drop")
	}
	if _, on := a.Entity(uid); !on {
		t.Fatal("a refused pick took the item off the floor")
	}
	if err := a.PickUp(uid); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the potion back in a's inventory and off both screens", func() bool {
		_, held := a.Item(uid)
		_, onA := a.Entity(uid)
		_, onB := b.Entity(uid)
		return held && !onA && !onB
	})

	// Money: a drops 100 silver; once the owner's window is over b takes it.
	silverA, silverB := a.Silver(), b.Silver()
	settle(t, b, 4) // b back where a stands
	pos = a.Position()
	if err := a.DropMoney(100, pos.X, pos.Y); err != nil {
		t.Fatal(err)
	}
	var pile client.Entity
	eventually(t, "the money on b's screen", func() bool {
		for _, e := range b.FloorItems() {
			if e.ItemType == msg.MoneyGold {
				pile = e
				return a.Silver() == silverA-100
			}
		}
		return false
	})
	clk.Advance(game.OwnerWindow)
	bp := b.Position()
	if max(abs(int(bp.X)-int(pile.X)), abs(int(bp.Y)-int(pile.Y))) > game.PickRange {
		t.Skipf("the pile landed at %d,%d, beyond b's reach at %d,%d", pile.X, pile.Y, bp.X, bp.Y)
	}
	if err := b.PickUp(pile.ID); err != nil {
		t.Fatal(err)
	}
	eventually(t, "b paid and the pile gone", func() bool {
		_, onA := a.Entity(pile.ID)
		return b.Silver() == silverB+100 && !onA
	})
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// TestKill9WithFloorItems: a player buys two potions and drops one; once a
// periodic save has stored the drop (the row on the floor), the server is
// killed with SIGKILL. The restarted server clears the floor: the dropped
// potion is gone, the kept one is carried, and no item is in two places.
func TestKill9WithFloorItems(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	db := newDB(t)
	child, addr := startChild(t, db)
	cfg := client.Config{AccountAddr: addr, Account: "crashfloor", Password: testPassword, Character: "Dropper",
		Body: 1003, Class: 10, Timeout: waitTimeout, Logger: testLogger()}
	c := login(t, cfg)
	if err := c.Buy(pedlarNPC, minorPotion, 2); err != nil {
		t.Fatal(err)
	}
	eventually(t, "two potions bought", func() bool { n, _ := c.CountItems(minorPotion); return n == 2 })
	inv := c.Inventory()
	kept, dropped := inv[0].UID, inv[1].UID
	pos := c.Position()
	if err := c.DropItem(dropped, pos.X, pos.Y); err != nil {
		t.Fatal(err)
	}
	reader, err := backend.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	// rows returns the live items of the character and on the floor:
	// uid → owner kind.
	rows := func() map[uint32]store.OwnerKind {
		ch, err := reader.CharacterByName(t.Context(), cfg.Character)
		if err != nil {
			return nil
		}
		carried, err1 := reader.ItemsOf(t.Context(), ch.ID)
		floor, err2 := reader.FloorItems(t.Context())
		if err1 != nil || err2 != nil {
			return nil
		}
		out := map[uint32]store.OwnerKind{}
		for _, it := range append(carried, floor...) {
			if _, dup := out[it.ID]; dup {
				t.Errorf("item %d stored twice", it.ID)
			}
			out[it.ID] = it.Owner
		}
		return out
	}
	eventually(t, "the periodic save of the drop", func() bool {
		r := rows()
		return len(r) == 2 && r[dropped] == store.OwnerFloor && r[kept] == store.OwnerCharacter
	})
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()

	s := startServer(t, db, "")
	if r := rows(); len(r) != 1 || r[kept] != store.OwnerCharacter {
		t.Fatalf("after the restart the live rows are %v; want only the kept potion %d, carried", r, kept)
	}
	cfg.AccountAddr = s.accountAddr()
	again := login(t, cfg)
	eventually(t, "the inventory after the restart", func() bool { return len(again.Inventory()) == 1 })
	if inv := again.Inventory(); inv[0].UID != kept {
		t.Errorf("carried %+v, want the kept potion %d", inv, kept)
	}
	if fl := again.FloorItems(); len(fl) != 0 {
		t.Errorf("the floor after the restart shows %+v", fl)
	}
}

// TestPickRaceClients: two real clients standing on one tile send a pick-up
// of the same money pile at once, round after round: exactly one of them is
// paid each time, and the silver of both plus what lies on the floor never
// changes.
func TestPickRaceClients(t *testing.T) {
	clk := newTestClock()
	srv := startServerClock(t, newDB(t), "", nil, clk)
	cs := loginAll(t, []client.Config{srv.clientConfig("racea", 0), srv.clientConfig("raceb", 1)})
	a, b := cs[0], cs[1]
	total := a.Silver() + b.Silver()
	const rounds, amount = 8, 10
	for i := range rounds {
		pos := a.Position()
		if err := a.DropMoney(amount, pos.X, pos.Y); err != nil {
			t.Fatal(err)
		}
		var pile client.Entity
		eventually(t, "the pile on both screens", func() bool {
			for _, e := range b.FloorItems() {
				if _, onA := a.Entity(e.ID); onA && e.X == pos.X && e.Y == pos.Y {
					pile = e
					return true
				}
			}
			return false
		})
		clk.Advance(game.OwnerWindow) // anyone may take it now
		done := make(chan error, 2)
		for _, c := range cs {
			go func() { done <- c.PickUp(pile.ID) }()
		}
		for range cs {
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		}
		eventually(t, "the pile gone from both screens", func() bool {
			_, onA := a.Entity(pile.ID)
			_, onB := b.Entity(pile.ID)
			return !onA && !onB
		})
		settle(t, a, 0)
		settle(t, a, 4)
		settle(t, b, 0)
		settle(t, b, 4)
		if got := a.Silver() + b.Silver(); got != total {
			t.Fatalf("round %d: %d silver between them, want %d (paid twice or not at all)", i, got, total)
		}
	}
}
