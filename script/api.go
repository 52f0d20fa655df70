package script

import (
	"math"

	lua "github.com/yuin/gopher-lua"
)

// baseNames are the functions of Lua's base library a script may use. Left out: print (use
// log), load, loadstring, loadfile, dofile, require, module (code loading), getfenv, setfenv,
// rawset (they would reach past the read-only API tables), collectgarbage, newproxy.
var baseNames = []string{
	"assert", "error", "ipairs", "next", "pairs", "pcall", "rawequal", "rawget", "select",
	"getmetatable", "setmetatable", "tonumber", "tostring", "type", "unpack", "xpcall", "_VERSION",
}

// sandbox opens the safe libraries and returns the table of globals every dialog reads.
func (vm *VM) sandbox() *lua.LTable {
	l := vm.l
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{{lua.BaseLibName, lua.OpenBase}, {lua.StringLibName, lua.OpenString}, {lua.TabLibName, lua.OpenTable}, {lua.MathLibName, lua.OpenMath}} {
		l.Push(l.NewFunction(lib.open))
		l.Push(lua.LString(lib.name))
		l.Call(1, 0)
	}
	all := l.G.Global
	g := l.NewTable()
	for _, n := range baseNames {
		g.RawSetString(n, all.RawGetString(n))
	}
	str := all.RawGetString(lua.StringLibName).(*lua.LTable)
	str.RawSetString("rep", l.NewFunction(strRep))
	str.RawSetString("gsub", l.NewFunction(vm.strGsub))
	str.RawSetString("find", l.NewFunction(vm.strFind))
	str.RawSetString("match", l.NewFunction(vm.strMatch))
	str.RawSetString("gmatch", l.NewFunction(vm.strGmatch))
	str.RawSetString("format", l.NewFunction(strFormat(str.RawGetString("format").(*lua.LFunction).GFunction)))
	tbl := all.RawGetString(lua.TabLibName).(*lua.LTable)
	tbl.RawSetString("concat", l.NewFunction(tableConcat(tbl.RawGetString("concat").(*lua.LFunction).GFunction)))
	g.RawSetString(concatName, l.NewFunction(vm.luaConcat))
	str.RawSetString("dump", lua.LNil)
	// s:upper() reaches the string table through the string metatable: protect it too.
	if mt, ok := l.GetMetatable(lua.LString("")).(*lua.LTable); ok {
		mt.RawSetString("__metatable", lua.LFalse)
	}
	mth := all.RawGetString(lua.MathLibName).(*lua.LTable)
	mth.RawSetString("randomseed", lua.LNil) // the seed is process-wide
	g.RawSetString(lua.StringLibName, readOnly(l, str, lua.StringLibName))
	g.RawSetString(lua.TabLibName, readOnly(l, tbl, lua.TabLibName))
	g.RawSetString(lua.MathLibName, readOnly(l, mth, lua.MathLibName))

	for name, fn := range map[string]lua.LGFunction{
		"name":     vm.luaName,
		"level":    vm.luaLevel,
		"class":    vm.luaClass,
		"map":      vm.luaMap,
		"pos":      vm.luaPos,
		"ask":      vm.luaAsk,
		"input":    vm.luaInput,
		"face":     vm.luaFace,
		"say":      vm.luaSay,
		"teleport": vm.luaTeleport,
		"get":      vm.luaGet,
		"set":      vm.luaSet,
		"log":      vm.luaLog,

		"money":      vm.luaMoney,
		"give_money": vm.luaGiveMoney,
		"take_money": vm.luaTakeMoney,
		"give_item":  vm.luaGiveItem,
		"take_item":  vm.luaTakeItem,
		"has_item":   vm.luaHasItem,
		"item_count": vm.luaItemCount,
	} {
		g.RawSetString(name, l.NewFunction(fn))
	}
	npc := l.NewTable()
	mt := l.NewTable()
	mt.RawSetString("__index", l.NewFunction(vm.luaNPCIndex))
	mt.RawSetString("__newindex", l.NewFunction(func(l *lua.LState) int {
		l.RaiseError("npc is read-only")
		return 0
	}))
	mt.RawSetString("__metatable", lua.LFalse)
	npc.Metatable = mt
	g.RawSetString("npc", npc)
	return g
}

