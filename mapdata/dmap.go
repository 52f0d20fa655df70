package mapdata

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Limits on what a DMap may declare. Real 5017 maps are at most about
// 1200 tiles on a side, have a handful of portals and at most some hundreds
// of layers; a header beyond these is refused before anything is allocated
// for it.
const (
	// MaxWidth is the largest accepted map width, in tiles.
	MaxWidth = 2048
	// MaxHeight is the largest accepted map height, in tiles.
	MaxHeight = 2048
	// MaxPortals is the largest accepted portal count of one DMap.
	MaxPortals = 4096
	// MaxLayers is the largest accepted layer count of one DMap.
	MaxLayers = 1 << 16
)

// DMap layout constants (game-rules.md §7).
const (
	// dmapPathSize is the size of the char[260] path fields (MAX_PATH).
	dmapPathSize = 260
	// dmapTagMagic is the first four bytes of a DMap whose version is a
	// string instead of two u32s.
	dmapTagMagic = "DMAP"
	// dmapTileSize is the size of one tile: u16 access, u16 surface,
	// i16 elevation.
	dmapTileSize = 6
	// dmapChecksumSize is the size of the u32 checksum after each row.
	dmapChecksumSize = 4
	// dmapPortalSize is the size of one portal: u32 x, u32 y, u32 index.
	dmapPortalSize = 12
	// dmapVersionWideCover is the numeric version whose cover layers carry
	// 4 more bytes (COPS).
	dmapVersionWideCover = 1005
)

// DMap layer types with a known body size, and those sizes in bytes.
const (
	layerScene      = 1  // char[260] .scene path, u32 x, u32 y
	layerCover      = 4  // char[260] ani, char[128] key, u32 × 7
	layerEffect     = 10 // char[64] effect name, u32 x, u32 y
	layerSound      = 15 // char[260] path, u32 x, y, range, volume
	layerEffectNew  = 19 // not described; size from COPS
	sceneBodySize   = 268
	coverBodySize   = 416
	coverWideExtra  = 4
	effectBodySize  = 72
	soundBodySize   = 276
	effectNewSize   = 96
	maxLayerBodyLen = coverBodySize + coverWideExtra
)

// dmapBufferSize is the read buffer ParseDMap puts in front of its reader.
const dmapBufferSize = 32 << 10

// ParseDMap reads a DMap file: header, tile grid (every row checksum is
// verified), portals and layers. Scenery layers are recorded (Floor.Scenes)
// but, as their placement is disputed, not applied to the grid. A layer of a
// type whose size is unknown is an error, as in COPS. Bytes after the layer
// list are not interpreted (COPS and CoEmu ignore them too; the known file
// has a single u32 0 there), though r is read through a buffer and may be
// consumed past the layer list.
func ParseDMap(r io.Reader) (*Floor, error) {
	d := binReader{r: bufio.NewReaderSize(r, dmapBufferSize), prefix: "dmap"}

	var head [8]byte
	if err := d.read(head[:]); err != nil {
		return nil, d.fail(err, "version")
	}
	version := binary.LittleEndian.Uint32(head[0:4])
	if string(head[0:4]) == dmapTagMagic {
		version = 0 // a version string; COPS treats it as no numeric version
	}
	if err := d.skip(dmapPathSize); err != nil {
		return nil, d.fail(err, "puzzle path")
	}
	width, err := d.u32()
	if err != nil {
		return nil, d.fail(err, "width")
	}
	height, err := d.u32()
	if err != nil {
		return nil, d.fail(err, "height")
	}
	if width == 0 || height == 0 || width > MaxWidth || height > MaxHeight {
		return nil, fmt.Errorf("dmap: size %d×%d outside 1×1..%d×%d", width, height, MaxWidth, MaxHeight)
	}

	f := newFloor(int(width), int(height))
	if err := d.tiles(f); err != nil {
		return nil, err
	}
	if f.portals, err = d.portals(); err != nil {
		return nil, err
	}
	if f.scenes, err = d.layers(version); err != nil {
		return nil, err
	}
	return f, nil
}

