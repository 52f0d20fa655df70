package mapdata

import (
	"bytes"
	"encoding/binary"
)

// This file is a test-only encoder for synthetic client files. No TQ file is
// used by the tests.

// testTile is one tile of a synthetic DMap.
type testTile struct {
	access  uint16
	surface uint16
	elev    int16
}

// testLayer is one layer of a synthetic DMap: its type and raw body.
type testLayer struct {
	typ  uint32
	body []byte
}

// testDMap describes a synthetic DMap file.
type testDMap struct {
	version, data uint32
	tag           string // if set, the 8-byte version string ("DMAP…")
	puzzle        string
	width, height int
	tiles         []testTile // index y*width+x
	portals       []Portal
	layers        []testLayer
	layerCount    *uint32 // overrides len(layers) when set
	portalCount   *uint32 // overrides len(portals) when set
	trailer       bool    // append the final u32 0 seen in real files
	// rawChecksum computes the checksum with the raw access value (COPS)
	// instead of the blocked bit (Wiki).
	rawChecksum bool
}

// le is a little-endian byte builder.
type le struct{ bytes.Buffer }

func (b *le) u16(v uint16) { b.Write(binary.LittleEndian.AppendUint16(nil, v)) }
func (b *le) u32(v uint32) { b.Write(binary.LittleEndian.AppendUint32(nil, v)) }

// fixed writes s NUL-padded (or cut) to n bytes.
func (b *le) fixed(s string, n int) {
	f := make([]byte, n)
	copy(f, s)
	b.Write(f)
}

// testChecksum computes a row checksum with 64-bit arithmetic, independently
// of the parser: sum of blocked·(surface+y+1) + (elevation+2)·(surface+x+1),
// truncated to 32 bits.
func testChecksum(row []testTile, y int, raw bool) uint32 {
	var sum int64
	for x, t := range row {
		var a int64
		if t.access != 0 {
			a = 1
		}
		if raw {
			a = int64(t.access)
		}
		s := int64(t.surface)
		sum += a*(s+int64(y)+1) + (int64(t.elev)+2)*(s+int64(x)+1)
	}
	return uint32(sum)
}

// encode returns the file and the offset where the layer list ends (the
// parser reads nothing after it).
func (m *testDMap) encode() ([]byte, int) {
	var b le
	if m.tag != "" {
		b.fixed(m.tag, 8)
	} else {
		b.u32(m.version)
		b.u32(m.data)
	}
	b.fixed(m.puzzle, dmapPathSize)
	b.u32(uint32(m.width))
	b.u32(uint32(m.height))
	for y := range m.height {
		row := m.tiles[y*m.width : (y+1)*m.width]
		for _, t := range row {
			b.u16(t.access)
			b.u16(t.surface)
			b.u16(uint16(t.elev))
		}
		b.u32(testChecksum(row, y, m.rawChecksum))
	}
	if m.portalCount != nil {
		b.u32(*m.portalCount)
	} else {
		b.u32(uint32(len(m.portals)))
	}
	for _, p := range m.portals {
		b.u32(p.X)
		b.u32(p.Y)
		b.u32(p.Index)
	}
	if m.layerCount != nil {
		b.u32(*m.layerCount)
	} else {
		b.u32(uint32(len(m.layers)))
	}
	for _, l := range m.layers {
		b.u32(l.typ)
		b.Write(l.body)
	}
	end := b.Len()
	if m.trailer {
		b.u32(0)
	}
	return b.Bytes(), end
}

// Layer body builders, sizes as in game-rules.md §7.

func sceneLayer(path string, x, y uint32) testLayer {
	var b le
	b.fixed(path, 260)
	b.u32(x)
	b.u32(y)
	return testLayer{layerScene, b.Bytes()}
}

func coverLayer(wide bool) testLayer {
	var b le
	b.fixed(`ani\MapScene.ani`, 260)
	b.fixed("altar00", 128)
	for _, v := range []uint32{568, 788, 3, 2, 89, 221, 100} {
		b.u32(v)
	}
	if wide {
		b.u32(7)
	}
	return testLayer{layerCover, b.Bytes()}
}

func effectLayer() testLayer {
	var b le
	b.fixed("zf2-e224", 64)
	b.u32(11392)
	b.u32(6465)
	return testLayer{layerEffect, b.Bytes()}
}

func soundLayer() testLayer {
	var b le
	b.fixed("sound/water.wav", 260)
	for _, v := range []uint32{25995, 11673, 1200, 100} {
		b.u32(v)
	}
	return testLayer{layerSound, b.Bytes()}
}

func effectNewLayer() testLayer {
	return testLayer{layerEffectNew, bytes.Repeat([]byte{0xAB}, 96)}
}

// sampleDMap is a small map exercising every part of the format: blocked
// tiles, negative and large elevations, surfaces, portals and each known
// layer type.
func sampleDMap() *testDMap {
	const w, h = 7, 5
	m := &testDMap{
		version: 1004,
		puzzle:  `map\puzzle\sample.pul`,
		width:   w,
		height:  h,
		tiles:   make([]testTile, w*h),
		portals: []Portal{{X: 1, Y: 2, Index: 0}, {X: 6, Y: 4, Index: 3}, {X: 100, Y: 200, Index: 7}},
		layers: []testLayer{
			sceneLayer(`map\scene\house.scene`, 3, 4),
			coverLayer(false),
			effectLayer(),
			soundLayer(),
			effectNewLayer(),
			sceneLayer(`map\scene\tree.scene`, 0xFFFFFFFF, 0),
		},
		trailer: true,
	}
	for y := range h {
		for x := range w {
			t := &m.tiles[y*w+x]
			t.elev = int16((x-3)*(y+1)*37 - 10)
			t.surface = uint16((x + y) % 20)
			if (x+2*y)%5 == 0 || x == w-1 {
				t.access = 1
			}
		}
	}
	m.tiles[2*w+3].elev = -32768
	m.tiles[4*w+0].elev = 32767
	m.tiles[1*w+1].surface = 16
	return m
}

// testGameMap encodes a GameMap.dat; paths are written with the given
// lengths (padding with NULs when longer than the path).
func testGameMap(records []MapFile, pad int) []byte {
	var b le
	b.u32(uint32(len(records)))
	for _, r := range records {
		b.u32(r.ID)
		b.u32(uint32(len(r.Path) + pad))
		b.fixed(r.Path, len(r.Path)+pad)
		b.u32(r.PuzzleSize)
	}
	return b.Bytes()
}
