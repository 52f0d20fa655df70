package msg_test

import (
	"testing"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/wire"
)

func TestDropXY(t *testing.T) {
	if v := msg.DropXY(61, 109); v != 61<<16|109 {
		t.Fatalf("DropXY = %#x, want x high", v)
	}
	for _, xy := range [][2]uint16{{0, 0}, {61, 109}, {0xffff, 0}, {0, 0xffff}} {
		x, y, sx, sy := msg.DropPoints(msg.DropXY(xy[0], xy[1]))
		if x != xy[0] || y != xy[1] || sx != xy[1] || sy != xy[0] {
			t.Errorf("DropPoints(DropXY(%d, %d)) = %d, %d, swapped %d, %d", xy[0], xy[1], x, y, sx, sy)
		}
		// A client packing x low (Wiki2) is read back by the swapped point.
		if _, _, sx, sy := msg.DropPoints(msg.XY(xy[0], xy[1])); sx != xy[0] || sy != xy[1] {
			t.Errorf("swapped point of XY(%d, %d) = %d, %d", xy[0], xy[1], sx, sy)
		}
	}
}

func TestDropPoint(t *testing.T) {
	// In range: within 9 tiles of (61, 109) on each axis.
	near := func(x, y uint16) bool { return absDiff(x, 61) <= 9 && absDiff(y, 109) <= 9 }
	cases := []struct {
		data        uint32
		x, y        uint16
		swapped, ok bool
	}{
		{msg.DropXY(61, 109), 61, 109, false, true}, // x high, as the policy reads it
		{msg.XY(62, 108), 62, 108, true, true},      // x low: only the swapped point is near
		{msg.DropXY(100, 61), 61, 100, true, true},  // swapped (61, 100): 9 rows off, in range
		{msg.DropXY(500, 500), 0, 0, false, false},  // neither
		{msg.DropXY(109, 109), 0, 0, false, false},  // x 109 is too far either way
	}
	for _, tc := range cases {
		x, y, swapped, ok := msg.DropPoint(tc.data, near)
		if x != tc.x || y != tc.y || swapped != tc.swapped || ok != tc.ok {
			t.Errorf("DropPoint(%#x) = %d, %d, %v, %v; want %d, %d, %v, %v", tc.data, x, y, swapped, ok,
				tc.x, tc.y, tc.swapped, tc.ok)
		}
	}
}

func absDiff(a, b uint16) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

func TestItemOps(t *testing.T) {
	ops := map[msg.ItemOp]uint32{
		msg.ItemOpBuy: 1, msg.ItemOpSell: 2, msg.ItemOpDrop: 3, msg.ItemOpUse: 4, msg.ItemOpEquip: 5,
		msg.ItemOpUnequip: 6, msg.ItemOpSplit: 7, msg.ItemOpCombine: 8, msg.ItemOpQueryMoney: 9,
		msg.ItemOpSaveMoney: 10, msg.ItemOpDrawMoney: 11, msg.ItemOpDropMoney: 12, msg.ItemOpRepair: 14,
		msg.ItemOpRepairAll: 15, msg.ItemOpIdentify: 16, msg.ItemOpDurability: 17,
		msg.ItemOpDropEquipment: 18, msg.ItemOpImprove: 19, msg.ItemOpLevelUp: 20,
		msg.ItemOpBoothQuery: 21, msg.ItemOpBoothAdd: 22, msg.ItemOpBoothDelete: 23,
		msg.ItemOpBoothBuy: 24, msg.ItemOpSynchroAmount: 25, msg.ItemOpFireworks: 26,
		msg.ItemOpPing: 27, msg.ItemOpEnchant: 28, msg.ItemOpBoothAddCPs: 29,
	}
	names := map[string]bool{}
	for op, v := range ops {
		if uint32(op) != v {
			t.Errorf("%v = %d, want %d", op, op, v)
		}
		s := op.String()
		if s == "" || s[0] < 'A' || s[0] > 'Z' || names[s] {
			t.Errorf("ItemOp(%d).String() = %q, want a new name", v, s)
		}
		names[s] = true
	}
	if s := msg.ItemOp(13).String(); s != "13" {
		t.Errorf("ItemOp(13).String() = %q", s)
	}
	for a, want := range map[msg.MapItemAction]string{msg.MapItemCreate: "Create", msg.MapItemDelete: "Delete",
		msg.MapItemPick: "Pick", 4: "4"} {
		if a.String() != want {
			t.Errorf("MapItemAction(%d).String() = %q", a, a.String())
		}
	}
	for a, want := range map[msg.PackageAction]string{msg.PackageQuery: "Query", msg.PackageCheckIn: "CheckIn",
		msg.PackageCheckOut: "CheckOut", 3: "3"} {
		if a.String() != want {
			t.Errorf("PackageAction(%d).String() = %q", a, a.String())
		}
	}
}

