package content

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// fakePlayer runs a default script with a stand-in for the Lua API the
// script package provides (docs/SCRIPTING.md): ask returns the prepared
// answers in order, teleport ends the dialog, get/set use a map.
type fakePlayer struct {
	name    string
	mapID   int
	answers []int
	vars    map[string]string

	asked    [][]string // the options of every ask, in order
	said     []string
	teleport []int // map, x, y of the teleport, if any
}

var errTeleported = errors.New("dialog ended by teleport")

func (p *fakePlayer) run(t *testing.T, src []byte, n NPC) error {
	t.Helper()
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{{lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable}, {lua.StringLibName, lua.OpenString}} {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	str := func(v string) lua.LGFunction {
		return func(L *lua.LState) int { L.Push(lua.LString(v)); return 1 }
	}
	num := func(v int) lua.LGFunction {
		return func(L *lua.LState) int { L.Push(lua.LNumber(v)); return 1 }
	}
	L.SetGlobal("name", L.NewFunction(str(p.name)))
	L.SetGlobal("level", L.NewFunction(num(1)))
	L.SetGlobal("class", L.NewFunction(num(10)))
	L.SetGlobal("map", L.NewFunction(num(p.mapID)))
	L.SetGlobal("pos", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LNumber(int(n.X)))
		L.Push(lua.LNumber(int(n.Y)))
		return 2
	}))
	L.SetGlobal("ask", L.NewFunction(func(L *lua.LState) int {
		L.CheckString(1)
		var opts []string
		L.CheckTable(2).ForEach(func(_, v lua.LValue) { opts = append(opts, v.String()) })
		p.asked = append(p.asked, opts)
		if len(p.answers) == 0 {
			L.RaiseError("unexpected question %d", len(p.asked))
		}
		a := p.answers[0]
		p.answers = p.answers[1:]
		if a < 1 || a > len(opts) {
			L.RaiseError("answer %d out of %d options", a, len(opts))
		}
		L.Push(lua.LNumber(a))
		return 1
	}))
	L.SetGlobal("face", L.NewFunction(func(L *lua.LState) int { L.CheckInt(1); return 0 }))
	L.SetGlobal("say", L.NewFunction(func(L *lua.LState) int { p.said = append(p.said, L.CheckString(1)); return 0 }))
	L.SetGlobal("log", L.NewFunction(func(L *lua.LState) int { L.CheckString(1); return 0 }))
	L.SetGlobal("get", L.NewFunction(func(L *lua.LState) int {
		if v, ok := p.vars[L.CheckString(1)]; ok {
			L.Push(lua.LString(v))
		} else {
			L.Push(lua.LNil)
		}
		return 1
	}))
	L.SetGlobal("set", L.NewFunction(func(L *lua.LState) int {
		p.vars[L.CheckString(1)] = L.CheckString(2)
		return 0
	}))
	L.SetGlobal("teleport", L.NewFunction(func(L *lua.LState) int {
		p.teleport = []int{L.CheckInt(1), L.CheckInt(2), L.CheckInt(3)}
		L.RaiseError("%s", errTeleported)
		return 0
	}))
	npcTable := L.NewTable()
	npcTable.RawSetString("id", lua.LNumber(n.ID))
	npcTable.RawSetString("name", lua.LString(n.Name))
	L.SetGlobal("npc", npcTable)

	fn, err := L.Load(strings.NewReader(string(src)), n.Script)
	if err != nil {
		return fmt.Errorf("compile: %w", err)
	}
	L.Push(fn)
	if err := L.PCall(0, 0, nil); err != nil {
		if p.teleport != nil && strings.Contains(err.Error(), errTeleported.Error()) {
			return nil
		}
		return err
	}
	if len(p.answers) != 0 {
		return fmt.Errorf("%d answers left", len(p.answers))
	}
	return nil
}

