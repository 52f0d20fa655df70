package msg_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/wire"
)

// golden is one packet written out by hand from the layout tables of
// ../shared/protocol/packets.md.
type golden struct {
	name string
	// pkt is what the bytes decode to.
	pkt wire.Packet
	// hex is the packet, header included; "//" starts a comment.
	hex string
	// encoded is what pkt encodes to when that differs from hex (a packet
	// form this package decodes but does not send); "" means hex.
	encoded string
	// layout is the offset of every field in hex, "offset Name" pairs: a
	// packet cut at n bytes must fail on the last field starting at or
	// before n.
	layout string
	// okLens are cut lengths that decode: optional trailing fields, bytes
	// past the end of the 5017 form.
	okLens []int
}

// unhex reads a golden hex string, skipping whitespace and // comments.
func unhex(s string) []byte {
	var clean strings.Builder
	for line := range strings.Lines(s) {
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		clean.WriteString(strings.Join(strings.Fields(line), ""))
	}
	b, err := hex.DecodeString(clean.String())
	if err != nil {
		panic(err)
	}
	return b
}

var goldens = []golden{
	{
		name: "Account",
		pkt: &msg.Account{
			Account:  "sixteencharsname", // a full char[16]: no terminator
			Password: [16]byte(unhex("6422c85d887752500da6084df367eb73")),
			Server:   "CoServer",
		},
		hex: `
			3400 1b04                                       // length 52, type 1051
			73697874 65656e63 68617273 6e616d65             // "sixteencharsname"
			6422c85d 88775250 0da6084d f367eb73             // RC5("test"), ../vectors
			436f5365 72766572 00000000 00000000             // "CoServer"
		`,
		layout: "4 Account 20 Password 36 Server",
	},
	{
		name: "ConnectEx/accept",
		pkt:  &msg.ConnectEx{Identity: 0xa6c3ff61, Code: 0x90d36d3a, Host: "192.168.1.2", Port: 5816},
		hex: `
			2000 1f04                                       // length 32, type 1055
			61ffc3a6                                        // identity
			3a6dd390                                        // code
			3139322e 3136382e 312e3200 00000000             // "192.168.1.2"
			b8160000                                        // port 5816
		`,
		layout: "4 Identity 8 Code 12 Host 28 Port",
		okLens: []int{12, 28},
	},
	{
		name: "ConnectEx/comet-accept",
		pkt:  &msg.ConnectEx{Identity: 0xa6c3ff61, Code: 0x90d36d3a, Host: "192.168.1.2", Port: 5816},
		// The 34-byte packet of ../vectors/README.md, as Comet sends it.
		hex:     `22001f0461ffc3a63a6dd3903139322e3136382e312e320000000000b81600000000`,
		encoded: `20001f0461ffc3a63a6dd3903139322e3136382e312e320000000000b8160000`,
		layout:  "4 Identity 8 Code 12 Host 28 Port",
		okLens:  []int{12, 28, 32, 33},
	},
	{
		name: "ConnectEx/reject",
		pkt:  &msg.ConnectEx{Code: uint32(msg.RejectInvalidPassword)},
		hex: `
			2000 1f04 00000000 01000000                     // identity 0, code 1
			00000000 00000000 00000000 00000000 00000000    // host "", port 0
		`,
		layout: "4 Identity 8 Code 12 Host 28 Port",
		okLens: []int{12, 28},
	},
	{
		name:    "ConnectEx/comet-reject",
		pkt:     &msg.ConnectEx{Code: uint32(msg.RejectAccountBanned)},
		hex:     `0c00 1f04 00000000 0c000000`, // Comet: 12 bytes
		encoded: `2000 1f04 00000000 0c000000 00000000 00000000 00000000 00000000 00000000`,
		layout:  "4 Identity 8 Code",
	},
	{
		name:    "ConnectEx/coemu-reject",
		pkt:     &msg.ConnectEx{Code: uint32(msg.RejectServerDown)},
		hex:     `1c00 1f04 00000000 0a000000 00000000 00000000 00000000 00000000`, // CoEmu: 28 bytes
		encoded: `2000 1f04 00000000 0a000000 00000000 00000000 00000000 00000000 00000000`,
		layout:  "4 Identity 8 Code 12 Host",
		okLens:  []int{12},
	},
	{
		name: "Connect",
		pkt:  &msg.Connect{Token: 0x90d36d3aa6c3ff61, Build: msg.Build5017, Language: "En", Contents: 10},
		hex: `
			1c00 1c04                                       // length 28, type 1052
			61ffc3a6 3a6dd390                               // token: identity, code
			7b00                                            // build 123
			456e0000 00000000 0000                          // "En"
			0a000000                                        // contents 10
		`,
		layout: "4 Token 12 Build 14 Language 24 Contents",
	},
	{
		name: "ConnectAccount",
		pkt:  &msg.ConnectAccount{Identity: 0xa6c3ff61, Contents: 10, File: "Res.dat"},
		hex: `
			1c00 1c04                                       // length 28, type 1052
			61ffc3a6                                        // identity
			0a000000                                        // contents 10
			5265732e 64617400 00000000 00000000             // "Res.dat"
		`,
		layout: "4 Identity 8 Contents 12 File",
	},
	{
		name: "Talk/ANSWER_OK",
		pkt:  msg.SystemMessage(msg.ChannelLogin, msg.AnswerOK),
		// packets.md, verbatim.
		hex: `34 00 EC 03 FF FF FF 00 35 08 00 00 00 00 00 00 00 00 00 00 00 00 00 00 04 06 53 59 53 54 45 4D
08 41 4C 4C 55 53 45 52 53 00 09 41 4E 53 57 45 52 5F 4F 4B`,
		layout: "4 Color 8 Channel 10 Style 12 Identity 16 RecipientMesh 20 SenderMesh 24 StringCount " +
			"25 Sender 32 Recipient 41 Suffix 42 Message",
	},
	{
		name: "Talk/NEW_ROLE",
		pkt:  msg.SystemMessage(msg.ChannelLogin, msg.NewRole),
		// packets.md: the same with "NEW_ROLE" as the last string.
		hex: `33 00 EC 03 FF FF FF 00 35 08 00 00 00 00 00 00 00 00 00 00 00 00 00 00 04 06 53 59 53 54 45 4D
08 41 4C 4C 55 53 45 52 53 00 08 4E 45 57 5F 52 4F 4C 45`,
		layout: "4 Color 8 Channel 10 Style 12 Identity 16 RecipientMesh 20 SenderMesh 24 StringCount " +
			"25 Sender 32 Recipient 41 Suffix 42 Message",
	},
	{
		name: "Talk/whisper",
		pkt: &msg.Talk{
			Color: 0x00ffff00, Channel: msg.ChannelWhisper, Style: msg.StyleFlash | msg.StyleBlast,
			Identity: 1000001, RecipientMesh: 121003, SenderMesh: 2012001,
			Sender: "Alice", Recipient: "Bob", Suffix: "20240101", Message: "hi",
		},
		hex: `
			2f00 ec03                                       // length 47, type 1004
			00ffff00                                        // colour
			d107                                            // channel 2001
			0600                                            // style flash|blast
			41420f00                                        // identity 1000001
			abd80100                                        // recipient mesh 121003
			61b31e00                                        // sender mesh 2012001
			04                                              // 4 strings
			05 416c696365                                   // "Alice"
			03 426f62                                       // "Bob"
			08 3230323430313031                             // "20240101"
			02 6869                                         // "hi"
		`,
		layout: "4 Color 8 Channel 10 Style 12 Identity 16 RecipientMesh 20 SenderMesh 24 StringCount " +
			"25 Sender 31 Recipient 35 Suffix 44 Message",
	},
	{
		name: "Register",
		pkt: &msg.Register{
			Account: "tester", Name: "Hero", Password: "x1y2z3",
			Body: 1003, Class: 10, Token: 0xa6c3ff61,
		},
		hex: `
			3c00 e903                                       // length 60, type 1001
			74657374 65720000 00000000 00000000             // "tester"
			4865726f 00000000 00000000 00000000             // "Hero"
			78317932 7a330000 00000000 00000000             // "x1y2z3"
			eb03                                            // body 1003
			0a00                                            // class 10
			61ffc3a6                                        // token
		`,
		layout: "4 Account 20 Name 36 Password 52 Body 54 Class 56 Token",
	},
	{
		name: "UserInfo",
		pkt: &msg.UserInfo{
			ID: 1000001, Mesh: 121003, Hair: 311, Silver: 1000, CPs: 50, Experience: 5000000000,
			Strength: 4, Agility: 6, Vitality: 12, Spirit: 0, AttributePoints: 5, HP: 318, MP: 0,
			PKPoints: 30, Level: 1, Class: 10, PreviousClass: 0, Rebirths: 0, ShowName: 1,
			Name: "Hero", Spouse: "None",
		},
		hex: `
			4e00 ee03                                       // length 78, type 1006
			41420f00                                        // id 1000001
			abd80100                                        // mesh 121003
			3701                                            // hair 311
			e8030000                                        // silver 1000
			32000000                                        // cps 50
			00f2052a 01000000                               // experience 5,000,000,000
			00000000 00000000 00000000 00000000             // reserved
			0400 0600 0c00 0000                             // str 4, agi 6, vit 12, spi 0
			0500                                            // attribute points 5
			3e01 0000                                       // hp 318, mp 0
			1e00                                            // pk points 30
			01 0a 00 00 01                                  // level, class, previous, rebirths, show name
			02 04 4865726f 04 4e6f6e65                      // "Hero", "None"
		`,
		layout: "4 ID 8 Mesh 12 Hair 14 Silver 18 CPs 22 Experience 30 Reserved 46 Strength 48 Agility " +
			"50 Vitality 52 Spirit 54 AttributePoints 56 HP 58 MP 60 PKPoints 62 Level 63 Class " +
			"64 PreviousClass 65 Rebirths 66 ShowName 67 StringCount 68 Name 73 Spouse",
	},
	{
		name: "Action",
		pkt: &msg.Action{
			Timestamp: 0x12345678, ID: 1000001, Data1: 1010, Data2: msg.XY(61, 109),
			Direction: 4, Subtype: msg.ActionSendLocation,
		},
		hex: `
			1800 f203                                       // length 24, type 1010
			78563412                                        // timestamp
			41420f00                                        // id 1000001
			f2030000                                        // map 1010
			3d006d00                                        // x 61, y 109
			0400                                            // direction 4
			4a00                                            // subtype 74
		`,
		layout: "4 Timestamp 8 ID 12 Data1 16 Data2 20 Direction 22 Subtype",
	},
	{
		name: "Walk",
		pkt:  &msg.Walk{ID: 1000001, Direction: 11, Mode: msg.WalkModeRun},
		hex: `
			0a00 ed03                                       // length 10, type 1005
			41420f00                                        // id 1000001
			0b                                              // direction 11 (3 mod 8), kept as sent
			01                                              // run
		`,
		layout: "4 ID 8 Direction 9 Mode",
	},
	{
		name:    "Walk/12-byte",
		pkt:     &msg.Walk{ID: 1000001, Direction: 3, Mode: msg.WalkModeWalk},
		hex:     `0c00 ed03 41420f00 03 00 3412`, // Java, COPS 4330: an extra u16
		encoded: `0a00 ed03 41420f00 03 00`,
		layout:  "4 ID 8 Direction 9 Mode",
		okLens:  []int{10, 11},
	},
	{
		name: "Player",
		pkt: &msg.Player{
			ID: 1000001, Mesh: 121003, Status: 0x0000000100000002, GuildID: 7, GuildRank: 50,
			Helmet: 111003, Armor: 130003, RightHand: 410301, HP: 318, MonsterLevel: 15,
			X: 61, Y: 109, Hair: 311, Direction: 4, Pose: 100, Rebirths: 1, Level: 15,
			ID2: 1000001, Name: "Hero",
		},
		hex: `
			5600 f603                                       // length 86, type 1014
			41420f00                                        // id 1000001
			abd80100                                        // mesh 121003
			02000000 01000000                               // status flags
			0700 00 32                                      // guild 7, reserved, rank 50
			00000000                                        // garment
			9bb10100                                        // helmet 111003
			d3fb0100                                        // armor 130003
			bd420600                                        // right hand 410301
			00000000                                        // left hand
			00000000                                        // reserved
			3e01                                            // hp 318
			0f00                                            // level @50
			3d00 6d00                                       // x 61, y 109
			3701                                            // hair 311
			04 64                                           // direction 4, pose 100
			0100                                            // rebirths 1
			0f00                                            // level 15
			00000000                                        // reserved
			00000000                                        // nobility rank
			41420f00                                        // id again
			00000000                                        // nobility position
			01 04 4865726f                                  // "Hero"
		`,
		layout: "4 ID 8 Mesh 12 Status 20 GuildID 22 Reserved 23 GuildRank 24 Garment 28 Helmet " +
			"32 Armor 36 RightHand 40 LeftHand 44 Reserved 48 HP 50 MonsterLevel 52 X 54 Y 56 Hair " +
			"58 Direction 59 Pose 60 Rebirths 62 Level 64 Reserved 68 NobilityRank 72 ID2 " +
			"76 NobilityPosition 80 StringCount 81 Name",
	},
	{
		name: "ItemInfo",
		pkt: &msg.ItemInfo{
			UID: 100001, ItemType: 730001, Durability: 50, MaxDurability: 100, Action: msg.ItemAdd,
			Status: msg.ItemFixedDurability, Position: msg.PositionArmor, SocketProgress: 1000,
			Gem1: 13, Gem2: 255, Plus: 1, Bless: 3, Enchant: 50, Restrain: 4, Colour: 3,
		},
		hex: `
			2c00 f003                                       // length 44, type 1008
			a1860100                                        // uid 100001
			91230b00                                        // type 730001
			3200 6400                                       // durability 50 of 100
			01 04 03 00                                     // add, fixed durability, position 3, reserved
			e8030000                                        // socket progress 1000
			0d ff 00 00                                     // gems 13, 255, reborn effect, magic
			01 03 32 00                                     // plus 1, bless 3, enchant 50, reserved
			04000000                                        // restrain 4
			00000000                                        // reserved
			03 000000                                       // colour 3, reserved
		`,
		layout: "4 UID 8 ItemType 12 Durability 14 MaxDurability 16 Action 17 Status 18 Position " +
			"19 Reserved 20 SocketProgress 24 Gem1 25 Gem2 26 RebornEffect 27 Magic 28 Plus 29 Bless " +
			"30 Enchant 31 Reserved 32 Restrain 36 Reserved 40 Colour 41 Reserved",
	},
	{
		name: "Item/buy",
		pkt:  &msg.Item{ID: 20, Data: 1000000, Action: msg.ItemOpBuy, Timestamp: 123456, Amount: 1},
		hex: `
			1800 f103                                       // length 24, type 1009
			14000000                                        // NPC 20
			40420f00                                        // item type 1000000
			01000000                                        // buy
			40e20100                                        // timestamp 123456
			01000000                                        // amount 1
		`,
		layout: "4 ID 8 Data 12 Action 16 Timestamp 20 Amount",
		okLens: []int{20},
	},
	{
		name: "Item/cops-drop",
		pkt:  &msg.Item{ID: 100001, Data: msg.DropXY(61, 109), Action: msg.ItemOpDrop},
		// COPS, Java: 20 bytes, no amount. Point 61, 109 with x high.
		hex:     `1400 f103 a1860100 6d003d00 03000000 00000000`,
		encoded: `1800 f103 a1860100 6d003d00 03000000 00000000 00000000`,
		layout:  "4 ID 8 Data 12 Action 16 Timestamp",
	},
	{
		name: "MapItem",
		pkt: &msg.MapItem{ID: 7, ItemType: msg.MoneyGold, X: 61, Y: 109, Colour: msg.DefaultItemColour,
			Action: msg.MapItemCreate},
		hex: `
			1400 4d04                                       // length 20, type 1101
			07000000                                        // floor item 7
			e4a11000                                        // type 1090020, gold
			3d00 6d00                                       // x 61, y 109
			0300                                            // colour 3
			0100                                            // create
		`,
		layout: "4 ID 8 ItemType 12 X 14 Y 16 Colour 18 Action",
	},
	{
		name:   "MapItem/pick",
		pkt:    &msg.MapItem{ID: 7, X: 61, Y: 109, Action: msg.MapItemPick},
		hex:    `1400 4d04 07000000 00000000 3d00 6d00 0000 0300`,
		layout: "4 ID 8 ItemType 12 X 14 Y 16 Colour 18 Action",
	},
	{
		name: "Package/list",
		pkt: &msg.Package{ID: 8, Action: msg.PackageQuery, Kind: msg.PackageWarehouse, Count: 2,
			Items: [msg.MaxPackageItems]msg.PackageItem{
				{UID: 100001, ItemType: 410301, Gem1: 13, Gem2: 255, Plus: 1, Bless: 3, Enchant: 50, Colour: 3},
				{UID: 100002, ItemType: 1000000},
			}},
		hex: `
			4000 4e04                                       // length 64, type 1102
			08000000                                        // NPC 8
			00 0a 0000                                      // query, warehouse, reserved
			02000000                                        // 2 records
			a1860100 bd420600                               // uid 100001, type 410301
			00 0d ff 0000                                   // reserved, gems 13 and 255, reserved
			01 03 00 32                                     // plus 1, bless 3, reserved, enchant 50
			000000000000 03                                 // reserved, colour 3
			a2860100 40420f00                               // uid 100002, type 1000000
			00 00 00 0000 00 00 00 00 000000000000 00
		`,
		layout: "4 ID 8 Action 9 Kind 10 Reserved 12 Count " +
			"16 ItemUID 20 ItemType 24 ItemReserved 25 ItemGem1 26 ItemGem2 27 ItemReserved 29 ItemPlus " +
			"30 ItemBless 31 ItemReserved 32 ItemEnchant 33 ItemReserved 39 ItemColour " +
			"40 ItemUID 44 ItemType 48 ItemReserved 49 ItemGem1 50 ItemGem2 51 ItemReserved 53 ItemPlus " +
			"54 ItemBless 55 ItemReserved 56 ItemEnchant 57 ItemReserved 63 ItemColour",
	},
	{
		name:   "Package/query",
		pkt:    &msg.Package{ID: 8, Action: msg.PackageQuery, Kind: msg.PackageWarehouse},
		hex:    `1000 4e04 08000000 00 0a 0000 00000000`, // the client asks: no records
		layout: "4 ID 8 Action 9 Kind 10 Reserved 12 Count",
	},
	{
		name:   "Package/check-in",
		pkt:    &msg.Package{ID: 8, Action: msg.PackageCheckIn, Kind: msg.PackageWarehouse, UID: 100001},
		hex:    `1000 4e04 08000000 01 0a 0000 a1860100`,
		layout: "4 ID 8 Action 9 Kind 10 Reserved 12 UID",
	},
	{
		name: "UserAttrib",
		pkt: &msg.UserAttrib{ID: 1000001, Count: 2, Attribs: [msg.MaxUserAttribs]msg.Attrib{
			{Type: msg.AttribSilver, Value: 1234}, {Type: msg.AttribCPs, Value: 56},
		}},
		hex: `
			2400 f903                                       // length 36, type 1017
			41420f00                                        // role 1000001
			02000000                                        // 2 attributes
			04000000 d204000000000000                       // silver 1234
			1e000000 3800000000000000                       // CPs 56
		`,
		layout: "4 ID 8 Count 12 AttribType 16 AttribValue 24 AttribType 28 AttribValue",
	},
	{
		name: "Interact",
		pkt: &msg.Interact{Timestamp: 0x12345678, Sender: 1000001, Target: 400001, X: 100, Y: 200,
			Action: msg.InteractAttack, Data: 57},
		hex: `
			2000 fe03                                       // length 32, type 1022
			78563412                                        // timestamp
			41420f00                                        // sender 1000001
			811a0600                                        // target 400001
			6400 c800                                       // x 100, y 200
			02000000                                        // attack
			39000000                                        // 57 damage
			00000000                                        // progress
		`,
		layout: "4 Timestamp 8 Sender 12 Target 16 X 18 Y 20 Action 24 Data 28 Progress",
		okLens: []int{28},
	},
	{
		name: "Interact/kill",
		pkt: &msg.Interact{Sender: 1000001, Target: 400001, X: 100, Y: 200,
			Action: msg.InteractKill, Data: msg.KillData(0)},
		hex: `
			1c00 fe03                                       // length 28 (Java's form), type 1022
			00000000 41420f00 811a0600 6400 c800            // sender, target, x, y
			0e000000                                        // kill
			01000000                                        // data 1
		`,
		encoded: `2000 fe03 00000000 41420f00 811a0600 6400 c800 0e000000 01000000 00000000`,
		layout:  "4 Timestamp 8 Sender 12 Target 16 X 18 Y 20 Action 24 Data",
	},
	{
		name: "MagicEffect",
		pkt: &msg.MagicEffect{Caster: 1000001, Target: 400001, Magic: 1000, Level: 2, Count: 1,
			Targets: [msg.MaxMagicTargets]msg.MagicTarget{{Role: 400001, Value: 120}}},
		hex: `
			2000 5104                                       // length 32, type 1105
			41420f00                                        // caster 1000001
			811a0600                                        // target 400001
			e803 0200                                       // magic 1000, level 2
			01000000                                        // 1 role
			811a0600 78000000 00000000                      // 400001 takes 120
		`,
		layout: "4 Caster 8 Target 12 Magic 14 Level 16 Count 20 Role 24 Value 28 Reserved",
	},
	{
		name:   "MagicInfo",
		pkt:    &msg.MagicInfo{Exp: 100, Magic: 1000, Level: 3},
		hex:    `0c00 4f04 64000000 e803 0300`,
		layout: "4 Exp 8 Magic 10 Level",
	},
	{
		name:   "FlushExp",
		pkt:    &msg.FlushExp{Exp: 5000, Skill: 1000, Kind: msg.FlushMagic},
		hex:    `0c00 5004 88130000 e803 0100`,
		layout: "4 Exp 8 Skill 10 Kind",
	},
	{
		name:   "WeaponSkill",
		pkt:    &msg.WeaponSkill{Skill: 410, Level: 3, Exp: 1200},
		hex:    `1000 0104 9a010000 03000000 b0040000`,
		layout: "4 Skill 8 Level 12 Exp",
	},
	{
		name:   "Allot",
		pkt:    &msg.Allot{Strength: 1, Agility: 2, Spirit: 3},
		hex:    `0800 0004 01 02 00 03`,
		layout: "4 Strength 5 Agility 6 Vitality 7 Spirit",
	},
	{
		name: "NpcInfo",
		pkt:  &msg.NpcInfo{ID: 10, X: 60, Y: 100, Look: 1630, Kind: 1},
		hex: `
			1300 ee07                                       // length 19, type 2030
			0a000000                                        // id 10
			3c00 6400                                       // x 60, y 100
			5e06                                            // look 1630
			0100                                            // kind 1, shopkeeper
			0000                                            // sort
			00                                              // no name
		`,
		layout: "4 ID 8 X 10 Y 12 Look 14 Kind 16 Sort 18 StringCount",
	},
	{
		name: "NpcInfo/named",
		pkt:  &msg.NpcInfo{ID: 700001, X: 61, Y: 109, Look: 406, Kind: 14, Sort: 64, Name: "Shop"},
		hex: `
			1800 ee07                                       // length 24, type 2030
			61ae0a00                                        // id 700001
			3d00 6d00                                       // x 61, y 109
			9601                                            // look 406
			0e00                                            // kind 14, booth
			4000                                            // sort 64, event
			01 04 53686f70                                  // "Shop"
		`,
		layout: "4 ID 8 X 10 Y 12 Look 14 Kind 16 Sort 18 StringCount 19 Name",
	},
	{
		name: "Npc",
		pkt:  &msg.Npc{ID: 10, Action: msg.NpcActivate, Kind: 2},
		hex: `
			1000 ef07                                       // length 16, type 2031
			0a000000                                        // id 10
			00000000                                        // data
			0000                                            // activate
			0200                                            // kind 2, task
		`,
		layout: "4 ID 8 Data 12 Action 14 Kind",
	},
	{
		name: "Npc/java",
		pkt:  &msg.Npc{ID: 10, Data: 7, Action: msg.NpcActivate, Kind: 2},
		// Java declares 24 bytes: 8 more, ignored.
		hex: `
			1800 ef07 0a000000 07000000 0000 0200
			00000000 00000000                               // Java's tail
		`,
		encoded: `1000 ef07 0a000000 07000000 0000 0200`,
		layout:  "4 ID 8 Data 12 Action 14 Kind",
		okLens:  []int{16, 17, 18, 19, 20, 21, 22, 23},
	},
	{
		name:   "Npc/leave",
		pkt:    &msg.Npc{ID: 700001, Action: msg.NpcLeaveMap},
		hex:    `1000 ef07 61ae0a00 00000000 0200 0000`,
		layout: "4 ID 8 Data 12 Action 14 Kind",
	},
	{
		name: "TaskDialog/text",
		pkt:  &msg.TaskDialog{Action: msg.DialogText, Text: "Hello traveller."},
		hex: `
			1e00 f007                                       // length 30, type 2032
			00000000                                        // task id
			0000                                            // data
			00                                              // option 0 on text (policy)
			01                                              // text
			01 10 48656c6c6f2074726176656c6c65722e          // "Hello traveller."
		`,
		layout: "4 TaskID 8 Data 10 Option 11 Action 12 StringCount 13 Text",
	},
	{
		name: "TaskDialog/create",
		pkt:  &msg.TaskDialog{Option: msg.OptionClose, Action: msg.DialogCreate},
		hex: `
			0e00 f007                                       // length 14, type 2032
			00000000 0000                                   // task id, data 0 (policy)
			ff 64                                           // option 255, create
			00 00                                           // no string, spare byte
		`,
		layout: "4 TaskID 8 Data 10 Option 11 Action 12 StringCount 13 Reserved",
		okLens: []int{13},
	},
	{
		name:    "TaskDialog/coemu-create",
		pkt:     &msg.TaskDialog{Option: msg.OptionClose, Action: msg.DialogCreate},
		hex:     `0d00 f007 00000000 0000 ff 64 00`, // CoEmu: 13 bytes
		encoded: `0e00 f007 00000000 0000 ff 64 00 00`,
		layout:  "4 TaskID 8 Data 10 Option 11 Action 12 StringCount",
	},
	{
		name: "TaskDialog/pic",
		pkt:  &msg.TaskDialog{Data: 67, Action: msg.DialogPic},
		hex: `
			0e00 f007 00000000                              // position 0/0 (policy)
			4300 00 04                                      // face 67, option 0, pic
			00 00
		`,
		layout: "4 TaskID 8 Data 10 Option 11 Action 12 StringCount 13 Reserved",
		okLens: []int{13},
	},
	{
		name: "TaskDialog/answer",
		pkt:  &msg.TaskDialog{Option: 3, Action: msg.DialogAnswer, Text: "1234"},
		hex: `
			1200 f007 00000000 0000                         // length 18
			03 65                                           // option 3, answer
			01 04 31323334                                  // typed "1234"
		`,
		layout: "4 TaskID 8 Data 10 Option 11 Action 12 StringCount 13 Text",
	},
	{
		name:   "TaskDialog/answer-empty",
		pkt:    &msg.TaskDialog{Option: 1, Action: msg.DialogAnswer},
		hex:    `0e00 f007 00000000 0000 01 65 01 00`, // an empty string, not none
		layout: "4 TaskID 8 Data 10 Option 11 Action 12 StringCount 13 Text",
	},
	{
		name: "Data",
		pkt:  &msg.Data{Action: msg.DataSetServerTime, Year: 124, Month: 1, Day: 29, Hour: 13, Minute: 5, Second: 59},
		hex: `
			2000 0904                                       // length 32, type 1033
			00000000                                        // set server time
			7c000000 01000000 1d000000                      // 2024-02-29: 124, 1, 29
			0d000000 05000000 3b000000                      // 13:05:59
		`,
		layout: "4 Action 8 Year 12 Month 16 Day 20 Hour 24 Minute 28 Second",
	},
	{
		name: "Weather",
		pkt:  &msg.Weather{Kind: 2, Intensity: 500, Direction: 270, Color: 0x00ffffff},
		hex: `
			1400 f803                                       // length 20, type 1016
			02000000                                        // rain
			f4010000                                        // intensity 500
			0e010000                                        // direction 270
			ffffff00                                        // colour
		`,
		layout: "4 Kind 8 Intensity 12 Direction 16 Color",
	},
	{
		name: "MapInfo",
		pkt:  &msg.MapInfo{UID: 1002, MapID: 1002, Flags: 24576},
		hex: `
			1000 5604                                       // length 16, type 1110
			ea030000 ea030000                               // uid 1002, map 1002
			00600000                                        // flags: bits 13, 14
		`,
		layout: "4 UID 8 MapID 12 Flags",
	},
}

