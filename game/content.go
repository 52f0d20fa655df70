package game

import (
	"fmt"
	"strings"

	"github.com/coserver/coserver/content"
	"github.com/coserver/coserver/script"
)

// HasMap reports whether the world has map id (content.World).
func (w *World) HasMap(id uint32) bool { return w.maps[id] != nil }

// Walkable reports whether (x, y) on map id can be stood on (content.World).
// Floors are read-only: safe from any goroutine.
func (w *World) Walkable(id uint32, x, y int) bool {
	m := w.maps[id]
	return m != nil && m.floor.Walkable(x, y)
}

// HasPassage reports whether map id's DMap has a passage with this index
// (content.World); built-in maps have none.
func (w *World) HasPassage(id uint32, index int) bool {
	m := w.maps[id]
	return m != nil && m.floor.HasPassage(index)
}

// Reload replaces the world's NPCs, portals and scripts with pack's, whose
// scripts lib holds, once pack passes every check against the maps; on
// error nothing changes. Dialogs in progress are dropped.
func (s *Server) Reload(pack *content.Pack, lib *script.Library) error {
	if err := s.world.check(pack, lib); err != nil {
		return err
	}
	s.world.install(pack, lib, true)
	return nil
}

// check validates pack against the world's maps and lib.
func (w *World) check(pack *content.Pack, lib *script.Library) error {
	if err := pack.Check(w); err != nil {
		return fmt.Errorf("game: content: %w", err)
	}
	for _, n := range pack.NPCs {
		if n.Script != "" && (lib == nil || !lib.Has(scriptName(n.Script))) {
			return fmt.Errorf("game: content: %s: NPC %d: script %q is not loaded", n.Src, n.ID, n.Script)
		}
	}
	return nil
}

// install hands each map its NPCs and portals. Before the maps run it
// writes them directly; later (running) through each map's goroutine.
func (w *World) install(pack *content.Pack, lib *script.Library, running bool) {
	w.lib.Store(lib)
	w.table.Store(&itemTable{types: pack.Items, shops: pack.Shops})
	rules := newCombatRules(pack)
	w.rules.Store(rules)
	npcs := make(map[uint32][]*NPC)
	for _, n := range pack.NPCs {
		npcs[n.Map] = append(npcs[n.Map], &NPC{
			place: place{x: n.X, y: n.Y, cell: -1}, id: n.ID, name: n.Name, kind: n.Kind,
			look: n.Look(), sort: n.Sort, face: n.Face, script: scriptName(n.Script),
		})
	}
	portals := make(map[uint32][]portal)
	for _, pt := range pack.Portals {
		m := w.maps[pt.Map]
		for _, tile := range m.portalTiles(pt) {
			portals[pt.Map] = append(portals[pt.Map], portal{x: tile[0], y: tile[1], toMap: pt.ToMap,
				toX: pt.ToX, toY: pt.ToY, source: pt.Src.String()})
		}
	}
	for id, m := range w.maps {
		set := func(m *Map) { m.setContent(npcs[id], portals[id]); m.setMonsters(pack.Spawns, rules.monsters) }
		if running {
			m.do(set)
		} else {
			set(m)
		}
	}
}

// portalTiles returns the tiles of a content portal on m: its own tile, or
// the tiles of the DMap passage it names.
func (m *Map) portalTiles(pt content.Portal) [][2]uint16 {
	if pt.HasTile {
		return [][2]uint16{{pt.X, pt.Y}}
	}
	var tiles [][2]uint16
	for _, fp := range m.floor.Portals() {
		if int(fp.Index) == pt.Index {
			tiles = append(tiles, [2]uint16{uint16(fp.X), uint16(fp.Y)})
		}
	}
	return tiles
}

// setContent replaces the map's NPCs and portals, updating every screen,
// and drops the dialogs in progress (their scripts may be gone). Map
// goroutine only.
func (m *Map) setContent(npcs []*NPC, portals []portal) {
	for p := range m.talking {
		m.dropDialog(p, "reload")
	}
	if m.vm != nil {
		m.vm.Close()
		m.vm = nil // made again, with the new scripts, at the next click
	}
	for _, n := range m.npcs {
		m.removeThing(n)
	}
	clear(m.npcs)
	for _, n := range npcs {
		m.npcs[n.id] = n
		m.addThing(n)
	}
	m.portals = portals
}

// scriptName is the library name of a content pack's script file.
func scriptName(file string) string { return strings.TrimSuffix(file, script.Ext) }
