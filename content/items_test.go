package content

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// item returns an [[item]] entry (3 lines) with the given id, plus extra
// lines after the header.
func item(id int, extra ...string) string {
	return fmt.Sprintf("[[item]]\nid = %d\nname = \"Thing\"\n", id) + strings.Join(append(extra, ""), "\n")
}

// itemPack is a valid pack (goodNPCs: npc 1 a task NPC, npc 20 a shop) with
// the given items.toml and shops.toml; "-" leaves a file out.
func itemPack(items, shops string) fstest.MapFS {
	fsys := pack(goodNPCs, goodPortals, helloScript)
	if items != "-" {
		fsys[ItemFile] = &fstest.MapFile{Data: []byte(items)}
	}
	if shops != "-" {
		fsys[ShopFile] = &fstest.MapFile{Data: []byte(shops)}
	}
	return fsys
}

func TestLoadItems(t *testing.T) {
	items := `[[item]]
id = 410301
name = "Blade"
req_level = 3
req_class = 10
price = 100
durability = 3000
attack_min = 10
attack_max = 20
defense = 1
magic_attack = 2
magic_defense = 3
dodge = 4
monopoly = 9

[[item]]
id = 1000000
name = "Heal Potion"
hp = 70
mp = 5
stack = 10
`
	shops := "[[shop]]\nnpc = 20\nmoney = \"cps\"\nitems = [1000000, 410301]\n"
	p, err := Load(itemPack(items, shops))
	if err != nil {
		t.Fatal(err)
	}
	want := map[uint32]ItemType{
		410301: {ID: 410301, Name: "Blade", ReqLevel: 3, ReqClass: 10, Price: 100, Durability: 3000,
			AttackMin: 10, AttackMax: 20, Defense: 1, MagicAttack: 2, MagicDefense: 3, Dodge: 4,
			Stack: 1, Monopoly: MonopolyNoTrade | MonopolyNoSell, Src: Source{ItemFile, 1}},
		1000000: {ID: 1000000, Name: "Heal Potion", HP: 70, MP: 5, Stack: 10, Src: Source{ItemFile, 16}},
	}
	if fmt.Sprint(p.Items) != fmt.Sprint(want) {
		t.Errorf("items:\n got %+v\nwant %+v", p.Items, want)
	}
	s, ok := p.Shops[20]
	if !ok || s.Money != CPs || fmt.Sprint(s.Items) != "[1000000 410301]" || s.Src != (Source{ShopFile, 1}) || len(p.Shops) != 1 {
		t.Errorf("shops = %+v", p.Shops)
	}
	if p.Items[410301].Stackable() || !p.Items[1000000].Stackable() {
		t.Error("Stackable wrong")
	}
	if Silver.String() != "silver" || CPs.String() != "cps" {
		t.Error("Currency.String wrong")
	}
}

func TestItemsOptional(t *testing.T) {
	p, err := Load(itemPack("-", "-"))
	if err != nil || len(p.Items) != 0 || len(p.Shops) != 0 {
		t.Fatalf("got %+v, %v", p, err)
	}
	p, err = Load(itemPack("", ""))
	if err != nil || len(p.Items) != 0 || len(p.Shops) != 0 {
		t.Fatalf("empty files: got %+v, %v", p, err)
	}
}

func TestSlot(t *testing.T) {
	tests := []struct {
		id   uint32
		slot uint8
	}{
		{111003, PosHelmet}, {141003, PosHelmet}, {120003, PosNecklace}, {130005, PosArmor},
		{150003, PosRing}, {160003, PosBoots}, {170005, PosGarment}, {190005, PosGarment},
		{410301, PosRightHand}, {421301, PosRightHand}, {500301, PosRightHand}, {561301, PosRightHand},
		{900005, PosLeftHand}, {1050000, PosLeftHand},
		{1000000, PosInventory}, {1001000, PosInventory}, {700001, PosInventory}, {730001, PosInventory},
		{1088000, PosInventory}, {100000, PosInventory}, {0, PosInventory},
	}
	for _, tc := range tests {
		if got := (ItemType{ID: tc.id}).Slot(); got != tc.slot {
			t.Errorf("Slot(%d) = %d, want %d", tc.id, got, tc.slot)
		}
	}
}

