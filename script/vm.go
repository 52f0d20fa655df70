package script

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// Budgets of one VM and of the dialogs it runs.
const (
	// MaxInstructions is the most Lua VM instructions one run (a Start or an Answer) may execute
	// before the dialog ends with ErrBudget (about 10 ms of plain Lua on the development machine).
	MaxInstructions = 500_000
	// MaxPages is the most pages (ask or input) one dialog may show; one more ends it with
	// ErrPageLimit.
	MaxPages = 64
	// MaxCallDepth is the deepest Lua call stack; deeper recursion is a script error.
	MaxCallDepth = 200
	// RegistrySize is the initial size, in values, of a dialog's Lua data stack.
	RegistrySize = 256
	// maxFreeThreads is how many finished Lua threads a VM keeps for reuse.
	maxFreeThreads = 8
	// MaxRegistrySize is the largest a dialog's Lua data stack may grow, in values (unpack of a
	// huge range, deep recursion with many locals); beyond it is a script error.
	MaxRegistrySize = 64 * 1024
	// RegistryGrowStep is how many values a dialog's data stack grows by at a time (gopher-lua
	// copies the stack on each growth: small steps make a huge unpack quadratic).
	RegistryGrowStep = 4096
)

// wait is what a suspended dialog waits for.
type wait uint8

const (
	waitNone  wait = iota
	waitAsk        // an option index
	waitInput      // typed text
)

// VM runs dialogs on one goroutine (a map's): one Lua state whose globals are the sandboxed
// API. It must never be used from two goroutines.
type VM struct {
	l       *lua.LState
	lib     *Library
	log     *slog.Logger
	globals *lua.LTable // the API and the safe libraries, read-only for scripts
	envMeta *lua.LTable // metatable of every dialog's environment: globals behind __index
	budget  budget
	cur     *Dialog       // the dialog running now, nil between runs
	free    []*lua.LState // threads of dialogs that ran to their end, for reuse
	closed  bool
}

// NewVM returns a VM that starts dialogs from lib and writes the scripts' log() lines to log (nil
// discards them). Script errors are returned, not logged: the caller logs them.
func NewVM(lib *Library, log *slog.Logger) *VM {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l := lua.NewState(lua.Options{
		SkipOpenLibs:        true,
		CallStackSize:       MaxCallDepth,
		RegistrySize:        RegistrySize,
		RegistryMaxSize:     MaxRegistrySize,
		RegistryGrowStep:    RegistryGrowStep,
		MinimizeStackMemory: true,
	})
	vm := &VM{l: l, lib: lib, log: log}
	vm.budget.stop = make(chan struct{})
	close(vm.budget.stop)
	vm.budget.vm = vm
	vm.globals = vm.sandbox()
	vm.envMeta = l.NewTable()
	vm.envMeta.RawSetString("__index", vm.globals)
	vm.envMeta.RawSetString("__metatable", lua.LFalse)
	return vm
}

// SetLibrary makes later Starts use lib; dialogs already running keep their code.
func (vm *VM) SetLibrary(lib *Library) { vm.lib = lib }

// Close releases the Lua state. Dialogs of a closed VM end with ErrEnded.
func (vm *VM) Close() {
	if !vm.closed {
		vm.closed = true
		vm.l.Close()
	}
}

// Dialog is one running conversation between a player and an NPC script, suspended on a page.
type Dialog struct {
	vm     *VM
	name   string
	npc    NPC
	player Player
	th     *lua.LState // nil once ended
	fn     *lua.LFunction
	page   Page // the page shown, while waiting
	wait   wait
	pages  int // pages shown so far
	face   int // face id for the next page

	yielded    bool // the current run asked a page or teleported
	teleported bool
	pageLimit  bool
	cancelled  bool // Cancel was called during the run
}

// Script returns the name of the dialog's script.
func (d *Dialog) Script() string { return d.name }

// Page returns the page the dialog waits on.
func (d *Dialog) Page() Page { return d.page }

