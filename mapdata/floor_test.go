package mapdata

import (
	"fmt"
	"testing"
)

// Walk deltas per direction 0..7 (game-rules.md §2).
var (
	dirDX = [8]int{0, -1, -1, -1, 0, 1, 1, 1}
	dirDY = [8]int{1, 1, 0, -1, -1, -1, 0, 1}
)

func TestOpen(t *testing.T) {
	f := Open(30, 20)
	if f.Width() != 30 || f.Height() != 20 {
		t.Fatalf("size %d×%d", f.Width(), f.Height())
	}
	for y := range 20 {
		for x := range 30 {
			if !f.Walkable(x, y) || f.Elevation(x, y) != 0 || f.Surface(x, y) != 0 {
				t.Fatalf("tile (%d,%d) is not open ground", x, y)
			}
		}
	}
	for _, p := range [][2]int{{-1, 0}, {0, -1}, {30, 0}, {0, 20}, {30, 20}} {
		if f.Walkable(p[0], p[1]) {
			t.Errorf("Walkable(%d,%d) = true outside a 30×20 map", p[0], p[1])
		}
	}
	if len(f.Portals()) != 0 || len(f.Scenes()) != 0 {
		t.Error("open ground has portals or scenes")
	}
	for _, s := range [][2]int{{-5, 3}, {3, -5}, {0, 0}, {MaxWidth + 1, 1}} {
		g := Open(s[0], s[1])
		if g.Width() < 0 || g.Width() > MaxWidth || g.Height() < 0 || g.Height() > MaxHeight {
			t.Errorf("Open(%d,%d) = %d×%d, not clamped", s[0], s[1], g.Width(), g.Height())
		}
		if g.Walkable(0, 0) != (g.Width() > 0 && g.Height() > 0) {
			t.Errorf("Open(%d,%d).Walkable(0,0) wrong", s[0], s[1])
		}
	}
}

func collectLine(x0, y0, x1, y1 int) [][2]int {
	var out [][2]int
	for x, y := range Line(x0, y0, x1, y1) {
		out = append(out, [2]int{x, y})
	}
	return out
}

func TestLineDirections(t *testing.T) {
	for d := range 8 {
		got := collectLine(10, 10, 10+4*dirDX[d], 10+4*dirDY[d])
		if len(got) != 5 {
			t.Fatalf("dir %d: %d tiles, want 5", d, len(got))
		}
		for k, p := range got {
			if want := [2]int{10 + k*dirDX[d], 10 + k*dirDY[d]}; p != want {
				t.Errorf("dir %d step %d: %v, want %v", d, k, p, want)
			}
		}
	}
}

