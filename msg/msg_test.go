package msg_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/wire"
)

// allPackets returns one zero value of every packet type the package
// defines.
func allPackets() []wire.Packet {
	return []wire.Packet{
		&msg.Account{}, &msg.ConnectEx{}, &msg.Connect{}, &msg.ConnectAccount{}, &msg.Talk{},
		&msg.Register{}, &msg.UserInfo{}, &msg.Action{}, &msg.Walk{}, &msg.Player{},
		&msg.ItemInfo{}, &msg.NpcInfo{}, &msg.Data{}, &msg.Weather{}, &msg.MapInfo{}, &msg.Npc{},
		&msg.TaskDialog{}, &msg.Item{}, &msg.MapItem{}, &msg.Package{}, &msg.UserAttrib{},
		&msg.Interact{}, &msg.MagicEffect{}, &msg.MagicInfo{}, &msg.FlushExp{}, &msg.WeaponSkill{},
		&msg.Allot{},
	}
}

func TestNew(t *testing.T) {
	for _, p := range allPackets() {
		if _, ok := p.(*msg.ConnectAccount); ok {
			continue // shares 1052 with Connect, which New returns
		}
		got := msg.New(p.Type())
		if reflect.TypeOf(got) != reflect.TypeOf(p) {
			t.Errorf("New(%v) = %T, want %T", p.Type(), got, p)
		}
		if got.Type() != p.Type() || !p.Type().Known() {
			t.Errorf("New(%v).Type() = %v", p.Type(), got.Type())
		}
	}
	for _, typ := range []wire.Type{0, 1000, 1002, 1003, 1106, 2033, 0xffff} {
		if p := msg.New(typ); p != nil {
			t.Errorf("New(%d) = %T, want nil", typ, p)
		}
	}
}

// wantFieldError checks that err is a *wire.FieldError for field of typ.
func wantFieldError(t *testing.T, err error, typ wire.Type, field string) {
	t.Helper()
	var fe *wire.FieldError
	if !errors.As(err, &fe) || fe.Packet != typ || fe.Field != field {
		t.Fatalf("error %v, want a *wire.FieldError for %v field %q", err, typ, field)
	}
}

func TestEncodeErrors(t *testing.T) {
	long := strings.Repeat("x", 256)
	cases := []struct {
		p     wire.Packet
		field string
	}{
		{&msg.Account{Account: "seventeen-chars!!"}, "Account"},
		{&msg.Account{Server: "a\x00b"}, "Server"},
		{&msg.ConnectEx{Identity: 1, Host: "255.255.255.255:1"}, "Host"},
		{&msg.Connect{Language: "English-UK!"}, "Language"},
		{&msg.ConnectAccount{File: "Res\x00dat"}, "File"},
		{&msg.Register{Name: "Hero\x00"}, "Name"},
		{&msg.Register{Password: strings.Repeat("*", 17)}, "Password"},
		{&msg.Talk{Sender: long}, "Sender"},
		{&msg.Talk{Message: long}, "Message"},
		{&msg.UserInfo{Spouse: long}, "Spouse"},
		{&msg.Player{Name: long}, "Name"},
		{&msg.NpcInfo{Name: long}, "Name"},
		{&msg.TaskDialog{Action: msg.DialogText, Text: long}, "Text"},
		{&msg.Package{Action: msg.PackageQuery, Count: msg.MaxPackageItems + 1}, "Count"},
		{&msg.UserAttrib{Count: msg.MaxUserAttribs + 1}, "Count"},
		{&msg.MagicEffect{Count: msg.MaxMagicTargets + 1}, "Count"},
	}
	var c wire.Codec
	for _, tc := range cases {
		dst := []byte("kept")
		out, err := c.Encode(dst, tc.p)
		wantFieldError(t, err, tc.p.Type(), tc.field)
		if string(out) != "kept" {
			t.Errorf("%T: failed encode changed dst to %q", tc.p, out)
		}
	}
	// The longest strings that fit encode.
	ok := []wire.Packet{
		&msg.Account{Account: strings.Repeat("a", 16), Server: strings.Repeat("s", 16)},
		&msg.Talk{Sender: long[:255], Recipient: long[:255], Suffix: long[:255], Message: long[:255]},
	}
	for _, p := range ok {
		if _, err := c.Encode(nil, p); err != nil {
			t.Errorf("%T: %v", p, err)
		}
	}
}

