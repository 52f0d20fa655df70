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
	cells      [][]slot[T]
}

// slot is an entity in a cell with a copy of its position, so that a
// search of a crowded cell reads one array instead of every entity, and a
// mark a search can skip it by (see mark).
type slot[T located] struct {
	x, y uint16
	mark uint64
	e    T
}

func newGrid[T located](width, height int) grid[T] {
	cols := max((width+cellSize-1)/cellSize, 1)
	rows := max((height+cellSize-1)/cellSize, 1)
	return grid[T]{cols: cols, rows: rows, cells: make([][]slot[T], cols*rows)}
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
	g.cells[c] = append(g.cells[c], slot[T]{x: pl.x, y: pl.y, e: e})
}

// remove takes e out of its cell (swap with the last).
func (g *grid[T]) remove(e T) {
	pl := e.where()
	cell := g.cells[pl.cell]
	last := len(cell) - 1
	moved := cell[last]
	cell[pl.cellIdx] = moved
	moved.e.where().cellIdx = pl.cellIdx
	cell[last] = slot[T]{}
	g.cells[pl.cell] = cell[:last]
	pl.cell, pl.cellIdx = -1, -1
}

// moved re-buckets e after its position changed; every change of an
// entity's position in a grid goes through it.
func (g *grid[T]) moved(e T) {
	pl := e.where()
	if g.cellOf(int(pl.x), int(pl.y)) != pl.cell {
		g.remove(e)
		g.add(e)
		return
	}
	s := &g.cells[pl.cell][pl.cellIdx]
	s.x, s.y = pl.x, pl.y
}

// near calls f for every entity in view of (x, y), including one standing
// there.
func (g *grid[T]) near(x, y int, f func(T)) {
	x0, x1, y0, y1 := g.cellsAround(x, y, ViewRange)
	for yy := y0; yy <= y1; yy++ {
		for _, s := range g.cells[yy*g.cols+x0 : yy*g.cols+x1+1] {
			for _, s := range s {
				if inView(x, y, int(s.x), int(s.y)) {
					f(s.e)
				}
			}
		}
	}
}

// mark marks e with n (not 0) until it changes cell or is marked again.
func (g *grid[T]) mark(e T, n uint64) {
	pl := e.where()
	g.cells[pl.cell][pl.cellIdx].mark = n
}

// around calls f for every entity within r tiles of (x, y) (r at most
// ViewRange) but those marked skip (none when skip is 0), with its distance (the larger of |dx|
// and |dy|), looking only at the cells that square overlaps.
func (g *grid[T]) around(x, y, r int, skip uint64, f func(e T, d int)) {
	x0, x1, y0, y1 := g.cellsAround(x, y, r)
	for yy := y0; yy <= y1; yy++ {
		for _, s := range g.cells[yy*g.cols+x0 : yy*g.cols+x1+1] {
			for _, s := range s {
				if d := max(abs(x-int(s.x)), abs(y-int(s.y))); d <= r && (s.mark != skip || skip == 0) {
					f(s.e, d)
				}
			}
		}
	}
}

// cellsAround returns the columns and rows of the cells that the square of
// side 2r+1 round (x, y) overlaps.
func (g *grid[T]) cellsAround(x, y, r int) (x0, x1, y0, y1 int) {
	return min(max((x-r)/cellSize, 0), g.cols-1), min(max((x+r)/cellSize, 0), g.cols-1),
		min(max((y-r)/cellSize, 0), g.rows-1), min(max((y+r)/cellSize, 0), g.rows-1)
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
