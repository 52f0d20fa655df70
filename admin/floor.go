package admin

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"github.com/coserver/coserver/mapdata"
)

// Colours of a floor's PNG: a palette of two, so the image has one bit per
// tile.
var (
	blockedColor  = color.RGBA{R: 0x22, G: 0x26, B: 0x2e, A: 0xff}
	walkableColor = color.RGBA{R: 0xc8, G: 0xd4, B: 0xb8, A: 0xff}
)

// floorPNG returns the PNG of map id's floor: one pixel per tile, walkable
// tiles light, blocked ones dark. Floors never change while the process runs,
// so each is drawn once.
func (h *Handler) floorPNG(id uint32) ([]byte, error) {
	h.floorsMu.Lock()
	b, ok := h.floors[id]
	h.floorsMu.Unlock()
	if ok {
		return b, nil
	}
	f := h.p.MapFloor(id)
	if f == nil {
		return nil, fmt.Errorf("%w: map %d is not loaded", ErrNotFound, id)
	}
	b, err := encodeFloor(f)
	if err != nil {
		return nil, fmt.Errorf("map %d: %w", id, err)
	}
	h.floorsMu.Lock()
	h.floors[id] = b
	h.floorsMu.Unlock()
	return b, nil
}

// encodeFloor draws f as a two-colour PNG.
func encodeFloor(f *mapdata.Floor) ([]byte, error) {
	img := image.NewPaletted(image.Rect(0, 0, f.Width(), f.Height()), color.Palette{blockedColor, walkableColor})
	for y := range f.Height() {
		row := img.Pix[y*img.Stride:]
		for x := range f.Width() {
			if f.Walkable(x, y) {
				row[x] = 1
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encoding the floor: %w", err)
	}
	return buf.Bytes(), nil
}
