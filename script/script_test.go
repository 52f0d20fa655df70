package script

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

func TestGuideTwoPages(t *testing.T) {
	vm := testdataVM(t)
	p := newPlayer()
	d, page, done, err := vm.Start("guide", testNPC, p)
	if err != nil || done {
		t.Fatalf("start: done %v err %v", done, err)
	}
	want := Page{Text: "Hello, Ada! Fresh faces are rare out here. What would you like to know?",
		Options: []string{"How do I fight?", "Take me to town.", "Nothing, thanks."}, Face: 1}
	if !reflect.DeepEqual(page, want) {
		t.Fatalf("page 1 = %+v, want %+v", page, want)
	}
	page, done, err = d.Answer(1, "")
	if err != nil || done {
		t.Fatalf("answer 1: done %v err %v", done, err)
	}
	if want := (Page{Text: "Click a monster to strike it. Rest when your health runs low.", Options: []string{"Got it."}}); !reflect.DeepEqual(page, want) {
		t.Fatalf("page 2 = %+v, want %+v (the face is for one page only)", page, want)
	}
	if _, done, err = d.Answer(1, ""); err != nil || !done {
		t.Fatalf("answer 2: done %v err %v", done, err)
	}
	if p.vars["guide.seen"] != "1" || len(p.said) != 1 {
		t.Fatalf("vars %v said %q", p.vars, p.said)
	}
	if _, _, err := d.Answer(1, ""); !errors.Is(err, ErrEnded) {
		t.Fatalf("answer after the end: %v, want ErrEnded", err)
	}
	// A second visit reads the variable.
	_, page, _, err = vm.Start("guide", testNPC, p)
	if err != nil || !strings.HasPrefix(page.Text, "Welcome back, Ada.") {
		t.Fatalf("second visit: %q %v", page.Text, err)
	}
}

func TestTeleportEndsDialog(t *testing.T) {
	vm := testdataVM(t)
	p := newPlayer()
	d, _, _, err := vm.Start("guide", testNPC, p)
	if err != nil {
		t.Fatal(err)
	}
	if _, done, err := d.Answer(2, ""); err != nil || !done {
		t.Fatalf("answer: done %v err %v", done, err)
	}
	if want := []teleport{{1002, 430, 380}}; !reflect.DeepEqual(p.teleports, want) {
		t.Fatalf("teleports %v, want %v", p.teleports, want)
	}
	// Nothing after teleport runs.
	_, _, done, err := runOnce(t, `teleport(1, 2, 3) say("after")`, p)
	if err != nil || !done || len(p.said) != 0 {
		t.Fatalf("done %v err %v said %q", done, err, p.said)
	}
	p.failTele = errors.New("map 9 is closed")
	_, _, done, err = runOnce(t, "\n teleport(9, 2, 3)", p)
	if !done || err == nil || !strings.Contains(err.Error(), "s.lua:2: teleport to 9 (2,3): map 9 is closed") {
		t.Fatalf("failed teleport: done %v err %v", done, err)
	}
}

func TestInput(t *testing.T) {
	vm := testdataVM(t)
	p := newPlayer()
	d, page, _, err := vm.Start("teleporter", testNPC, p)
	if err != nil {
		t.Fatal(err)
	}
	if page.Text != "Where to, Ada? I am Orla." || len(page.Options) != 3 {
		t.Fatalf("page %+v", page)
	}
	page, done, err := d.Answer(2, "")
	if err != nil || done {
		t.Fatal(done, err)
	}
	if want := (Page{Text: "Say the magic word.", Input: true, Prompt: "Word:", MaxInput: 8}); !reflect.DeepEqual(page, want) {
		t.Fatalf("input page %+v, want %+v", page, want)
	}
	if _, _, err := d.Answer(0, "pleasepleaseplease"); !errors.Is(err, ErrInvalidAnswer) {
		t.Fatalf("too long: %v", err)
	}
	if _, done, err := d.Answer(0, "please"); err != nil || !done {
		t.Fatal(done, err)
	}
	if want := []teleport{{1000, 480, 630}}; !reflect.DeepEqual(p.teleports, want) {
		t.Fatalf("teleports %v", p.teleports)
	}
	// "Stay here" ends without a page.
	d, _, _, _ = vm.Start("teleporter", testNPC, p)
	if _, done, err := d.Answer(3, ""); err != nil || !done {
		t.Fatal(done, err)
	}
	// The default input length.
	_, page, _, _ = runOnce(t, `input("a", "b")`, p)
	if page.MaxInput != DefaultInputLen {
		t.Fatalf("default max input %d", page.MaxInput)
	}
}

