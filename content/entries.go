package content

import (
	"fmt"
	"math"
)

// parseNPCs decodes and validates npcs.toml. scripts holds the names of the
// script files present (broken ones included, so that a script with a
// syntax error is not also reported missing).
func (l *loader) parseNPCs(src []byte, scripts map[string]bool) []NPC {
	entries := l.decodeTable(NPCFile, src, "npc", MaxNPCs)
	npcs := make([]NPC, 0, len(entries))
	first := map[uint32]Source{}
	for _, e := range entries {
		f := l.fields(e, "id", "name", "kind", "model", "dir", "sort", "map", "x", "y", "script", "face")
		e.label = fmt.Sprintf("npc entry %d", e.index)
		id, idOK := f.int("id", true, math.MinInt64, math.MaxInt64) // range checked below
		if idOK {
			e.label = fmt.Sprintf("npc %d", id)
		}
		f.unknown()
		n := NPC{ID: uint32(id), Src: e.src()}
		valid := idOK
		switch {
		case !idOK:
		case id < MinNPCID || id > MaxNPCID:
			f.add(e.keyLine("id"), "id out of range %d–%d", MinNPCID, MaxNPCID)
			valid = false
		case id >= MinDynamicNPCID && id <= MaxDynamicNPCID:
			f.add(e.keyLine("id"), "id in the range %d–%d reserved for dynamic NPCs", MinDynamicNPCID, MaxDynamicNPCID)
			valid = false
		case id >= MinMonsterID && id <= MaxMonsterID:
			f.add(e.keyLine("id"), "id in the range %d–%d reserved for monsters", MinMonsterID, MaxMonsterID)
			valid = false
		default:
			if prev, dup := first[n.ID]; dup {
				f.add(e.keyLine("id"), "duplicate id, first defined at %s", prev)
				valid = false
			} else {
				first[n.ID] = e.src()
			}
		}
		n.Name = f.name(&valid, validName)
		get := func(key string, required bool, lo, hi int64) int64 { return f.num(&valid, key, required, lo, hi) }
		n.Kind = uint16(get("kind", true, 0, maxU16))
		n.Model = uint16(get("model", true, 0, MaxModel))
		n.Dir = uint8(get("dir", false, 0, MaxDir))
		n.Sort = uint16(get("sort", false, 0, maxU16))
		n.Map = uint32(get("map", true, minMapID, maxU32))
		n.X = uint16(get("x", true, 0, maxCoord))
		n.Y = uint16(get("y", true, 0, maxCoord))
		n.Face = uint16(get("face", false, 0, maxU16))
		if script, ok := f.str("script", false); ok {
			switch {
			case !validScriptName(script):
				f.add(e.keyLine("script"), "script %q must be a file name in %s/ ending in %s", script, ScriptDir, ScriptExt)
				valid = false
			case !scripts[script]:
				f.add(e.keyLine("script"), "script %q not found in %s/", script, ScriptDir)
				valid = false
			}
			n.Script = script
		} else if f.has("script") {
			valid = false
		}
		if valid {
			npcs = append(npcs, n)
		}
	}
	return npcs
}

// portalKey identifies a portal for duplicate detection.
type portalKey struct {
	mapID   uint32
	hasTile bool
	x, y    uint16
	index   int
}

// parsePortals decodes and validates portals.toml.
func (l *loader) parsePortals(src []byte) []Portal {
	entries := l.decodeTable(PortalFile, src, "portal", MaxPortals)
	portals := make([]Portal, 0, len(entries))
	first := map[portalKey]Source{}
	for _, e := range entries {
		e.label = "portal"
		f := l.fields(e, "map", "x", "y", "index", "to_map", "to_x", "to_y")
		f.unknown()
		p := Portal{Src: e.src()}
		valid := true
		get := func(key string, required bool, lo, hi int64) int64 { return f.num(&valid, key, required, lo, hi) }
		p.Map = uint32(get("map", true, minMapID, maxU32))
		hasX, hasY, hasIndex := f.has("x"), f.has("y"), f.has("index")
		switch {
		case (hasX || hasY) && hasIndex:
			f.add(e.src(), "give either x and y (a tile) or index (a DMap passage), not both")
			valid = false
		case hasX != hasY:
			f.add(e.src(), "x and y go together")
			valid = false
		case hasX:
			p.HasTile = true
			p.X = uint16(get("x", true, 0, maxCoord))
			p.Y = uint16(get("y", true, 0, maxCoord))
		case hasIndex:
			p.Index = int(get("index", true, 0, MaxPortalIndex))
		default:
			f.add(e.src(), "give x and y (a tile) or index (a DMap passage)")
			valid = false
		}
		p.ToMap = uint32(get("to_map", true, minMapID, maxU32))
		p.ToX = uint16(get("to_x", true, 0, maxCoord))
		p.ToY = uint16(get("to_y", true, 0, maxCoord))
		if !valid {
			continue
		}
		k := portalKey{mapID: p.Map, hasTile: p.HasTile, x: p.X, y: p.Y, index: p.Index}
		if prev, dup := first[k]; dup {
			f.add(e.src(), "duplicate of the portal at %s", prev)
			continue
		}
		first[k] = e.src()
		portals = append(portals, p)
	}
	return portals
}
