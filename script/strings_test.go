package script

import (
	"strings"
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
		`("hello world"):find("wor")`,
		`("hello world"):find("o", 6)`,
		`("hello world"):find("o", -3)`,
		`("hello world"):find("l+")`,
		`("hello world"):find("(l+)(o)")`,
		`("a.b"):find(".", 1, true)`,
		`("hello"):find("xyz")`,
		`("hello"):find("")`,
		`("  trim me  "):match("^%s*(.-)%s*$")`,
		`("key = value"):match("(%w+)%s*=%s*(%w+)")`,
		`("2024-01-02"):match("(%d+)-(%d+)-(%d+)")`,
		`("abc"):match("()b()")`,
		`("THE (quick) fox"):match("%((%a+)%)")`,
		`("f(a(b)c)d"):match("%b()")`,
		`("hello"):match("^h")`,
		`("hello"):match("^e")`,
		`("hello"):match("o$")`,
		`("he$llo"):match("e$l")`,
		`("x = [[y]]"):match("%[%[(.-)%]%]")`,
		`("aaa"):match("a-b")`,
		`("aaab"):match("a-b")`,
		`("abcabc"):match("(abc)%1")`,
		`("a,b,,c"):gsub(",", ";")`,
		`("abc"):gsub("%w", "%0%0")`,
		`("abc"):gsub("[^b]", "")`,
		`("a1b2"):gsub("[%d]", "#")`,
		`("a-z"):gsub("[a%-]", "_")`,
		`("]x]"):gsub("[]]", "!")`,
		`("hello"):gsub("^h", "H")`,
		`("hello hello"):gsub("hello", "bye", 1)`,
		`string.match("  x", "^%s*$")`,
		`select("#", string.find("abc", "(a)(b)(c)"))`,
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

// TestLua51Patterns checks what gopher-lua's own functions get wrong against Lua 5.1.
func TestLua51Patterns(t *testing.T) {
	p := newPlayer()
	_, _, _, err := runOnce(t, `say(("hello"):find("", 10)) say(("THE (quick) fox"):find("%f[%a]%a+%f[%A]", 5))
say((("abc"):gsub("b", 5)))`, p)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"6", "6", "a5c"}; strings.Join(p.said, " ") != strings.Join(want, " ") {
		t.Fatalf("said %q, want %q", p.said, want)
	}
}

func TestGmatch(t *testing.T) {
	p := newPlayer()
	_, _, _, err := runOnce(t, `local out = {}
for k, v in string.gmatch("a=1, b=2, c=3", "(%w+)=(%w+)") do out[#out + 1] = k .. v end
for w in ("one two"):gmatch("%a+") do out[#out + 1] = w end
for e in ("ab"):gmatch("") do out[#out + 1] = "e" end
say(table.concat(out, " "))`, p)
	if err != nil {
		t.Fatal(err)
	}
	if want := "a1 b2 c3 one two e e e"; p.said[0] != want {
		t.Fatalf("said %q, want %q", p.said[0], want)
	}
}

func TestPatternErrorsAndBudget(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`local x = string.rep("a", 300):find(".-.-.-.-b")`, "instruction budget exceeded"},
		{`local x = string.rep("a", 100):find("a*a*a*a*a*a*b")`, "instruction budget exceeded"},
		{`local x = string.rep("a", 200000):find(".*b")`, "instruction budget exceeded"},
		{`local x = string.rep("(", 100000):find("%b()")`, "instruction budget exceeded"},
		{`for w in string.rep("a", 300):gmatch(".-.-.-b") do end`, "instruction budget exceeded"},
		{`local x = string.rep("a", 300):gsub(".-.-.-b", "")`, "instruction budget exceeded"},
		{`local x = ("a"):find("%")`, "malformed pattern (ends with '%')"},
		{`local x = ("a"):find("[a")`, "malformed pattern (missing ']')"},
		{`local x = ("a"):find("(a")`, "unfinished capture"},
		{`local x = ("a"):match("a)")`, "invalid pattern capture"},
		{`local x = ("a"):find("%1")`, "invalid capture index"},
		{`local x = ("a"):find("%b")`, "unbalanced pattern"},
		{`local x = ("a"):find("%fa")`, "missing '[' after '%f' in pattern"},
		{`local x = ("a"):find(string.rep("(", 33) .. "a" .. string.rep(")", 33))`, "too many captures"},
		{`local x = string.rep("a", 300):find(string.rep("a?", 300))`, "pattern too complex"},
		{`local x = ("a"):gsub("a", "%2")`, "invalid capture index"},
		{`local x = ("a"):gsub("a", {a = {}})`, "invalid replacement value (a table)"},
		{`local x = ("a"):gsub("a", function() ask("q", {"a"}) end)`, errYieldAcross.Error()},
	} {
		p := newPlayer()
		_, _, done, err := runOnce(t, "\n"+tc.src, p)
		if !done || err == nil || !strings.Contains(err.Error(), "s.lua:2: "+tc.want) {
			t.Errorf("%s: %v, want s.lua:2: %q", tc.src, err, tc.want)
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
