package msg

import (
	"strconv"

	"github.com/coserver/coserver/wire"
)

// Npc is MsgNpc (2031), 16 bytes: mostly client to server, the player's
// click on an NPC (NpcActivate), which starts the NPC's dialog; the server
// sends it to remove or move an NPC. Java declares 24 bytes; decoding
// accepts any bytes after the 16 (world-content.md §1.2 and "Where the
// sources disagree": accept ≥ 16).
type Npc struct {
	// ID is the NPC's id.
	ID uint32
	// Data is the action's argument: an option, a packed position for
	// NpcChangePosition (XY, disputed), the look for NpcLay; 0 for a click.
	Data uint32
	// Action is what the packet does.
	Action NpcAction
	// Kind is the NPC's type as the client knows it (NpcInfo.Kind); servers
	// ignore it.
	Kind uint16
}

// Type returns wire.TypeNpc.
func (*Npc) Type() wire.Type { return wire.TypeNpc }

// Marshal reads or writes the body in wire order.
func (p *Npc) Marshal(c *wire.Codec) {
	c.U32(&p.ID, "ID")
	c.U32(&p.Data, "Data")
	c.U16((*uint16)(&p.Action), "Action")
	c.U16(&p.Kind, "Kind")
}

// NpcAction is Npc's action (COPS enum with TQ's comments, Wiki2, CoEmu).
type NpcAction uint16

// Npc actions.
const (
	// NpcActivate (0): C→S the player clicked the NPC.
	NpcActivate NpcAction = 0
	// NpcAdd (1): add an NPC; in the enums, used by no source.
	NpcAdd NpcAction = 1
	// NpcLeaveMap (2): S→C the NPC leaves the client's view.
	NpcLeaveMap NpcAction = 2
	// NpcDelete (3): C→S delete an NPC (furniture).
	NpcDelete NpcAction = 3
	// NpcChangePosition (4): both directions, the NPC moves to Data.
	NpcChangePosition NpcAction = 4
	// NpcLay (5): S→C the client starts placing an NPC (ID = region, Data =
	// look) and answers with MsgNpcInfo.
	NpcLay NpcAction = 5
	// NpcCancel (255): cancel the interaction (CoEmu, WCO only).
	NpcCancel NpcAction = 255
)

// String returns the action's name without the Npc prefix ("Activate"), or
// its number.
func (a NpcAction) String() string {
	switch a {
	case NpcActivate:
		return "Activate"
	case NpcAdd:
		return "Add"
	case NpcLeaveMap:
		return "LeaveMap"
	case NpcDelete:
		return "Delete"
	case NpcChangePosition:
		return "ChangePosition"
	case NpcLay:
		return "Lay"
	case NpcCancel:
		return "Cancel"
	}
	return strconv.Itoa(int(a))
}
