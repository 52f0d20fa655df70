package content

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/yuin/gopher-lua/parse"
)

// entry is one [[table]] of a TOML file, decoded generically so that every
// key can be checked (type, range, unknown) and located at its own line.
type entry struct {
	file       string
	index      int // 1-based position among the file's entries
	start, end int // lines of the entry: its header up to the next header; 0 when unknown
	lines      []string
	vals       map[string]any
	label      string // "npc 12", "portal": prefixes every message
}

func (e *entry) src() Source { return Source{File: e.file, Line: e.start} }

// keyLine returns the line of key inside the entry, or the entry's line.
func (e *entry) keyLine(key string) Source {
	if e.start > 0 {
		for n := e.start; n <= e.end && n <= len(e.lines); n++ {
			if lineDefinesKey(e.lines[n-1], key) {
				return Source{File: e.file, Line: n}
			}
		}
	}
	return e.src()
}

// lineDefinesKey reports whether line assigns key (bare or quoted), also as
// the first part of a dotted key.
func lineDefinesKey(line, key string) bool {
	s := strings.TrimSpace(line)
	for _, k := range []string{key, `"` + key + `"`, `'` + key + `'`} {
		if rest, ok := strings.CutPrefix(s, k); ok {
			rest = strings.TrimSpace(rest)
			if strings.HasPrefix(rest, "=") || strings.HasPrefix(rest, ".") {
				return true
			}
		}
	}
	return false
}

// decodeTable parses src (the file named file) and returns the entries of
// its array of tables named table. Other top-level keys are reported as
// unknown.
func (l *loader) decodeTable(file string, src []byte, table string, limit int) []*entry {
	var top map[string]any
	if _, err := toml.NewDecoder(bytes.NewReader(src)).Decode(&top); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			l.add(Source{File: file, Line: pe.Position.Line}, "TOML syntax: %s", pe.Message)
		} else {
			l.add(Source{File: file}, "TOML: %v", err)
		}
		return nil
	}
	lines := strings.Split(string(src), "\n")
	keys := make([]string, 0, len(top))
	for k := range top {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch {
		case k == table:
		case l.full(): // count it without searching for its line
			l.dropped++
		default:
			l.add(topKeyLine(file, lines, k), "unknown key %q (want [[%s]] entries)", k, table)
		}
	}
	raw, ok := top[table]
	if !ok {
		return nil
	}
	tables, ok := raw.([]map[string]any)
	if !ok {
		l.add(topKeyLine(file, lines, table), "%q must be a list of [[%s]] entries", table, table)
		return nil
	}
	if len(tables) > limit {
		l.add(Source{File: file}, "%d [[%s]] entries, more than the limit of %d", len(tables), table, limit)
		return nil
	}
	heads := headerLines(lines, table)
	if len(heads) != len(tables) {
		heads = nil // entries written another way (inline tables): lines unknown
	}
	out := make([]*entry, len(tables))
	for i, vals := range tables {
		e := &entry{file: file, index: i + 1, lines: lines, vals: vals, label: table}
		if heads != nil {
			e.start = heads[i]
			e.end = len(lines)
			if i+1 < len(heads) {
				e.end = heads[i+1] - 1
			}
		}
		out[i] = e
	}
	return out
}

// topKeyLine finds the line defining the top-level key k.
func topKeyLine(file string, lines []string, k string) Source {
	for i, line := range lines {
		s := strings.TrimSpace(stripComment(line))
		s = strings.TrimSpace(strings.Trim(s, "[]"))
		if s == k || strings.HasPrefix(s, k+".") || lineDefinesKey(line, k) {
			return Source{File: file, Line: i + 1}
		}
	}
	return Source{File: file}
}

// headerLines returns the 1-based lines of the [[table]] headers, skipping
// lines inside multi-line strings.
func headerLines(lines []string, table string) []int {
	var out []int
	inString := ""
	for i, line := range lines {
		if inString != "" {
			if strings.Count(line, inString)%2 == 1 {
				inString = ""
			}
			continue
		}
		for _, q := range []string{`"""`, `'''`} {
			if strings.Count(line, q)%2 == 1 {
				inString = q
			}
		}
		if inString != "" {
			continue
		}
		s := strings.TrimSpace(stripComment(line))
		if strings.HasPrefix(s, "[[") && strings.HasSuffix(s, "]]") &&
			strings.TrimSpace(s[2:len(s)-2]) == table {
			out = append(out, i+1)
		}
	}
	return out
}

// stripComment removes a trailing # comment outside a quoted string.
func stripComment(line string) string {
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#':
			return line[:i]
		}
	}
	return line
}

// fields reads the keys of one entry, collecting problems in the loader.
type fields struct {
	l       *loader
	e       *entry
	allowed map[string]bool
}

func (l *loader) fields(e *entry, keys ...string) *fields {
	f := &fields{l: l, e: e, allowed: map[string]bool{}}
	for _, k := range keys {
		f.allowed[k] = true
	}
	return f
}

