package client

import (
	"errors"
	"testing"
	"time"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/wire"
)

// itemsClient logs in to a fake with items.
func itemsClient(t *testing.T, account string) *Client {
	t.Helper()
	f := newFake(t)
	f.items = true
	c := login(t, f.config(account))
	// Skip the login's events: the items came before the last echo.
	waitPacket(t, c, "the login's end", func(a *msg.Action) bool { return a.Subtype == msg.ActionLoginComplete })
	return c
}

// waitPacket reads events until one of type T matches, and returns it.
func waitPacket[T any, P interface {
	*T
	wire.Packet
}](t *testing.T, c *Client, what string, match func(P) bool) P {
	t.Helper()
	for ev := range c.Events() {
		if p, ok := ev.Packet.(P); ok && match(p) {
			return p
		}
	}
	t.Fatalf("client stopped waiting for %s: %v", what, c.Err())
	return nil
}

// potions returns the uids of the potions in the inventory.
func potions(c *Client) []uint32 {
	var out []uint32
	for _, it := range c.Inventory() {
		if it.ItemType == fakePotionType {
			out = append(out, it.UID)
		}
	}
	return out
}

func TestItemsAtLogin(t *testing.T) {
	c := itemsClient(t, "items")
	if c.Silver() != fakeStartSilver || c.CPs() != fakeStartCPs {
		t.Fatalf("silver %d, CPs %d", c.Silver(), c.CPs())
	}
	inv := c.Inventory()
	if len(inv) != 1 || inv[0].UID != fakeFirstItemUID || inv[0].ItemType != fakePotionType {
		t.Fatalf("inventory %+v", inv)
	}
	blade, ok := c.Equipped(msg.PositionRightHand)
	if !ok || blade.UID != fakeFirstItemUID+1 || blade.ItemType != fakeBladeType {
		t.Fatalf("right hand %+v, %v", blade, ok)
	}
	if eq := c.Equipment(); len(eq) != 1 || eq[0] != blade {
		t.Fatalf("equipment %+v", eq)
	}
	if it, ok := c.Item(blade.UID); !ok || it != blade {
		t.Fatalf("Item(%d) = %+v, %v", blade.UID, it, ok)
	}
	if _, ok := c.Equipped(msg.PositionInventory); ok {
		t.Error("Equipped(inventory) found an item")
	}
}

func TestBuyUseSell(t *testing.T) {
	c := itemsClient(t, "buyer")
	if err := c.Buy(fakeShopID, fakePotionType, 2); err != nil {
		t.Fatal(err)
	}
	added := 0
	waitPacket(t, c, "two potions", func(p *msg.ItemInfo) bool {
		added++
		return added == 2
	})
	if got := potions(c); len(got) != 3 {
		t.Fatalf("potions %v", got)
	}
	if n, uid := c.CountItems(fakePotionType); n != 3 || uid != fakeFirstItemUID {
		t.Fatalf("CountItems = %d, %d", n, uid)
	}
	if n, _ := c.CountItems(fakeBladeType); n != 0 {
		t.Fatalf("CountItems counts equipment: %d", n)
	}
	if c.Silver() != fakeStartSilver-2*fakePotionPrice {
		t.Fatalf("silver %d", c.Silver())
	}

	// Use one: it is gone, HP rises.
	p := potions(c)
	if err := c.UseItem(p[0]); err != nil {
		t.Fatal(err)
	}
	waitPacket(t, c, "the HP", func(a *msg.UserAttrib) bool { return a.List()[0].Type == msg.AttribHP })
	if _, ok := c.Item(p[0]); ok || c.UserInfo().HP != 100+fakePotionHP {
		t.Fatalf("after use: item kept %v, HP %d", ok, c.UserInfo().HP)
	}

	// Sell another.
	if err := c.Sell(fakeShopID, p[1]); err != nil {
		t.Fatal(err)
	}
	waitPacket(t, c, "the silver", func(*msg.UserAttrib) bool { return true })
	if _, ok := c.Item(p[1]); ok || c.Silver() != fakeStartSilver-2*fakePotionPrice+fakePotionPrice/3 {
		t.Fatalf("after sale: item kept %v, silver %d", ok, c.Silver())
	}
}

func TestUnequipEquip(t *testing.T) {
	c := itemsClient(t, "dresser")
	blade := uint32(fakeFirstItemUID + 1)
	if err := c.Unequip(blade, msg.PositionRightHand); err != nil {
		t.Fatal(err)
	}
	waitPacket(t, c, "the unequip's MsgItemInfo", func(p *msg.ItemInfo) bool { return p.UID == blade })
	if _, ok := c.Equipped(msg.PositionRightHand); ok || len(c.Inventory()) != 2 {
		t.Fatalf("after unequip: equipment %+v, inventory %+v", c.Equipment(), c.Inventory())
	}
	if err := c.Equip(blade, msg.PositionRightHand); err != nil {
		t.Fatal(err)
	}
	waitPacket(t, c, "the equip", func(p *msg.Item) bool { return p.Action == msg.ItemOpEquip })
	if it, ok := c.Equipped(msg.PositionRightHand); !ok || it.UID != blade || len(c.Inventory()) != 1 {
		t.Fatalf("after equip: equipment %+v, inventory %+v", c.Equipment(), c.Inventory())
	}
}

