package script

import (
	"reflect"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
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
func (vm *VM) luaConcat(l *lua.LState) int {
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
	vm.call(l, 2)
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