func TestInvalidAnswerKeepsPage(t *testing.T) {
	p := newPlayer()
	d, _, _, err := runOnce(t, `local a = ask("q", {"x", "y"}) say(a)`, p)
	if err != nil {
		t.Fatal(err)
	}
	for _, opt := range []int{0, 3, -1, 255} {
		page, done, err := d.Answer(opt, "")
		if !errors.Is(err, ErrInvalidAnswer) || done || len(page.Options) != 2 {
			t.Fatalf("option %d: %+v %v %v", opt, page, done, err)
		}
	}
	if _, done, err := d.Answer(2, ""); err != nil || !done || p.said[0] != "2" {
		t.Fatal(done, err, p.said)
	}
}

func TestCancel(t *testing.T) {
	p := newPlayer()
	vm, _ := newVM(t, map[string]string{"s.lua": `ask("q", {"x"}) say("resumed")`})
	d, _, _, err := vm.Start("s", testNPC, p)
	if err != nil {
		t.Fatal(err)
	}
	d.Cancel()
	d.Cancel()
	if _, _, err := d.Answer(1, ""); !errors.Is(err, ErrEnded) {
		t.Fatalf("answer after cancel: %v", err)
	}
	if len(p.said) != 0 {
		t.Fatalf("a cancelled dialog resumed: %q", p.said)
	}
	// Many dialogs cancelled in any order.
	var ds []*Dialog
	for range 10 {
		d, _, _, err := vm.Start("s", testNPC, p)
		if err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	for i := len(ds) - 1; i >= 0; i -= 2 {
		ds[i].Cancel()
	}
	for i := 0; i < len(ds); i += 2 {
		if _, done, err := ds[i].Answer(1, ""); err != nil || !done {
			t.Fatal(done, err)
		}
	}
	if len(p.said) != 5 {
		t.Fatalf("said %d times, want 5", len(p.said))
	}
}

func TestInfiniteLoop(t *testing.T) {
	p := newPlayer()
	vm, _ := newVM(t, map[string]string{
		"loop.lua":  "local n = 0\nwhile true do n = n + 1 end",
		"later.lua": "ask('q', {'a'})\nwhile true do end",
		"pc.lua":    "while true do pcall(function() while true do end end) end",
		"ok.lua":    `ask("still here", {"yes"})`,
	})
	for _, name := range []string{"loop", "pc"} {
		_, _, done, err := vm.Start(name, testNPC, p)
		if !done || !errors.Is(err, ErrBudget) || !strings.Contains(err.Error(), "script "+name+": "+name+".lua:") {
			t.Fatalf("%s: done %v err %v", name, done, err)
		}
	}
	if !strings.Contains(err2s(vm.Start("loop", testNPC, p)), "loop.lua:2: instruction budget exceeded") {
		t.Fatal("no line in the budget error")
	}
	d, _, _, err := vm.Start("later", testNPC, p)
	if err != nil {
		t.Fatal(err)
	}
	if _, done, err := d.Answer(1, ""); !done || !errors.Is(err, ErrBudget) || !strings.Contains(err.Error(), "later.lua:2:") {
		t.Fatalf("loop after a page: %v %v", done, err)
	}
	if _, page, _, err := vm.Start("ok", testNPC, p); err != nil || page.Text != "still here" {
		t.Fatalf("VM unusable after a loop: %v", err)
	}
}

func err2s(_ *Dialog, _ Page, _ bool, err error) string { return fmt.Sprint(err) }

func TestRuntimeErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"\n\nerror('broken')", "s.lua:3: broken"},
		{"local x\nx()", "s.lua:2: attempt to call a non-function object"},
		{"local t = nil\nlocal y = t.a", "s.lua:2: attempt to index a non-table object(nil)"},
		{"local function f() return f() + 1 end\nf()", "s.lua: lua callstack overflow"},
		{"error({})", "s.lua: table: 0x"},
		{"xpcall(function() error('a') end, function() while true do end end)", "instruction budget exceeded"},
		{"local t = setmetatable({}, {__tostring = function() while true do end end})\nsay(tostring(t))", "instruction budget exceeded"},
		{"ask('q', {})", "s.lua:1: bad argument #2 to ask (ask: 0 options, want 1 to 8)"},
		{"ask('q', {'1','2','3','4','5','6','7','8','9'})", "ask: 9 options"},
		{"ask('q', {{}})", "option 1 is a table"},
		{"ask('q', {''})", "option 1 must be"},
		{"ask('q', {string.rep('x', 256)})", "option 1 must be 1 to 255 bytes"},
		{"ask(string.rep('x', 2049), {'a'})", "ask: 2049 bytes, at most 2048"},
		{"ask('q')", "bad argument #2 to ask"},
		{"say()", "bad argument #1 to say"},
		{"input('a', 'b', 0)", "input: 0 is not an integer from 1 to 255"},
		{"input('a', 'b', 256)", "input: 256 is not"},
		{"face(-1)", "face: -1 is not"},
		{"face(1.5)", "face: 1.5 is not"},
		{"teleport(1, 70000, 1)", "teleport: 70000 is not"},
		{"teleport(-1, 1, 1)", "teleport: -1 is not"},
		{"string.rep('ab', 140000)", "string.rep: result longer than 262144 bytes"},
		{"local s = 'x'\nfor i = 1, 40 do s = s .. s end", "s.lua:2: string longer than 262144 bytes"},
		{"local s = 'x' .. {}", "s.lua:1: attempt to concatenate a table value"},
		{"local s = string.format('%100d', 1)", "width or precision above 99"},
		{"local s = string.format(string.rep('%99d', 2000), 1)", "result may be longer"},
		{"local t = {} for i = 1, 10 do t[i] = string.rep('x', 60000) end\nlocal s = table.concat(t)", "s.lua:2: table.concat: result longer"},
		{"local s = string.rep('x', 60000):gsub('x', 'yyyyy')", "string.gsub: result longer"},
		{"local s = ('x'):gsub('x', '%2')", "invalid capture index"},
		{"string.x = 1", "string is read-only"},
		{"math.pi = 3", "math is read-only"},
		{"table.insert = print", "table is read-only"},
		{"npc.id = 3", "npc is read-only"},
		{"setmetatable(string, {})", "cannot change a protected metatable"},
		{"getmetatable('').__index.rep = nil", "attempt to index a non-table object(boolean)"},
		{"unpack({}, 1, 1e7)", "s.lua:1:"},
		{"pcall(ask, 'q', {'a'})", errYieldAcross.Error()},
		{"table.sort({1,2,3}, function(a, b) ask('q', {'a'}) return a < b end)", errYieldAcross.Error()},
		{"local t = setmetatable({}, {__index = function() return ask('q', {'a'}) end})\nlocal v = t.x", errYieldAcross.Error()},
		{"for i = 1, 65 do ask('q', {'a'}) end", "s.lua:1: more than 64 pages"},
	} {
		p := newPlayer()
		vm, _ := newVM(t, map[string]string{"s.lua": tc.src})
		d, _, done, err := vm.Start("s", testNPC, p)
		for !done && err == nil {
			_, done, err = d.Answer(1, "")
		}
		if err == nil || !isScriptError(err, nil) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err %v, want %q", tc.src, err, tc.want)
		}
		// The VM still runs the next dialog.
		vm.SetLibrary(compile(t, map[string]string{"s.lua": "say('ok')"}))
		if _, _, done, err := vm.Start("s", testNPC, p); err != nil || !done {
			t.Errorf("%q: VM unusable: %v", tc.src, err)
		}
	}
}

