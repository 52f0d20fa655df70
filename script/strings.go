package script

import (
	"reflect"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/pm"
)

// MaxStringLen is the longest string a script may build with .., string.rep, string.format,
// string.gsub or table.concat, in bytes. gopher-lua has no memory limit of its own: without
// this, s = s .. s doubles a string past any memory in a few dozen instructions.
const MaxStringLen = 256 << 10

// maxFormatWidth is the largest width or precision of a string.format directive (Lua 5.1's own
// limit: two digits).
const maxFormatWidth = 99

// concatName is the global through which every .. of a script goes (see rewriteConcat). It is
// not a Lua name, so no script can read, call or shadow it.
const concatName = "(concat)"

// rewriteConcat replaces every a .. b in chunk by a call concatName(a, b), so that the length of
// the result is checked before it is built; gopher-lua's CONCAT instruction has no hook.
func rewriteConcat(chunk []ast.Stmt) {
	rewrite(reflect.ValueOf(chunk))
}

var (
	exprType   = reflect.TypeFor[ast.Expr]()
	concatType = reflect.TypeFor[*ast.StringConcatOpExpr]()
)

// rewrite walks an AST value (slices, pointers to node structs, interface fields) and replaces
// concatenations bottom-up.
func rewrite(v reflect.Value) {
	switch v.Kind() {
	case reflect.Slice:
		for i := range v.Len() {
			rewriteSlot(v.Index(i))
		}
	case reflect.Pointer:
		if !v.IsNil() && v.Elem().Kind() == reflect.Struct {
			rewrite(v.Elem())
		}
	case reflect.Interface:
		if !v.IsNil() {
			rewrite(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				rewriteSlot(v.Field(i))
			}
		}
	}
}

// rewriteSlot rewrites inside one field or element and, if it holds a concatenation expression,
// replaces it with the call.
func rewriteSlot(f reflect.Value) {
	rewrite(f)
	if f.Kind() != reflect.Interface || f.Type() != exprType || f.IsNil() || f.Elem().Type() != concatType || !f.CanSet() {
		return
	}
	c := f.Interface().(*ast.StringConcatOpExpr)
	fn := &ast.IdentExpr{Value: concatName}
	fn.SetLine(c.Line())
	fn.SetLastLine(c.LastLine())
	call := &ast.FuncCallExpr{Func: fn, Args: []ast.Expr{c.Lhs, c.Rhs}, AdjustRet: true}
	call.SetLine(c.Line())
	call.SetLastLine(c.LastLine())
	f.Set(reflect.ValueOf(ast.Expr(call)))
}

// luaConcat is a .. b: strings and numbers, or a __concat metamethod, with a length check.
func luaConcat(l *lua.LState) int {
	a, b := l.Get(1), l.Get(2)
	if lua.LVCanConvToString(a) && lua.LVCanConvToString(b) {
		as, bs := lua.LVAsString(a), lua.LVAsString(b)
		if len(as)+len(bs) > MaxStringLen {
			l.RaiseError("string longer than %d bytes", MaxStringLen)
		}
		l.Push(lua.LString(as + bs))
		return 1
	}
	mm := l.GetMetaField(a, "__concat")
	if mm == lua.LNil {
		mm = l.GetMetaField(b, "__concat")
	}
	if mm == lua.LNil {
		bad := a
		if lua.LVCanConvToString(a) {
			bad = b
		}
		l.RaiseError("attempt to concatenate a %s value", bad.Type().String())
	}
	l.Push(mm)
	l.Push(a)
	l.Push(b)
	l.Call(2, 1)
	return 1
}

// strRep is string.rep bounded by MaxStringLen.
func strRep(l *lua.LState) int {
	s := l.CheckString(1)
	n := l.CheckInt(2)
	if n <= 0 || len(s) == 0 {
		l.Push(lua.LString(""))
		return 1
	}
	if n > MaxStringLen/len(s) {
		l.RaiseError("string.rep: result longer than %d bytes", MaxStringLen)
	}
	l.Push(lua.LString(strings.Repeat(s, n)))
	return 1
}

// strFormat wraps gopher-lua's string.format (Go's fmt underneath): widths and precisions of at
// most two digits, and a result bounded by MaxStringLen before it is built.
func strFormat(orig lua.LGFunction) lua.LGFunction {
	return func(l *lua.LState) int {
		f := l.CheckString(1)
		bound := len(f)
		for i := 0; i < len(f); i++ {
			if f[i] != '%' {
				continue
			}
			i++
			if i < len(f) && f[i] == '%' {
				continue
			}
			for i < len(f) && strings.IndexByte("-+ #0", f[i]) >= 0 {
				i++
			}
			digits := 0
			for ; i < len(f) && (f[i] >= '0' && f[i] <= '9' || f[i] == '.'); i++ {
				if f[i] == '.' {
					digits = 0
					continue
				}
				if digits++; digits > 2 {
					l.RaiseError("string.format: width or precision above %d", maxFormatWidth)
				}
			}
			bound += 2 * maxFormatWidth
		}
		for i := 2; i <= l.GetTop(); i++ {
			if s, ok := l.Get(i).(lua.LString); ok {
				bound += len(s)
			} else {
				bound += 32
			}
		}
		if bound > MaxStringLen {
			l.RaiseError("string.format: result may be longer than %d bytes", MaxStringLen)
		}
		return orig(l)
	}
}