// TestStringCount checks the string-list counts: too few strings is an
// error naming the count, more are ignored.
func TestStringCount(t *testing.T) {
	var c wire.Codec
	ok := goldenBytes(t, "Talk/ANSWER_OK")
	for n := range 4 {
		b := append([]byte(nil), ok...)
		b[24] = byte(n)
		wantFieldError(t, c.Decode(b, new(msg.Talk)), wire.TypeTalk, "StringCount")
	}
	b := append([]byte(nil), ok...)
	b[24] = 5
	var p msg.Talk
	if err := c.Decode(b, &p); err != nil || p.Message != msg.AnswerOK {
		t.Fatalf("count 5: %v, %+v", err, p)
	}

	user := goldenBytes(t, "UserInfo")
	user[67] = 1
	wantFieldError(t, c.Decode(user, new(msg.UserInfo)), wire.TypeUserInfo, "StringCount")

	player := goldenBytes(t, "Player")
	player[80] = 0
	wantFieldError(t, c.Decode(player, new(msg.Player)), wire.TypePlayer, "StringCount")

	// NpcInfo: count 1 with an empty name decodes to no name; reusing a
	// struct that had a name clears it when the count is 0.
	npc := msg.NpcInfo{Name: "old"}
	if err := c.Decode(goldenBytes(t, "NpcInfo"), &npc); err != nil || npc.Name != "" {
		t.Fatalf("NpcInfo without a name into a reused struct: %v, %+v", err, npc)
	}
	b = unhex("1400 ee07 0a000000 3c00 6400 5e06 0100 0000 01 00")
	npc.Name = "old"
	if err := c.Decode(b, &npc); err != nil || npc.Name != "" {
		t.Fatalf("NpcInfo with an empty name: %v, %+v", err, npc)
	}
}

// goldenBytes returns the bytes of the golden called name.
func goldenBytes(t testing.TB, name string) []byte {
	t.Helper()
	for _, g := range goldens {
		if g.name == name {
			return unhex(g.hex)
		}
	}
	t.Fatalf("no golden %q", name)
	return nil
}

// TestConnectExReuse checks that a short reject decoded into a struct that
// held an accept leaves no trace of it.
func TestConnectExReuse(t *testing.T) {
	var c wire.Codec
	p := msg.AcceptLogin(0x90d36d3aa6c3ff61, "192.168.1.2", 5816)
	if err := c.Decode(unhex("0c00 1f04 00000000 0c000000"), p); err != nil {
		t.Fatal(err)
	}
	if *p != *msg.RejectLogin(msg.RejectAccountBanned) {
		t.Fatalf("got %+v", p)
	}
	p = msg.AcceptLogin(0x90d36d3aa6c3ff61, "192.168.1.2", 5816)
	if err := c.Decode(unhex("1c00 1f04 00000000 0a000000 00000000 00000000 00000000 00000000"), p); err != nil {
		t.Fatal(err)
	}
	if *p != *msg.RejectLogin(msg.RejectServerDown) {
		t.Fatalf("got %+v", p)
	}
}

