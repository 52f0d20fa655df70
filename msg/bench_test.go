package msg_test

import (
	"strings"
	"testing"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/wire"
)

// benchGoldens returns the first golden of every packet type, named by the
// type ("Talk", not "Talk/ANSWER_OK").
func benchGoldens() []golden {
	seen := map[string]bool{}
	var out []golden
	for _, g := range goldens {
		name, _, _ := strings.Cut(g.name, "/")
		if !seen[name] {
			seen[name] = true
			g.name = name
			out = append(out, g)
		}
	}
	return out
}

// BenchmarkEncode encodes each packet into a reused buffer with a reused
// codec, as a connection's writer does.
func BenchmarkEncode(b *testing.B) {
	for _, g := range benchGoldens() {
		b.Run(g.name, func(b *testing.B) {
			var c wire.Codec
			buf := make([]byte, 0, wire.MaxPacketSize)
			p := g.pkt
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if buf, err = c.Encode(buf[:0], p); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(len(buf)))
		})
	}
}

// BenchmarkDecode decodes each packet into a reused struct with a reused
// codec, as a connection's reader does; the strings are the same each time,
// so the codec keeps the ones it has.
func BenchmarkDecode(b *testing.B) {
	for _, g := range benchGoldens() {
		b.Run(g.name, func(b *testing.B) {
			var c wire.Codec
			pkt := unhex(g.hex)
			p := newLike(g.pkt)
			b.SetBytes(int64(len(pkt)))
			b.ReportAllocs()
			for b.Loop() {
				if err := c.Decode(pkt, p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeChangingText decodes two Talk packets in turn into one
// struct: only Message differs, so each decode allocates that one string.
func BenchmarkDecodeChangingText(b *testing.B) {
	var c wire.Codec
	ok, role := goldenBytes(b, "Talk/ANSWER_OK"), goldenBytes(b, "Talk/NEW_ROLE")
	var p msg.Talk
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		pkt := ok
		if i%2 == 1 {
			pkt = role
		}
		if err := c.Decode(pkt, &p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDialogPage builds and encodes a three-option page with 500
// bytes of text into reused buffers, as the game sends a page: no
// allocation.
func BenchmarkDialogPage(b *testing.B) {
	var c wire.Codec
	text := strings.Repeat("Some words of a guide. ", 22)
	opts := []string{"Twin City", "Desert City", "Farewell"}
	page := make([]msg.TaskDialog, 0, 16)
	buf := make([]byte, 0, wire.MaxPacketSize)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if page, err = msg.DialogPage(page[:0], text, opts, nil, 67); err != nil {
			b.Fatal(err)
		}
		buf = buf[:0]
		for i := range page {
			if buf, err = c.Encode(buf, &page[i]); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.SetBytes(int64(len(buf)))
}
