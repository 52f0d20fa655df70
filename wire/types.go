package wire

import "strconv"

// Packet type codes of patch 5017 (../shared/protocol/packets.md).
const (
	TypeRegister    Type = 1001 // MsgRegister: character creation
	TypeTalk        Type = 1004 // MsgTalk: chat and system text
	TypeWalk        Type = 1005 // MsgWalk: one step
	TypeUserInfo    Type = 1006 // MsgUserInfo: the player's own character
	TypeItemInfo    Type = 1008 // MsgItemInfo: one item
	TypeItem        Type = 1009 // MsgItem: a request about an item or money, and its answers
	TypeAction      Type = 1010 // MsgAction: general actions (jump, login chain, ...)
	TypePlayer      Type = 1014 // MsgPlayer: another entity's spawn
	TypeWeather     Type = 1016 // MsgWeather
	TypeUserAttrib  Type = 1017 // MsgUserAttrib: attribute changes (HP, money, level...)
	TypeAllot       Type = 1024 // MsgAllot: spend attribute points
	TypeWeaponSkill Type = 1025 // MsgWeaponSkill: a weapon proficiency
	TypeInteract    Type = 1022 // MsgInteract: attacks, kills and other role-to-role acts
	TypeData        Type = 1033 // MsgData: server time
	TypeAccount     Type = 1051 // MsgAccount: account-server login
	TypeConnect     Type = 1052 // MsgConnect: game-server login with the token
	TypeConnectEx   Type = 1055 // MsgConnectEx: account-server answer
	TypeMapItem     Type = 1101 // MsgMapItem: a floor item appears, disappears or is picked up
	TypePackage     Type = 1102 // MsgPackage: the warehouse
	TypeMagicInfo   Type = 1103 // MsgMagicInfo: a skill learned or levelled
	TypeFlushExp    Type = 1104 // MsgFlushExp: a skill's experience bar
	TypeMagicEffect Type = 1105 // MsgMagicEffect: a cast and what it did
	TypeMapInfo     Type = 1110 // MsgMapInfo
	TypeNpcInfo     Type = 2030 // MsgNpcInfo: an NPC's spawn
	TypeNpc         Type = 2031 // MsgNpc: a click on an NPC, or an NPC change
	TypeTaskDialog  Type = 2032 // MsgTaskDialog: an NPC dialog's pieces and the answer
)

// String returns the packet's name ("MsgWalk") or its number for a type
// without a name. It does not allocate for named types.
func (t Type) String() string {
	if n := t.name(); n != "" {
		return n
	}
	return strconv.Itoa(int(t))
}

// Known reports whether t is a type this package names. Metrics label
// unknown types as "unknown" so a hostile client cannot grow label sets.
func (t Type) Known() bool { return t.name() != "" }

func (t Type) name() string {
	switch t {
	case TypeRegister:
		return "MsgRegister"
	case TypeTalk:
		return "MsgTalk"
	case TypeWalk:
		return "MsgWalk"
	case TypeUserInfo:
		return "MsgUserInfo"
	case TypeItemInfo:
		return "MsgItemInfo"
	case TypeItem:
		return "MsgItem"
	case TypeAction:
		return "MsgAction"
	case TypePlayer:
		return "MsgPlayer"
	case TypeWeather:
		return "MsgWeather"
	case TypeUserAttrib:
		return "MsgUserAttrib"
	case TypeInteract:
		return "MsgInteract"
	case TypeAllot:
		return "MsgAllot"
	case TypeWeaponSkill:
		return "MsgWeaponSkill"
	case TypeData:
		return "MsgData"
	case TypeAccount:
		return "MsgAccount"
	case TypeConnect:
		return "MsgConnect"
	case TypeConnectEx:
		return "MsgConnectEx"
	case TypeMapItem:
		return "MsgMapItem"
	case TypePackage:
		return "MsgPackage"
	case TypeMagicInfo:
		return "MsgMagicInfo"
	case TypeFlushExp:
		return "MsgFlushExp"
	case TypeMagicEffect:
		return "MsgMagicEffect"
	case TypeMapInfo:
		return "MsgMapInfo"
	case TypeNpcInfo:
		return "MsgNpcInfo"
	case TypeNpc:
		return "MsgNpc"
	case TypeTaskDialog:
		return "MsgTaskDialog"
	}
	return ""
}
