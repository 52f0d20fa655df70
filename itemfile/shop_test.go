package itemfile

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/coserver/coserver/content"
)

const shopFile = `; shops of a test client
[Header]
Amount=3

[20]
Name=Trader
ItemAmount=2
Item0=410301
Item1 = 1000000

[Shop1]
ID=21
itemamount=1
ITEM0=1001000
MoneyType=1
Rebate=100
`

func TestParseShops(t *testing.T) {
	got, err := ParseShops([]byte("\xef\xbb\xbf"+strings.ReplaceAll(shopFile, "\n", "\r\n")), ShopPath)
	if err != nil {
		t.Fatal(err)
	}
	want := []content.Shop{
		{NPC: 20, Money: content.Silver, Items: []uint32{410301, 1000000}, Src: content.Source{File: ShopPath, Line: 5}},
		{NPC: 21, Money: content.CPs, Items: []uint32{1001000}, Src: content.Source{File: ShopPath, Line: 11}},
	}
	if !slices.EqualFunc(got, want, func(a, b content.Shop) bool {
		return a.NPC == b.NPC && a.Money == b.Money && slices.Equal(a.Items, b.Items) && a.Src == b.Src
	}) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	empty, err := ParseShops(nil, "f")
	if err != nil || len(empty) != 0 {
		t.Fatalf("empty: %+v, %v", empty, err)
	}
}

func TestParseShopsErrors(t *testing.T) {
	long := strings.Repeat("x", MaxLineLen+1)
	tests := []struct {
		name, data, want string
	}{
		{"no amount", "[20]\nItem0=1\n", "f:1: [20] has no ItemAmount"},
		{"missing item", "[20]\nItemAmount=2\nItem0=1\n", "f:1: [20] has ItemAmount = 2 but no Item1"},
		{"bad item", "[20]\nItemAmount=1\nItem0=-5\n", `f:3: [20] Item0 = "-5" is not a u32`},
		{"bad amount", "[20]\nItemAmount=x\n", `f:2: [20] ItemAmount = "x" is not a u32`},
		{"amount too large", fmt.Sprintf("[20]\nItemAmount=%d\n", MaxShopItems+1),
			fmt.Sprintf("f:2: [20] ItemAmount = %d, more than the limit of %d", MaxShopItems+1, MaxShopItems)},
		{"bad id", "[Shop0]\nID=abc\n", `f:2: [Shop0] ID = "abc" is not a u32`},
		{"bad money", "[20]\nItemAmount=0\nMoneyType=-1\n", `f:3: [20] MoneyType = "-1" is not a u32`},
		{"duplicate shop", "[20]\nItemAmount=0\n[Shop]\nID=20\nItemAmount=0\n", "f:3: npc 20: duplicate shop, first at line 1"},
		{"duplicate key", "[20]\nItemAmount=0\nitemamount=1\n", `f:3: key "itemamount" given twice in section [20]`},
		{"no equals", "[20]\nItemAmount\n", `f:2: want key=value, found "ItemAmount"`},
		{"key outside", "ItemAmount=1\n", `f:1: key "ItemAmount" before any [section]`},
		{"open header", "[20\n", `f:1: section header "[20" has no closing ]`},
		{"long line", "[20]\n" + long, fmt.Sprintf("f:2: line of %d bytes, more than the limit of %d", len(long), MaxLineLen)},
		{"too many keys", "[20]\n" + keys(MaxShopItems+9),
			fmt.Sprintf("f:%d: section [20] has more than %d keys", MaxShopItems+10, MaxShopItems+8)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseShops([]byte(tc.data), "f")
			var ce *content.Error
			if err == nil || err.Error() != tc.want || !errors.As(err, &ce) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	t.Run("too many shops", func(t *testing.T) {
		var b strings.Builder
		for i := range MaxShops + 1 {
			fmt.Fprintf(&b, "[%d]\nItemAmount=0\n", i+1)
		}
		_, err := ParseShops([]byte(b.String()), "f")
		if want := fmt.Sprintf("f:%d: more than the limit of %d shops", 2*MaxShops+1, MaxShops); err == nil || err.Error() != want {
			t.Fatalf("err = %v, want %q", err, want)
		}
	})
}

// keys returns n distinct key=value lines.
func keys(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "k%d=1\n", i)
	}
	return b.String()
}

// FuzzParseShops: any bytes give shops or an error, never a panic; every
// shop has ItemAmount items within the limit.
func FuzzParseShops(f *testing.F) {
	f.Add([]byte(shopFile))
	f.Add([]byte("[20]\nItemAmount=2\nItem0=1\n"))
	f.Add([]byte("[Shop]\nID=1\nItemAmount=1\nItem0=4294967295\nMoneyType=4294967295\n"))
	f.Add([]byte("[\n]\n=\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		shops, err := ParseShops(data, "f")
		if err != nil {
			return
		}
		seen := map[uint32]bool{}
		for _, s := range shops {
			if len(s.Items) > MaxShopItems || seen[s.NPC] {
				t.Fatalf("accepted %+v", s)
			}
			seen[s.NPC] = true
		}
	})
}
