package msg_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/wire"
)

// fuzzPacket fuzzes the body of packet type T. Any body must decode without
// panicking, to the packet or to a *wire.FieldError naming the packet. A
// body that decodes must encode, decode again to an equal struct, and
// encode again to the same bytes; decoding it into a struct that held
// another packet must give the same struct as decoding it into a new one.
// The goldens of T seed the corpus, so plain `go test` runs them.
func fuzzPacket[T comparable, P interface {
	*T
	wire.Packet
}](f *testing.F) {
	var seeds [][]byte
	for _, g := range goldens {
		if _, ok := g.pkt.(P); ok {
			b := unhex(g.hex)
			seeds = append(seeds, b)
			f.Add(b[wire.HeaderSize:])
		}
	}
	if len(seeds) == 0 {
		f.Fatalf("no golden for %T", P(nil))
	}
	typ := P(new(T)).Type()
	f.Fuzz(func(t *testing.T, body []byte) {
		if wire.HeaderSize+len(body) > wire.MaxPacketSize {
			return // the framer never hands out such a packet
		}
		pkt := binary.LittleEndian.AppendUint16(nil, uint16(wire.HeaderSize+len(body)))
		pkt = binary.LittleEndian.AppendUint16(pkt, uint16(typ))
		pkt = append(pkt, body...)

		var c wire.Codec
		first := P(new(T))
		if err := c.Decode(pkt, first); err != nil {
			var fe *wire.FieldError
			if !errors.As(err, &fe) || fe.Packet != typ || fe.Field == "" {
				t.Fatalf("decode error %v is not a *wire.FieldError for %v", err, typ)
			}
			return
		}
		enc, err := c.Encode(nil, first)
		if err != nil {
			t.Fatalf("decoded %+v does not encode: %v", *first, err)
		}
		second := P(new(T))
		if err := c.Decode(enc, second); err != nil {
			t.Fatalf("encoding %x of %+v does not decode: %v", enc, *first, err)
		}
		if *second != *first {
			t.Fatalf("decode(encode(p)) != p:\n got %+v\nwant %+v", *second, *first)
		}
		again, err := c.Encode(nil, second)
		if err != nil || !bytes.Equal(again, enc) {
			t.Fatalf("encoding is not stable: %x then %x (%v)", enc, again, err)
		}
		for _, seed := range seeds {
			reused := P(new(T))
			if err := c.Decode(seed, reused); err != nil {
				t.Fatal(err)
			}
			if err := c.Decode(pkt, reused); err != nil || *reused != *first {
				t.Fatalf("decoding into a reused struct: %v\n got %+v\nwant %+v", err, *reused, *first)
			}
		}
	})
}

// One fuzz target per packet type, each seeded with its goldens; run one
// with go test -run XXX -fuzz ^FuzzTalk$ -fuzztime 10s ./msg.

func FuzzAccount(f *testing.F)        { fuzzPacket[msg.Account](f) }
func FuzzConnectEx(f *testing.F)      { fuzzPacket[msg.ConnectEx](f) }
func FuzzConnect(f *testing.F)        { fuzzPacket[msg.Connect](f) }
func FuzzConnectAccount(f *testing.F) { fuzzPacket[msg.ConnectAccount](f) }
func FuzzTalk(f *testing.F)           { fuzzPacket[msg.Talk](f) }
func FuzzRegister(f *testing.F)       { fuzzPacket[msg.Register](f) }
func FuzzUserInfo(f *testing.F)       { fuzzPacket[msg.UserInfo](f) }
func FuzzAction(f *testing.F)         { fuzzPacket[msg.Action](f) }
func FuzzWalk(f *testing.F)           { fuzzPacket[msg.Walk](f) }
func FuzzPlayer(f *testing.F)         { fuzzPacket[msg.Player](f) }
func FuzzItemInfo(f *testing.F)       { fuzzPacket[msg.ItemInfo](f) }
func FuzzNpcInfo(f *testing.F)        { fuzzPacket[msg.NpcInfo](f) }
func FuzzNpc(f *testing.F)            { fuzzPacket[msg.Npc](f) }
func FuzzTaskDialog(f *testing.F)     { fuzzPacket[msg.TaskDialog](f) }
func FuzzData(f *testing.F)           { fuzzPacket[msg.Data](f) }
func FuzzWeather(f *testing.F)        { fuzzPacket[msg.Weather](f) }
func FuzzMapInfo(f *testing.F)        { fuzzPacket[msg.MapInfo](f) }
func FuzzItem(f *testing.F)           { fuzzPacket[msg.Item](f) }
func FuzzMapItem(f *testing.F)        { fuzzPacket[msg.MapItem](f) }
func FuzzPackage(f *testing.F)        { fuzzPacket[msg.Package](f) }
func FuzzUserAttrib(f *testing.F)     { fuzzPacket[msg.UserAttrib](f) }
func FuzzInteract(f *testing.F)       { fuzzPacket[msg.Interact](f) }
func FuzzMagicEffect(f *testing.F)    { fuzzPacket[msg.MagicEffect](f) }
func FuzzMagicInfo(f *testing.F)      { fuzzPacket[msg.MagicInfo](f) }
func FuzzFlushExp(f *testing.F)       { fuzzPacket[msg.FlushExp](f) }
func FuzzWeaponSkill(f *testing.F)    { fuzzPacket[msg.WeaponSkill](f) }
func FuzzAllot(f *testing.F)          { fuzzPacket[msg.Allot](f) }