func TestDropAndPickUp(t *testing.T) {
	c := itemsClient(t, "dropper")
	if err := c.PickUp(fakeFloorBase + 1); !errors.Is(err, ErrNotFloorItem) {
		t.Fatalf("PickUp of nothing: %v", err)
	}
	potion := uint32(fakeFirstItemUID)
	if err := c.DropItem(potion, fakeX+1, fakeY); err != nil {
		t.Fatal(err)
	}
	m := waitPacket(t, c, "the floor item", func(p *msg.MapItem) bool { return p.Action == msg.MapItemCreate })
	if _, ok := c.Item(potion); ok {
		t.Fatal("dropped potion still held")
	}
	floor := c.FloorItems()
	want := Entity{ID: m.ID, Kind: EntityFloorItem, X: fakeX + 1, Y: fakeY, ItemType: fakePotionType,
		Colour: msg.DefaultItemColour}
	if len(floor) != 1 || floor[0] != want {
		t.Fatalf("floor %+v, want %+v", floor, want)
	}
	if c.PlayersInView() != 0 {
		t.Error("a floor item counts as a player")
	}
	if e, ok := c.FloorItemAt(fakeX+1, fakeY); !ok || e != want {
		t.Fatalf("FloorItemAt = %+v, %v", e, ok)
	}
	if _, ok := c.FloorItemAt(fakeX, fakeY); ok {
		t.Fatal("FloorItemAt found an item on an empty tile")
	}
	if err := c.PickUp(m.ID); err != nil {
		t.Fatal(err)
	}
	waitPacket(t, c, "the potion back", func(p *msg.ItemInfo) bool { return p.UID == potion })
	if len(c.FloorItems()) != 0 || len(potions(c)) != 1 {
		t.Fatalf("after pick: floor %+v, inventory %+v", c.FloorItems(), c.Inventory())
	}

	// Money: dropped as a money type, picked back.
	if err := c.DropMoney(150, fakeX, fakeY+1); err != nil {
		t.Fatal(err)
	}
	m = waitPacket(t, c, "the money", func(p *msg.MapItem) bool { return p.Action == msg.MapItemCreate })
	if m.ItemType != msg.MoneyGold || c.Silver() != fakeStartSilver-150 {
		t.Fatalf("money floor item %+v, silver %d", m, c.Silver())
	}
	if err := c.PickUp(m.ID); err != nil {
		t.Fatal(err)
	}
	waitPacket(t, c, "the silver", func(*msg.UserAttrib) bool { return true })
	if c.Silver() != fakeStartSilver || len(c.FloorItems()) != 0 {
		t.Fatalf("after pick: silver %d, floor %+v", c.Silver(), c.FloorItems())
	}
}

func TestWarehouse(t *testing.T) {
	c := itemsClient(t, "storer")
	potion := uint32(fakeFirstItemUID)
	if err := c.QueryWarehouse(fakeWarehouseID); err != nil {
		t.Fatal(err)
	}
	if err := c.CheckIn(fakeWarehouseID, potion); err != nil {
		t.Fatal(err)
	}
	waitPacket(t, c, "the list", func(p *msg.Package) bool { return p.Count == 1 })
	npc, kind, stored := c.Warehouse()
	if npc != fakeWarehouseID || kind != msg.PackageWarehouse || len(stored) != 1 || stored[0].UID != potion {
		t.Fatalf("warehouse %d %d %+v", npc, kind, stored)
	}
	if _, ok := c.Item(potion); ok {
		t.Fatal("stored potion still held")
	}
	if err := c.CheckOut(fakeWarehouseID, potion); err != nil {
		t.Fatal(err)
	}
	waitPacket(t, c, "the empty list", func(p *msg.Package) bool { return p.Count == 0 })
	if _, _, stored := c.Warehouse(); len(stored) != 0 || len(potions(c)) != 1 {
		t.Fatalf("after check-out: warehouse %+v, inventory %+v", stored, c.Inventory())
	}

	if err := c.SaveMoney(fakeWarehouseID, 300); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryWarehouseMoney(fakeWarehouseID); err != nil {
		t.Fatal(err)
	}
	n := 0
	waitPacket(t, c, "two money answers", func(p *msg.Item) bool {
		n++
		return p.Action == msg.ItemOpQueryMoney && n == 2
	})
	if c.WarehouseMoney() != 300 || c.Silver() != fakeStartSilver-300 {
		t.Fatalf("warehouse money %d, silver %d", c.WarehouseMoney(), c.Silver())
	}
	if err := c.DrawMoney(fakeWarehouseID, 100); err != nil {
		t.Fatal(err)
	}
	waitPacket(t, c, "the money answer", func(p *msg.Item) bool { return p.Action == msg.ItemOpQueryMoney })
	if c.WarehouseMoney() != 200 || c.Silver() != fakeStartSilver-200 {
		t.Fatalf("after draw: warehouse money %d, silver %d", c.WarehouseMoney(), c.Silver())
	}
}