// newLike returns a new zero packet of p's concrete type.
func newLike(p wire.Packet) wire.Packet {
	return reflect.New(reflect.TypeOf(p).Elem()).Interface().(wire.Packet)
}

func TestGolden(t *testing.T) {
	var c wire.Codec
	for _, g := range goldens {
		t.Run(g.name, func(t *testing.T) {
			b := unhex(g.hex)
			got := newLike(g.pkt)
			if err := c.Decode(b, got); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if !reflect.DeepEqual(got, g.pkt) {
				t.Fatalf("decode:\n got %+v\nwant %+v", got, g.pkt)
			}
			want := b
			if g.encoded != "" {
				want = unhex(g.encoded)
			}
			enc, err := c.Encode(nil, got)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			if !bytes.Equal(enc, want) {
				t.Fatalf("encode:\n got %x\nwant %x", enc, want)
			}
		})
	}
}

// TestGoldenCovers checks that every packet New knows has a golden.
func TestGoldenCovers(t *testing.T) {
	have := map[reflect.Type]bool{}
	for _, g := range goldens {
		have[reflect.TypeOf(g.pkt)] = true
	}
	for _, p := range allPackets() {
		if !have[reflect.TypeOf(p)] {
			t.Errorf("no golden for %T", p)
		}
	}
}

