package script

import (
	"math"

	lua "github.com/yuin/gopher-lua"
)

// MaxItemsPerCall is the most items one give_item, take_item or has_item
// call moves or asks about: the 40 slots of the inventory.
const MaxItemsPerCall = 40

// Holder is a Player whose silver and inventory scripts may read and
// change: money, give_money, take_money, give_item, take_item, has_item and
// item_count (docs/SCRIPTING.md). Each method is one change the game does
// whole or not at all: a refusal returns false and changes nothing. With a
// Player that is not a Holder those functions are script errors.
type Holder interface {
	// Money returns the silver the character carries.
	Money() uint32
	// GiveMoney adds n silver, or returns false when the purse would pass
	// 2^32-1.
	GiveMoney(n uint32) bool
	// TakeMoney takes n silver, or returns false when the character has
	// less.
	TakeMoney(n uint32) bool
	// GiveItem puts n new items of the item type in the inventory, or
	// returns false (unknown type, not enough room).
	GiveItem(itemType uint32, n int) bool
	// TakeItem takes n items of the item type from the inventory (never
	// the equipment), or returns false when it holds fewer.
	TakeItem(itemType uint32, n int) bool
	// ItemCount returns how many items of the item type the inventory
	// holds.
	ItemCount(itemType uint32) int
}

// holder returns the running dialog's player as a Holder, raising a
// script error naming fn when the host does not offer one.
func (vm *VM) holder(l *lua.LState, fn string) Holder {
	h, ok := vm.dialog(l).player.(Holder)
	if !ok {
		l.RaiseError("%s() is not available", fn)
	}
	return h
}

// checkItemArgs returns the item type (argument 1) and the count
// (argument 2, 1 when absent) of an item call.
func checkItemArgs(l *lua.LState, fn string) (uint32, int) {
	t := checkInt(l, 1, fn, 1, math.MaxUint32)
	n := int64(1)
	if l.GetTop() >= 2 && l.Get(2) != lua.LNil {
		n = checkInt(l, 2, fn, 1, MaxItemsPerCall)
	}
	return uint32(t), int(n)
}

func (vm *VM) luaMoney(l *lua.LState) int {
	l.Push(lua.LNumber(vm.holder(l, "money").Money()))
	return 1
}

func (vm *VM) luaGiveMoney(l *lua.LState) int {
	h := vm.holder(l, "give_money")
	n := uint32(checkInt(l, 1, "give_money", 0, math.MaxUint32))
	l.Push(lua.LBool(n == 0 || h.GiveMoney(n)))
	return 1
}

func (vm *VM) luaTakeMoney(l *lua.LState) int {
	h := vm.holder(l, "take_money")
	n := uint32(checkInt(l, 1, "take_money", 0, math.MaxUint32))
	l.Push(lua.LBool(n == 0 || h.TakeMoney(n)))
	return 1
}

func (vm *VM) luaGiveItem(l *lua.LState) int {
	h := vm.holder(l, "give_item")
	t, n := checkItemArgs(l, "give_item")
	l.Push(lua.LBool(h.GiveItem(t, n)))
	return 1
}

func (vm *VM) luaTakeItem(l *lua.LState) int {
	h := vm.holder(l, "take_item")
	t, n := checkItemArgs(l, "take_item")
	l.Push(lua.LBool(h.TakeItem(t, n)))
	return 1
}

func (vm *VM) luaHasItem(l *lua.LState) int {
	h := vm.holder(l, "has_item")
	t, n := checkItemArgs(l, "has_item")
	l.Push(lua.LBool(h.ItemCount(t) >= n))
	return 1
}

func (vm *VM) luaItemCount(l *lua.LState) int {
	h := vm.holder(l, "item_count")
	t := checkInt(l, 1, "item_count", 1, math.MaxUint32)
	l.Push(lua.LNumber(h.ItemCount(uint32(t))))
	return 1
}
