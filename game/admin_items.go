package game

import "github.com/coserver/coserver/store"

// Holdings returns the character and the items (inventory, equipment and
// warehouses) of the character called name, read on its map's goroutine,
// and whether it is online and placed on a map; the caller reads the
// store otherwise. The money in the character is what memory holds now,
// which the next save writes.
func (s *Server) Holdings(name string) (store.Character, []store.Item, bool) {
	ss := s.world.find(name)
	if ss == nil || ss.player == nil {
		return store.Character{}, nil, false
	}
	p := ss.player
	m := p.at.Load()
	if m == nil {
		return store.Character{}, nil, false
	}
	var ch store.Character
	var items []store.Item
	ok := false
	m.call(func(m *Map) {
		if m.players[p.id] != p {
			return // moved on or left meanwhile
		}
		ok = true
		ch = p.ch
		ch.Vars = nil
		items = make([]store.Item, 0, len(p.inv.items)+len(p.inv.stored))
		for _, it := range p.inv.items {
			items = append(items, *it)
		}
		for _, it := range p.inv.stored {
			items = append(items, *it)
		}
	})
	return ch, items, ok
}

// ItemName returns the name of item type t in the installed content pack,
// or "" when it has no such type.
func (s *Server) ItemName(t uint32) string {
	if tab := s.world.table.Load(); tab != nil {
		return tab.types[t].Name
	}
	return ""
}
