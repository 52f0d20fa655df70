// Package msg defines every packet of the Conquer Online patch 5017
// protocol, once, for both directions.
//
// Each packet lives in its own file: a struct whose fields are the packet's
// body in wire order, a Type method returning its wire.Type, and one Marshal
// method that lists the fields through a wire.Codec. The codec either reads
// or writes them, so the encoder and the decoder of a packet are the same ten
// lines and cannot drift apart. Layouts follow
// ../shared/protocol/packets.md; where the public sources disagree, the
// chosen form is stated on the type.
//
// Decoding a malformed packet returns a *wire.FieldError naming the packet
// and the field; after an error the struct's contents are unspecified.
// Decoding into a reused struct resets every field, including optional ones
// the packet leaves out.
package msg

import (
	"fmt"

	"github.com/coserver/coserver/wire"
)

// New returns a new, zero packet of type t, or nil when t is not a 5017
// packet this package defines. It is the registry a proxy or a packet log
// uses to decode whatever arrives.
//
// TypeConnect has two bodies; New returns the game-server form, *Connect.
// An account server decodes into *ConnectAccount itself.
func New(t wire.Type) wire.Packet {
	switch t {
	case wire.TypeRegister:
		return new(Register)
	case wire.TypeTalk:
		return new(Talk)
	case wire.TypeWalk:
		return new(Walk)
	case wire.TypeUserInfo:
		return new(UserInfo)
	case wire.TypeItemInfo:
		return new(ItemInfo)
	case wire.TypeItem:
		return new(Item)
	case wire.TypeUserAttrib:
		return new(UserAttrib)
	case wire.TypeMapItem:
		return new(MapItem)
	case wire.TypePackage:
		return new(Package)
	case wire.TypeAction:
		return new(Action)
	case wire.TypePlayer:
		return new(Player)
	case wire.TypeWeather:
		return new(Weather)
	case wire.TypeData:
		return new(Data)
	case wire.TypeInteract:
		return new(Interact)
	case wire.TypeAllot:
		return new(Allot)
	case wire.TypeWeaponSkill:
		return new(WeaponSkill)
	case wire.TypeMagicInfo:
		return new(MagicInfo)
	case wire.TypeFlushExp:
		return new(FlushExp)
	case wire.TypeMagicEffect:
		return new(MagicEffect)
	case wire.TypeAccount:
		return new(Account)
	case wire.TypeConnect:
		return new(Connect)
	case wire.TypeConnectEx:
		return new(ConnectEx)
	case wire.TypeMapInfo:
		return new(MapInfo)
	case wire.TypeNpcInfo:
		return new(NpcInfo)
	case wire.TypeNpc:
		return new(Npc)
	case wire.TypeTaskDialog:
		return new(TaskDialog)
	}
	return nil
}

// listCount reads or writes the count byte of a TQ string list whose packet
// carries want strings. Encoding writes want; decoding fails unless the
// packet announces at least want strings (any more are ignored, like other
// trailing bytes).
func listCount(c *wire.Codec, want uint8) {
	n := want
	c.ListCount(&n, "StringCount")
	if n < want {
		c.Fail("StringCount", fmt.Sprintf("list of %d strings, want at least %d", n, want))
	}
}
