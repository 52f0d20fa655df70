package mapdata

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// checkFloor compares a parsed floor with the synthetic map it came from.
func checkFloor(t *testing.T, f *Floor, m *testDMap) {
	t.Helper()
	if f.Width() != m.width || f.Height() != m.height {
		t.Fatalf("size %d×%d, want %d×%d", f.Width(), f.Height(), m.width, m.height)
	}
	for y := range m.height {
		for x := range m.width {
			tt := m.tiles[y*m.width+x]
			if got, want := f.Walkable(x, y), tt.access == 0; got != want {
				t.Errorf("Walkable(%d,%d) = %v, want %v", x, y, got, want)
			}
			if got := f.Elevation(x, y); got != tt.elev {
				t.Errorf("Elevation(%d,%d) = %d, want %d", x, y, got, tt.elev)
			}
			if got := f.Surface(x, y); got != tt.surface {
				t.Errorf("Surface(%d,%d) = %d, want %d", x, y, got, tt.surface)
			}
		}
	}
	if got := f.Portals(); !slices.Equal(got, m.portals) {
		t.Errorf("Portals = %v, want %v", got, m.portals)
	}
}

func mustEncode(m *testDMap) []byte {
	b, _ := m.encode()
	return b
}

func TestParseDMapRoundTrip(t *testing.T) {
	m := sampleDMap()
	f, err := ParseDMap(bytes.NewReader(mustEncode(m)))
	if err != nil {
		t.Fatal(err)
	}
	checkFloor(t, f, m)
	wantScenes := []Scene{
		{Path: `map\scene\house.scene`, X: 3, Y: 4},
		{Path: `map\scene\tree.scene`, X: 0xFFFFFFFF, Y: 0},
	}
	if got := f.Scenes(); !slices.Equal(got, wantScenes) {
		t.Errorf("Scenes = %v, want %v", got, wantScenes)
	}
	// Scenes are recorded, not applied: the tile under the house keeps the
	// DMap's own access.
	if got, want := f.Walkable(3, 4), m.tiles[4*m.width+3].access == 0; got != want {
		t.Errorf("Walkable(3,4) = %v after scene layer, want DMap value %v", got, want)
	}
	// The accessors hand out copies.
	f.Portals()[0].X = 99
	f.Scenes()[0].Path = "x"
	if f.Portals()[0].X != 1 || f.Scenes()[0].Path != wantScenes[0].Path {
		t.Error("Portals/Scenes expose the floor's own slices")
	}
}

func TestParseDMapNoTrailer(t *testing.T) {
	m := sampleDMap()
	m.trailer = false
	if _, err := ParseDMap(bytes.NewReader(mustEncode(m))); err != nil {
		t.Fatal(err)
	}
}

func TestParseDMapEmptyLists(t *testing.T) {
	m := sampleDMap()
	m.portals, m.layers = nil, nil
	f, err := ParseDMap(bytes.NewReader(mustEncode(m)))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Portals()) != 0 || len(f.Scenes()) != 0 {
		t.Errorf("portals %v scenes %v, want none", f.Portals(), f.Scenes())
	}
}

func TestParseDMapVersionString(t *testing.T) {
	m := sampleDMap()
	m.tag = "DMAP1.0"
	f, err := ParseDMap(bytes.NewReader(mustEncode(m)))
	if err != nil {
		t.Fatal(err)
	}
	checkFloor(t, f, m)
}

func TestParseDMapWideCover(t *testing.T) {
	m := sampleDMap()
	m.version = dmapVersionWideCover
	m.layers = []testLayer{coverLayer(true), sceneLayer("after.scene", 1, 2), coverLayer(true)}
	f, err := ParseDMap(bytes.NewReader(mustEncode(m)))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Scenes(); len(got) != 1 || got[0].Path != "after.scene" {
		t.Errorf("Scenes = %v, want the one after the wide cover", got)
	}
	// The same bytes read as version 1004 are misaligned and must fail.
	m.version = 1004
	if _, err := ParseDMap(bytes.NewReader(mustEncode(m))); err == nil {
		t.Error("1005-style cover layers parsed as version 1004")
	}
}

func TestParseDMapWideSurface(t *testing.T) {
	m := sampleDMap()
	m.tiles[2*m.width+4].surface = 300
	m.tiles[4*m.width+6].surface = 65535
	f, err := ParseDMap(bytes.NewReader(mustEncode(m)))
	if err != nil {
		t.Fatal(err)
	}
	checkFloor(t, f, m)
	if f.surfaceWide == nil || f.surface != nil {
		t.Error("surface over 255 did not switch to the wide store")
	}
}

func TestParseDMapChecksum(t *testing.T) {
	m := sampleDMap()
	data, _ := m.encode()
	// The checksum of row 2 ends at header + 3 rows.
	rowSize := m.width*dmapTileSize + dmapChecksumSize
	off := 276 + 3*rowSize - 4
	data[off]++
	_, err := ParseDMap(bytes.NewReader(data))
	if err == nil || !strings.Contains(err.Error(), "row 2 checksum") {
		t.Fatalf("err = %v, want a row 2 checksum error", err)
	}
	// A changed tile without a matching checksum fails too.
	data, _ = m.encode()
	data[276+rowSize+dmapTileSize*2+4]++ // elevation of (2,1)
	if _, err := ParseDMap(bytes.NewReader(data)); err == nil || !strings.Contains(err.Error(), "row 1 checksum") {
		t.Fatalf("err = %v, want a row 1 checksum error", err)
	}
}