func defaultNPC(t *testing.T, p *Pack, script string, mapID uint32) NPC {
	t.Helper()
	for _, n := range p.NPCs {
		if n.Script == script && n.Map == mapID {
			return n
		}
	}
	t.Fatalf("no npc with %s on map %d", script, mapID)
	return NPC{}
}

// TestDefaultScripts walks through the default dialogs with the Lua API
// stubbed, so that a typo in a script fails here and not in front of a player.
func TestDefaultScripts(t *testing.T) {
	p, err := Load(Default())
	if err != nil {
		t.Fatal(err)
	}
	guide := defaultNPC(t, p, "guide.lua", 1010)

	t.Run("guide first visit, all pages, teleport", func(t *testing.T) {
		pl := &fakePlayer{name: "Ann", mapID: 1010, answers: []int{1, 1, 1, 1}, vars: map[string]string{}}
		if err := pl.run(t, p.Scripts["guide.lua"], guide); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(pl.teleport, []int{1002, 430, 378}) || pl.vars["guide.met"] != "yes" || len(pl.asked) != 4 {
			t.Fatalf("teleport %v, vars %v, %d pages", pl.teleport, pl.vars, len(pl.asked))
		}
	})
	t.Run("guide first visit, declines", func(t *testing.T) {
		pl := &fakePlayer{name: "Ann", mapID: 1010, answers: []int{2}, vars: map[string]string{}}
		if err := pl.run(t, p.Scripts["guide.lua"], guide); err != nil {
			t.Fatal(err)
		}
		if pl.teleport != nil || len(pl.said) != 1 || pl.vars["guide.met"] != "yes" {
			t.Fatalf("teleport %v, said %q, vars %v", pl.teleport, pl.said, pl.vars)
		}
	})
	t.Run("guide second visit goes straight to town", func(t *testing.T) {
		pl := &fakePlayer{name: "Ann", mapID: 1010, answers: []int{1}, vars: map[string]string{"guide.met": "yes"}}
		if err := pl.run(t, p.Scripts["guide.lua"], guide); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(pl.teleport, []int{1002, 430, 378}) || len(pl.asked) != 1 {
			t.Fatalf("teleport %v after %d pages", pl.teleport, len(pl.asked))
		}
	})
	t.Run("guide second visit, basics again, stays", func(t *testing.T) {
		pl := &fakePlayer{name: "Ann", mapID: 1010, answers: []int{2, 1, 1, 2}, vars: map[string]string{"guide.met": "yes"}}
		if err := pl.run(t, p.Scripts["guide.lua"], guide); err != nil {
			t.Fatal(err)
		}
		if pl.teleport != nil {
			t.Fatalf("teleported to %v", pl.teleport)
		}
	})

	arrival := map[uint32][]int{1010: {61, 109}, 1002: {430, 378}, 1000: {490, 640}, 1011: {190, 270}}
	for mapID := range arrival {
		n := defaultNPC(t, p, "wayfarer.lua", mapID)
		for choice := 1; choice <= 4; choice++ {
			t.Run(fmt.Sprintf("wayfarer on %d, option %d", mapID, choice), func(t *testing.T) {
				pl := &fakePlayer{name: "Bo", mapID: int(mapID), answers: []int{choice}, vars: map[string]string{}}
				if err := pl.run(t, p.Scripts["wayfarer.lua"], n); err != nil {
					t.Fatal(err)
				}
				if len(pl.asked) != 1 || len(pl.asked[0]) != 4 {
					t.Fatalf("options %q", pl.asked)
				}
				if choice == 4 { // "Nowhere today."
					if pl.teleport != nil {
						t.Fatalf("teleported to %v", pl.teleport)
					}
					return
				}
				to := uint32(pl.teleport[0])
				if to == mapID || !slices.Equal(pl.teleport[1:], arrival[to]) {
					t.Fatalf("teleport %v from map %d", pl.teleport, mapID)
				}
			})
		}
	}
	// herbalist.lua uses the item and money API: game tests run it
	// (TestHerbalistScript).
}
