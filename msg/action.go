package msg

import (
	"strconv"

	"github.com/coserver/coserver/wire"
)

// Action is MsgAction (1010), both directions, 24 bytes: the general-purpose
// action packet. Its Subtype selects what it does (the login chain after
// UserInfo, jumps, portals, emotes, facing, removing an entity from view);
// the meaning of ID, Data1, Data2 and Direction depends on it, see the
// ActionType constants.
type Action struct {
	// Timestamp is the sender's clock; the sources do not agree on the unit
	// (CoEmu: Unix seconds; Java, COPS: milliseconds). Servers fill their
	// own.
	Timestamp uint32
	// ID is the acting entity, or the removed one for ActionLeaveMap.
	ID uint32
	// Data1 is a map id, a target id or a packed XY, per subtype.
	Data1 uint32
	// Data2 is usually a position packed with XY.
	Data2 uint32
	// Direction is a facing, 0–7.
	Direction uint16
	// Subtype is what the action does.
	Subtype ActionType
}

// Type returns wire.TypeAction.
func (*Action) Type() wire.Type { return wire.TypeAction }

// Marshal reads or writes the body in wire order.
func (p *Action) Marshal(c *wire.Codec) {
	c.U32(&p.Timestamp, "Timestamp")
	c.U32(&p.ID, "ID")
	c.U32(&p.Data1, "Data1")
	c.U32(&p.Data2, "Data2")
	c.U16(&p.Direction, "Direction")
	c.U16((*uint16)(&p.Subtype), "Subtype")
}

// XY packs a position the way Action's Data1 and Data2 carry it: x in the
// low 16 bits, y in the high 16.
func XY(x, y uint16) uint32 { return uint32(x) | uint32(y)<<16 }

// UnpackXY splits a position packed by XY.
func UnpackXY(v uint32) (x, y uint16) { return uint16(v), uint16(v >> 16) }

// ActionType is Action's subtype. "C→S" is client to server, "S→C" the
// reverse; "echo" means the server sends the packet back unchanged.
type ActionType uint16