func TestItemPositions(t *testing.T) {
	pos := map[msg.ItemPosition]uint8{
		msg.PositionInventory: 0, msg.PositionHelmet: 1, msg.PositionNecklace: 2, msg.PositionArmor: 3,
		msg.PositionRightHand: 4, msg.PositionLeftHand: 5, msg.PositionRing: 6, msg.PositionTreasure: 7,
		msg.PositionBoots: 8, msg.PositionGarment: 9, msg.PositionWarehouse: 201, msg.PositionTrunk: 202,
		msg.PositionChest: 203, msg.PositionFloor: 254, msg.PositionNone: 255,
	}
	for p, v := range pos {
		if uint8(p) != v {
			t.Errorf("position %d, want %d", p, v)
		}
		if want := v >= 1 && v <= 9; p.IsEquipment() != want {
			t.Errorf("ItemPosition(%d).IsEquipment() = %v", v, !want)
		}
	}
	if msg.ItemUnidentified != 1 || msg.ItemCannotRepair != 2 || msg.ItemFixedDurability != 4 ||
		msg.ItemMagicAdd != 8 || msg.ItemAuction != 5 {
		t.Error("item status flags or actions are wrong")
	}
}

func TestMoneyItemType(t *testing.T) {
	cases := []struct{ amount, want uint32 }{
		{0, 1090000}, {1, 1090000}, {9, 1090000}, {10, 1090010}, {99, 1090010}, {100, 1090020},
		{999, 1090020}, {1000, 1091000}, {1999, 1091000}, {2000, 1091010}, {4999, 1091010},
		{5000, 1091020}, {1<<32 - 1, 1091020},
	}
	for _, tc := range cases {
		got := msg.MoneyItemType(tc.amount)
		if got != tc.want || !msg.IsMoneyItemType(got) {
			t.Errorf("MoneyItemType(%d) = %d, want %d", tc.amount, got, tc.want)
		}
	}
	if msg.IsMoneyItemType(1000000) || msg.IsMoneyItemType(1090001) {
		t.Error("IsMoneyItemType accepts an item")
	}
}

func TestPackageLists(t *testing.T) {
	if msg.MaxPackageItems != 84 {
		t.Fatalf("MaxPackageItems = %d", msg.MaxPackageItems)
	}
	var c wire.Codec
	for _, n := range []int{0, 1, 20, 84, 85, 169} {
		items := make([]msg.PackageItem, n)
		for i := range items {
			items[i] = msg.PackageItem{UID: uint32(100001 + i), ItemType: 1000000, Colour: 3}
		}
		lists := msg.PackageLists(nil, 8, msg.PackageWarehouse, items)
		want := max(1, (n+msg.MaxPackageItems-1)/msg.MaxPackageItems)
		if len(lists) != want {
			t.Fatalf("%d items: %d packets, want %d", n, len(lists), want)
		}
		var got []msg.PackageItem
		for i := range lists {
			p := &lists[i]
			if p.ID != 8 || p.Action != msg.PackageQuery || p.Kind != msg.PackageWarehouse {
				t.Fatalf("%d items: packet %d is %+v", n, i, p)
			}
			b, err := c.Encode(nil, p)
			if err != nil {
				t.Fatalf("%d items: packet %d: %v", n, i, err)
			}
			var back msg.Package
			if err := c.Decode(b, &back); err != nil || back != *p {
				t.Fatalf("%d items: packet %d does not round-trip: %v", n, i, err)
			}
			got = append(got, back.List()...)
		}
		if len(got) != n {
			t.Fatalf("%d items: %d listed", n, len(got))
		}
		for i := range got {
			if got[i] != items[i] {
				t.Fatalf("%d items: record %d = %+v", n, i, got[i])
			}
		}
	}
	// A count over the bound is refused before any record is read.
	b := unhex("1000 4e04 08000000 00 0a 0000 55000000")
	wantFieldError(t, c.Decode(b, new(msg.Package)), wire.TypePackage, "Count")
	if (&msg.Package{Count: msg.MaxPackageItems + 1}).List() != nil {
		t.Error("List of an out-of-range count")
	}
}