func TestLineSteps(t *testing.T) {
	for _, c := range [][4]int{{0, 0, 7, 3}, {7, 3, 0, 0}, {5, 5, -3, 9}, {-2, 4, 1, -14}, {3, 3, 3, 3}, {0, 0, 18, 17}} {
		got := collectLine(c[0], c[1], c[2], c[3])
		if got[0] != [2]int{c[0], c[1]} || got[len(got)-1] != [2]int{c[2], c[3]} {
			t.Errorf("%v: runs %v…%v", c, got[0], got[len(got)-1])
		}
		want := max(abs(c[2]-c[0]), abs(c[3]-c[1])) + 1
		if len(got) != want {
			t.Errorf("%v: %d tiles, want %d", c, len(got), want)
		}
		for i := 1; i < len(got); i++ {
			if abs(got[i][0]-got[i-1][0]) > 1 || abs(got[i][1]-got[i-1][1]) > 1 {
				t.Errorf("%v: jump from %v to %v", c, got[i-1], got[i])
			}
		}
	}
	// Stopping early is honoured.
	n := 0
	for range Line(0, 0, 100, 0) {
		n++
		if n == 3 {
			break
		}
	}
	if n != 3 {
		t.Errorf("iteration did not stop: %d", n)
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func TestClearJumpDirections(t *testing.T) {
	const maxRise = 210
	const sx, sy, dist = 20, 20, 6
	for d := range 8 {
		for _, shape := range []struct{ fx, fy int }{{1, 1}, {1, 2}, {2, 1}} {
			// Target dist tiles away along direction d; the extra shapes bend
			// diagonals into non-45° lines.
			dx, dy := dirDX[d]*dist*shape.fx/2, dirDY[d]*dist*shape.fy/2
			if shape.fx == 1 && shape.fy == 1 {
				dx, dy = dirDX[d]*dist, dirDY[d]*dist
			}
			tx, ty := sx+dx, sy+dy
			name := fmt.Sprintf("dir %d to (%d,%d)", d, tx, ty)
			var line [][2]int
			for x, y := range Line(sx, sy, tx, ty) {
				line = append(line, [2]int{x, y})
			}
			mid := line[len(line)/2]

			f := Open(41, 41)
			if !f.ClearJump(sx, sy, tx, ty, maxRise) {
				t.Errorf("%s: open ground refused", name)
			}
			// The tile CoEmu's sampling would look at: towards +x/+y.
			mx, my := sx+abs(mid[0]-sx), sy+abs(mid[1]-sy)
			if mx != mid[0] || my != mid[1] {
				f.setBlocked(my*41 + mx)
				f.elevation[my*41+mx] = 5000
				if !f.ClearJump(sx, sy, tx, ty, maxRise) {
					t.Errorf("%s: refused for a wall at the mirrored tile (%d,%d)", name, mx, my)
				}
			}

			f = Open(41, 41)
			f.setBlocked(mid[1]*41 + mid[0])
			if f.ClearJump(sx, sy, tx, ty, maxRise) {
				t.Errorf("%s: jumped over blocked tile %v", name, mid)
			}

			f = Open(41, 41)
			f.setBlocked(ty*41 + tx)
			if f.ClearJump(sx, sy, tx, ty, maxRise) {
				t.Errorf("%s: landed on a blocked target", name)
			}

			f = Open(41, 41)
			f.elevation[sy*41+sx] = -50
			f.elevation[mid[1]*41+mid[0]] = -50 + maxRise
			if f.ClearJump(sx, sy, tx, ty, maxRise) {
				t.Errorf("%s: climbed a rise of exactly %d", name, maxRise)
			}
			f.elevation[mid[1]*41+mid[0]] = -50 + maxRise - 1
			if !f.ClearJump(sx, sy, tx, ty, maxRise) {
				t.Errorf("%s: refused a rise of %d", name, maxRise-1)
			}
			f.elevation[ty*41+tx] = -2000 // dropping is fine
			if !f.ClearJump(sx, sy, tx, ty, maxRise) {
				t.Errorf("%s: refused a drop", name)
			}
		}
	}
}

func TestClearJumpEdges(t *testing.T) {
	f := Open(10, 10)
	if !f.ClearJump(4, 4, 4, 4, 210) {
		t.Error("jump in place on open ground refused")
	}
	f.setBlocked(4*10 + 4)
	if f.ClearJump(4, 4, 4, 4, 210) {
		t.Error("jump in place on a blocked tile accepted")
	}
	// The start tile itself is not checked: a player standing on it is
	// already there.
	if !f.ClearJump(4, 4, 7, 7, 210) {
		t.Error("jump from a blocked start refused")
	}
	for _, c := range [][4]int{{9, 9, 12, 9}, {0, 0, -1, 0}, {0, 0, 0, -5}, {-3, -3, 2, 2}, {50, 50, 51, 51}} {
		if f.ClearJump(c[0], c[1], c[2], c[3], 210) {
			t.Errorf("jump %v off the map accepted", c)
		}
	}
}

func TestFloorConcurrentReads(t *testing.T) {
	f := Open(64, 64)
	f.setBlocked(5*64 + 5)
	done := make(chan bool)
	for range 4 {
		go func() {
			ok := true
			for y := range 64 {
				for x := range 64 {
					ok = ok && f.Walkable(x, y) == (x != 5 || y != 5)
					_ = f.Elevation(x, y)
				}
			}
			ok = ok && f.ClearJump(0, 0, 10, 10, 210) == false && len(f.Portals()) == 0
			done <- ok
		}()
	}
	for range 4 {
		if !<-done {
			t.Error("concurrent reads disagree")
		}
	}
}

func TestBuild(t *testing.T) {
	f := Build(10, 5, func(x, y int) bool { return x == 3 })
	for y := range 5 {
		for x := range 10 {
			if got, want := f.Walkable(x, y), x != 3; got != want {
				t.Fatalf("Walkable(%d, %d) = %v, want %v", x, y, got, want)
			}
		}
	}
}
