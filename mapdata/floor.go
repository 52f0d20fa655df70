// Package mapdata reads the Conquer Online client's map files — the map
// list ini/GameMap.dat and the per-map data maps (.DMap) — into Floors, the
// walkable grids the game server checks movement against.
//
// The formats are described in the project's protocol notes
// (game-rules.md §7). Parsers bound every count and size read from a file
// with the Max* constants before allocating anything proportional to it,
// report malformed input as errors naming the part of the file at fault, and
// never panic.
//
// A Floor is immutable once built: it may be shared by any number of maps
// and read from any number of goroutines without locking.
package mapdata

import (
	"iter"
	"slices"
)

// Floor is the walkable grid of a map: for every tile whether it is blocked,
// its surface kind and its elevation, plus the map's portal points and
// scenery layers.
//
// Tiles are addressed by x (column, 0 ≤ x < Width) and y (row,
// 0 ≤ y < Height). A Floor is read-only after it is built and safe for
// concurrent use by multiple goroutines.
type Floor struct {
	width, height int
	// blocked holds one bit per tile, index y*width+x (the file order).
	blocked []uint64
	// elevation holds one value per tile, index y*width+x.
	elevation []int16
	// surface holds one surface value per tile, index y*width+x, while all
	// values fit a byte; surfaceWide replaces it when one does not.
	surface     []uint8
	surfaceWide []uint16
	portals     []Portal
	scenes      []Scene
}

// Portal is a passage point recorded in a DMap. The DMap holds no
// destination: Index identifies the passage within its map, and the
// destination comes from server data keyed by map and index.
type Portal struct {
	X, Y  uint32
	Index uint32
}

// Scene is a scenery layer (DMap layer type 1): the client path of a .scene
// file, as written in the DMap (backslashes kept), and the tile it is placed
// at.
type Scene struct {
	Path string
	X, Y uint32
}

// Open returns a width × height floor of open ground: every tile walkable,
// elevation 0, surface 0, with no portals or scenes. It serves as the grid of
// built-in maps when no client files are present. Sizes are clamped to
// 0..MaxWidth and 0..MaxHeight.
func Open(width, height int) *Floor {
	width = min(max(width, 0), MaxWidth)
	height = min(max(height, 0), MaxHeight)
	return newFloor(width, height)
}

// Build returns a width × height floor whose tile (x, y) is blocked when
// blocked(x, y) is true: open ground with walls, for built-in maps and
// tests. Sizes are clamped as in Open.
func Build(width, height int, blocked func(x, y int) bool) *Floor {
	f := Open(width, height)
	for y := range f.height {
		for x := range f.width {
			if blocked(x, y) {
				f.setBlocked(y*f.width + x)
			}
		}
	}
	return f
}

// newFloor allocates the grids of a width × height floor, all tiles open.
// The caller has checked the sizes against the limits.
func newFloor(width, height int) *Floor {
	n := width * height
	return &Floor{
		width:     width,
		height:    height,
		blocked:   make([]uint64, (n+63)/64),
		elevation: make([]int16, n),
		surface:   make([]uint8, n),
	}
}

// Width returns the number of tile columns.
func (f *Floor) Width() int { return f.width }

// Height returns the number of tile rows.
func (f *Floor) Height() int { return f.height }

// index returns the tile index of (x, y) and whether the tile is on the map.
func (f *Floor) index(x, y int) (int, bool) {
	if x < 0 || y < 0 || x >= f.width || y >= f.height {
		return 0, false
	}
	return y*f.width + x, true
}

// Walkable reports whether the tile (x, y) exists and is not blocked.
func (f *Floor) Walkable(x, y int) bool {
	i, ok := f.index(x, y)
	return ok && f.blocked[i>>6]&(1<<(i&63)) == 0
}

// Elevation returns the elevation of tile (x, y), or 0 outside the map.
func (f *Floor) Elevation(x, y int) int16 {
	i, ok := f.index(x, y)
	if !ok {
		return 0
	}
	return f.elevation[i]
}