func TestPageLimit(t *testing.T) {
	p := newPlayer()
	d, _, _, err := runOnce(t, "for i = 1, 10000 do ask('question ' .. i, {'next'}) end", p)
	if err != nil {
		t.Fatal(err)
	}
	pages := 1
	for {
		page, done, err := d.Answer(1, "")
		if done {
			if !errors.Is(err, ErrPageLimit) || !strings.Contains(err.Error(), "s.lua:1: more than 64 pages") {
				t.Fatalf("end: %v", err)
			}
			break
		}
		pages++
		if page.Text != fmt.Sprintf("question %d", pages) {
			t.Fatalf("page %d: %q", pages, page.Text)
		}
	}
	if pages != MaxPages {
		t.Fatalf("%d pages shown, want %d", pages, MaxPages)
	}
}

func TestCompileErrors(t *testing.T) {
	_, err := Compile(map[string][]byte{
		"good.lua":      []byte("say('x')"),
		"bad.lua":       []byte("say('x')\n\nif then end"),
		"town/bad2.lua": []byte("local x = = 1"),
		"eof.lua":       []byte("if true then\n"),
	})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"bad.lua:3: ", "town/bad2.lua:1: ", "eof.lua:2: syntax error at end of file"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if _, err := Compile(map[string][]byte{"a.lua": []byte(strings.Repeat(" ", MaxScriptSize+1))}); err == nil {
		t.Error("an oversized script compiled")
	}
	if _, err := Compile(map[string][]byte{"a.lua": nil, "a": nil}); err == nil {
		t.Error("two files with the same script name compiled")
	}
	lib, err := CompileFS(fstest.MapFS{
		"guide.lua":        {Data: []byte("say('x')")},
		"town/market.lua":  {Data: []byte("say('y')")},
		"README.md":        {Data: []byte("# not a script")},
		"npcs/broken.toml": {Data: []byte("=")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := lib.Names(); !reflect.DeepEqual(got, []string{"guide", "town/market"}) || !lib.Has("town/market") {
		t.Fatalf("names %v", got)
	}
	vm := NewVM(lib, nil)
	defer vm.Close()
	if _, _, _, err := vm.Start("nope", testNPC, newPlayer()); !errors.Is(err, ErrNoScript) {
		t.Fatalf("unknown script: %v", err)
	}
	empty := NewVM(nil, nil)
	defer empty.Close()
	if _, _, _, err := empty.Start("guide", testNPC, newPlayer()); !errors.Is(err, ErrNoScript) {
		t.Fatalf("VM without a library: %v", err)
	}
}

func TestReloadKeepsRunningDialog(t *testing.T) {
	p := newPlayer()
	vm, _ := newVM(t, map[string]string{"s.lua": "ask('v1', {'a'}) say('old code')"})
	d, _, _, err := vm.Start("s", testNPC, p)
	if err != nil {
		t.Fatal(err)
	}
	vm.SetLibrary(compile(t, map[string]string{"s.lua": "ask('v2', {'a'}) say('new code')"}))
	if _, _, err := d.Answer(1, ""); err != nil {
		t.Fatal(err)
	}
	_, page, _, _ := vm.Start("s", testNPC, p)
	if p.said[0] != "old code" || page.Text != "v2" {
		t.Fatalf("said %q, new page %q", p.said, page.Text)
	}
}

func TestSandbox(t *testing.T) {
	for _, name := range []string{"io", "os", "debug", "require", "dofile", "loadstring", "load",
		"loadfile", "package", "coroutine", "module", "getfenv", "setfenv", "rawset", "print",
		"collectgarbage", "newproxy", "_G", "channel", "_printregs"} {
		p := newPlayer()
		_, _, done, err := runOnce(t, "say(type("+name+"))", p)
		if err != nil || !done || len(p.said) != 1 || p.said[0] != "nil" {
			t.Errorf("%s: %q %v", name, p.said, err)
		}
	}
	p := newPlayer()
	_, _, _, err := runOnce(t, `say(type(string.dump)) say(type(math.randomseed)) say(tostring(getmetatable(string)))
		say(tostring(getmetatable(""))) say(("abc"):upper()) say(string.format("%d-%s", 7, "x"))
		say(tostring(math.floor(2.5))) local t = {3, 1, 2} table.sort(t) say(table.concat(t, ","))`, p)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"nil", "nil", "false", "false", "ABC", "7-x", "2", "1,2,3"}; !reflect.DeepEqual(p.said, want) {
		t.Fatalf("said %q, want %q", p.said, want)
	}
}

func TestGlobalsDoNotLeak(t *testing.T) {
	p := newPlayer()
	vm, _ := newVM(t, map[string]string{
		"a.lua": `say(tostring(counter)) counter = (counter or 0) + 1 ask = nil name = 5`,
		"b.lua": `say(tostring(counter)) say(type(ask)) say(type(name))`,
	})
	for _, n := range []string{"a", "a", "b"} {
		if _, _, _, err := vm.Start(n, testNPC, p); err != nil {
			t.Fatal(err)
		}
	}
	if want := []string{"nil", "nil", "nil", "function", "function"}; !reflect.DeepEqual(p.said, want) {
		t.Fatalf("said %q, want %q", p.said, want)
	}
	// Two dialogs of one script interleaved keep their own globals.
	vm2, _ := newVM(t, map[string]string{"s.lua": `mine = ask("q", {"a", "b"}) ask("again", {"c"}) say(tostring(mine))`})
	d1, _, _, _ := vm2.Start("s", testNPC, p)
	d2, _, _, _ := vm2.Start("s", testNPC, p)
	p.said = nil
	d1.Answer(1, "")
	d2.Answer(2, "")
	d2.Answer(1, "")
	d1.Answer(1, "")
	if want := []string{"2", "1"}; !reflect.DeepEqual(p.said, want) {
		t.Fatalf("said %q, want %q", p.said, want)
	}
}

func TestAPI(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		vars      map[string]string
		said      []string
		wantVars  map[string]string
	}{
		{name: "name", src: `say(name())`, said: []string{"Ada"}},
		{name: "level", src: `say(level() + 1)`, said: []string{"16"}},
		{name: "class", src: `say(class())`, said: []string{"40"}},
		{name: "map", src: `say(map())`, said: []string{"1010"}},
		{name: "pos", src: `local x, y = pos() say(x .. "," .. y)`, said: []string{"61,109"}},
		{name: "npc", src: `say(npc.id .. npc.name .. tostring(npc.other))`, said: []string{"1201Orlanil"}},
		{name: "get missing", src: `say(tostring(get("q1")))`, said: []string{"nil"}},
		{name: "get", src: `say(get("q1"))`, vars: map[string]string{"q1": "done"}, said: []string{"done"}},
		{name: "set string", src: `set("q1", "started")`, wantVars: map[string]string{"q1": "started"}},
		{name: "set number", src: `set("kills", 12) set("ratio", 0.5)`, wantVars: map[string]string{"kills": "12", "ratio": "0.5"}},
		{name: "set nil deletes", src: `set("q1", nil)`, vars: map[string]string{"q1": "x"}, wantVars: map[string]string{}},
		{name: "set empty deletes", src: `set("q1", "")`, vars: map[string]string{"q1": "x"}, wantVars: map[string]string{}},
		{name: "say number", src: `say(12)`, said: []string{"12"}},
		{name: "log", src: `log("hello")`},
		{name: "face", src: `face(7)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPlayer()
			for k, v := range tc.vars {
				p.vars[k] = v
			}
			_, _, done, err := runOnce(t, tc.src, p)
			if err != nil || !done {
				t.Fatalf("done %v err %v", done, err)
			}
			if !reflect.DeepEqual(p.said, tc.said) {
				t.Errorf("said %q, want %q", p.said, tc.said)
			}
			if tc.wantVars != nil && !reflect.DeepEqual(p.vars, tc.wantVars) {
				t.Errorf("vars %v, want %v", p.vars, tc.wantVars)
			}
		})
	}
}

func TestLogNamesScript(t *testing.T) {
	vm, logs := newVM(t, map[string]string{"quest/a.lua": `log("the player " .. name() .. " came")`})
	if _, _, _, err := vm.Start("quest/a", testNPC, newPlayer()); err != nil {
		t.Fatal(err)
	}
	if s := logs.String(); !strings.Contains(s, "script=quest/a") || !strings.Contains(s, `text="the player Ada came"`) {
		t.Fatalf("log %q", s)
	}
}

func TestVarLimits(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`set("", "x")`, "a variable name has 1 to 32 bytes"},
		{`set(string.rep("k", 33), "x")`, "a variable name has 1 to 32 bytes"},
		{`get(string.rep("k", 33))`, "a variable name has 1 to 32 bytes"},
		{`set("a b", "x")`, "only letters"},
		{`get("a\0")`, "only letters"},
		{`set("k", string.rep("v", 256))`, "set: 256 bytes, at most 255"},
		{`set("k", {})`, "not a table"},
		{`set("k", true)`, "not a boolean"},
	} {
		p := newPlayer()
		_, _, _, err := runOnce(t, tc.src, p)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.src, err, tc.want)
		}
		if p.setCalls != 0 {
			t.Errorf("%q: the host was called", tc.src)
		}
	}
	// At most MaxVars variables; overwriting and deleting stay possible when full.
	p := newPlayer()
	for i := range MaxVars {
		p.vars[fmt.Sprint("v", i)] = "1"
	}
	_, _, _, err := runOnce(t, `set("v1", "2") set("v2", nil) set("new1", "x") set("new2", "x")`, p)
	if err == nil || !strings.Contains(err.Error(), `set "new2": the character already has 256 variables`) {
		t.Fatalf("full: %v", err)
	}
	if p.vars["v1"] != "2" || p.vars["new1"] != "x" || len(p.vars) != MaxVars {
		t.Fatalf("vars after: v1=%q new1=%q n=%d", p.vars["v1"], p.vars["new1"], len(p.vars))
	}
}

func TestHostErrorsAndBusy(t *testing.T) {
	p := &busyPlayer{fakePlayer: newPlayer()}
	vm, _ := newVM(t, map[string]string{"s.lua": `say("x")`})
	p.vm = vm
	if _, _, _, err := vm.Start("s", testNPC, p); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(p.innerErr, ErrBusy) {
		t.Fatalf("nested start: %v", p.innerErr)
	}
	// A panicking host is a script error, not a crash.
	vm2, _ := newVM(t, map[string]string{"s.lua": `say("x")`})
	_, _, done, err := vm2.Start("s", testNPC, panicPlayer{newPlayer()})
	if !done || err == nil || !strings.Contains(err.Error(), "host broke") {
		t.Fatalf("panic: %v %v", done, err)
	}
	if _, _, _, err := vm2.Start("s", testNPC, newPlayer()); err != nil {
		t.Fatal(err)
	}
	vm2.Close()
	if _, _, _, err := vm2.Start("s", testNPC, newPlayer()); !errors.Is(err, ErrEnded) {
		t.Fatalf("closed VM: %v", err)
	}
}

func TestCancelFromCallback(t *testing.T) {
	vm, _ := newVM(t, map[string]string{"s.lua": `say("bye") ask("never shown", {"a"})`})
	p := &cancelPlayer{fakePlayer: newPlayer()}
	d, _, done, err := vm.Start("s", testNPC, p)
	if err != nil || done || d == nil {
		t.Fatal(done, err)
	}
	p.d = d
	d.Cancel()
	// A dialog cancelled by the host while it runs ends when the run returns.
	vm2, _ := newVM(t, map[string]string{"s.lua": `ask("one", {"a"}) say("bye") ask("two", {"a"})`})
	d2, _, _, _ := vm2.Start("s", testNPC, p)
	p.d = d2
	if _, done, err := d2.Answer(1, ""); err != nil || !done {
		t.Fatalf("cancelled during the run: done %v err %v", done, err)
	}
}

type cancelPlayer struct {
	*fakePlayer
	d *Dialog
}

func (p *cancelPlayer) Say(string) {
	if p.d != nil {
		p.d.Cancel()
	}
}

type busyPlayer struct {
	*fakePlayer
	vm       *VM
	innerErr error
}

func (p *busyPlayer) Say(string) { _, _, _, p.innerErr = p.vm.Start("s", testNPC, p) }

type panicPlayer struct{ *fakePlayer }

func (panicPlayer) Say(string) { panic("host broke") }

func TestExamplesCompile(t *testing.T) {
	lib, err := CompileFS(os.DirFS("testdata"))
	if err != nil {
		t.Fatal(err)
	}
	if !lib.Has("guide") || !lib.Has("teleporter") {
		t.Fatal(lib.Names())
	}
}