// tiles reads the rows of f's grid and verifies each row checksum.
//
// The checksum of row y is the u32 (wrapping) sum over its tiles of
// access·(surface+y+1) + (elevation+2)·(surface+x+1). The Wiki writes the
// first factor as blocked?1:0, COPS as the raw access value; they agree for
// the values 0 and 1 seen in files, and a row matching either is accepted.
func (d *binReader) tiles(f *Floor) error {
	w := f.width
	row := make([]byte, w*dmapTileSize+dmapChecksumSize)
	for y := range f.height {
		if err := d.read(row); err != nil {
			return d.fail(err, "row %d", y)
		}
		var sumBit, sumRaw uint32
		base := y * w
		for x := range w {
			t := row[x*dmapTileSize:]
			access := binary.LittleEndian.Uint16(t[0:2])
			surface := binary.LittleEndian.Uint16(t[2:4])
			elev := int16(binary.LittleEndian.Uint16(t[4:6]))

			i := base + x
			var blocked uint32
			if access != 0 {
				blocked = 1
				f.setBlocked(i)
			}
			f.setSurface(i, surface)
			f.elevation[i] = elev

			s := uint32(surface)
			elevTerm := uint32(int32(elev)+2) * (s + uint32(x) + 1)
			sumBit += blocked*(s+uint32(y)+1) + elevTerm
			sumRaw += uint32(access)*(s+uint32(y)+1) + elevTerm
		}
		want := binary.LittleEndian.Uint32(row[w*dmapTileSize:])
		if sumBit != want && sumRaw != want {
			return fmt.Errorf("dmap: row %d checksum: file has %d, tiles give %d", y, want, sumBit)
		}
	}
	return nil
}

// portals reads the portal count and list.
func (d *binReader) portals() ([]Portal, error) {
	n, err := d.u32()
	if err != nil {
		return nil, d.fail(err, "portal count")
	}
	if n > MaxPortals {
		return nil, fmt.Errorf("dmap: portal count %d exceeds %d", n, MaxPortals)
	}
	if n == 0 {
		return nil, nil
	}
	out := make([]Portal, n)
	var b [dmapPortalSize]byte
	for i := range out {
		if err := d.read(b[:]); err != nil {
			return nil, d.fail(err, "portal %d", i)
		}
		out[i] = Portal{
			X:     binary.LittleEndian.Uint32(b[0:4]),
			Y:     binary.LittleEndian.Uint32(b[4:8]),
			Index: binary.LittleEndian.Uint32(b[8:12]),
		}
	}
	return out, nil
}

// layers reads the layer list, keeping the scenery layers.
func (d *binReader) layers(version uint32) ([]Scene, error) {
	n, err := d.u32()
	if err != nil {
		return nil, d.fail(err, "layer count")
	}
	if n > MaxLayers {
		return nil, fmt.Errorf("dmap: layer count %d exceeds %d", n, MaxLayers)
	}
	var scenes []Scene
	var body [maxLayerBodyLen]byte
	for i := range int(n) {
		typ, err := d.u32()
		if err != nil {
			return nil, d.fail(err, "layer %d type", i)
		}
		var size int
		switch typ {
		case layerScene:
			size = sceneBodySize
		case layerCover:
			size = coverBodySize
			if version == dmapVersionWideCover {
				size += coverWideExtra
			}
		case layerEffect:
			size = effectBodySize
		case layerSound:
			size = soundBodySize
		case layerEffectNew:
			size = effectNewSize
		default:
			return nil, fmt.Errorf("dmap: layer %d at offset %d: unknown type %d", i, d.off-4, typ)
		}
		if err := d.read(body[:size]); err != nil {
			return nil, d.fail(err, "layer %d (type %d)", i, typ)
		}
		if typ == layerScene {
			scenes = append(scenes, Scene{
				Path: cString(body[:dmapPathSize]),
				X:    binary.LittleEndian.Uint32(body[dmapPathSize:]),
				Y:    binary.LittleEndian.Uint32(body[dmapPathSize+4:]),
			})
		}
	}
	return scenes, nil
}

// binReader reads little-endian fields, counting the offset so that errors
// can say where the data ran out. Its methods return bare errors; callers
// name the field with fail, so that nothing is formatted on the success path.
type binReader struct {
	r      *bufio.Reader
	off    int64
	prefix string
	// scratch backs u32 reads, so that they do not allocate.
	scratch [4]byte
}

// read fills p.
func (d *binReader) read(p []byte) error {
	n, err := io.ReadFull(d.r, p)
	d.off += int64(n)
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// u32 reads one little-endian u32.
func (d *binReader) u32() (uint32, error) {
	if err := d.read(d.scratch[:]); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(d.scratch[:]), nil
}

// skip discards n bytes.
func (d *binReader) skip(n int) error {
	m, err := d.r.Discard(n)
	d.off += int64(m)
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// fail wraps the read error err with the field named by format and args
// and the offset reached.
func (d *binReader) fail(err error, format string, args ...any) error {
	return fmt.Errorf("%s: %s at offset %d: %w", d.prefix, fmt.Sprintf(format, args...), d.off, err)
}

// cString returns b up to its first NUL byte as a string.
func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
