package game

// ViewRange is how far a client sees, in tiles, on both axes: an entity is
// in view when |dx| ≤ 18 and |dy| ≤ 18 (CoEmu, Wiki Systems/Screen.md).
const ViewRange = 18

// cellSize is the side of a grid cell in tiles. With cells as wide as the
// view range, everything in view of a tile lies in the 3×3 cells around it.
const cellSize = ViewRange

// place is where an entity stands and where the grid keeps it. Player and
// NPC embed it; its fields belong to the map's goroutine.
type place struct {
	x, y    uint16
	cell    int // index of the grid cell, -1 when not in a grid
	cellIdx int // index in that cell's list
}

// where returns the entity's place: the one method the grid needs.
func (pl *place) where() *place { return pl }

// located is anything a grid can index.
type located interface{ where() *place }

// grid is a map's spatial index: entities bucketed by cell, so finding what
// is in view looks at nine small lists instead of the whole map. A map keeps
// one grid of players and one of everything else. It belongs to its map's
// goroutine.
type grid[T located] struct {
	cols, rows int
	cells      [][]T
}

func newGrid[T located](width, height int) grid[T] {
	cols := max((width+cellSize-1)/cellSize, 1)
	rows := max((height+cellSize-1)/cellSize, 1)
	return grid[T]{cols: cols, rows: rows, cells: make([][]T, cols*rows)}
}

func (g *grid[T]) cellOf(x, y int) int {
	cx := min(max(x/cellSize, 0), g.cols-1)
	cy := min(max(y/cellSize, 0), g.rows-1)
	return cy*g.cols + cx
}

// add puts e in the cell of its position.
func (g *grid[T]) add(e T) {
	pl := e.where()
	c := g.cellOf(int(pl.x), int(pl.y))
	pl.cell, pl.cellIdx = c, len(g.cells[c])
	g.cells[c] = append(g.cells[c], e)
}

// remove takes e out of its cell (swap with the last).
func (g *grid[T]) remove(e T) {
	pl := e.where()
	cell := g.cells[pl.cell]
	last := len(cell) - 1
	moved := cell[last]
	cell[pl.cellIdx] = moved
	moved.where().cellIdx = pl.cellIdx
	var zero T
	cell[last] = zero
	g.cells[pl.cell] = cell[:last]
	pl.cell, pl.cellIdx = -1, -1
}

// moved re-buckets e after its position changed.
func (g *grid[T]) moved(e T) {
	pl := e.where()
	if g.cellOf(int(pl.x), int(pl.y)) != pl.cell {
		g.remove(e)
		g.add(e)
	}
}

// near calls f for every entity in view of (x, y), including one standing
// there.
func (g *grid[T]) near(x, y int, f func(T)) { g.around(x, y, ViewRange, f) }

// around calls f for every entity within r tiles of (x, y) on both axes
// (r at most ViewRange), looking only at the cells that box overlaps.
func (g *grid[T]) around(x, y, r int, f func(T)) {
	x0, x1 := min(max((x-r)/cellSize, 0), g.cols-1), min(max((x+r)/cellSize, 0), g.cols-1)
	y0, y1 := min(max((y-r)/cellSize, 0), g.rows-1), min(max((y+r)/cellSize, 0), g.rows-1)
	for yy := y0; yy <= y1; yy++ {
		for xx := x0; xx <= x1; xx++ {
			for _, o := range g.cells[yy*g.cols+xx] {
				if pl := o.where(); abs(x-int(pl.x)) <= r && abs(y-int(pl.y)) <= r {
					f(o)
				}
			}
		}
	}
}

// inView reports whether two positions see each other.
func inView(x0, y0, x1, y1 int) bool {
	return abs(x0-x1) <= ViewRange && abs(y0-y1) <= ViewRange
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
