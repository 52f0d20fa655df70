package content

import (
	"errors"
	"fmt"
)

// World is what Check needs to know of the maps a pack is placed on.
type World interface {
	// HasMap reports whether the map with this id exists.
	HasMap(id uint32) bool
	// Walkable reports whether tile (x, y) of the map exists and can be stood on.
	Walkable(mapID uint32, x, y int) bool
	// HasPassage reports whether the map's DMap has a portal (passage) with
	// this index; maps without a DMap (the built-in ones) have none.
	HasPassage(mapID uint32, index int) bool
}

// Check validates the pack against w: every NPC stands on a walkable tile of
// an existing map, every portal is on an existing map (at a passage its DMap
// has, for portals given by index) and leads to a walkable tile of an
// existing map, and every spawn area lies on an existing map with at least
// as many walkable tiles as monsters it keeps. The error joins every problem, each an
// *Error naming file and line.
func (p *Pack) Check(w World) error {
	var errs []error
	add := func(src Source, format string, args ...any) {
		errs = append(errs, &Error{Src: src, Msg: fmt.Sprintf(format, args...)})
	}
	for _, n := range p.NPCs {
		switch {
		case !w.HasMap(n.Map):
			add(n.Src, "npc %d: map %d does not exist", n.ID, n.Map)
		case !w.Walkable(n.Map, int(n.X), int(n.Y)):
			add(n.Src, "npc %d: tile (%d, %d) of map %d is not walkable", n.ID, n.X, n.Y, n.Map)
		}
	}
	for _, pt := range p.Portals {
		switch {
		case !w.HasMap(pt.Map):
			add(pt.Src, "portal: map %d does not exist", pt.Map)
		case !pt.HasTile && !w.HasPassage(pt.Map, pt.Index):
			add(pt.Src, "portal: map %d has no passage %d in its DMap", pt.Map, pt.Index)
		}
		switch {
		case !w.HasMap(pt.ToMap):
			add(pt.Src, "portal: destination map %d does not exist", pt.ToMap)
		case !w.Walkable(pt.ToMap, int(pt.ToX), int(pt.ToY)):
			add(pt.Src, "portal: destination (%d, %d) of map %d is not walkable", pt.ToX, pt.ToY, pt.ToMap)
		}
	}
	for _, sp := range p.Spawns {
		if !w.HasMap(sp.Map) {
			add(sp.Src, "spawn: map %d does not exist", sp.Map)
			continue
		}
		walkable := 0
		for y := int(sp.Y); y < int(sp.Y)+int(sp.CY); y++ {
			for x := int(sp.X); x < int(sp.X)+int(sp.CX); x++ {
				if w.Walkable(sp.Map, x, y) {
					walkable++
				}
			}
		}
		if walkable < int(sp.Count) {
			add(sp.Src, "spawn: area (%d, %d)–(%d, %d) of map %d has %d walkable tiles, fewer than count %d",
				sp.X, sp.Y, int(sp.X)+int(sp.CX)-1, int(sp.Y)+int(sp.CY)-1, sp.Map, walkable, sp.Count)
		}
	}
	if len(errs) > MaxErrors {
		more := len(errs) - MaxErrors
		errs = append(errs[:MaxErrors], fmt.Errorf("content: %d more problems not shown", more))
	}
	return errors.Join(errs...)
}