func (f *fields) add(src Source, format string, args ...any) {
	f.l.add(src, "%s: %s", f.e.label, fmt.Sprintf(format, args...))
}

// unknown reports every key of the entry that is not allowed.
func (f *fields) unknown() {
	keys := make([]string, 0, len(f.e.vals))
	for k := range f.e.vals {
		if !f.allowed[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		f.add(f.e.keyLine(k), "unknown key %q", k)
	}
}

// has reports whether key is present.
func (f *fields) has(key string) bool {
	_, ok := f.e.vals[key]
	return ok
}

// int reads an integer key in [lo, hi]. ok is false when it is missing
// (reported if required) or invalid (always reported).
func (f *fields) int(key string, required bool, lo, hi int64) (v int64, ok bool) {
	raw, present := f.e.vals[key]
	if !present {
		if required {
			f.add(f.e.src(), "missing required key %q", key)
		}
		return 0, false
	}
	n, isInt := raw.(int64)
	if !isInt {
		f.add(f.e.keyLine(key), "%s must be an integer, not %s", key, tomlType(raw))
		return 0, false
	}
	if n < lo || n > hi {
		f.add(f.e.keyLine(key), "%s = %d out of range %d–%d", key, n, lo, hi)
		return 0, false
	}
	return n, true
}

// num is int for an entry being checked: the value, or 0 when it is missing
// or invalid; a required key missing, or a present key invalid, clears
// *valid.
func (f *fields) num(valid *bool, key string, required bool, lo, hi int64) int64 {
	v, ok := f.int(key, required, lo, hi)
	if !ok && (required || f.has(key)) {
		*valid = false
	}
	return v
}

// name reads the required key "name" and checks it with check; a missing,
// mistyped or refused name is reported and clears *valid (a refused one is
// still returned, for the messages that follow).
func (f *fields) name(valid *bool, check func(string) error) string {
	name, ok := f.str("name", true)
	if !ok {
		*valid = false
		return ""
	}
	if err := check(name); err != nil {
		f.add(f.e.keyLine("name"), "%v", err)
		*valid = false
	}
	return name
}

// option is one value a word key may take, as written in the file.
type option[T any] struct {
	word string
	v    T
}

// oneOf reads the required string key, which must be one of opts' words,
// and returns its value; a missing or unknown word is reported (listing the
// words) and clears *valid, and the zero value is returned.
func oneOf[T any](f *fields, valid *bool, key string, opts []option[T]) T {
	var zero T
	s, ok := f.str(key, true)
	if !ok {
		*valid = false
		return zero
	}
	for _, o := range opts {
		if o.word == s {
			return o.v
		}
	}
	want := ""
	for i, o := range opts {
		switch {
		case i == 0:
		case i == len(opts)-1:
			want += " or "
		default:
			want += ", "
		}
		want += strconv.Quote(o.word)
	}
	f.add(f.e.keyLine(key), "%s = %q: want %s", key, s, want)
	*valid = false
	return zero
}

// str reads a string key.
func (f *fields) str(key string, required bool) (string, bool) {
	raw, present := f.e.vals[key]
	if !present {
		if required {
			f.add(f.e.src(), "missing required key %q", key)
		}
		return "", false
	}
	s, isStr := raw.(string)
	if !isStr {
		f.add(f.e.keyLine(key), "%s must be a string, not %s", key, tomlType(raw))
		return "", false
	}
	return s, true
}

func tomlType(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case []any, []map[string]any:
		return "an array"
	case map[string]any:
		return "a table"
	default:
		return "a date or time"
	}
}

// validName reports whether s is an acceptable NPC name.
func validName(s string) error {
	if s == "" {
		return errors.New("name is empty")
	}
	if len(s) > MaxNameLen {
		return fmt.Errorf("name %q is %d bytes, longer than %d", s, len(s), MaxNameLen)
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return fmt.Errorf("name %q must be printable ASCII without spaces", s)
		}
	}
	return nil
}

// validScriptName reports whether s names a file directly in scripts/.
func validScriptName(s string) bool {
	return s != "" && len(s) <= scriptNameMaxLength && strings.HasSuffix(s, ScriptExt) &&
		len(s) > len(ScriptExt) && !strings.ContainsAny(s, `/\`) && path.Clean(s) == s
}

// luaSyntax parses a Lua script; bad is true with the line and message of
// the first syntax error.
func luaSyntax(src []byte, name string) (line int, msg string, bad bool) {
	_, err := parse.Parse(bytes.NewReader(src), name)
	if err == nil {
		return 0, "", false
	}
	var pe *parse.Error
	if !errors.As(err, &pe) {
		return 0, fmt.Sprintf("Lua syntax error: %v", err), true
	}
	line = pe.Pos.Line
	if line == parse.EOF {
		line = bytes.Count(src, []byte("\n")) + 1
		return line, fmt.Sprintf("Lua syntax error at end of file: %s", strings.TrimSpace(pe.Message)), true
	}
	return line, fmt.Sprintf("Lua syntax error near %q: %s", pe.Token, strings.TrimSpace(pe.Message)), true
}
