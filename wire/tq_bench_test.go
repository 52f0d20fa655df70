package wire_test

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/coserver/coserver/tq"
	"github.com/coserver/coserver/wire"
)

// stream returns at least 256 KiB of plaintext packets cycling through sizes.
func stream(sizes []int) []byte {
	var out []byte
	for i := 0; len(out) < 256<<10; i++ {
		n := sizes[i%len(sizes)]
		p := make([]byte, n)
		binary.LittleEndian.PutUint16(p, uint16(n))
		binary.LittleEndian.PutUint16(p[2:], 1005)
		out = append(out, p...)
	}
	return out
}

// realisticMix is a 5017 session's packet sizes: mostly walks (10), actions
// (24) and spawns (≈86), some chat (≈60–120), login-sized packets.
var realisticMix = []int{10, 10, 10, 24, 10, 86, 10, 24, 60, 10, 28, 120, 10, 52, 24, 10}

// BenchmarkDecryptFrame is the server's read path without the socket: TQ
// decrypt of everything read, then framing, on one core.
func BenchmarkDecryptFrame(b *testing.B) {
	for _, bc := range []struct {
		name  string
		sizes []int
	}{{"16B", []int{16}}, {"100B", []int{100}}, {"mix", realisticMix}} {
		b.Run(bc.name, func(b *testing.B) {
			plain := stream(bc.sizes)
			enc := bytes.Clone(plain)
			tq.NewClient().Encrypt(enc) // what a client sends
			r := bytes.NewReader(enc)
			f := wire.NewFramer(r, nil, nil)
			b.SetBytes(int64(len(enc)))
			b.ReportAllocs()
			packets := 0
			for b.Loop() {
				r.Reset(enc)
				f.Reset(r, tq.NewServer()) // a fresh cipher: the stream starts at counter 0
				for {
					if _, err := f.Next(); err != nil {
						break
					}
					packets++
				}
			}
			b.ReportMetric(float64(packets)/b.Elapsed().Seconds(), "packets/s")
		})
	}
}

// BenchmarkCipherOnly is TQ decryption alone over the same streams.
func BenchmarkCipherOnly(b *testing.B) {
	for _, n := range []int{16, 100, 4096} {
		b.Run(byteSize(n), func(b *testing.B) {
			data := make([]byte, n)
			c := tq.NewServer()
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				c.Decrypt(data)
			}
		})
	}
}

func byteSize(n int) string {
	switch n {
	case 16:
		return "16B"
	case 100:
		return "100B"
	}
	return "4KiB"
}