// Action subtypes of patch 5017.
const (
	// ActionSendLocation (74): C→S asks for the position at login (data
	// zero); S→C answers ID, Data1 = map id, Data2 = XY(x, y).
	ActionSendLocation ActionType = 74
	// ActionSendItems (75): C→S login step for the inventory; echo.
	ActionSendItems ActionType = 75
	// ActionSendAssociates (76): C→S login step for friends and enemies; echo.
	ActionSendAssociates ActionType = 76
	// ActionSendProficiencies (77): C→S login step for weapon skills; echo.
	ActionSendProficiencies ActionType = 77
	// ActionSendSpells (78): C→S login step for magic; echo.
	ActionSendSpells ActionType = 78
	// ActionChangeDirection (79): C→S turn: Data2 = current XY, Direction
	// = new facing; echo to self and observers.
	ActionChangeDirection ActionType = 79
	// ActionEmote (81): C→S emote: Data1 = emote id; shown to observers.
	ActionEmote ActionType = 81
	// ActionPortal (85): C→S the player stepped on a portal: Data1 = XY of
	// the portal; the server looks up its destination.
	ActionPortal ActionType = 85
	// ActionTeleport (86): S→C move to Data1 = map id, Data2 = XY(x, y),
	// facing Direction. Also the pull-back to the current spot.
	ActionTeleport ActionType = 86
	// ActionLevelUp (92): S→C the level-up effect on role ID, broadcast
	// (combat.md §3 "MsgAction subtypes for combat").
	ActionLevelUp ActionType = 92
	// ActionRevive (94): C→S a dead player asks to revive; S→C broadcast
	// when a player or monster (re)appears (ID, Data2 = XY).
	ActionRevive ActionType = 94
	// ActionSetPKMode (96): Data1 = 0 free, 1 safe, 2 team, 3 arrestment;
	// echo.
	ActionSetPKMode ActionType = 96
	// ActionConfirmGuild (97): C→S login step for the guild; echo.
	ActionConfirmGuild ActionType = 97
	// ActionQueryEntity (102): C→S Data1 = id of an entity the client
	// lacks; answer with its spawn (Player).
	ActionQueryEntity ActionType = 102
	// ActionMapARGB (104): S→C Data1 = map colour, Data2 = XY.
	ActionMapARGB ActionType = 104
	// ActionKickBack (108): S→C pull-back to x, y at @16/@18 (in Data2). In
	// every enum but sent by no source; servers pull back with
	// ActionTeleport.
	ActionKickBack ActionType = 108
	// ActionGetSurroundings (114): C→S sent at login before
	// ActionSendLocation; the server (re)sends everything in view.
	ActionGetSurroundings ActionType = 114
	// ActionOpenDialog (126): S→C opens a client window: ID = the player,
	// Data1 = the window (DialogWarehouse …), Data2 = XY of the player
	// (world-content.md §1.2: COPS's warehouseman script, CoEmu on a
	// storage-NPC click).
	ActionOpenDialog ActionType = 126
	// ActionLoginComplete (130): C→S last step of the login chain; echo.
	ActionLoginComplete ActionType = 130
	// ActionLeaveMap (132): S→C removes entity ID from the client's view
	// (CoEmu, Java, COPS; disputed, see ActionRemoveSpawn).
	ActionLeaveMap ActionType = 132
	// ActionJump (133): C→S Data1 = target XY, Data2 = current XY,
	// Direction = facing; echo to self and observers.
	ActionJump ActionType = 133
	// ActionRemoveSpawn (135): Comet's 5017 enum name for removing an
	// entity (never sent there); later patches' RemoveEntity. Send
	// ActionLeaveMap to 5017 clients.
	ActionRemoveSpawn ActionType = 135
	// ActionGhost (137): the character's death (CoEmu Ghost, Comet
	// CharacterDead); the sources do not describe its fields.
	ActionGhost ActionType = 137
	// ActionSynchro (138): C→S the client reports its position (Data1); the
	// server answers with ActionJump (COPS).
	ActionSynchro ActionType = 138
)

// Client windows ActionOpenDialog opens (Data1; WCO's window ids,
// world-content.md §1.2).
const (
	// DialogWarehouse (4) is the warehouse window; the client then asks for
	// the list (MsgPackage) and the money (MsgItem 9).
	DialogWarehouse uint32 = 4
)

// String returns the subtype's name without the Action prefix ("Jump"), or
// its number.
func (a ActionType) String() string {
	switch a {
	case ActionSendLocation:
		return "SendLocation"
	case ActionSendItems:
		return "SendItems"
	case ActionSendAssociates:
		return "SendAssociates"
	case ActionSendProficiencies:
		return "SendProficiencies"
	case ActionSendSpells:
		return "SendSpells"
	case ActionChangeDirection:
		return "ChangeDirection"
	case ActionEmote:
		return "Emote"
	case ActionPortal:
		return "Portal"
	case ActionTeleport:
		return "Teleport"
	case ActionLevelUp:
		return "LevelUp"
	case ActionRevive:
		return "Revive"
	case ActionSetPKMode:
		return "SetPKMode"
	case ActionConfirmGuild:
		return "ConfirmGuild"
	case ActionQueryEntity:
		return "QueryEntity"
	case ActionMapARGB:
		return "MapARGB"
	case ActionKickBack:
		return "KickBack"
	case ActionGetSurroundings:
		return "GetSurroundings"
	case ActionOpenDialog:
		return "OpenDialog"
	case ActionLoginComplete:
		return "LoginComplete"
	case ActionLeaveMap:
		return "LeaveMap"
	case ActionJump:
		return "Jump"
	case ActionRemoveSpawn:
		return "RemoveSpawn"
	case ActionGhost:
		return "Ghost"
	case ActionSynchro:
		return "Synchro"
	}
	return strconv.Itoa(int(a))
}