func TestConnectExHelpers(t *testing.T) {
	const token = 0x90d36d3aa6c3ff61
	p := msg.AcceptLogin(token, "192.168.1.2", 5816)
	if p.Identity != 0xa6c3ff61 || p.Code != 0x90d36d3a || p.Token() != token {
		t.Fatalf("accept %+v, token %#x", p, p.Token())
	}
	if _, rejected := p.Rejected(); rejected {
		t.Fatal("accept reads as a reject")
	}
	r := msg.RejectLogin(msg.RejectServerFull)
	if code, rejected := r.Rejected(); !rejected || code != msg.RejectServerFull {
		t.Fatalf("reject %+v: %v %v", r, code, rejected)
	}
	codes := map[msg.RejectCode]uint32{
		msg.RejectInvalidPassword: 1, msg.RejectServerDown: 10, msg.RejectTryAgainLater: 11,
		msg.RejectAccountBanned: 12, msg.RejectServerBusy: 20, msg.RejectServerFull: 21,
		msg.RejectAccountLocked: 22, msg.RejectAccountMaxLoginAttempts: 51, msg.RejectServerLocked: 70,
		msg.RejectServerOldProtocol: 73, msg.RejectDatabaseError: 999,
	}
	for code, v := range codes {
		if uint32(code) != v {
			t.Errorf("%v = %d, want %d", code, code, v)
		}
	}
	if s := msg.RejectAccountBanned.String(); s != "AccountBanned" {
		t.Errorf("String() = %q", s)
	}
	if s := msg.RejectCode(5).String(); s != "5" {
		t.Errorf("String() = %q", s)
	}
}

func TestTalkHelpers(t *testing.T) {
	p := msg.SystemMessage(msg.ChannelCenter, "hello")
	want := msg.Talk{Color: 0x00FFFFFF, Channel: 2011, Sender: "SYSTEM", Recipient: "ALLUSERS", Message: "hello"}
	if *p != want {
		t.Fatalf("got %+v", p)
	}
	channels := map[msg.Channel]uint16{
		msg.ChannelTalk: 2000, msg.ChannelWhisper: 2001, msg.ChannelAction: 2002, msg.ChannelTeam: 2003,
		msg.ChannelGuild: 2004, msg.ChannelSpouse: 2006, msg.ChannelSystem: 2007, msg.ChannelYell: 2008,
		msg.ChannelFriend: 2009, msg.ChannelCenter: 2011, msg.ChannelTopLeft: 2012, msg.ChannelGhost: 2013,
		msg.ChannelService: 2014, msg.ChannelTip: 2015, msg.ChannelWorld: 2021, msg.ChannelRegister: 2100,
		msg.ChannelLogin: 2101, msg.ChannelShop: 2102, msg.ChannelVendor: 2104, msg.ChannelWebsite: 2105,
		msg.ChannelRight1: 2108, msg.ChannelRight2: 2109, msg.ChannelOffline: 2110, msg.ChannelAnnounce: 2111,
		msg.ChannelTradeBoard: 2201, msg.ChannelFriendBoard: 2202, msg.ChannelTeamBoard: 2203,
		msg.ChannelGuildBoard: 2204, msg.ChannelOthersBoard: 2205,
		msg.ChannelBroadcast: 2500, msg.ChannelMonster: 2600,
	}
	for ch, v := range channels {
		if uint16(ch) != v {
			t.Errorf("%v = %d, want %d", ch, ch, v)
		}
		if s := ch.String(); s == "" || s[0] < 'A' || s[0] > 'Z' {
			t.Errorf("Channel(%d).String() = %q, want a name", v, s)
		}
	}
	if s := msg.Channel(2005).String(); s != "2005" {
		t.Errorf("Channel(2005).String() = %q", s)
	}
	if msg.StyleNormal != 0 || msg.StyleScroll != 1 || msg.StyleFlash != 2 || msg.StyleBlast != 4 {
		t.Error("talk styles are not the flags 0, 1, 2, 4")
	}
}