// TestItemsState drives the session directly with the server's item
// packets, including ones a real server should not send.
func TestItemsState(t *testing.T) {
	s := newSession(-1, true, nil)
	s.w.user.ID = 7
	var codec wire.Codec
	feed := func(p wire.Packet) error {
		b, err := codec.Encode(nil, p)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.handle(b, time.Unix(0, 0))
		return err
	}
	must := func(p wire.Packet) {
		t.Helper()
		if err := feed(p); err != nil {
			t.Fatal(err)
		}
	}
	must(&msg.Action{ID: 7, Data1: 1010, Data2: msg.XY(61, 109), Subtype: msg.ActionSendLocation})
	must(&msg.ItemInfo{UID: 1, ItemType: fakeBladeType, Action: msg.ItemAdd, Position: msg.PositionRightHand})
	must(&msg.ItemInfo{UID: 2, ItemType: 420301, Action: msg.ItemAdd})
	// Another player's equipment and a warehouse position are not held.
	must(&msg.ItemInfo{UID: 3, ItemType: 1, Action: msg.ItemOtherEquipment, Position: msg.PositionArmor})
	must(&msg.ItemInfo{UID: 4, ItemType: 1, Action: msg.ItemAdd, Position: msg.PositionWarehouse})
	if len(s.w.items.held) != 2 {
		t.Fatalf("held %+v", s.w.items.held)
	}
	// Equipping 2 in the right hand swaps 1 out.
	must(&msg.Item{ID: 2, Data: uint32(msg.PositionRightHand), Action: msg.ItemOpEquip})
	if s.w.items.held[1].Position != msg.PositionInventory || s.w.items.held[2].Position != msg.PositionRightHand {
		t.Fatalf("after swap %+v", s.w.items.held)
	}
	// Equip into a non-equipment position, or of an unknown item: ignored.
	must(&msg.Item{ID: 1, Data: 201, Action: msg.ItemOpEquip})
	must(&msg.Item{ID: 99, Data: 4, Action: msg.ItemOpEquip})
	if s.w.items.held[1].Position != msg.PositionInventory || len(s.w.items.held) != 2 {
		t.Fatalf("after bad equips %+v", s.w.items.held)
	}
	must(&msg.Item{ID: 2, Data: 55, Action: msg.ItemOpDurability})
	must(&msg.Item{ID: 2, Data: 4, Action: msg.ItemOpDropEquipment})
	if _, ok := s.w.items.held[2]; ok {
		t.Fatal("dropped equipment held")
	}
	// Money of another role is not ours.
	var a msg.UserAttrib
	a.ID = 8
	a.Add(msg.AttribSilver, 5)
	must(&a)
	a.ID = 7
	a.Attribs[0].Value = 1<<32 + 9 // a u64 the u32 silver cannot hold: cut, no panic
	a.Add(msg.AttribCPs, 3)
	must(&a)
	if s.w.user.Silver != 9 || s.w.user.CPs != 3 {
		t.Fatalf("silver %d, CPs %d", s.w.user.Silver, s.w.user.CPs)
	}
	// A delete of an NPC's id by MsgMapItem leaves the NPC.
	must(&msg.NpcInfo{ID: 50, X: 61, Y: 110})
	must(&msg.MapItem{ID: 50, Action: msg.MapItemDelete})
	if e, ok := s.w.screen[50]; !ok || e.Kind != EntityNPC {
		t.Fatal("MsgMapItem deleted an NPC")
	}
	// A floor item out of view is not kept; a new map empties the floor.
	must(&msg.MapItem{ID: 60, ItemType: msg.MoneySilver, X: 61 + ViewRange + 1, Y: 109, Action: msg.MapItemCreate})
	must(&msg.MapItem{ID: 61, ItemType: msg.MoneySilver, X: 62, Y: 109, Action: msg.MapItemCreate})
	if _, ok := s.w.screen[60]; ok || s.w.screen[61].Kind != EntityFloorItem {
		t.Fatalf("screen %+v", s.w.screen)
	}
	must(&msg.MapInfo{UID: 1002, MapID: 1002})
	if len(s.w.screen) != 0 {
		t.Fatalf("screen after a new map %+v", s.w.screen)
	}
	// More than MaxHeldItems stops the client; updates of held items do not.
	for uid := uint32(100); len(s.w.items.held) < MaxHeldItems; uid++ {
		must(&msg.ItemInfo{UID: uid, ItemType: fakePotionType, Action: msg.ItemAdd})
	}
	must(&msg.ItemInfo{UID: 100, ItemType: fakePotionType, Action: msg.ItemUpdate, Durability: 3})
	if err := feed(&msg.ItemInfo{UID: 1_000, Action: msg.ItemAdd}); err == nil {
		t.Fatal("item over MaxHeldItems accepted")
	}
	if EntityFloorItem.String() != "floor item" {
		t.Error(EntityFloorItem.String())
	}
}
