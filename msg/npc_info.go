package msg

import "github.com/coserver/coserver/wire"

// NpcInfo is MsgNpcInfo (2030), game server to client: the spawn of an NPC
// entering the screen. 19 bytes without a name, 20 + the name's length with
// one (CoEmu sends a name only for booths; Java always sends one).
type NpcInfo struct {
	// ID is the NPC's id (CoEmu: 1–700,000).
	ID uint32
	// X is the map column.
	X uint16
	// Y is the map row.
	Y uint16
	// Look is the mesh and facing.
	Look uint16
	// Kind is the NPC type (CoEmu): 1 shopkeeper, 2 task, 3 storage, 4
	// trunk, 5 face, 6 forge, 7 embed, 9 statuary, 10 guild flag, 14 booth,
	// 15 guild transport, 16 booth flag, 19 dice, 21/22/23 weapon/magic/bow
	// goal, 24 target, 25 furniture, 26 city gate, 27 neighbour gate.
	Kind uint16
	// Sort is a bit set: 1 task, 2 recycle, 4 scene, 8 link map, 16 die
	// action, 32 delete enable, 64 event, 128 table.
	Sort uint16
	// Name is the NPC's name; "" sends none (a string count of 0).
	Name string
}

// Type returns wire.TypeNpcInfo.
func (*NpcInfo) Type() wire.Type { return wire.TypeNpcInfo }

// Marshal reads or writes the body in wire order. Encoding writes a string
// count of 1 when Name is set and 0 when it is empty; decoding reads the
// name when the count is 1 or more (an empty name included) and ignores any
// further strings.
func (p *NpcInfo) Marshal(c *wire.Codec) {
	c.U32(&p.ID, "ID")
	c.U16(&p.X, "X")
	c.U16(&p.Y, "Y")
	c.U16(&p.Look, "Look")
	c.U16(&p.Kind, "Kind")
	c.U16(&p.Sort, "Sort")
	var n uint8
	if p.Name != "" {
		n = 1
	}
	c.ListCount(&n, "StringCount")
	if n == 0 {
		p.Name = "" // a decoded packet without a name
		return
	}
	c.ListString(&p.Name, "Name")
}