func TestActionHelpers(t *testing.T) {
	if v := msg.XY(61, 109); v != 61|109<<16 {
		t.Fatalf("XY = %#x", v)
	}
	for _, xy := range [][2]uint16{{0, 0}, {61, 109}, {0xffff, 0}, {0, 0xffff}, {0xffff, 0xffff}} {
		if x, y := msg.UnpackXY(msg.XY(xy[0], xy[1])); x != xy[0] || y != xy[1] {
			t.Errorf("UnpackXY(XY(%d, %d)) = %d, %d", xy[0], xy[1], x, y)
		}
	}
	subtypes := map[msg.ActionType]uint16{
		msg.ActionSendLocation: 74, msg.ActionSendItems: 75, msg.ActionSendAssociates: 76,
		msg.ActionSendProficiencies: 77, msg.ActionSendSpells: 78, msg.ActionChangeDirection: 79,
		msg.ActionEmote: 81, msg.ActionPortal: 85, msg.ActionTeleport: 86, msg.ActionSetPKMode: 96,
		msg.ActionConfirmGuild: 97, msg.ActionQueryEntity: 102, msg.ActionMapARGB: 104,
		msg.ActionKickBack: 108, msg.ActionGetSurroundings: 114, msg.ActionLoginComplete: 130,
		msg.ActionLeaveMap: 132, msg.ActionJump: 133, msg.ActionRemoveSpawn: 135,
		msg.ActionGhost: 137, msg.ActionSynchro: 138, msg.ActionOpenDialog: 126,
	}
	for a, v := range subtypes {
		if uint16(a) != v {
			t.Errorf("%v = %d, want %d", a, a, v)
		}
		if s := a.String(); s == "" || s[0] < 'A' || s[0] > 'Z' {
			t.Errorf("ActionType(%d).String() = %q, want a name", v, s)
		}
	}
	if s := msg.ActionType(1).String(); s != "1" {
		t.Errorf("ActionType(1).String() = %q", s)
	}
	if msg.WalkModeWalk != 0 || msg.WalkModeRun != 1 || msg.WalkModeShift != 2 {
		t.Error("walk modes are not 0, 1, 2")
	}
}

func TestDataTime(t *testing.T) {
	at := time.Date(2024, time.February, 29, 13, 5, 59, 0, time.UTC)
	p := msg.ServerTime(at)
	want := msg.Data{Year: 124, Month: 1, Day: 29, Hour: 13, Minute: 5, Second: 59}
	if *p != want {
		t.Fatalf("ServerTime = %+v", p)
	}
	if got := p.Time(time.UTC); !got.Equal(at) {
		t.Fatalf("Time = %v", got)
	}
	// The helper uses t's own location.
	tokyo := time.FixedZone("JST", 9*3600)
	if p := msg.ServerTime(at.In(tokyo)); p.Hour != 22 || !p.Time(tokyo).Equal(at) {
		t.Fatalf("in JST: %+v", p)
	}
}

// TestMagicEncoding checks that a cast encoded as a client does decodes to
// what was cast, for senders and values across their ranges, and one
// hand-computed vector of combat.md's steps.
func TestMagicEncoding(t *testing.T) {
	senders := []uint32{1000000, 1000001, 1234567, 0xfffffffe}
	for _, s := range senders {
		for _, v := range []uint32{0, 1, 400001, 999999, 0xffffffff} {
			var p msg.Interact
			p.EncodeMagic(s, uint16(v), 4, v, uint16(v>>3), uint16(v>>5))
			magic, target, x, y := p.DecodeMagic()
			if p.Action != msg.InteractMagic || magic != uint16(v) || target != v ||
				x != uint16(v>>3) || y != uint16(v>>5) || p.Data>>16 != 4 {
				t.Fatalf("sender %d value %d: decoded %d %d %d %d from %+v", s, v, magic, target, x, y, p)
			}
		}
	}
	// By hand, sender 1000001 (0x000f4241), magic type raw 0x0000:
	// 0x0000^0x915d^0x4241 = 0xd31c; rotl3 = 0x98e6; -0xeb42 = 0xada4.
	p := msg.Interact{Sender: 1000001, Action: msg.InteractMagic}
	if magic, _, _, _ := p.DecodeMagic(); magic != 0xada4 {
		t.Fatalf("magic = %#x, want 0xada4", magic)
	}
}

func TestInteractTypeString(t *testing.T) {
	if s := msg.InteractShoot.String(); s != "Shoot" {
		t.Errorf("String() = %q", s)
	}
	if s := msg.InteractType(99).String(); s != "99" {
		t.Errorf("String() = %q", s)
	}
}
