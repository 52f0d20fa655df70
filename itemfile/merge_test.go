package itemfile

import (
	"slices"
	"testing"

	"github.com/coserver/coserver/content"
)

func TestMergeNames(t *testing.T) {
	pack := map[uint32]content.ItemType{
		410301:  {ID: 410301, Name: "TrainingBlade", Price: 120, AttackMax: 18},
		420301:  {ID: 420301, Name: "IronSword", Price: 260},
		1000000: {ID: 1000000, Name: "MinorHealPotion", HP: 70},
		1001000: {ID: 1001000, Name: "MinorManaPotion", MP: 70},
	}
	client := []content.ItemType{
		{ID: 410301, Name: "Blade", Price: 999, AttackMax: 1}, // numbers ignored
		{ID: 410301, Name: "Second"},                          // first record wins
		{ID: 420301, Name: "IronSword"},                       // same name
		{ID: 1000000, Name: "\xbd\xf0\xb4\xb4\xd2\xa9"},       // GBK: kept from the pack
		{ID: 999999, Name: "ClientOnly"},                      // not added
	}
	got, r := MergeNames(pack, client)
	want := map[uint32]content.ItemType{
		410301:  {ID: 410301, Name: "Blade", Price: 120, AttackMax: 18},
		420301:  pack[420301],
		1000000: pack[1000000],
		1001000: pack[1001000],
	}
	if len(got) != len(want) {
		t.Fatalf("got %d types, want %d", len(got), len(want))
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%d: got %+v, want %+v", id, got[id], w)
		}
	}
	if r.Renamed != 1 || !slices.Equal(r.Missing, []uint32{1001000}) || !slices.Equal(r.BadNames, []uint32{1000000}) {
		t.Errorf("report = %+v", r)
	}
	if pack[410301].Name != "TrainingBlade" {
		t.Error("MergeNames changed its input")
	}
	empty, r := MergeNames(nil, client)
	if empty == nil || len(empty) != 0 || r.Renamed != 0 {
		t.Errorf("nil pack: %v, %+v", empty, r)
	}
}

func TestCompareShops(t *testing.T) {
	pack := map[uint32]content.Shop{
		20: {NPC: 20, Items: []uint32{1, 2, 3}},
		21: {NPC: 21, Items: []uint32{5}},
		22: {NPC: 22, Items: []uint32{6}},
		23: {NPC: 23, Items: []uint32{7}},
	}
	client := []content.Shop{
		{NPC: 30, Items: []uint32{9}},
		{NPC: 20, Items: []uint32{3, 4, 1, 4}},
		{NPC: 21, Items: []uint32{5}, Money: content.CPs},
		{NPC: 22, Items: []uint32{6}},
	}
	got := CompareShops(pack, client)
	want := []ShopMismatch{
		{NPC: 20, OnlyInPack: []uint32{2}, OnlyInClient: []uint32{4}},
		{NPC: 21, Money: true},
		{NPC: 23, OnlyInPack: []uint32{7}},
		{NPC: 30, OnlyInClient: []uint32{9}},
	}
	if !slices.EqualFunc(got, want, func(a, b ShopMismatch) bool {
		return a.NPC == b.NPC && a.Money == b.Money && slices.Equal(a.OnlyInPack, b.OnlyInPack) &&
			slices.Equal(a.OnlyInClient, b.OnlyInClient)
	}) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	if CompareShops(nil, nil) != nil {
		t.Error("no shops: want no mismatches")
	}
}
