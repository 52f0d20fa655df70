package itemfile

import (
	"bytes"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/coserver/coserver/content"
)

// Keys of a Shop.dat section (world-content.md §3.7; CSv2). Other keys
// (Name, Type, Rebate…) are ignored; keys compare without case.
const (
	shopKeyID         = "ID"         // the NPC id, when the section's name is not one
	shopKeyItemAmount = "ItemAmount" // number of ItemN keys
	shopKeyItem       = "Item"       // Item0 … Item(ItemAmount-1): item type ids
	shopKeyMoneyType  = "MoneyType"  // 0 silver, anything else CPs
)

// ParseShops reads a Shop.dat: an INI file with one section per shop NPC.
// A section's NPC is its name when that is a number ("[20]"), else its ID
// key ("[Shop0]" with "ID=20"); sections with neither (such as "[Header]")
// are skipped. A shop section needs ItemAmount and every Item0…ItemN-1; its
// MoneyType is 0 (silver) when missing. Shops come back in file order, each
// with the file and line of its section header; file names it in errors.
// Items are not checked against any item table.
func ParseShops(data []byte, file string) ([]content.Shop, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if lines := bytes.Count(data, []byte("\n")) + 1; lines > MaxShops*(MaxShopItems+8) {
		return nil, errAt(file, 0, "%d lines, more than the limit of %d", lines, MaxShops*(MaxShopItems+8))
	}
	var shops []content.Shop
	var cur *section
	first := map[uint32]int{} // NPC id → line of its section
	flush := func() error {
		if cur == nil {
			return nil
		}
		s, ok, err := cur.shop(file)
		if err != nil || !ok {
			return err
		}
		if prev, dup := first[s.NPC]; dup {
			return errAt(file, cur.line, "npc %d: duplicate shop, first at line %d", s.NPC, prev)
		}
		if len(shops) >= MaxShops {
			return errAt(file, cur.line, "more than the limit of %d shops", MaxShops)
		}
		first[s.NPC] = cur.line
		shops = append(shops, s)
		return nil
	}
	for no, line := range strings.Split(string(data), "\n") {
		no++
		if len(line) > MaxLineLen {
			return nil, errAt(file, no, "line of %d bytes, more than the limit of %d", len(line), MaxLineLen)
		}
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, ";") || strings.HasPrefix(line, "//") || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			if !strings.HasSuffix(line, "]") {
				return nil, errAt(file, no, "section header %q has no closing ]", line)
			}
			if err := flush(); err != nil {
				return nil, err
			}
			cur = &section{name: strings.TrimSpace(line[1 : len(line)-1]), line: no, keys: map[string]keyValue{}}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				return nil, errAt(file, no, "want key=value, found %q", line)
			}
			if cur == nil {
				return nil, errAt(file, no, "key %q before any [section]", strings.TrimSpace(k))
			}
			k = strings.ToLower(strings.TrimSpace(k))
			if _, dup := cur.keys[k]; dup {
				return nil, errAt(file, no, "key %q given twice in section [%s]", strings.TrimSpace(k), cur.name)
			}
			if len(cur.keys) >= MaxShopItems+8 {
				return nil, errAt(file, no, "section [%s] has more than %d keys", cur.name, MaxShopItems+8)
			}
			cur.keys[k] = keyValue{value: strings.TrimSpace(v), line: no}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return shops, nil
}

// ReadShops reads and parses ShopPath of the client folder fsys.
func ReadShops(fsys fs.FS) ([]content.Shop, error) {
	data, err := ReadFile(fsys, ShopPath)
	if err != nil {
		return nil, err
	}
	return ParseShops(data, ShopPath)
}

// section is one [section] of a Shop.dat while it is read.
type section struct {
	name string
	line int
	keys map[string]keyValue // by lower-case key
}

type keyValue struct {
	value string
	line  int
}

// u32 returns the value of key as a u32; present is false when it is missing.
func (s *section) u32(file, key string) (v uint32, present bool, err error) {
	kv, ok := s.keys[strings.ToLower(key)]
	if !ok {
		return 0, false, nil
	}
	n, err := strconv.ParseUint(kv.value, 10, 32)
	if err != nil {
		return 0, true, errAt(file, kv.line, "[%s] %s = %q is not a u32", s.name, key, kv.value)
	}
	return uint32(n), true, nil
}

// shop converts the section; ok is false for a section that is not a shop.
func (s *section) shop(file string) (content.Shop, bool, error) {
	sh := content.Shop{Src: content.Source{File: file, Line: s.line}}
	id, hasID, err := s.u32(file, shopKeyID)
	if err != nil {
		return sh, false, err
	}
	if n, err := strconv.ParseUint(s.name, 10, 32); err == nil && !hasID {
		id, hasID = uint32(n), true
	}
	if !hasID {
		return sh, false, nil
	}
	sh.NPC = id
	amount, ok, err := s.u32(file, shopKeyItemAmount)
	switch {
	case err != nil:
		return sh, false, err
	case !ok:
		return sh, false, errAt(file, s.line, "[%s] has no %s", s.name, shopKeyItemAmount)
	case amount > MaxShopItems:
		return sh, false, errAt(file, s.keys[strings.ToLower(shopKeyItemAmount)].line,
			"[%s] %s = %d, more than the limit of %d", s.name, shopKeyItemAmount, amount, MaxShopItems)
	}
	sh.Items = make([]uint32, 0, amount)
	for i := range amount {
		key := fmt.Sprintf("%s%d", shopKeyItem, i)
		v, ok, err := s.u32(file, key)
		if err != nil {
			return sh, false, err
		}
		if !ok {
			return sh, false, errAt(file, s.line, "[%s] has %s = %d but no %s", s.name, shopKeyItemAmount, amount, key)
		}
		sh.Items = append(sh.Items, v)
	}
	money, _, err := s.u32(file, shopKeyMoneyType)
	if err != nil {
		return sh, false, err
	}
	if money != 0 {
		sh.Money = content.CPs
	}
	return sh, true, nil
}
