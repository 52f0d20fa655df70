package script

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Lua 5.1 patterns (lstrlib.c), re-implemented so that matching counts against the run's
// instruction budget: gopher-lua's matcher cannot be interrupted, and a pattern such as
// ".-.-.-.-b" on a few hundred bytes runs for minutes. string.find, match, gmatch and gsub use it.

const (
	// maxCaptures is the most captures one pattern may have (Lua's LUA_MAXCAPTURES).
	maxCaptures = 32
	// maxMatchDepth is the deepest recursion of the matcher (Lua 5.2's MAXCCALLS).
	maxMatchDepth = 200
	// patternSpecials are the characters that make string.find match a pattern, not plain text.
	patternSpecials = "^$*+?.([%-"
)

const (
	capUnfinished = -1
	capPosition   = -2
)

type capture struct{ init, len int }

// matcher is lstrlib's MatchState.
type matcher struct {
	l       *lua.LState
	b       *budget
	src     string
	pat     string
	level   int
	depth   int
	capture [maxCaptures]capture
}

// step spends one unit of the run's instruction budget.
func (m *matcher) step() {
	m.b.left--
	if m.b.left < 0 {
		m.b.exceeded = true
		m.l.RaiseError("%s", ErrBudget.Error())
	}
}

func (m *matcher) classEnd(p int) int {
	pat := m.pat
	c := pat[p]
	p++
	switch c {
	case '%':
		if p >= len(pat) {
			m.l.RaiseError("%s", "malformed pattern (ends with '%')")
		}
		return p + 1
	case '[':
		if p < len(pat) && pat[p] == '^' {
			p++
		}
		for { // look for a ']'
			if p >= len(pat) {
				m.l.RaiseError("malformed pattern (missing ']')")
			}
			c := pat[p]
			p++
			if c == '%' && p < len(pat) {
				p++
			}
			if p < len(pat) && pat[p] == ']' {
				return p + 1
			}
			if p >= len(pat) {
				m.l.RaiseError("malformed pattern (missing ']')")
			}
		}
	}
	return p
}

func matchClass(c, cl byte) bool {
	var res bool
	lower := cl | 0x20
	switch lower {
	case 'a':
		res = isAlpha(c)
	case 'c':
		res = c < 32 || c == 127
	case 'd':
		res = c >= '0' && c <= '9'
	case 'l':
		res = c >= 'a' && c <= 'z'
	case 'p':
		res = isPunct(c)
	case 's':
		res = c == ' ' || c >= '\t' && c <= '\r'
	case 'u':
		res = c >= 'A' && c <= 'Z'
	case 'w':
		res = isAlpha(c) || c >= '0' && c <= '9'
	case 'x':
		res = c >= '0' && c <= '9' || lower2(c) >= 'a' && lower2(c) <= 'f'
	case 'z':
		res = c == 0
	default:
		return cl == c
	}
	if cl >= 'A' && cl <= 'Z' {
		return !res
	}
	return res
}

func lower2(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 32
	}
	return c
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isPunct(c byte) bool {
	return c > 32 && c < 127 && !isAlpha(c) && !(c >= '0' && c <= '9')
}

// matchBracket matches c against the set pat[p:ec], p at '[' and ec at ']'.
func (m *matcher) matchBracket(c byte, p, ec int) bool {
	pat := m.pat
	sig := true
	if pat[p+1] == '^' {
		sig = false
		p++
	}
	for p++; p < ec; p++ {
		switch {
		case pat[p] == '%':
			p++
			if matchClass(c, pat[p]) {
				return sig
			}
		case p+2 < ec && pat[p+1] == '-':
			p += 2
			if pat[p-2] <= c && c <= pat[p] {
				return sig
			}
		case pat[p] == c:
			return sig
		}
	}
	return !sig
}

func (m *matcher) singleMatch(s, p, ep int) bool {
	if s >= len(m.src) {
		return false
	}
	c := m.src[s]
	switch m.pat[p] {
	case '.':
		return true
	case '%':
		return matchClass(c, m.pat[p+1])
	case '[':
		return m.matchBracket(c, p, ep-1)
	}
	return m.pat[p] == c
}

