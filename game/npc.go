package game

import "github.com/coserver/coserver/msg"

// NPCClickRange is how far from an NPC a player may click it or answer its
// dialog, on both axes: the view range (world-content.md policy; COPS 17).
const NPCClickRange = ViewRange

// NPC is a non-player character standing on a map: it is clicked, and its
// script talks. It belongs to its map's goroutine.
type NPC struct {
	place
	id     uint32
	name   string
	kind   uint16 // MsgNpcInfo type: 1 shop, 2 task, 3 warehouse, …
	look   uint16 // model × 10 + direction
	sort   uint16 // cq_npc sort bits
	face   uint16 // dialog face shown with its pages
	script string // the dialog it runs when clicked; "" for none
}

func (n *NPC) entityID() uint32 { return n.id }

// spawn encodes the NPC's MsgNpcInfo. The name is sent only for booths
// (kind 14), as CoEmu and COPS do: the client shows npc.ini's name.
func (n *NPC) spawn(m *Map) []byte {
	info := msg.NpcInfo{ID: n.id, X: n.x, Y: n.y, Look: n.look, Kind: n.kind, Sort: n.sort}
	if n.kind == npcKindBooth {
		info.Name = n.name
	}
	return m.encode(&info)
}

// NPC kinds the server treats specially (world-content.md §1.1).
const (
	npcKindShop      = 1
	npcKindWarehouse = 3
	npcKindBooth     = 14
)

// near reports whether (x, y) is within click range of the NPC.
func (n *NPC) near(x, y uint16) bool {
	return abs(int(x)-int(n.x)) <= NPCClickRange && abs(int(y)-int(n.y)) <= NPCClickRange
}