func TestParseDMapAccessValues(t *testing.T) {
	// Access values other than 0/1: the checksum may use the raw value
	// (COPS) or the blocked bit (Wiki); both are accepted and the tile is
	// blocked either way.
	for _, raw := range []bool{false, true} {
		m := sampleDMap()
		m.tiles[1*m.width+2].access = 2
		m.tiles[3*m.width+4].access = 0xFFFF
		m.rawChecksum = raw
		f, err := ParseDMap(bytes.NewReader(mustEncode(m)))
		if err != nil {
			t.Fatalf("raw=%v: %v", raw, err)
		}
		checkFloor(t, f, m)
	}
}

func TestParseDMapTruncated(t *testing.T) {
	m := sampleDMap()
	data, end := m.encode()
	for n := range len(data) {
		f, err := ParseDMap(bytes.NewReader(data[:n]))
		switch {
		case n < end && err == nil:
			t.Fatalf("truncated at %d of %d: no error", n, end)
		case n < end && !errors.Is(err, io.ErrUnexpectedEOF):
			t.Fatalf("truncated at %d: err = %v, want unexpected EOF", n, err)
		case n >= end && err != nil:
			t.Fatalf("cut in the unread trailer at %d: %v", n, err)
		case n >= end:
			checkFloor(t, f, m)
		}
	}
}

func TestParseDMapSizeLimits(t *testing.T) {
	for _, size := range [][2]uint32{
		{0, 5}, {5, 0}, {MaxWidth + 1, 5}, {5, MaxHeight + 1}, {0xFFFFFFFF, 0xFFFFFFFF}, {0x80000000, 2},
	} {
		var b le
		b.u32(1004)
		b.u32(0)
		b.fixed("", dmapPathSize)
		b.u32(size[0])
		b.u32(size[1])
		b.Write(make([]byte, 1024))

		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := ParseDMap(bytes.NewReader(b.Bytes()))
		runtime.ReadMemStats(&after)
		if err == nil || !strings.Contains(err.Error(), "size") {
			t.Errorf("%d×%d: err = %v, want a size error", size[0], size[1], err)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
			t.Errorf("%d×%d: allocated %d bytes before refusing", size[0], size[1], got)
		}
	}
}

func TestParseDMapLargestTruncated(t *testing.T) {
	// The largest accepted header with no tiles behind it.
	var b le
	b.u32(1004)
	b.u32(0)
	b.fixed("", dmapPathSize)
	b.u32(MaxWidth)
	b.u32(MaxHeight)
	if _, err := ParseDMap(bytes.NewReader(b.Bytes())); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v, want unexpected EOF", err)
	}
}

func TestParseDMapCountLimits(t *testing.T) {
	big := uint32(MaxPortals + 1)
	m := sampleDMap()
	m.portalCount = &big
	if _, err := ParseDMap(bytes.NewReader(mustEncode(m))); err == nil || !strings.Contains(err.Error(), "portal count") {
		t.Errorf("err = %v, want a portal count error", err)
	}
	big = MaxLayers + 1
	m = sampleDMap()
	m.layerCount = &big
	if _, err := ParseDMap(bytes.NewReader(mustEncode(m))); err == nil || !strings.Contains(err.Error(), "layer count") {
		t.Errorf("err = %v, want a layer count error", err)
	}
}

func TestParseDMapUnknownLayer(t *testing.T) {
	for _, typ := range []uint32{0, 2, 3, 5, 11, 18, 20, 0xFFFFFFFF} {
		m := sampleDMap()
		m.layers = append(m.layers[:2:2], testLayer{typ, make([]byte, 420)})
		_, err := ParseDMap(bytes.NewReader(mustEncode(m)))
		if err == nil || !strings.Contains(err.Error(), "layer 2") || !strings.Contains(err.Error(), "unknown type") {
			t.Errorf("type %d: err = %v, want unknown layer type error for layer 2", typ, err)
		}
	}
}

// failingReader returns its data, then err.
type failingReader struct {
	data []byte
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestParseDMapReadError(t *testing.T) {
	data := mustEncode(sampleDMap())
	boom := errors.New("disk on fire")
	_, err := ParseDMap(&failingReader{data: data[:400], err: boom})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the reader's error", err)
	}
}

func TestWalkableOutOfBounds(t *testing.T) {
	f, err := ParseDMap(bytes.NewReader(mustEncode(sampleDMap())))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range [][2]int{{-1, 0}, {0, -1}, {7, 0}, {0, 5}, {7, 5}, {-1 << 40, 1 << 40}, {1<<62 + 3, 2}} {
		if f.Walkable(p[0], p[1]) {
			t.Errorf("Walkable(%d,%d) = true outside a 7×5 map", p[0], p[1])
		}
		if f.Elevation(p[0], p[1]) != 0 || f.Surface(p[0], p[1]) != 0 {
			t.Errorf("tile (%d,%d) outside the map has data", p[0], p[1])
		}
	}
}

// bigDMap encodes a w×h map with varied tiles.
func bigDMap(w, h int) []byte {
	m := &testDMap{version: 1004, width: w, height: h, tiles: make([]testTile, w*h)}
	for i := range m.tiles {
		m.tiles[i] = testTile{access: uint16(i % 7 / 6), surface: uint16(i % 13), elev: int16(i%500 - 20)}
	}
	for i := range 200 {
		m.layers = append(m.layers, coverLayer(false))
		if i%10 == 0 {
			m.layers = append(m.layers, sceneLayer("map/scene/x.scene", uint32(i), uint32(i)))
		}
	}
	return mustEncode(m)
}

func BenchmarkParseDMap(b *testing.B) {
	data := bigDMap(1000, 1000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseDMap(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