// readOnly returns an empty proxy of t: reads go to t, writes are errors, and its metatable is
// hidden and locked.
func readOnly(l *lua.LState, t *lua.LTable, name string) *lua.LTable {
	p := l.NewTable()
	mt := l.NewTable()
	mt.RawSetString("__index", t)
	mt.RawSetString("__newindex", l.NewFunction(func(l *lua.LState) int {
		l.RaiseError("%s is read-only", name)
		return 0
	}))
	mt.RawSetString("__metatable", lua.LFalse)
	p.Metatable = mt
	return p
}

// dialog returns the dialog running now; API functions run only inside a run.
func (vm *VM) dialog(l *lua.LState) *Dialog {
	if vm.cur == nil {
		l.RaiseError("no dialog is running")
	}
	return vm.cur
}

// checkText returns argument n as a string (numbers convert) of at most max bytes.
func checkText(l *lua.LState, n int, fn string, max int) string {
	s := l.CheckString(n)
	if len(s) > max {
		l.ArgError(n, tooLong(fn, len(s), max))
	}
	return s
}

func tooLong(fn string, n, max int) string {
	return fn + ": " + lua.LNumber(n).String() + " bytes, at most " + lua.LNumber(max).String()
}

// checkInt returns argument n as an integer in [lo, hi].
func checkInt(l *lua.LState, n int, fn string, lo, hi int64) int64 {
	f := float64(l.CheckNumber(n))
	if f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
		l.ArgError(n, fn+": "+lua.LNumber(f).String()+" is not an integer from "+lua.LNumber(lo).String()+" to "+lua.LNumber(hi).String())
	}
	return int64(f)
}

func (vm *VM) luaName(l *lua.LState) int {
	l.Push(lua.LString(vm.dialog(l).player.Name()))
	return 1
}

func (vm *VM) luaLevel(l *lua.LState) int {
	l.Push(lua.LNumber(vm.dialog(l).player.Level()))
	return 1
}

func (vm *VM) luaClass(l *lua.LState) int {
	l.Push(lua.LNumber(vm.dialog(l).player.Class()))
	return 1
}

func (vm *VM) luaMap(l *lua.LState) int {
	l.Push(lua.LNumber(vm.dialog(l).player.MapID()))
	return 1
}

func (vm *VM) luaPos(l *lua.LState) int {
	x, y := vm.dialog(l).player.Position()
	l.Push(lua.LNumber(x))
	l.Push(lua.LNumber(y))
	return 2
}

// show suspends the dialog on page p until the answer.
func (d *Dialog) show(l *lua.LState, p Page, w wait) int {
	if d.pages >= MaxPages {
		d.pageLimit = true
		l.RaiseError("more than %d pages", MaxPages)
	}
	d.pages++
	p.Face, d.face = d.face, 0
	d.page, d.wait, d.yielded = p, w, true
	return l.Yield()
}

func (vm *VM) luaAsk(l *lua.LState) int {
	d := vm.dialog(l)
	text := checkText(l, 1, "ask", MaxTextLen)
	t := l.CheckTable(2)
	n := t.Len()
	if n < 1 || n > MaxOptions {
		l.ArgError(2, "ask: "+lua.LNumber(n).String()+" options, want 1 to "+lua.LNumber(MaxOptions).String())
	}
	opts := make([]string, n)
	for i := range opts {
		var s string
		switch v := t.RawGetInt(i + 1).(type) {
		case lua.LString:
			s = string(v)
		case lua.LNumber:
			s = v.String()
		default:
			l.ArgError(2, "ask: option "+lua.LNumber(i+1).String()+" is a "+v.Type().String()+", not a string")
		}
		if s == "" || len(s) > MaxOptionLen {
			l.ArgError(2, "ask: option "+lua.LNumber(i+1).String()+" must be 1 to "+lua.LNumber(MaxOptionLen).String()+" bytes")
		}
		opts[i] = s
	}
	return d.show(l, Page{Text: text, Options: opts}, waitAsk)
}

