package client

import (
	"bytes"
	"testing"
	"time"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/wire"
)

// FuzzClientEvents feeds arbitrary server bytes, framed as the reader
// frames them, to the client's packet handling with events on and off. It
// must never panic; a malformed packet is an error that stops the stream.
func FuzzClientEvents(f *testing.F) {
	var codec wire.Codec
	var seed []byte
	for _, p := range []wire.Packet{
		msg.SystemMessage(msg.ChannelLogin, msg.AnswerOK),
		&msg.UserInfo{ID: 7, Name: "me", Spouse: "None"},
		&msg.Action{ID: 7, Data1: 1010, Data2: msg.XY(61, 109), Subtype: msg.ActionSendLocation},
		&msg.Player{ID: 9, Name: "other", X: 60, Y: 100},
		&msg.Walk{ID: 9, Direction: 3},
		&msg.Walk{ID: 7, Direction: 11},
		&msg.Action{ID: 7, Data1: msg.XY(70, 100), Subtype: msg.ActionJump},
		&msg.Action{ID: 9, Data1: msg.XY(70, 100), Subtype: msg.ActionJump},
		&msg.Action{ID: 7, Data1: 1002, Data2: msg.XY(1, 2), Subtype: msg.ActionTeleport},
		&msg.Action{ID: 9, Subtype: msg.ActionLeaveMap},
		&msg.NpcInfo{ID: 3, Name: "npc"},
		&msg.NpcInfo{ID: 4, X: 62, Y: 110, Look: 1652, Kind: 2},
		&msg.TaskDialog{Action: msg.DialogText, Text: "Hello"},
		&msg.TaskDialog{Option: 1, Action: msg.DialogLink, Text: "Go"},
		&msg.TaskDialog{Data: 4, Option: 2, Action: msg.DialogEdit, Text: "Code"},
		&msg.TaskDialog{Data: 67, Action: msg.DialogPic},
		&msg.TaskDialog{Option: msg.OptionClose, Action: msg.DialogCreate},
		&msg.Npc{ID: 4, Action: msg.NpcLeaveMap},
		&msg.MapInfo{UID: 1002, MapID: 1002},
		&msg.Action{ID: 7, Data1: 1010, Data2: msg.XY(61, 109), Subtype: msg.ActionTeleport},
		&msg.ItemInfo{UID: 1, ItemType: 410301, Action: msg.ItemAdd, Position: msg.PositionRightHand},
		&msg.ItemInfo{UID: 2, ItemType: 1000000, Action: msg.ItemAdd},
		&msg.Item{ID: 2, Data: 4, Action: msg.ItemOpEquip},
		&msg.Item{ID: 1, Data: 4, Action: msg.ItemOpUnequip},
		&msg.Item{ID: 2, Action: msg.ItemOpDrop},
		&msg.Item{ID: 1, Data: 7, Action: msg.ItemOpDurability},
		&msg.Item{ID: 8, Data: 300, Action: msg.ItemOpQueryMoney},
		&msg.UserAttrib{ID: 7, Count: 2, Attribs: [msg.MaxUserAttribs]msg.Attrib{
			{Type: msg.AttribSilver, Value: 10}, {Type: msg.AttribCPs, Value: 1 << 40}}},
		&msg.MapItem{ID: 900001, ItemType: msg.MoneyGold, X: 62, Y: 109, Action: msg.MapItemCreate},
		&msg.MapItem{ID: 900001, Action: msg.MapItemDelete},
		&msg.Package{ID: 8, Count: 1, Items: [msg.MaxPackageItems]msg.PackageItem{{UID: 2, ItemType: 1000000}}},
		&msg.ConnectEx{Identity: 0, Code: 1},
	} {
		seed, _ = codec.Encode(seed, p)
	}
	f.Add(seed, uint8(3))
	f.Add([]byte{5, 0, 0xed, 0x03, 0}, uint8(0))         // a one-byte MsgWalk
	f.Add([]byte{6, 0, 0x39, 0x30, 1, 2}, uint8(1))      // an unknown type
	f.Add([]byte{0x19, 0, 0xec, 0x03, 0xff}, uint8(255)) // a cut MsgTalk
	f.Fuzz(func(t *testing.T, data []byte, pending uint8) {
		for _, buffer := range []int{-1, 2} {
			s := newSession(buffer, buffer > 0, func(Ack) {})
			s.w.user.ID = 7
			now := time.Unix(0, 0)
			for i := range int(pending % 8) {
				s.w.addPending(pendingMove{kind: MoveKind(i%3 + 1), dir: uint8(i), sent: now})
			}
			fr := wire.NewFramer(bytes.NewReader(data), nil, nil)
			for {
				b, err := fr.Next()
				if err != nil {
					break
				}
				if _, err := s.handle(b, now); err != nil {
					break
				}
			}
			if s.w.n < 0 || s.w.n > MaxPending {
				t.Fatalf("pending count %d", s.w.n)
			}
			_ = s.screenCopy()
			_, _ = s.nearestNPC(nil)
			if len(s.w.items.held) > MaxHeldItems {
				t.Fatalf("%d items held", len(s.w.items.held))
			}
			_ = s.heldWhere(msg.ItemPosition.IsEquipment)
		}
	})
}
