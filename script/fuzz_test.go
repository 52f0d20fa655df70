package script

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzScript compiles arbitrary source and runs it as a dialog, answering from answers, under the
// budgets: it must never panic, and the VM must run the next dialog afterwards.
func FuzzScript(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*.lua")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), []byte{1, 2, 1, 0, 3})
	}
	for _, s := range []string{
		"while true do end",
		"for i = 1, 10000 do ask('q' .. i, {'a', 'b'}) end",
		"local s = 'x' for i = 1, 40 do s = s .. s end",
		"local t = {} for i = 1, 1e9 do t[i] = i end",
		"local function f() return f() end f()",
		"error(setmetatable({}, {__tostring = function() while true do end end}))",
		"pcall(ask, 'q', {'a'}) say('after')",
		"local v = input('n', 'p', 4) set('k', v) say(get('k'))",
		"teleport(1, 2, 3) teleport(4, 5, 6)",
		"set(string.rep('k', 40), 1)",
		"face(3) ask(npc.name .. name(), {level(), class(), map()})",
		"local x, y = pos() say(x + y) log(x)",
		"unpack({}, 1, 1e8)",
		"string.format('%99d%99d', 1, 2)",
		"if then",
		"local k, v = ('key = val'):match('^%s*(%w+)%s*=%s*(.-)%s*$') say(k .. v)",
		"for w in ('one two'):gmatch('%a+') do say(w) end say((('x y'):gsub('%s', '_')))",
		"say(string.find('abc', 'b', 1, true)) say(('%d'):format(3)) say(table.concat({1, 2}, ','))",
		"xpcall(function() ask('a', {'b'}) end, function(e) return e end)",
		"local t = setmetatable({}, {__index = function(t, k) return ask(k, {'a'}) end}) local _ = t.x",
	} {
		f.Add(s, []byte{1, 1, 2, 255, 0})
	}
	f.Fuzz(func(t *testing.T, src string, answers []byte) {
		lib, err := Compile(map[string][]byte{"f.lua": []byte(src), "ok.lua": []byte("ask('fine', {'yes'})")})
		if err != nil {
			return
		}
		vm := NewVM(lib, nil)
		defer vm.Close()
		p := newPlayer()
		d, page, done, err := vm.Start("f", testNPC, p)
		for i := 0; !done; i++ {
			if err != nil {
				t.Fatalf("an error without the end of the dialog: %v", err)
			}
			if n := len(page.Options); page.Input == (n > 0) || n > MaxOptions || len(page.Text) > MaxTextLen {
				t.Fatalf("bad page %+v", page)
			}
			if i >= len(answers) {
				d.Cancel()
				break
			}
			a := int(answers[i])
			page, done, err = d.Answer(a%10, string(answers[i:min(len(answers), i+a%20)]))
			if err != nil && !done {
				page = d.Page() // invalid answer: still waiting on the same page
				err = nil
			}
		}
		if _, page, done, err := vm.Start("ok", testNPC, p); err != nil || done || page.Text != "fine" {
			t.Fatalf("VM unusable after the script: %v %v", done, err)
		}
		if len(p.vars) > MaxVars {
			t.Fatalf("%d vars", len(p.vars))
		}
	})
}