func (vm *VM) luaInput(l *lua.LState) int {
	d := vm.dialog(l)
	text := checkText(l, 1, "input", MaxTextLen)
	prompt := checkText(l, 2, "input", MaxOptionLen)
	max := int64(DefaultInputLen)
	if l.GetTop() >= 3 && l.Get(3) != lua.LNil {
		max = checkInt(l, 3, "input", 1, MaxInputLen)
	}
	return d.show(l, Page{Text: text, Input: true, Prompt: prompt, MaxInput: int(max)}, waitInput)
}

func (vm *VM) luaFace(l *lua.LState) int {
	vm.dialog(l).face = int(checkInt(l, 1, "face", 0, MaxFace))
	return 0
}

func (vm *VM) luaSay(l *lua.LState) int {
	d := vm.dialog(l)
	d.player.Say(checkText(l, 1, "say", MaxTextLen))
	return 0
}

func (vm *VM) luaTeleport(l *lua.LState) int {
	d := vm.dialog(l)
	m := checkInt(l, 1, "teleport", 0, math.MaxUint32)
	x := checkInt(l, 2, "teleport", 0, math.MaxUint16)
	y := checkInt(l, 3, "teleport", 0, math.MaxUint16)
	if err := d.player.Teleport(uint32(m), uint16(x), uint16(y)); err != nil {
		l.RaiseError("teleport to %d (%d,%d): %v", m, x, y, err)
	}
	d.teleported, d.yielded = true, true
	return l.Yield()
}

// checkKey returns argument n as a variable name: 1 to MaxVarKeyLen bytes of letters, digits,
// '_', '.', ':' or '-'.
func checkKey(l *lua.LState, n int, fn string) string {
	k := l.CheckString(n)
	if k == "" || len(k) > MaxVarKeyLen {
		l.ArgError(n, fn+": a variable name has 1 to "+lua.LNumber(MaxVarKeyLen).String()+" bytes")
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == ':' || c == '-') {
			l.ArgError(n, fn+": a variable name has only letters, digits, _ . : -")
		}
	}
	return k
}

func (vm *VM) luaGet(l *lua.LState) int {
	d := vm.dialog(l)
	k := checkKey(l, 1, "get")
	if v, ok := d.player.Var(k); ok {
		l.Push(lua.LString(v))
	} else {
		l.Push(lua.LNil)
	}
	return 1
}

func (vm *VM) luaSet(l *lua.LState) int {
	d := vm.dialog(l)
	k := checkKey(l, 1, "set")
	var v string
	switch val := l.Get(2).(type) {
	case lua.LString:
		v = string(val)
	case lua.LNumber:
		v = val.String()
	case *lua.LNilType:
		v = ""
	default:
		l.ArgError(2, "set: a value is a string, a number or nil, not a "+val.Type().String())
	}
	if len(v) > MaxVarValueLen {
		l.ArgError(2, tooLong("set", len(v), MaxVarValueLen))
	}
	if v != "" {
		if _, exists := d.player.Var(k); !exists && d.player.VarCount() >= MaxVars {
			l.RaiseError("set %q: the character already has %d variables", k, MaxVars)
		}
	}
	if err := d.player.SetVar(k, v); err != nil {
		l.RaiseError("set %q: %v", k, err)
	}
	return 0
}

func (vm *VM) luaLog(l *lua.LState) int {
	d := vm.dialog(l)
	text := l.CheckString(1)
	if len(text) > MaxTextLen {
		text = text[:MaxTextLen]
	}
	vm.log.Info("script log", "script", d.name, "npc", d.npc.ID, "player", d.player.Name(), "text", text)
	return 0
}

func (vm *VM) luaNPCIndex(l *lua.LState) int {
	d := vm.dialog(l)
	switch l.CheckString(2) {
	case "id":
		l.Push(lua.LNumber(d.npc.ID))
	case "name":
		l.Push(lua.LString(d.npc.Name))
	default:
		l.Push(lua.LNil)
	}
	return 1
}