// cutAt returns the first n bytes of b with the header's length set to n.
func cutAt(b []byte, n int) []byte {
	c := bytes.Clone(b[:n])
	if n >= 2 {
		c[0], c[1] = byte(n), byte(n>>8)
	}
	return c
}

// TestTruncated cuts every golden at every length: each cut is a
// *wire.FieldError naming the packet and the field the cut falls in, or
// decodes when the cut drops only optional trailing fields.
func TestTruncated(t *testing.T) {
	var c wire.Codec
	for _, g := range goldens {
		t.Run(g.name, func(t *testing.T) {
			b := unhex(g.hex)
			offsets, names := parseLayout(t, g.layout)
			for n := range len(b) {
				p := newLike(g.pkt)
				err := c.Decode(cutAt(b, n), p)
				if slices.Contains(g.okLens, n) {
					if err != nil {
						t.Errorf("cut at %d: %v, want success", n, err)
					}
					continue
				}
				var fe *wire.FieldError
				if !errors.As(err, &fe) {
					t.Fatalf("cut at %d: error %v, want a *wire.FieldError", n, err)
				}
				want := "header"
				for i, off := range offsets {
					if off <= n {
						want = names[i]
					}
				}
				if fe.Packet != p.Type() || fe.Field != want || fe.Offset > n {
					t.Errorf("cut at %d: %v, want packet %v field %q", n, err, p.Type(), want)
				}
			}
		})
	}
}

func parseLayout(t *testing.T, layout string) (offsets []int, names []string) {
	t.Helper()
	f := strings.Fields(layout)
	if len(f)%2 != 0 {
		t.Fatalf("layout %q: odd number of words", layout)
	}
	for i := 0; i < len(f); i += 2 {
		off, err := strconv.Atoi(f[i])
		if err != nil {
			t.Fatalf("layout %q: %v", layout, err)
		}
		if len(offsets) > 0 && off <= offsets[len(offsets)-1] {
			t.Fatalf("layout %q: offsets not increasing at %d", layout, off)
		}
		offsets = append(offsets, off)
		names = append(names, f[i+1])
	}
	return offsets, names
}