// TestPackageReuse checks that a check-in decoded into a struct that held a
// list, and a short list into one that held a long list, keep no record.
func TestPackageReuse(t *testing.T) {
	var c wire.Codec
	var p msg.Package
	if err := c.Decode(goldenBytes(t, "Package/list"), &p); err != nil {
		t.Fatal(err)
	}
	if err := c.Decode(goldenBytes(t, "Package/check-in"), &p); err != nil {
		t.Fatal(err)
	}
	if p != (msg.Package{ID: 8, Action: msg.PackageCheckIn, Kind: msg.PackageWarehouse, UID: 100001}) {
		t.Fatalf("got %+v", p)
	}
	if err := c.Decode(goldenBytes(t, "Package/list"), &p); err != nil {
		t.Fatal(err)
	}
	if err := c.Decode(goldenBytes(t, "Package/query"), &p); err != nil {
		t.Fatal(err)
	}
	if p != (msg.Package{ID: 8, Kind: msg.PackageWarehouse}) {
		t.Fatalf("got %+v", p)
	}
}

func TestUserAttrib(t *testing.T) {
	var p msg.UserAttrib
	p.ID = 1000001
	for i := range msg.MaxUserAttribs {
		if !p.Add(msg.AttribSilver, uint64(i)) {
			t.Fatalf("Add %d refused", i)
		}
	}
	if p.Add(msg.AttribCPs, 1) {
		t.Fatal("Add over MaxUserAttribs accepted")
	}
	var c wire.Codec
	b, err := c.Encode(nil, &p)
	if err != nil || len(b) != 12+12*msg.MaxUserAttribs {
		t.Fatalf("full packet: %d bytes, %v", len(b), err)
	}
	if err := c.Decode(goldenBytes(t, "UserAttrib"), &p); err != nil {
		t.Fatal(err)
	}
	want := []msg.Attrib{{Type: msg.AttribSilver, Value: 1234}, {Type: msg.AttribCPs, Value: 56}}
	if l := p.List(); len(l) != 2 || l[0] != want[0] || l[1] != want[1] || p.Attribs[2] != (msg.Attrib{}) {
		t.Fatalf("reused struct: %+v", p)
	}
	b = unhex("0c00 f903 41420f00 11000000")
	wantFieldError(t, c.Decode(b, new(msg.UserAttrib)), wire.TypeUserAttrib, "Count")
	if (&msg.UserAttrib{Count: msg.MaxUserAttribs + 1}).List() != nil {
		t.Error("List of an out-of-range count")
	}
	types := map[msg.AttribType]uint32{
		msg.AttribHP: 0, msg.AttribMaxHP: 1, msg.AttribMP: 2, msg.AttribMaxMP: 3, msg.AttribSilver: 4,
		msg.AttribExperience: 5, msg.AttribPK: 6, msg.AttribClass: 7, msg.AttribSizeAdd: 8,
		msg.AttribStamina: 9, msg.AttribWarehouseMoney: 10, msg.AttribAttributePts: 11, msg.AttribMesh: 12,
		msg.AttribLevel: 13, msg.AttribSpirit: 14, msg.AttribVitality: 15, msg.AttribStrength: 16,
		msg.AttribAgility: 17, msg.AttribBlessTime: 18, msg.AttribDoubleExpTime: 19,
		msg.AttribGuildDonation: 20, msg.AttribCurseTime: 21, msg.AttribXPTime: 22, msg.AttribRebirths: 23,
		msg.AttribStatus: 26, msg.AttribHair: 27, msg.AttribXPCircle: 28, msg.AttribLuckyTime: 29,
		msg.AttribCPs: 30,
	}
	names := map[string]bool{}
	for a, v := range types {
		s := a.String()
		if uint32(a) != v || s == "" || s[0] < 'A' || s[0] > 'Z' || names[s] {
			t.Errorf("AttribType %d = %d, name %q", v, a, s)
		}
		names[s] = true
	}
	if s := msg.AttribType(24).String(); s != "24" {
		t.Errorf("AttribType(24).String() = %q", s)
	}
}
