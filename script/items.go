package script

import (
	"math"

	lua "github.com/yuin/gopher-lua"
)

// MaxItemsPerCall is the most items one give_item, take_item or has_item
// call moves or asks about: the 40 slots of the inventory.
const MaxItemsPerCall = 40

// The item and money API (docs/SCRIPTING.md). Each call is one change
// done whole or not at all by the game (Player): a refusal returns false
// and changes nothing; an argument of the wrong kind or out of range is a
// script error.

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
	l.Push(lua.LNumber(vm.dialog(l).player.Money()))
	return 1
}

func (vm *VM) luaGiveMoney(l *lua.LState) int {
	d := vm.dialog(l)
	n := uint32(checkInt(l, 1, "give_money", 0, math.MaxUint32))
	l.Push(lua.LBool(n == 0 || d.player.GiveMoney(n)))
	return 1
}

func (vm *VM) luaTakeMoney(l *lua.LState) int {
	d := vm.dialog(l)
	n := uint32(checkInt(l, 1, "take_money", 0, math.MaxUint32))
	l.Push(lua.LBool(n == 0 || d.player.TakeMoney(n)))
	return 1
}

func (vm *VM) luaGiveItem(l *lua.LState) int {
	d := vm.dialog(l)
	t, n := checkItemArgs(l, "give_item")
	l.Push(lua.LBool(d.player.GiveItem(t, n)))
	return 1
}

func (vm *VM) luaTakeItem(l *lua.LState) int {
	d := vm.dialog(l)
	t, n := checkItemArgs(l, "take_item")
	l.Push(lua.LBool(d.player.TakeItem(t, n)))
	return 1
}

func (vm *VM) luaHasItem(l *lua.LState) int {
	d := vm.dialog(l)
	t, n := checkItemArgs(l, "has_item")
	l.Push(lua.LBool(d.player.ItemCount(t) >= n))
	return 1
}

func (vm *VM) luaItemCount(l *lua.LState) int {
	d := vm.dialog(l)
	t := checkInt(l, 1, "item_count", 1, math.MaxUint32)
	l.Push(lua.LNumber(d.player.ItemCount(uint32(t))))
	return 1
}