// doMatch returns the end of the match of pat[p:] at src[s:], or -1.
func (m *matcher) doMatch(s, p int) int {
	m.depth++
	if m.depth > maxMatchDepth {
		m.l.RaiseError("pattern too complex")
	}
	defer func() { m.depth-- }()
	pat := m.pat
	for {
		m.step()
		if p >= len(pat) {
			return s
		}
		switch pat[p] {
		case '(':
			if p+1 < len(pat) && pat[p+1] == ')' {
				return m.startCapture(s, p+2, capPosition)
			}
			return m.startCapture(s, p+1, capUnfinished)
		case ')':
			return m.endCapture(s, p+1)
		case '%':
			if p+1 < len(pat) {
				switch c := pat[p+1]; {
				case c == 'b':
					s = m.matchBalance(s, p+2)
					if s == -1 {
						return -1
					}
					p += 4
					continue
				case c == 'f':
					p += 2
					if p >= len(pat) || pat[p] != '[' {
						m.l.RaiseError("%s", "missing '[' after '%f' in pattern")
					}
					ep := m.classEnd(p)
					var prev, cur byte
					if s > 0 {
						prev = m.src[s-1]
					}
					if s < len(m.src) {
						cur = m.src[s]
					}
					if !m.matchBracket(prev, p, ep-1) && m.matchBracket(cur, p, ep-1) {
						p = ep
						continue
					}
					return -1
				case c >= '0' && c <= '9':
					s = m.matchCapture(s, c)
					if s == -1 {
						return -1
					}
					p += 2
					continue
				}
			}
		case '$':
			if p+1 == len(pat) {
				if s == len(m.src) {
					return s
				}
				return -1
			}
		}
		ep := m.classEnd(p)
		matched := m.singleMatch(s, p, ep)
		var next byte
		if ep < len(pat) {
			next = pat[ep]
		}
		switch next {
		case '?':
			if matched {
				if res := m.doMatch(s+1, ep+1); res != -1 {
					return res
				}
			}
			p = ep + 1
			continue
		case '*':
			return m.maxExpand(s, p, ep)
		case '+':
			if matched {
				return m.maxExpand(s+1, p, ep)
			}
			return -1
		case '-':
			return m.minExpand(s, p, ep)
		}
		if !matched {
			return -1
		}
		s++
		p = ep
	}
}

func (m *matcher) maxExpand(s, p, ep int) int {
	i := 0
	for m.singleMatch(s+i, p, ep) {
		m.step()
		i++
	}
	for ; i >= 0; i-- {
		if res := m.doMatch(s+i, ep+1); res != -1 {
			return res
		}
	}
	return -1
}

func (m *matcher) minExpand(s, p, ep int) int {
	for {
		if res := m.doMatch(s, ep+1); res != -1 {
			return res
		}
		if !m.singleMatch(s, p, ep) {
			return -1
		}
		s++
	}
}

func (m *matcher) startCapture(s, p, what int) int {
	if m.level >= maxCaptures {
		m.l.RaiseError("too many captures")
	}
	m.capture[m.level] = capture{s, what}
	m.level++
	res := m.doMatch(s, p)
	if res == -1 {
		m.level--
	}
	return res
}

func (m *matcher) endCapture(s, p int) int {
	l := -1
	for i := m.level - 1; i >= 0; i-- {
		if m.capture[i].len == capUnfinished {
			l = i
			break
		}
	}
	if l < 0 {
		m.l.RaiseError("invalid pattern capture")
	}
	m.capture[l].len = s - m.capture[l].init
	res := m.doMatch(s, p)
	if res == -1 {
		m.capture[l].len = capUnfinished
	}
	return res
}

func (m *matcher) matchBalance(s, p int) int {
	if p+1 >= len(m.pat) {
		m.l.RaiseError("unbalanced pattern")
	}
	if s >= len(m.src) || m.src[s] != m.pat[p] {
		return -1
	}
	b, e := m.pat[p], m.pat[p+1]
	cont := 1
	for s++; s < len(m.src); s++ {
		m.step()
		switch m.src[s] {
		case e:
			if cont--; cont == 0 {
				return s + 1
			}
		case b:
			cont++
		}
	}
	return -1
}

func (m *matcher) matchCapture(s int, c byte) int {
	l := int(c - '1')
	if l < 0 || l >= m.level || m.capture[l].len == capUnfinished {
		m.l.RaiseError("invalid capture index")
	}
	n := m.capture[l].len
	if len(m.src)-s >= n && m.src[m.capture[l].init:m.capture[l].init+n] == m.src[s:s+n] {
		return s + n
	}
	return -1
}

// oneCapture returns capture i of the match src[s:e] (the whole match when i is 0 and the
// pattern has no captures).
func (m *matcher) oneCapture(i, s, e int) lua.LValue {
	if i >= m.level {
		if i != 0 {
			m.l.RaiseError("invalid capture index")
		}
		return lua.LString(m.src[s:e])
	}
	c := m.capture[i]
	switch c.len {
	case capUnfinished:
		m.l.RaiseError("unfinished capture")
	case capPosition:
		return lua.LNumber(c.init + 1)
	}
	return lua.LString(m.src[c.init : c.init+c.len])
}

// pushCaptures pushes every capture (or the whole match if there is none and whole is true)
// and returns how many.
func (m *matcher) pushCaptures(s, e int, whole bool) int {
	n := m.level
	if n == 0 && whole {
		n = 1
	}
	for i := range n {
		m.l.Push(m.oneCapture(i, s, e))
	}
	return n
}

func (vm *VM) newMatcher(l *lua.LState, src, pat string) *matcher {
	return &matcher{l: l, b: &vm.budget, src: src, pat: pat}
}

// startIndex converts Lua's 1-based, possibly negative init to a 0-based offset in [0, n].
func startIndex(init, n int) int {
	if init < 0 {
		init += n + 1
	}
	init--
	return max(0, min(init, n))
}