// tableConcat wraps table.concat with a length check made before the string is built.
func tableConcat(orig lua.LGFunction) lua.LGFunction {
	return func(l *lua.LState) int {
		t := l.CheckTable(1)
		sep := l.OptString(2, "")
		i, j := l.OptInt(3, 1), l.OptInt(4, t.Len())
		total := 0
		for k := max(i, 1); k <= j && k <= t.Len(); k++ {
			total += len(lua.LVAsString(t.RawGetInt(k))) + len(sep)
			if total > MaxStringLen {
				l.RaiseError("table.concat: result longer than %d bytes", MaxStringLen)
			}
		}
		return orig(l)
	}
}

// strGsub is string.gsub in linear time with a bounded result (gopher-lua's copies the whole
// string once per match).
func strGsub(l *lua.LState) int {
	s := l.CheckString(1)
	pat := l.CheckString(2)
	l.CheckTypes(3, lua.LTString, lua.LTTable, lua.LTFunction)
	repl := l.Get(3)
	limit := l.OptInt(4, -1)
	mds, err := pm.Find(pat, []byte(s), 0, limit)
	if err != nil {
		l.RaiseError("%s", err.Error())
	}
	var b strings.Builder
	last := 0
	for _, md := range mds {
		start, end := md.Capture(0), md.Capture(1)
		b.WriteString(s[last:start])
		last = end
		whole := s[start:end]
		switch r := repl.(type) {
		case lua.LString:
			gsubExpand(l, &b, s, string(r), md)
		case *lua.LTable:
			v := l.GetTable(r, firstCapture(s, md))
			if lua.LVIsFalse(v) {
				b.WriteString(whole)
			} else if lua.LVCanConvToString(v) {
				b.WriteString(lua.LVAsString(v))
			} else {
				l.RaiseError("invalid replacement value (a %s)", v.Type().String())
			}
		case *lua.LFunction:
			l.Push(r)
			n := 0
			if md.CaptureLength() > 2 {
				for i := 2; i < md.CaptureLength(); i += 2 {
					l.Push(capture(s, md, i))
					n++
				}
			} else {
				l.Push(lua.LString(whole))
				n = 1
			}
			l.Call(n, 1)
			v := l.Get(-1)
			l.Pop(1)
			if lua.LVIsFalse(v) {
				b.WriteString(whole)
			} else if lua.LVCanConvToString(v) {
				b.WriteString(lua.LVAsString(v))
			} else {
				l.RaiseError("invalid replacement value (a %s)", v.Type().String())
			}
		}
		if b.Len() > MaxStringLen {
			l.RaiseError("string.gsub: result longer than %d bytes", MaxStringLen)
		}
	}
	b.WriteString(s[last:])
	if b.Len() > MaxStringLen {
		l.RaiseError("string.gsub: result longer than %d bytes", MaxStringLen)
	}
	l.Push(lua.LString(b.String()))
	l.Push(lua.LNumber(len(mds)))
	return 2
}

// capture returns capture idx (an even index into md) as a Lua value.
func capture(s string, md *pm.MatchData, idx int) lua.LValue {
	if md.IsPosCapture(idx) {
		return lua.LNumber(md.Capture(idx))
	}
	return lua.LString(s[md.Capture(idx):md.Capture(idx+1)])
}

// firstCapture is the first capture, or the whole match when the pattern has none.
func firstCapture(s string, md *pm.MatchData) lua.LValue {
	if md.CaptureLength() > 2 {
		return capture(s, md, 2)
	}
	return capture(s, md, 0)
}

// gsubExpand writes a string replacement: %0-%9 are captures, %x is x.
func gsubExpand(l *lua.LState, b *strings.Builder, s, repl string, md *pm.MatchData) {
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		if c != '%' || i+1 == len(repl) {
			b.WriteByte(c)
			continue
		}
		i++
		c = repl[i]
		if c < '0' || c > '9' {
			b.WriteByte(c)
			continue
		}
		idx := 2 * int(c-'0')
		switch {
		case idx == 0 || idx == 2 && md.CaptureLength() == 2:
			b.WriteString(s[md.Capture(0):md.Capture(1)])
		case idx >= md.CaptureLength():
			l.RaiseError("invalid capture index")
		default:
			b.WriteString(lua.LVAsString(capture(s, md, idx)))
		}
		if b.Len() > MaxStringLen {
			l.RaiseError("string.gsub: result longer than %d bytes", MaxStringLen)
		}
	}
}