func TestItemErrors(t *testing.T) {
	tests := []struct {
		name  string
		items string
		want  []string
	}{
		{"duplicate", item(410301) + item(410301),
			[]string{"items.toml:5: item 410301: duplicate id, first defined at items.toml:1"}},
		{"id too small", item(99999),
			[]string{"items.toml:2: item 99999: id out of range 100000–1099999"}},
		{"id too large", item(1100000),
			[]string{"items.toml:2: item 1100000: id out of range 100000–1099999"}},
		{"unknown sort", item(610301),
			[]string{"items.toml:2: item 610301: sort 6 (id / 100000) unknown: want 1, 4, 5, 7, 9 or 10"}},
		{"unknown gear kind", item(101003),
			[]string{"items.toml:2: item 101003: gear kind 10 (id / 10000) unknown: want 11–19"}},
		{"colour digit", item(130105),
			[]string{"items.toml:2: item 130105: colour digit 1 (id / 100 % 10) of a helmet or armour: want 0 or 3–9"}},
		{"money", item(1090000),
			[]string{"items.toml:2: item 1090000: 109xxxx ids are money lying on the floor, not items"}},
		{"id missing", "[[item]]\nname = \"X\"\n",
			[]string{`items.toml:1: item entry 1: missing required key "id"`}},
		{"id a string", "[[item]]\nid = \"x\"\nname = \"X\"\n",
			[]string{"items.toml:2: item entry 1: id must be an integer, not a string"}},
		{"name missing", "[[item]]\nid = 410301\n",
			[]string{`items.toml:1: item 410301: missing required key "name"`}},
		{"name too long", "[[item]]\nid = 410301\nname = \"ABCDEFGHIJKLMNOP\"\n",
			[]string{`items.toml:3: item 410301: name "ABCDEFGHIJKLMNOP" is 16 bytes, longer than 15`}},
		{"name not ascii", "[[item]]\nid = 410301\nname = \"Bläde\"\n",
			[]string{`items.toml:3: item 410301: name "Bläde" must be printable ASCII`}},
		{"name spaces", "[[item]]\nid = 410301\nname = \" Blade\"\n",
			[]string{`items.toml:3: item 410301: name " Blade" must not start or end with a space`}},
		{"name empty", "[[item]]\nid = 410301\nname = \"\"\n",
			[]string{`items.toml:3: item 410301: name is empty`}},
		{"unknown key", item(410301, "atack_min = 3"),
			[]string{`items.toml:4: item 410301: unknown key "atack_min"`}},
		{"req_level range", item(410301, "req_level = 256"),
			[]string{"items.toml:4: item 410301: req_level = 256 out of range 0–255"}},
		{"price range", item(410301, "price = -1"),
			[]string{"items.toml:4: item 410301: price = -1 out of range 0–4294967295"}},
		{"dodge range", item(410301, "dodge = 101"),
			[]string{"items.toml:4: item 410301: dodge = 101 out of range 0–100"}},
		{"stack zero", item(1000000, "stack = 0"),
			[]string{"items.toml:4: item 1000000: stack = 0 out of range 1–65535"}},
		{"monopoly unknown bit", item(410301, "monopoly = 64"),
			[]string{"items.toml:4: item 410301: monopoly = 64 out of range 0–63"}},
		{"durability a float", item(410301, "durability = 1.5"),
			[]string{"items.toml:4: item 410301: durability must be an integer, not a float"}},
		{"attack order", item(410301, "attack_min = 9", "attack_max = 3"),
			[]string{"items.toml:4: item 410301: attack_min 9 is more than attack_max 3"}},
		{"hp on equipment", item(130005, "hp = 10"),
			[]string{"items.toml:1: item 130005: hp and mp are restored by consumables, not by equipment (slot 3)"}},
		{"stacking equipment", item(410301, "stack = 2"),
			[]string{"items.toml:4: item 410301: equipment does not stack (only arrows do)"}},
		{"syntax", "[[item]]\nid = = 1\n",
			[]string{"items.toml:2: TOML syntax: expected value but found '=' instead"}},
		{"not a list", "item = 3\n",
			[]string{`items.toml:1: "item" must be a list of [[item]] entries`}},
		{"unknown top key", "[[items]]\nid = 1\n",
			[]string{`items.toml:1: unknown key "items" (want [[item]] entries)`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(itemPack(tc.items, "-"))
			wantProblems(t, err, tc.want...)
		})
	}
	t.Run("arrows stack", func(t *testing.T) {
		if _, err := Load(itemPack(item(1050000, "stack = 500"), "-")); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("file too large", func(t *testing.T) {
		big := strings.Repeat("#", MaxItemFileSize+1)
		_, err := Load(itemPack(big, "-"))
		wantProblems(t, err, fmt.Sprintf("items.toml: %d bytes, more than the limit of %d", MaxItemFileSize+1, MaxItemFileSize))
	})
	t.Run("too many", func(t *testing.T) {
		_, err := Load(itemPack(strings.Repeat("[[item]]\n", MaxItemTypes+1), "-"))
		wantProblems(t, err, fmt.Sprintf("items.toml: %d [[item]] entries, more than the limit of %d", MaxItemTypes+1, MaxItemTypes))
	})
}

func TestShopErrors(t *testing.T) {
	items := item(410301) + item(1000000)
	shop := func(lines ...string) string { return "[[shop]]\n" + strings.Join(append(lines, ""), "\n") }
	good := shop("npc = 20", `money = "silver"`, "items = [410301]")
	tests := []struct {
		name  string
		items string
		shops string
		want  []string
	}{
		{"duplicate shop", items, good + good,
			[]string{"shops.toml:6: shop of npc 20: duplicate shop, first defined at shops.toml:1"}},
		{"npc missing", items, shop("npc = 7", `money = "silver"`, "items = [410301]"),
			[]string{"shops.toml:2: shop of npc 7: npc 7 is not in npcs.toml"}},
		{"npc not a shop", items, shop("npc = 1", `money = "silver"`, "items = [410301]"),
			[]string{"shops.toml:2: shop of npc 1: npc 1 is of kind 2, a shop must be kind 1"}},
		{"npc out of range", items, shop("npc = 0", `money = "silver"`, "items = [410301]"),
			[]string{"shops.toml:2: shop entry 1: npc = 0 out of range 1–700000"}},
		{"npc missing key", items, shop(`money = "silver"`, "items = [410301]"),
			[]string{`shops.toml:1: shop entry 1: missing required key "npc"`}},
		{"money", items, shop("npc = 20", `money = "gold"`, "items = [410301]"),
			[]string{`shops.toml:3: shop of npc 20: money = "gold": want "silver" or "cps"`}},
		{"money missing", items, shop("npc = 20", "items = [410301]"),
			[]string{`shops.toml:1: shop of npc 20: missing required key "money"`}},
		{"unknown item", items, shop("npc = 20", `money = "silver"`, "items = [410301, 420301]"),
			[]string{"shops.toml:4: shop of npc 20: item 420301 is not in items.toml"}},
		{"no items.toml", "-", good,
			[]string{"shops.toml:4: shop of npc 20: item 410301 is not in items.toml"}},
		{"item twice", items, shop("npc = 20", `money = "silver"`, "items = [410301, 410301]"),
			[]string{"shops.toml:4: shop of npc 20: item 410301 listed twice"}},
		{"item negative", items, shop("npc = 20", `money = "silver"`, "items = [-1]"),
			[]string{"shops.toml:4: shop of npc 20: item -1 out of range 0–4294967295"}},
		{"items empty", items, shop("npc = 20", `money = "silver"`, "items = []"),
			[]string{fmt.Sprintf("shops.toml:4: shop of npc 20: items has 0 elements, want 1–%d", MaxShopItems)}},
		{"items not ints", items, shop("npc = 20", `money = "silver"`, `items = ["x"]`),
			[]string{"shops.toml:4: shop of npc 20: items must be an array of integers, found a string"}},
		{"items not an array", items, shop("npc = 20", `money = "silver"`, "items = 3"),
			[]string{"shops.toml:4: shop of npc 20: items must be an array of integers, not an integer"}},
		{"items missing", items, shop("npc = 20", `money = "silver"`),
			[]string{`shops.toml:1: shop of npc 20: missing required key "items"`}},
		{"unknown key", items, good + "rebate = 5\n",
			[]string{`shops.toml:5: shop of npc 20: unknown key "rebate"`}},
		// A broken items.toml is reported once, not again by every shop.
		{"broken items", item(410301, "price = -1"), good,
			[]string{"items.toml:4: item 410301: price = -1 out of range 0–4294967295"}},
		{"broken npcs", items, shop("npc = 20", `money = "silver"`, "items = [410301]"),
			[]string{"npcs.toml:15: npc 20: unknown key \"bogus\""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := itemPack(tc.items, tc.shops)
			if tc.name == "broken npcs" {
				fsys[NPCFile].Data = []byte(strings.Replace(goodNPCs, "id = 20\n", "id = 20\nbogus = 1\n", 1))
			}
			_, err := Load(fsys)
			wantProblems(t, err, tc.want...)
		})
	}
	t.Run("too many items", func(t *testing.T) {
		ids := strings.TrimSuffix(strings.Repeat("410301, ", MaxShopItems+1), ", ")
		_, err := Load(itemPack(items, shop("npc = 20", `money = "silver"`, "items = ["+ids+"]")))
		wantProblems(t, err, fmt.Sprintf("shops.toml:4: shop of npc 20: items has %d elements, want 1–%d", MaxShopItems+1, MaxShopItems))
	})
	t.Run("too many shops", func(t *testing.T) {
		_, err := Load(itemPack(items, strings.Repeat("[[shop]]\n", MaxShops+1)))
		wantProblems(t, err, fmt.Sprintf("shops.toml: %d [[shop]] entries, more than the limit of %d", MaxShops+1, MaxShops))
	})
}

func TestDefaultItems(t *testing.T) {
	p, err := Load(Default())
	if err != nil {
		t.Fatal(err)
	}
	slots := map[uint8]int{}
	var hp, mp bool
	for _, it := range p.Items {
		slots[it.Slot()]++
		hp = hp || it.HP > 0
		mp = mp || it.MP > 0
	}
	for _, s := range []uint8{PosHelmet, PosNecklace, PosArmor, PosRightHand, PosLeftHand, PosRing, PosBoots} {
		if slots[s] == 0 {
			t.Errorf("no default item for slot %d", s)
		}
	}
	for _, sub := range []uint32{410, 420, 421, 500, 561} { // blade, sword, backsword, bow, wand
		found := false
		for id := range p.Items {
			found = found || id/1000 == sub
		}
		if !found {
			t.Errorf("no default weapon of subtype %d", sub)
		}
	}
	if !hp || !mp {
		t.Errorf("HP potion %v, MP potion %v", hp, mp)
	}
	trader, ok := p.Shops[20]
	if !ok || trader.Money != Silver || len(trader.Items) != len(p.Items) {
		t.Errorf("Trader's shop = %+v, want every default item for silver", trader)
	}
}

// FuzzLoadItems feeds arbitrary bytes as items.toml and shops.toml: Load
// must never panic, and what it accepts must satisfy the documented ranges.
func FuzzLoadItems(f *testing.F) {
	def := Default()
	defItems, _ := fs.ReadFile(def, ItemFile)
	defShops, _ := fs.ReadFile(def, ShopFile)
	f.Add(defItems, defShops)
	f.Add([]byte(item(410301)+item(410301)), []byte("[[shop]]\nnpc = 20\nmoney = \"cps\"\nitems = [410301, 1]\n"))
	f.Add([]byte(item(130005, "hp = 1", "stack = 3")), []byte("[[shop]]\nnpc = 1\nitems = [\"x\"]\n"))
	f.Add([]byte("item = [{id = 410301, name = \"A\"}]"), []byte("shop = 3"))
	f.Fuzz(func(t *testing.T, items, shops []byte) {
		p, err := Load(itemPack(string(items), string(shops)))
		if err != nil {
			return
		}
		for id, it := range p.Items {
			if id != it.ID || itemTypeIDProblem(int64(id)) != "" || ValidItemName(it.Name) != nil ||
				it.Stack == 0 || it.AttackMin > it.AttackMax || it.Dodge > MaxDodge {
				t.Fatalf("accepted invalid %+v", it)
			}
		}
		for npc, s := range p.Shops {
			if npc != s.NPC || len(s.Items) == 0 || len(s.Items) > MaxShopItems {
				t.Fatalf("accepted invalid %+v", s)
			}
			for _, id := range s.Items {
				if _, ok := p.Items[id]; !ok {
					t.Fatalf("shop %d sells unknown item %d", npc, id)
				}
			}
		}
	})
}