func (vm *VM) strFind(l *lua.LState) int { return vm.findAux(l, true) }

func (vm *VM) strMatch(l *lua.LState) int { return vm.findAux(l, false) }

func (vm *VM) findAux(l *lua.LState, find bool) int {
	s := l.CheckString(1)
	pat := l.CheckString(2)
	init := startIndex(l.OptInt(3, 1), len(s))
	if find && (lua.LVAsBool(l.Get(4)) || !strings.ContainsAny(pat, patternSpecials)) {
		if i := strings.Index(s[init:], pat); i >= 0 {
			l.Push(lua.LNumber(init + i + 1))
			l.Push(lua.LNumber(init + i + len(pat)))
			return 2
		}
		l.Push(lua.LNil)
		return 1
	}
	m := vm.newMatcher(l, s, pat)
	p := 0
	anchor := len(pat) > 0 && pat[0] == '^'
	if anchor {
		p = 1
	}
	for s1 := init; ; s1++ {
		m.level = 0
		if e := m.doMatch(s1, p); e != -1 {
			if find {
				l.Push(lua.LNumber(s1 + 1))
				l.Push(lua.LNumber(e))
				return m.pushCaptures(-1, -1, false) + 2
			}
			return m.pushCaptures(s1, e, true)
		}
		if s1 >= len(s) || anchor {
			break
		}
	}
	l.Push(lua.LNil)
	return 1
}

func (vm *VM) strGmatch(l *lua.LState) int {
	s := l.CheckString(1)
	pat := l.CheckString(2)
	pos := 0
	l.Push(l.NewFunction(func(l *lua.LState) int {
		m := vm.newMatcher(l, s, pat)
		for src := pos; src <= len(s); src++ {
			m.level = 0
			if e := m.doMatch(src, 0); e != -1 {
				pos = e
				if e == src {
					pos++
				}
				return m.pushCaptures(src, e, true)
			}
		}
		pos = len(s) + 1
		return 0
	}))
	return 1
}

// strGsub is string.gsub: budgeted, linear in its output, and bounded by MaxStringLen
// (gopher-lua's copies the whole string once per match).
func (vm *VM) strGsub(l *lua.LState) int {
	s := l.CheckString(1)
	pat := l.CheckString(2)
	l.CheckTypes(3, lua.LTNumber, lua.LTString, lua.LTTable, lua.LTFunction)
	repl := l.Get(3)
	maxN := l.OptInt(4, len(s)+1)
	m := vm.newMatcher(l, s, pat)
	p := 0
	anchor := len(pat) > 0 && pat[0] == '^'
	if anchor {
		p = 1
	}
	var b strings.Builder
	src, n := 0, 0
loop:
	for n < maxN {
		m.level = 0
		e := m.doMatch(src, p)
		if e != -1 {
			n++
			m.addValue(&b, src, e, repl)
		}
		switch {
		case e != -1 && e > src:
			src = e
		case src < len(s):
			b.WriteByte(s[src])
			src++
		default:
			break loop // the end of the subject
		}
		if b.Len() > MaxStringLen {
			l.RaiseError("string.gsub: result longer than %d bytes", MaxStringLen)
		}
		if anchor {
			break
		}
	}
	if src < len(s) {
		b.WriteString(s[src:])
	}
	if b.Len() > MaxStringLen {
		l.RaiseError("string.gsub: result longer than %d bytes", MaxStringLen)
	}
	l.Push(lua.LString(b.String()))
	l.Push(lua.LNumber(n))
	return 2
}

// addValue writes the replacement of the match src[s:e].
func (m *matcher) addValue(b *strings.Builder, s, e int, repl lua.LValue) {
	l := m.l
	var v lua.LValue
	switch r := repl.(type) {
	case lua.LString, lua.LNumber:
		rs := lua.LVAsString(r)
		for i := 0; i < len(rs); i++ {
			c := rs[i]
			if c != '%' {
				b.WriteByte(c)
				continue
			}
			i++
			if i == len(rs) {
				break
			}
			c = rs[i]
			switch {
			case c < '0' || c > '9':
				b.WriteByte(c)
			case c == '0':
				b.WriteString(m.src[s:e])
			default:
				b.WriteString(lua.LVAsString(m.oneCapture(int(c-'1'), s, e)))
			}
			if b.Len() > MaxStringLen {
				l.RaiseError("string.gsub: result longer than %d bytes", MaxStringLen)
			}
		}
		return
	case *lua.LTable:
		v = l.GetTable(r, m.oneCapture(0, s, e))
	case *lua.LFunction:
		l.Push(r)
		n := m.pushCaptures(s, e, true)
		m.b.vm.call(l, n)
		v = l.Get(-1)
		l.Pop(1)
	}
	switch {
	case lua.LVIsFalse(v):
		b.WriteString(m.src[s:e])
	case lua.LVCanConvToString(v):
		b.WriteString(lua.LVAsString(v))
	default:
		l.RaiseError("invalid replacement value (a %s)", v.Type().String())
	}
}