// Error is a script that failed at run time: Message is Lua's "file:line: message".
// It unwraps to ErrBudget or ErrPageLimit when one of those ended it.
type Error struct {
	Script  string // the script's name
	Message string // Lua's message, "file:line: message" when Lua knows the line
	Err     error  // ErrBudget, ErrPageLimit or nil
}

// Error returns "script NAME: file:line: message".
func (e *Error) Error() string { return "script " + e.Script + ": " + e.Message }

// Unwrap returns ErrBudget, ErrPageLimit or nil.
func (e *Error) Unwrap() error { return e.Err }

// Start runs the script name for p clicking npc, until it shows its first page (done false, the
// Dialog waits for Answer) or ends (done true, no Dialog). A script error ends it with an *Error.
func (vm *VM) Start(name string, npc NPC, p Player) (d *Dialog, page Page, done bool, err error) {
	if vm.closed {
		return nil, Page{}, true, fmt.Errorf("start script %q: %w", name, ErrEnded)
	}
	if vm.cur != nil {
		return nil, Page{}, true, fmt.Errorf("start script %q: %w", name, ErrBusy)
	}
	var proto *lua.FunctionProto
	ok := false
	if vm.lib != nil {
		proto, ok = vm.lib.protos[name]
	}
	if !ok {
		return nil, Page{}, true, fmt.Errorf("start script %q: %w", name, ErrNoScript)
	}
	var th *lua.LState
	if n := len(vm.free); n > 0 {
		th, vm.free = vm.free[n-1], vm.free[:n-1]
	} else {
		th, _ = vm.l.NewThread() // the VM's own state has no context, so there is no cancel func
		th.SetContext(&vm.budget)
	}
	fn := vm.l.NewFunctionFromProto(proto)
	env := vm.l.CreateTable(0, 4)
	env.Metatable = vm.envMeta
	fn.Env = env
	d = &Dialog{vm: vm, name: name, npc: npc, player: p, th: th, fn: fn}
	page, done, err = d.run()
	if done {
		return nil, page, true, err
	}
	return d, page, false, nil
}

// Answer resumes the dialog with the player's answer: option is the 1-based option of an ask
// page, text the typed text of an input page. An answer that does not fit the page returns
// ErrInvalidAnswer and leaves the dialog waiting on the same page.
func (d *Dialog) Answer(option int, text string) (page Page, done bool, err error) {
	if d.th == nil || d.vm.closed {
		return Page{}, true, fmt.Errorf("answer script %q: %w", d.name, ErrEnded)
	}
	if d.vm.cur != nil {
		return Page{}, false, fmt.Errorf("answer script %q: %w", d.name, ErrBusy)
	}
	var arg lua.LValue
	switch d.wait {
	case waitAsk:
		if option < 1 || option > len(d.page.Options) {
			return d.page, false, fmt.Errorf("answer script %q: option %d of %d: %w", d.name, option, len(d.page.Options), ErrInvalidAnswer)
		}
		arg = lua.LNumber(option)
	case waitInput:
		if len(text) > d.page.MaxInput {
			return d.page, false, fmt.Errorf("answer script %q: text of %d bytes, at most %d: %w", d.name, len(text), d.page.MaxInput, ErrInvalidAnswer)
		}
		arg = lua.LString(text)
	default:
		return Page{}, true, fmt.Errorf("answer script %q: not waiting: %w", d.name, ErrEnded)
	}
	return d.run(arg)
}

// Cancel drops the dialog (the player closed it, walked away, changed map or logged out); the
// script never resumes. Cancelling an ended dialog does nothing.
func (d *Dialog) Cancel() {
	if d.vm.cur == d {
		d.cancelled = true // called from a host callback of this very dialog: end it when the run returns
		return
	}
	d.end()
}

func (d *Dialog) end() {
	if d.th != nil && !d.vm.closed {
		d.th.Close()
	}
	d.th, d.fn, d.wait, d.page = nil, nil, waitNone, Page{}
}

