package proxy

import (
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/record"
	"github.com/coserver/coserver/tq"
	"github.com/coserver/coserver/wire"
)

// clientStream is a net.Conn whose reads are n MsgWalk packets encrypted
// as a 5017 client sends them, then io.EOF.
type clientStream struct {
	net.Conn // nil: only Read and Close are used
	cipher   *tq.Cipher
	pkt      []byte
	left     int
	off      int
}

func (s *clientStream) Read(b []byte) (int, error) {
	n := 0
	for n < len(b) && s.left > 0 {
		k := copy(b[n:], s.pkt[s.off:])
		n += k
		s.off += k
		if s.off == len(s.pkt) {
			s.off = 0
			s.left--
		}
	}
	if n == 0 {
		return 0, io.EOF
	}
	s.cipher.Encrypt(b[:n])
	return n, nil
}

func (*clientStream) Close() error { return nil }

// BenchmarkProxyPerPacket is the proxy's own work per packet from the
// client: decrypt, frame, observe (print, record), re-encrypt, buffer the
// write. The sockets are left out; the source's encryption (one tq pass)
// is included.
func BenchmarkProxyPerPacket(b *testing.B) {
	var codec wire.Codec
	walk, err := codec.Encode(nil, &msg.Walk{ID: 1000001, Direction: 2})
	if err != nil {
		b.Fatal(err)
	}
	textOut, _ := record.NewPrinter(io.Discard, record.FormatText, nil)
	jsonOut, _ := record.NewPrinter(io.Discard, record.FormatJSON, nil)
	filtered, _ := record.NewPrinter(io.Discard, record.FormatText, []wire.Type{wire.TypeTalk})
	rec, _ := record.NewWriter(io.Discard, nil)
	for _, bc := range []struct {
		name string
		pr   *record.Printer
		rec  *record.Writer
	}{
		{"silent", nil, nil},
		{"filtered-out", filtered, nil},
		{"text", textOut, nil},
		{"json", jsonOut, nil},
		{"text+record", textOut, rec},
	} {
		b.Run(bc.name, func(b *testing.B) {
			p := &Proxy{cfg: Config{Printer: bc.pr, Recorder: bc.rec, Now: time.Now}, log: slog.New(slog.DiscardHandler)}
			src := &clientStream{cipher: tq.NewClient(), pkt: walk, left: b.N}
			pr := &pair{p: p, id: 1, kind: record.KindGame, client: src, cs: tq.NewServer(), cu: tq.NewClient()}
			b.ReportAllocs()
			b.SetBytes(int64(len(walk)))
			b.ResetTimer()
			pr.pump(src, io.Discard, pr.cs, pr.cu, record.ClientToServer, nil)
		})
	}
}
