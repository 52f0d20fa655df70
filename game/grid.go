package game

// ViewRange is how far a client sees, in tiles, on both axes: an entity is
// in view when |dx| ≤ 18 and |dy| ≤ 18 (CoEmu, Wiki Systems/Screen.md).
const ViewRange = 18

// cellSize is the side of a grid cell in tiles. With cells as wide as the
// view range, everything in view of a tile lies in the 3×3 cells around it.
const cellSize = ViewRange

// grid is a map's spatial index: players bucketed by cell, so finding who
// is in view looks at nine small lists instead of the whole map. It belongs
// to its map's goroutine.
type grid struct {
	cols, rows int
	cells      [][]*Player
}

func newGrid(width, height int) grid {
	cols := (width + cellSize - 1) / cellSize
	rows := (height + cellSize - 1) / cellSize
	return grid{cols: max(cols, 1), rows: max(rows, 1), cells: make([][]*Player, max(cols, 1)*max(rows, 1))}
}

func (g *grid) cellOf(x, y int) int {
	cx := min(max(x/cellSize, 0), g.cols-1)
	cy := min(max(y/cellSize, 0), g.rows-1)
	return cy*g.cols + cx
}

// add puts p in the cell of its position.
func (g *grid) add(p *Player) {
	c := g.cellOf(int(p.x), int(p.y))
	p.cell, p.cellIdx = c, len(g.cells[c])
	g.cells[c] = append(g.cells[c], p)
}

// remove takes p out of its cell (swap with the last).
func (g *grid) remove(p *Player) {
	cell := g.cells[p.cell]
	last := len(cell) - 1
	moved := cell[last]
	cell[p.cellIdx] = moved
	moved.cellIdx = p.cellIdx
	cell[last] = nil
	g.cells[p.cell] = cell[:last]
	p.cell, p.cellIdx = -1, -1
}

// moved re-buckets p after its position changed.
func (g *grid) moved(p *Player) {
	if g.cellOf(int(p.x), int(p.y)) != p.cell {
		g.remove(p)
		g.add(p)
	}
}

// near calls f for every player in view of (x, y), p's own entry included.
func (g *grid) near(x, y int, f func(*Player)) {
	cx := min(max(x/cellSize, 0), g.cols-1)
	cy := min(max(y/cellSize, 0), g.rows-1)
	for yy := max(cy-1, 0); yy <= min(cy+1, g.rows-1); yy++ {
		for xx := max(cx-1, 0); xx <= min(cx+1, g.cols-1); xx++ {
			for _, o := range g.cells[yy*g.cols+xx] {
				if inView(x, y, int(o.x), int(o.y)) {
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