// Surface returns the surface kind of tile (x, y) as stored in the DMap
// (CoEmu treats 16 as a market spot), or 0 outside the map.
func (f *Floor) Surface(x, y int) uint16 {
	i, ok := f.index(x, y)
	switch {
	case !ok:
		return 0
	case f.surfaceWide != nil:
		return f.surfaceWide[i]
	default:
		return uint16(f.surface[i])
	}
}

// Portals returns a copy of the map's portal points in file order.
func (f *Floor) Portals() []Portal { return slices.Clone(f.portals) }

// HasPassage reports whether the map has a portal (DMap passage) with this
// index.
func (f *Floor) HasPassage(index int) bool {
	return slices.ContainsFunc(f.portals, func(p Portal) bool { return int(p.Index) == index })
}

// Scenes returns a copy of the map's scenery layers in file order.
//
// TODO(scene-placement): the scene files these layers name are not applied
// to the grid. Where a scene part's cells land is disputed between CoEmu and
// COPS (game-rules.md §7: the two formulas differ by one tile and mirror the
// part); until that is checked against a client, Walkable reflects only the
// DMap's own tile grid, so tiles under scenery may differ from what the
// client allows.
func (f *Floor) Scenes() []Scene { return slices.Clone(f.scenes) }

// setBlocked marks tile i blocked. Only used while building a Floor.
func (f *Floor) setBlocked(i int) { f.blocked[i>>6] |= 1 << (i & 63) }

// setSurface stores the surface of tile i, switching to the wide store the
// first time a value does not fit a byte. Only used while building a Floor.
func (f *Floor) setSurface(i int, s uint16) {
	if f.surfaceWide != nil {
		f.surfaceWide[i] = s
		return
	}
	if s <= 0xFF {
		f.surface[i] = uint8(s)
		return
	}
	f.surfaceWide = make([]uint16, len(f.surface))
	for j, v := range f.surface {
		f.surfaceWide[j] = uint16(v)
	}
	f.surface = nil
	f.surfaceWide[i] = s
}

// Line yields the tiles of the straight line from (x0, y0) to (x1, y1),
// both ends included, in order from the start towards the target
// (Bresenham's algorithm; each step moves to one of the 8 neighbours).
func Line(x0, y0, x1, y1 int) iter.Seq2[int, int] {
	return func(yield func(x, y int) bool) {
		dx, sx := x1-x0, 1
		if dx < 0 {
			dx, sx = -dx, -1
		}
		dy, sy := y1-y0, 1
		if dy < 0 {
			dy, sy = -dy, -1
		}
		e := dx - dy
		x, y := x0, y0
		for {
			if !yield(x, y) || (x == x1 && y == y1) {
				return
			}
			e2 := 2 * e
			if e2 > -dy {
				e -= dy
				x += sx
			}
			if e2 < dx {
				e += dx
				y += sy
			}
		}
	}
}

// ClearJump reports whether a jump from (x0, y0) to (x1, y1) passes over
// open ground: every tile of the Line after the start, target included, must
// be walkable and rise less than maxRise above the start tile's elevation.
// A jump to the start tile itself needs only that tile to be walkable.
// The jump range is not checked here.
//
// The line is walked in the jump's real direction. CoEmu samples it with
// absolute deltas, always towards +x/+y, and so checks the wrong tiles for
// jumps towards −x or −y; this check does not copy that.
func (f *Floor) ClearJump(x0, y0, x1, y1 int, maxRise int) bool {
	if x0 == x1 && y0 == y1 {
		return f.Walkable(x1, y1)
	}
	base := int(f.Elevation(x0, y0))
	first := true
	for x, y := range Line(x0, y0, x1, y1) {
		if first {
			first = false
			continue
		}
		if !f.Walkable(x, y) || int(f.Elevation(x, y))-base >= maxRise {
			return false
		}
	}
	return true
}
