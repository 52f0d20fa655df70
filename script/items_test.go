package script

import (
	"reflect"
	"strings"
	"testing"
)

func TestItemAPI(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		money     uint32
		items     map[uint32]int
		room      int
		said      []string
		wantMoney uint32
		wantItems map[uint32]int
	}{
		{name: "money", src: `say(money())`, money: 250, said: []string{"250"}, wantMoney: 250},
		{name: "give money", src: `say(tostring(give_money(50)))`, money: 10, said: []string{"true"}, wantMoney: 60},
		{name: "give money overflow", src: `say(tostring(give_money(4294967295)))`, money: 1, said: []string{"false"}, wantMoney: 1},
		{name: "give zero", src: `say(tostring(give_money(0)))`, said: []string{"true"}},
		{name: "take money", src: `say(tostring(take_money(30)))`, money: 100, said: []string{"true"}, wantMoney: 70},
		{name: "take too much", src: `say(tostring(take_money(101)))`, money: 100, said: []string{"false"}, wantMoney: 100},
		{name: "give item", src: `say(tostring(give_item(1000000, 3)))`, room: 5, said: []string{"true"},
			wantItems: map[uint32]int{1000000: 3}},
		{name: "give one item", src: `say(tostring(give_item(1000000)))`, room: 5, said: []string{"true"},
			wantItems: map[uint32]int{1000000: 1}},
		{name: "give item no room", src: `say(tostring(give_item(1000000, 3)))`, room: 2, said: []string{"false"}},
		{name: "give unknown item", src: `say(tostring(give_item(1)))`, room: 2, said: []string{"false"}},
		{name: "take item", src: `say(tostring(take_item(7, 2)))`, items: map[uint32]int{7: 3},
			said: []string{"true"}, wantItems: map[uint32]int{7: 1}},
		{name: "take missing item", src: `say(tostring(take_item(7, 4)))`, items: map[uint32]int{7: 3},
			said: []string{"false"}, wantItems: map[uint32]int{7: 3}},
		{name: "has item", src: `say(tostring(has_item(7)) .. tostring(has_item(7, 3)) .. tostring(has_item(7, 4)))`,
			items: map[uint32]int{7: 3}, said: []string{"truetruefalse"}, wantItems: map[uint32]int{7: 3}},
		{name: "item count", src: `say(item_count(7) .. "," .. item_count(8))`, items: map[uint32]int{7: 3},
			said: []string{"3,0"}, wantItems: map[uint32]int{7: 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPlayer()
			p.money, p.room = tc.money, tc.room
			p.items = map[uint32]int{}
			for k, v := range tc.items {
				p.items[k] = v
			}
			_, _, done, err := runOnce(t, tc.src, p)
			if err != nil || !done {
				t.Fatalf("done %v err %v", done, err)
			}
			if !reflect.DeepEqual(p.said, tc.said) {
				t.Errorf("said %q, want %q", p.said, tc.said)
			}
			if p.money != tc.wantMoney {
				t.Errorf("money %d, want %d", p.money, tc.wantMoney)
			}
			for k, v := range p.items {
				if v != tc.wantItems[k] {
					t.Errorf("%d items of type %d, want %d", v, k, tc.wantItems[k])
				}
			}
		})
	}
}

func TestItemAPIArguments(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"give_money(-1)", "bad argument #1 to give_money"},
		{"give_money(4294967296)", "bad argument #1 to give_money"},
		{"take_money(1.5)", "bad argument #1 to take_money"},
		{"give_item(0)", "bad argument #1 to give_item"},
		{"give_item(1000000, 41)", "bad argument #2 to give_item"},
		{"take_item(1000000, 0)", "bad argument #2 to take_item"},
		{"has_item('x')", "bad argument #1 to has_item"},
		{"item_count()", "bad argument #1 to item_count"},
	} {
		p := newPlayer()
		_, _, _, err := runOnce(t, tc.src, p)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.src, err, tc.want)
		}
	}
}

// plainPlayer is a Player without money or items (not a Holder).
type plainPlayer struct{ Player }

func TestItemAPIWithoutHolder(t *testing.T) {
	vm, _ := newVM(t, map[string]string{"s.lua": `say(money())`})
	_, _, _, err := vm.Start("s", testNPC, plainPlayer{newPlayer()})
	if err == nil || !strings.Contains(err.Error(), "money() is not available") {
		t.Errorf("money() without a Holder: %v", err)
	}
}
