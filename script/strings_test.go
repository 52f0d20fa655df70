package script

import (
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// TestStringsMatchGopherLua runs the same expressions through the bounded functions and through
// gopher-lua's own, which they replace.
func TestStringsMatchGopherLua(t *testing.T) {
	exprs := []string{
		`"a" .. "b" .. 1 .. 2.5`,
		`("hello world"):gsub("o", "0")`,
		`("hello world"):gsub("o", "0", 1)`,
		`("hello world"):gsub("(%w+)", "<%1>")`,
		`("hello world"):gsub("%w+", "%0 %0")`,
		`("hello world"):gsub("(h)(e)", "%2%1")`,
		`("abc"):gsub("", "-")`,
		`("abc"):gsub("b*", "X")`,
		`("abc"):gsub("()b", "%1")`,
		`("a=1, b=2"):gsub("(%w+)=(%w+)", "%2=%1")`,
		`("hello world"):gsub("%w+", {hello = "HI", world = false})`,
		`("hello world"):gsub("%w+", function(w) return w:upper() end)`,
		`("hello world"):gsub("(o)", function(w) return nil end)`,
		`("x%y"):gsub("%%", "%%%%")`,
		`("abc"):gsub(".", {a = 1})`,
		`string.format("%5.2f|%-3d|%s|%q", 3.14159, 7, "x", "q")`,
		`table.concat({1, 2, "three"}, ", ")`,
		`table.concat({1, 2, 3}, "", 2, 3)`,
		`("%d"):rep(3)`,
		`string.rep("ab", 0)`,
	}
	for _, e := range exprs {
		src := "local a, b = " + e + "\nsay(tostring(a) .. '|' .. tostring(b))"
		p := newPlayer()
		if _, _, _, err := runOnce(t, src, p); err != nil {
			t.Errorf("%s: %v", e, err)
			continue
		}
		ref := lua.NewState()
		var got string
		ref.SetGlobal("say", ref.NewFunction(func(l *lua.LState) int { got = l.CheckString(1); return 0 }))
		if err := ref.DoString(src); err != nil {
			t.Errorf("%s: reference: %v", e, err)
		}
		ref.Close()
		if len(p.said) != 1 || p.said[0] != got {
			t.Errorf("%s: got %q, gopher-lua says %q", e, p.said, got)
		}
	}
}

func TestConcatMetamethodAndLines(t *testing.T) {
	p := newPlayer()
	_, _, _, err := runOnce(t, `local v = setmetatable({}, {__concat = function(a, b) return "joined" end})
say(v .. "x") say("x" .. v)
local function f(a) return a .. "!" end
say(f("hi"))`, p)
	if err != nil {
		t.Fatal(err)
	}
	if want := "joined joined hi!"; p.said[0]+" "+p.said[1]+" "+p.said[2] != want {
		t.Fatalf("said %q", p.said)
	}
}