// run resumes the dialog's thread with args under a fresh instruction budget.
func (d *Dialog) run(args ...lua.LValue) (page Page, done bool, err error) {
	vm := d.vm
	vm.cur = d
	vm.budget.reset()
	d.yielded, d.wait = false, waitNone
	st, rerr := vm.resume(d.th, d.fn, args...)
	vm.cur = nil
	if rerr != nil {
		e := &Error{Script: d.name, Message: rerr.Error()}
		var ae *lua.ApiError
		if errors.As(rerr, &ae) {
			e.Message = ae.Object.String()
		}
		if src := d.fn.Proto.SourceName; !strings.HasPrefix(e.Message, src+":") {
			e.Message = src + ": " + e.Message // errors raised outside a Lua line (stack overflow)
		}
		switch {
		case vm.budget.exceeded && !d.yielded:
			e.Err = ErrBudget
		case d.pageLimit:
			e.Err = ErrPageLimit
		}
		d.end()
		return Page{}, true, e
	}
	if st == lua.ResumeOK && len(vm.free) < maxFreeThreads {
		// The chunk returned: the thread's call stack is empty and its upvalues closed, so it can
		// run the next dialog. gopher-lua marks a finished thread dead (it would be a finished
		// coroutine) without touching anything else (LState.kill, v1.1.2); undo that.
		d.th.Dead = false
		d.th.SetTop(0)
		vm.free = append(vm.free, d.th)
		d.th = nil
	}
	if st == lua.ResumeOK || d.teleported || d.cancelled || d.wait == waitNone {
		d.end()
		return Page{}, true, nil
	}
	return d.page, false, nil
}

// resume runs th; a Go panic escaping gopher-lua (a yield it could not handle) becomes an error.
func (vm *VM) resume(th *lua.LState, fn *lua.LFunction, args ...lua.LValue) (st lua.ResumeState, err error) {
	top := vm.l.GetTop()
	cur := vm.l.G.CurrentThread
	defer func() {
		if r := recover(); r != nil {
			vm.l.SetTop(top)
			vm.l.G.CurrentThread = cur
			if lv, ok := r.(*lua.ApiError); ok {
				err = lv
				return
			}
			err = fmt.Errorf("lua panic: %v", r)
		}
	}()
	st, err, _ = vm.l.Resume(th, fn, args...)
	return st, err
}

// budget is the context.Context of every dialog thread. gopher-lua v1.1.2 calls Done once per VM
// instruction when a context is set (vm.go, mainLoopWithContext) and raises Err's message at
// the current line when Done is ready: we count instructions there, deterministically and
// without timers. Done also stops a run that goes on after a page was asked from a place
// gopher-lua cannot suspend (pcall, a metamethod, a library callback).
type budget struct {
	vm       *VM
	left     int
	exceeded bool
	misuse   bool
	stop     chan struct{} // closed once at NewVM
}

func (b *budget) reset() { b.left, b.exceeded, b.misuse = MaxInstructions, false, false }

// errYieldAcross is raised when a script asks a page from inside pcall, a metamethod or a
// library callback, where the dialog cannot be suspended.
var errYieldAcross = errors.New("ask, input and teleport cannot be called inside pcall, a metamethod or a callback")

func (b *budget) Deadline() (time.Time, bool) { return time.Time{}, false }

func (b *budget) Done() <-chan struct{} {
	if d := b.vm.cur; d != nil && d.yielded {
		b.misuse = true
		return b.stop
	}
	b.left--
	if b.left < 0 {
		b.exceeded = true
		return b.stop
	}
	return nil
}

func (b *budget) Err() error {
	switch {
	case b.misuse:
		return errYieldAcross
	case b.exceeded:
		return ErrBudget
	}
	return nil
}

func (b *budget) Value(any) any { return nil }

// call calls the function below the nargs arguments on l's stack for one result, from a Go
// function of the API, and refuses a page asked inside it: gopher-lua cannot suspend a dialog
// there, and its stack is no longer the caller's.
func (vm *VM) call(l *lua.LState, nargs int) {
	l.Call(nargs, 1)
	if d := vm.cur; d != nil && d.yielded {
		vm.budget.misuse = true
		l.RaiseError("%s", errYieldAcross.Error())
	}
}
