// Package script runs NPC dialogs written in Lua (gopher-lua, Lua 5.1).
//
// A script file is one dialog: clicking the NPC runs the file's chunk from the top in a fresh
// environment, and the chunk talks to the player through a small API (ask, input, say,
// teleport, get/set, ...; see docs/SCRIPTING.md). A [Library] holds every script compiled once;
// it is immutable and shared by all map goroutines. A [VM] belongs to one map goroutine and runs
// that map's dialogs on it: [VM.Start] runs a script until it shows a [Page] or ends, and
// [Dialog.Answer] resumes it with the player's choice.
//
// Every run (a Start or an Answer) has an instruction budget, a dialog has a page budget, and a
// script error ends only its dialog: the VM stays usable and nothing panics.
package script

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// Ext is the file name extension of a script; the script's name is its path without it.
const Ext = ".lua"

// MaxScriptSize is the largest script file Compile accepts, in bytes.
const MaxScriptSize = 256 << 10

// Library is a set of compiled scripts, keyed by name. It is immutable and safe to share
// between goroutines; reloading scripts means compiling a new Library.
type Library struct {
	protos map[string]*lua.FunctionProto
}

// Compile compiles every script in files, keyed by file path ("guide.lua", "town/teleporter.lua").
// The script's name is the path without the ".lua" extension. Every file that fails is reported,
// each as "path:line: message", joined into one error; on any error no Library is returned.
func Compile(files map[string][]byte) (*Library, error) {
	names := make([]string, 0, len(files))
	for p := range files {
		names = append(names, p)
	}
	sort.Strings(names)
	lib := &Library{protos: make(map[string]*lua.FunctionProto, len(files))}
	var errs []error
	for _, p := range names {
		name := strings.TrimSuffix(p, Ext)
		if name == "" {
			errs = append(errs, fmt.Errorf("%q: empty script name", p))
			continue
		}
		if _, dup := lib.protos[name]; dup {
			errs = append(errs, fmt.Errorf("%s: duplicate script name %q", p, name))
			continue
		}
		proto, err := compileOne(p, files[p])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		lib.protos[name] = proto
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("compile scripts: %w", errors.Join(errs...))
	}
	return lib, nil
}

// CompileFS compiles every *.lua file under fsys (recursively), as Compile does.
func CompileFS(fsys fs.FS) (*Library, error) {
	files := make(map[string][]byte)
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || path.Ext(p) != Ext {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		files[p] = b
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read scripts: %w", err)
	}
	return Compile(files)
}

// compileOne parses and compiles one file; the chunk's source name is the file path, so runtime
// errors read "path:line: message".
func compileOne(file string, src []byte) (proto *lua.FunctionProto, err error) {
	if len(src) > MaxScriptSize {
		return nil, fmt.Errorf("%s: %d bytes, more than %d", file, len(src), MaxScriptSize)
	}
	defer func() {
		// gopher-lua's compiler re-panics on anything but its own CompileError.
		if r := recover(); r != nil {
			proto, err = nil, fmt.Errorf("%s: compile: %v", file, r)
		}
	}()
	chunk, err := parse.Parse(bytes.NewReader(src), file)
	if err != nil {
		var pe *parse.Error
		if errors.As(err, &pe) {
			if pe.Pos.Line == parse.EOF {
				return nil, fmt.Errorf("%s:%d: %s at end of file", file, bytes.Count(src, []byte("\n"))+1, pe.Message)
			}
			return nil, fmt.Errorf("%s:%d: %s near '%s'", file, pe.Pos.Line, pe.Message, pe.Token)
		}
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	rewriteConcat(chunk)
	proto, err = lua.Compile(chunk, file)
	if err != nil {
		var ce *lua.CompileError
		if errors.As(err, &ce) {
			return nil, fmt.Errorf("%s:%d: %s", file, ce.Line, ce.Message)
		}
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return proto, nil
}

// Has reports whether the library holds a script of that name.
func (l *Library) Has(name string) bool {
	_, ok := l.protos[name]
	return ok
}

// Names returns the names of every script, sorted.
func (l *Library) Names() []string {
	names := make([]string, 0, len(l.protos))
	for n := range l.protos {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
