package script

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"testing"
)

// fakePlayer records what a script did to it.
type fakePlayer struct {
	name      string
	level     int
	class     int
	mapID     uint32
	x, y      uint16
	said      []string
	teleports []teleport
	failTele  error
	vars      map[string]string
	setCalls  int
	money     uint32
	items     map[uint32]int // item type → count in the inventory
	room      int            // free inventory slots
}

type teleport struct {
	mapID uint32
	x, y  uint16
}

func newPlayer() *fakePlayer {
	return &fakePlayer{name: "Ada", level: 15, class: 40, mapID: 1010, x: 61, y: 109, vars: map[string]string{}}
}

func (p *fakePlayer) Name() string            { return p.name }
func (p *fakePlayer) Level() int              { return p.level }
func (p *fakePlayer) Class() int              { return p.class }
func (p *fakePlayer) MapID() uint32           { return p.mapID }
func (p *fakePlayer) Position() (x, y uint16) { return p.x, p.y }
func (p *fakePlayer) Say(text string)         { p.said = append(p.said, text) }
func (p *fakePlayer) Teleport(m uint32, x, y uint16) error {
	if p.failTele != nil {
		return p.failTele
	}
	p.teleports = append(p.teleports, teleport{m, x, y})
	return nil
}
func (p *fakePlayer) Var(k string) (string, bool) { v, ok := p.vars[k]; return v, ok }
func (p *fakePlayer) SetVar(k, v string) error {
	p.setCalls++
	if v == "" {
		delete(p.vars, k)
	} else {
		p.vars[k] = v
	}
	return nil
}
func (p *fakePlayer) VarCount() int { return len(p.vars) }
func (p *fakePlayer) Money() uint32 { return p.money }
func (p *fakePlayer) GiveMoney(n uint32) bool {
	if uint64(p.money)+uint64(n) > 1<<32-1 {
		return false
	}
	p.money += n
	return true
}
func (p *fakePlayer) TakeMoney(n uint32) bool {
	if n > p.money {
		return false
	}
	p.money -= n
	return true
}
func (p *fakePlayer) GiveItem(t uint32, n int) bool {
	if n > p.room || t == 1 { // type 1: unknown
		return false
	}
	if p.items == nil {
		p.items = map[uint32]int{}
	}
	p.items[t] += n
	p.room -= n
	return true
}
func (p *fakePlayer) TakeItem(t uint32, n int) bool {
	if p.items[t] < n {
		return false
	}
	p.items[t] -= n
	p.room += n
	return true
}
func (p *fakePlayer) ItemCount(t uint32) int { return p.items[t] }

var testNPC = NPC{ID: 1201, Name: "Orla"}

// compile compiles sources keyed by file name, failing the test on error.
func compile(t testing.TB, srcs map[string]string) *Library {
	t.Helper()
	files := make(map[string][]byte, len(srcs))
	for k, v := range srcs {
		files[k] = []byte(v)
	}
	lib, err := Compile(files)
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// newVM returns a VM over srcs whose log goes to buf.
func newVM(t testing.TB, srcs map[string]string) (*VM, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	vm := NewVM(compile(t, srcs), slog.New(slog.NewTextHandler(&buf, nil)))
	t.Cleanup(vm.Close)
	return vm, &buf
}

// testdataVM returns a VM over script/testdata.
func testdataVM(t testing.TB) *VM {
	t.Helper()
	lib, err := CompileFS(os.DirFS("testdata"))
	if err != nil {
		t.Fatal(err)
	}
	vm := NewVM(lib, nil)
	t.Cleanup(vm.Close)
	return vm
}

// runOnce starts the one script "s" with src and returns its first result.
func runOnce(t *testing.T, src string, p *fakePlayer) (*Dialog, Page, bool, error) {
	t.Helper()
	vm, _ := newVM(t, map[string]string{"s.lua": src})
	return vm.Start("s", testNPC, p)
}

func isScriptError(err error, target error) bool {
	var se *Error
	return errors.As(err, &se) && (target == nil || errors.Is(err, target))
}
